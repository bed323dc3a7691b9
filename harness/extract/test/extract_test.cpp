// One test per trap real documentation sets (small inputs written for the test), and hostile input.
#include "extract/extract.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace conform::extract {
namespace {

fixture_set run(std::string_view text, std::string_view file = "api/page.md") {
  fixture_set set;
  extract_text(file, text, set);
  link(set);
  return set;
}

bool has_diag(const fixture_set& s, std::string_view code, std::size_t line = 0) {
  for (const auto& d : s.diagnostics)
    if (d.code == code && (line == 0 || d.line == line)) return true;
  return false;
}

constexpr std::string_view pair_text =
    "# Get user\n"
    "<!-- {\n"
    "  \"blockType\": \"request\",\n"
    "  \"name\": \"get_user\"\n"
    "}\n"
    "-->\n"
    "\n"
    "```http\n"
    "GET https://graph.microsoft.com/v1.0/users/{id | userPrincipalName}\n"
    "```\n"
    "<!-- { \"blockType\": \"response\", \"truncated\": \"true\", \"@odata.type\": \"Microsoft.Graph.User\" "
    "} -->\n"
    "```http\n"
    "HTTP/1.1 200 OK\n"
    "Content-type: application/json\n"
    "\n"
    "{\"@odata.type\": \"#microsoft.graph.user\", \"id\": \"1\"}\n"
    "```\n";

TEST(Annotations, BindAcrossBlankLinesAndMultiLineComments) {
  auto s = run(pair_text);
  ASSERT_EQ(s.fixtures.size(), 1u);
  const auto& f = s.fixtures[0];
  EXPECT_EQ(f.id, "page/get_user");
  EXPECT_EQ(f.request.url, "https://graph.microsoft.com/v1.0/users/{id | userPrincipalName}");
  EXPECT_TRUE(f.response.truncated);  // the string "true"
  EXPECT_TRUE(same_type(f.response.odata_type, "microsoft.graph.user"));
  EXPECT_EQ(f.line, 9u);
  EXPECT_EQ(f.response.line, 13u);
  EXPECT_TRUE(s.diagnostics.empty());
}

TEST(Annotations, LenientJsonIsAWarningAndValuesAreUsed) {
  auto s =
      run("<!-- { blockType: \"request\", name: \"n1\", } -->\n```http\nDELETE /me/events/{id}\n```\n"
          "<!-- { \"blockType\": \"response\", } -->\n```http\nHTTP/1.1 204 No Content\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  EXPECT_EQ(s.fixtures[0].id, "page/n1");
  EXPECT_TRUE(has_diag(s, "lenient-annotation", 1));
  EXPECT_EQ(s.fixtures[0].response.status, 204);
  EXPECT_EQ(s.fixtures[0].version, "v1.0");  // relative URL: the default version
}

TEST(Annotations, CollectionTypeAnyCaseAndKeys) {
  auto s = run(
      "<!-- {\"blockType\": \"request\"} -->\n```http\nGET /v1.0/users\n```\n"
      "<!-- {\"blockType\": \"response\", \"@odata.type\": \"COLLECTION(microsoft.graph.user)\", "
      "\"expectError\": false, \"optionalProperties\": [\"mail\"], \"nullableProperties\": [\"phone\"]} -->\n"
      "```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"value\": []}\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  const auto& f = s.fixtures[0];
  EXPECT_TRUE(f.response.is_collection);
  EXPECT_EQ(f.response.odata_type, "microsoft.graph.user");
  EXPECT_EQ(f.optional_properties, std::vector<std::string>{"mail"});
  EXPECT_EQ(f.nullable_properties, std::vector<std::string>{"phone"});
}

TEST(Annotations, NamedResponsePairsWithNamedRequest) {
  auto s =
      run("<!-- {\"blockType\": \"request\", \"name\": \"a\"} -->\n```http\nGET /v1.0/a\n```\n"
          "<!-- {\"blockType\": \"request\", \"name\": \"b\"} -->\n```http\nGET /v1.0/b\n```\n"
          "<!-- {\"blockType\": \"response\", \"name\": \"a\"} -->\n```http\nHTTP/1.1 200 OK\n```\n"
          "<!-- {\"blockType\": \"response\", \"name\": \"b\"} -->\n```http\nHTTP/1.1 202 Accepted\n```\n");
  ASSERT_EQ(s.fixtures.size(), 2u);
  EXPECT_EQ(s.fixtures[0].request.url, "/v1.0/a");
  EXPECT_EQ(s.fixtures[0].response.status, 200);
  EXPECT_EQ(s.fixtures[1].request.url, "/v1.0/b");
  EXPECT_EQ(s.fixtures[1].response.status, 202);
}

TEST(Unannotated, RequestAndResponseByFirstLine) {
  auto s =
      run("## Example\n```http\nPATCH https://graph.microsoft.com/beta/me\nContent-type: application/json\n\n"
          "{\"a\": 1}\n```\n``` http\nHTTP 204 No Content\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  EXPECT_EQ(s.fixtures[0].request.method, "PATCH");
  EXPECT_EQ(s.fixtures[0].version, "beta");
  EXPECT_EQ(s.fixtures[0].response.status, 204);
  EXPECT_EQ(s.fixtures[0].id, "page/example-1");
}

TEST(Unannotated, HttpRequestSectionHoldsTemplatesNotExamples) {
  auto s =
      run("## HTTP request\n<!-- {\"blockType\": \"ignored\"} -->\n```http\nGET /users/{id}\nGET /me\n```\n"
          "```http\nGET /groups/{id}\n```\n## Example\n```http\nGET /v1.0/users/42\n```\n"
          "```http\nHTTP/1.1 200 OK\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  EXPECT_EQ(s.fixtures[0].endpoint_templates,
            (std::vector<std::string>{"GET /users/{id}", "GET /me", "GET /groups/{id}"}));
  EXPECT_FALSE(has_diag(s, "unpaired-request"));
}

TEST(Fences, InfoStringsAndTildes) {
  for (std::string_view fence :
       {"```http", "```HTTP", "``` http", "```msgraph-interactive", "```", "~~~http"}) {
    std::string close = fence.starts_with("~") ? "~~~" : "```";
    std::string text = std::string(fence) + "\nGET /v1.0/me\n" + close + "\n" + std::string(fence) +
                       "\nHTTP/1.1 200\n" + close + "\n";
    auto s = run(text);
    ASSERT_EQ(s.fixtures.size(), 1u) << fence;
    EXPECT_EQ(s.fixtures[0].response.status, 200) << fence;
    EXPECT_TRUE(s.fixtures[0].response.reason.empty()) << fence;
  }
  // Other languages are not examples.
  EXPECT_TRUE(run("```json\nGET /v1.0/me\n```\n```json\nHTTP/1.1 200\n```\n").fixtures.empty());
}

TEST(StatusLines, FormsAndHeaderPlacement) {
  auto s =
      run("```http\nPOST /v1.0/x\n```\n```http\nHTTP 201 Created\n\nContent-Type: application/json\n"
          "Content-Length: 3\n{\"a\":1}\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  const auto& r = s.fixtures[0].response;
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.reason, "Created");
  ASSERT_EQ(r.headers.size(), 2u);
  ASSERT_TRUE(r.json);  // body directly after headers; Content-Length 3 ignored
  EXPECT_EQ(r.json->at("a").as_int64(), 1);
}

TEST(Bodies, RecoverableFaultsAreRepairedWithWarning) {
  auto s =
      run("```http\nGET /v1.0/x\n```\n```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n"
          "{\n  \"value\": [\n    {\"a\": 1},\n    ...\n  ],\n  \"b\":\xC2\xA0true,\n}\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  ASSERT_TRUE(s.fixtures[0].response.json);
  EXPECT_TRUE(s.fixtures[0].response.json->at("b").as_bool());
  EXPECT_TRUE(has_diag(s, "json-repaired", 8));
}

TEST(Bodies, UnrecoverableBodyIsErrorAndKeepsText) {
  auto s =
      run("```http\nGET /v1.0/x\n```\n```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n"
          "{\n  \"a\": 1,\n  \"b\": unquoted value\n}\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  EXPECT_FALSE(s.fixtures[0].response.json);
  EXPECT_NE(s.fixtures[0].response.body.find("unquoted value"), std::string::npos);
  EXPECT_TRUE(has_diag(s, "invalid-json-body", 10));
}

TEST(Bodies, BodyOnNoContentIsWarnedAndDropped) {
  auto s =
      run("```http\nPATCH /v1.0/x\n```\n```http\nHTTP/1.1 204 No Content\nContent-Type: application/json\n\n"
          "{\"a\": 1}\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  EXPECT_FALSE(s.fixtures[0].response.json);
  EXPECT_TRUE(s.fixtures[0].response.body.empty());
  EXPECT_TRUE(has_diag(s, "body-not-allowed", 8));
}

TEST(Bodies, NonJsonStaysText) {
  auto s = run(
      "```http\nGET /v1.0/x/$count\n```\n```http\nHTTP/1.1 200 OK\nContent-Type: text/plain\n\n893\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  EXPECT_FALSE(s.fixtures[0].response.json);
  EXPECT_EQ(s.fixtures[0].response.body, "893");
  EXPECT_TRUE(s.diagnostics.empty());
}

TEST(Urls, QueryWithSpacesAndAnglePlaceholdersAreFine) {
  auto s =
      run("```http\nGET https://graph.microsoft.com/v1.0/me/events?$filter=start ge '<timestamp>'\n```\n"
          "```http\nHTTP/1.1 200 OK\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  EXPECT_TRUE(s.fixtures[0].runnable);
  EXPECT_EQ(s.fixtures[0].request.url,
            "https://graph.microsoft.com/v1.0/me/events?$filter=start ge '<timestamp>'");
}

TEST(Urls, SpaceInPathIsBroken) {
  auto s = run("```http\nGET /v1.0/me/some thing\n```\n```http\nHTTP/1.1 200 OK\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  EXPECT_FALSE(s.fixtures[0].runnable);
  EXPECT_TRUE(has_diag(s, "broken-url", 2));
}

TEST(Pairing, UnpairedRequestAndResponseAreDiagnostics) {
  auto s = run("```http\nHTTP/1.1 200 OK\n```\n```http\nGET /v1.0/a\n```\n");
  EXPECT_TRUE(s.fixtures.empty());
  EXPECT_TRUE(has_diag(s, "unpaired-response", 2));
  EXPECT_TRUE(has_diag(s, "unpaired-request", 5));
}

TEST(PropertyTables, EnumsRequiredAndTypes) {
  auto s =
      run("|Property|Type|Description|\n|:--|:--|:--|\n"
          "|status|[operationStatus](../resources/x.md)|Possible values are: `notStarted`, `running`. "
          "Required.|\n"
          "|mode|String|Possible values are everyone, organization, and unknownFutureValue.|\n"
          "|state|Int32|State: 0 - `Not Ready`, 1 - `Ready`|\n"
          "|tags|String collection|Optional. Nullable.|\n"
          "|kind|**Private** or **Public**|The possible values are: **Private**, **Public**.|\n\n"
          "```http\nGET /v1.0/x\n```\n```http\nHTTP/1.1 200 OK\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  const auto& p = s.fixtures[0].properties;
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0].type, "operationStatus");
  EXPECT_EQ(p[0].enum_values, (std::vector<std::string>{"notStarted", "running"}));
  EXPECT_TRUE(p[0].required);
  EXPECT_EQ(p[1].enum_values, (std::vector<std::string>{"everyone", "organization", "unknownFutureValue"}));
  EXPECT_EQ(p[2].enum_values, (std::vector<std::string>{"Not Ready", "Ready"}));
  EXPECT_EQ(p[3].type, "Collection(String)");
  EXPECT_FALSE(p[3].required);
  EXPECT_TRUE(p[3].nullable);
  EXPECT_EQ(p[4].enum_values, (std::vector<std::string>{"Private", "Public"}));
}

TEST(PropertyTables, HeaderQueryAndNestedTablesAreNotTheTypesProperties) {
  auto s =
      run("## Request headers\n\n|Name|Type|Description|\n|---|---|---|\n|Authorization|string|Bearer token. "
          "Required.|\n\n"
          "## Optional query parameters\n\n|Parameter|Type|Description|\n|---|---|---|\n|$top|Int32|Page "
          "size.|\n\n"
          "## Request body\n\n|Property|Type|Description|\n|---|---|---|\n|displayName|String|Name. "
          "Required.|\n\n"
          "```http\nPOST /v1.0/x\n```\n```http\nHTTP/1.1 201 Created\n```\n");
  ASSERT_EQ(s.fixtures.size(), 1u);
  ASSERT_EQ(s.fixtures[0].properties.size(), 1u);
  EXPECT_EQ(s.fixtures[0].properties[0].name, "displayName");
  EXPECT_FALSE(
      s.fixtures[0].properties[0].required);  // required in the request, not promised in the response

  fixture_set set;
  extract_text("resources/policy.md",
               "# policy resource type\n## Properties\n|Property|Type|Description|\n|---|---|---|\n"
               "|definition|String collection|Rules. Required.|\n\n### Properties of a policy definition\n\n"
               "|Property|Type|Description|\n|---|---|---|\n|Version|Integer|Set to 1. Required.|\n",
               set);
  const type_def* t = set.find_type("policy");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->properties.size(), 1u);
  EXPECT_EQ(t->properties[0].name, "definition");
  EXPECT_TRUE(t->properties[0].required);
}

TEST(PropertyTables, EnumPagesSupplyMembersOfEnumTypedProperties) {
  fixture_set set;
  extract_text("resources/enums.md",
               "# Enum values\n\n### widgetColor values\n\n|Member|\n|:---|\n|red|\n|blue|\n", set);
  extract_text("resources/intune-shape.md",
               "# widgetShape enum type\n\n|Member|Value|Description|\n|:---|:---|:---|\n|round|0|Round.|\n"
               "|square|1|Square.|\n",
               set);
  extract_text("resources/widget.md",
               "# widget resource type\n## Properties\n|Property|Type|Description|\n|---|---|---|\n"
               "|color|[widgetColor](widgetcolor.md)|The color.|\n|shape|widgetShape|The shape.|\n"
               "|size|String|Possible values are: `s`, `m`.|\n",
               set);
  link(set);
  const type_def* w = set.find_type("microsoft.graph.widget");
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(w->properties.size(), 3u);
  EXPECT_EQ(w->properties[0].enum_values, (std::vector<std::string>{"red", "blue"}));
  EXPECT_EQ(w->properties[1].enum_values, (std::vector<std::string>{"round", "square"}));
  EXPECT_EQ(w->properties[2].enum_values, (std::vector<std::string>{"s", "m"}));  // its own list wins
}

TEST(PropertyTables, ResourcePageSuppliesTypeOfResponse) {
  fixture_set set;
  extract_text("resources/widget.md",
               "# widget resource type\n## Properties\n|Property|Type|Description|\n|---|---|---|\n"
               "|color|String|Possible values are: `red`, `blue`.|\n|size|Int32|Required.|\n",
               set);
  extract_text("api/widget-get.md",
               "```http\nGET /v1.0/widgets/1\n```\n<!-- "
               "{\"blockType\":\"response\",\"@odata.type\":\"microsoft.graph.widget\"} -->\n"
               "```http\nHTTP/1.1 200 OK\n```\n",
               set);
  link(set);
  ASSERT_NE(set.find_type("#Microsoft.Graph.Widget"), nullptr);
  ASSERT_EQ(set.fixtures.size(), 1u);
  const auto& props = set.properties_of(set.fixtures[0]);
  ASSERT_EQ(props.size(), 2u);
  EXPECT_EQ(props[0].enum_values, (std::vector<std::string>{"red", "blue"}));
  EXPECT_TRUE(props[1].required);
  EXPECT_TRUE(set.fixtures[0].properties.empty());  // shared with the type, not copied
  EXPECT_EQ(to_json(set).at("fixtures").at(0).at("properties").as_array().size(), 2u);
}

TEST(ODataType, DisagreementIsDiagnostic) {
  auto s =
      run("```http\nGET /v1.0/x\n```\n<!-- "
          "{\"blockType\":\"response\",\"@odata.type\":\"microsoft.graph.user\"} -->\n"
          "```http\nHTTP/1.1 200 OK\n\n{\"@odata.type\": \"#microsoft.graph.group\"}\n```\n");
  EXPECT_TRUE(has_diag(s, "odata-type-mismatch", 6));
  auto same =
      run("```http\nGET /v1.0/x\n```\n<!-- "
          "{\"blockType\":\"response\",\"@odata.type\":\"microsoft.graph.USER\"} -->\n"
          "```http\nHTTP/1.1 200 OK\n\n{\"@odata.type\": \"#microsoft.graph.user\"}\n```\n");
  EXPECT_FALSE(has_diag(same, "odata-type-mismatch"));
  ASSERT_EQ(same.fixtures.size(), 1u);
  EXPECT_EQ(same.fixtures[0].response.odata_type, "microsoft.graph.user");
}

// "Inherits from [x](x.md)." on a resource page names its type's base: the link's text, in the forms the
// Graph docs write it.
std::string base_of(std::string_view page, std::string_view type) {
  fixture_set s = run(page, "resources/page.md");
  const type_def* t = s.find_type(type);
  return t == nullptr ? std::string("(no type)") : t->base;
}

TEST(Inherits, ResourcePageNamesItsBase) {
  constexpr std::string_view props =
      "\n## Properties\n|Property|Type|Description|\n|---|---|---|\n|x|String||\n";
  auto page = [&](std::string_view intro) {
    return "# aadUserConversationMember resource type\n\nNamespace: microsoft.graph\n\n" +
           std::string(intro) + std::string(props);
  };
  EXPECT_EQ(base_of(page("Inherits from [conversationMember](conversationmember.md)."),
                    "aadUserConversationMember"),
            "conversationMember");
  EXPECT_EQ(
      base_of(
          page("Represents a user.\nThis type inherits from [conversationMember](conversationmember.md)."),
          "aadUserConversationMember"),
      "conversationMember");
  EXPECT_EQ(base_of(page("Inherits from [conversationMember](../resources/conversationmember.md)"),
                    "aadUserConversationMember"),
            "conversationMember");  // no period
  EXPECT_EQ(base_of(page("Inherits from\nthe [conversationMember](conversationmember.md) type."),
                    "aadUserConversationMember"),
            "conversationMember");  // across a line break, "the" before the link
  EXPECT_EQ(base_of(page("Inherits from base class [conversationMember](conversationmember.md)."),
                    "aadUserConversationMember"),
            "conversationMember");
  EXPECT_EQ(
      base_of(page("Derived from [conversationMember](conversationmember.md)."), "aadUserConversationMember"),
      "conversationMember");
  EXPECT_EQ(base_of(page("The **a** resource is derived from [**conversationMember**][cm].\n\n[cm]: cm.md"),
                    "aadUserConversationMember"),
            "conversationMember");  // bold inside a reference link
  // Link text that is no type name: the page linked to names it.
  EXPECT_EQ(base_of(page("Inherits from [Conversation Member](conversationmember.md)."),
                    "aadUserConversationMember"),
            "conversationmember");
  // The first statement is the page's.
  EXPECT_EQ(base_of(page("Inherits from [conversationMember](a.md).\n\nInherits from [entity](entity.md)."),
                    "aadUserConversationMember"),
            "conversationMember");
}

TEST(Inherits, OnlyALinkRightAfterThePhraseNamesABase) {
  constexpr std::string_view props = "\n## Properties\n|Property|Type|Description|\n|---|---|---|\n";
  auto page = [&](std::string_view intro, std::string_view rows = "|x|String||\n") {
    return "# widget resource type\n\n" + std::string(intro) + std::string(props) + std::string(rows);
  };
  EXPECT_EQ(base_of(page("A widget."), "widget"), "");
  EXPECT_EQ(base_of(page("Inherits from directoryObject."), "widget"), "");  // no link
  EXPECT_EQ(base_of(page("Values derived from descendants (like [childCount](x.md)) are kept."), "widget"),
            "");
  EXPECT_EQ(base_of(page("Inherits from the settings of the [parent](parent.md)."), "widget"), "");
  EXPECT_EQ(base_of(page("Inherits from `x` [entity](entity.md)."), "widget"), "");
  // Table cells ("Inherited from [x]" in a description), headings and code are not paragraphs.
  EXPECT_EQ(base_of(page("A widget.", "|x|String|Inherits from [entity](entity.md).|\n"), "widget"), "");
  EXPECT_EQ(base_of(page("## Inherits from [entity](entity.md)\n"), "widget"), "");
  EXPECT_EQ(base_of(page("```\nInherits from [entity](entity.md)\n```\n"), "widget"), "");
  // A type naming itself is no base (it would be a cycle).
  EXPECT_EQ(base_of(page("Inherits from [widget](widget.md)."), "widget"), "");
}

// Issue 12: an example whose @odata.type names a type derived from the annotated one is no mismatch (OData
// allows a derived instance wherever its base is declared). Whether it derives is known from the derived
// type's resource page, which may be read before or after the API page.
constexpr std::string_view member_api_page =
    "# Get member\n\n```http\nGET /v1.0/teams/1/members/2\n```\n"
    "<!-- {\"blockType\":\"response\",\"@odata.type\":\"microsoft.graph.conversationMember\"} -->\n"
    "```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n"
    "{\"@odata.type\": \"#microsoft.graph.aadUserConversationMember\", \"id\": \"2\"}\n```\n";
constexpr std::string_view aad_member_page =
    "# aadUserConversationMember resource type\n\nThis type inherits from "
    "[conversationMember](conversationmember.md).\n"
    "\n## Properties\n|Property|Type|Description|\n|---|---|---|\n|userId|String||\n";

TEST(Inherits, DerivedTypeInExampleIsNoODataTypeMismatch) {
  for (bool resource_first : {true, false}) {
    fixture_set set;
    if (resource_first) extract_text("resources/aaduserconversationmember.md", aad_member_page, set);
    extract_text("api/team-get-members.md", member_api_page, set);
    if (!resource_first) extract_text("resources/aaduserconversationmember.md", aad_member_page, set);
    link(set);
    EXPECT_FALSE(has_diag(set, "odata-type-mismatch"))
        << (resource_first ? "resource page first" : "API page first");
    ASSERT_EQ(set.fixtures.size(), 1u);
    EXPECT_EQ(set.fixtures[0].response.odata_type, "microsoft.graph.conversationMember");
    link(set);  // linking again changes nothing
    EXPECT_FALSE(has_diag(set, "odata-type-mismatch"));
  }
}

TEST(Inherits, UnrelatedTypeInExampleIsStillAMismatch) {
  // Without the resource page nothing says aadUserConversationMember derives from conversationMember.
  auto alone = run(member_api_page);
  EXPECT_TRUE(has_diag(alone, "odata-type-mismatch", 8));
  // A type derived from another base, and the base shown where its derived type is declared.
  fixture_set set;
  extract_text("resources/aaduserconversationmember.md", aad_member_page, set);
  std::string other(member_api_page);
  other.replace(other.find("conversationMember\"}"), std::strlen("conversationMember"), "directoryObject");
  extract_text("api/other.md", other, set);
  std::string reverse =
      "```http\nGET /v1.0/x\n```\n"
      "<!-- {\"blockType\":\"response\",\"@odata.type\":\"microsoft.graph.aadUserConversationMember\"} -->\n"
      "```http\nHTTP/1.1 200 OK\n\n{\"@odata.type\": \"#microsoft.graph.conversationMember\"}\n```\n";
  extract_text("api/reverse.md", reverse, set);
  link(set);
  std::vector<std::string> said;
  for (const auto& d : set.diagnostics)
    if (d.code == "odata-type-mismatch") said.push_back(d.file + ":" + std::to_string(d.line));
  EXPECT_EQ(said, (std::vector<std::string>{"api/other.md:8", "api/reverse.md:6"}));
  for (const auto& d : set.diagnostics) {
    if (d.file == "api/other.md" && d.code == "odata-type-mismatch") {
      EXPECT_EQ(d.message,
                "annotation says @odata.type 'microsoft.graph.directoryObject' but the example body says "
                "'microsoft.graph.aadUserConversationMember'");
    }
  }
}

// A code block's line when md4c hands over no pointer into the page for it: no info string and a blank or
// indented first line, or an info string md4c copied (an entity in it).
TEST(Lines, CodeBlockLineWithoutAPointerOnTheFenceLine) {
  auto request_line = [](std::string_view text) {
    fixture_set s = run(text);
    return s.fixtures.empty() ? std::size_t{0} : s.fixtures.front().request.line;
  };
  EXPECT_EQ(
      request_line(
          "# T\n\n```\n\nGET https://graph.microsoft.com/v1.0/me\n```\n```\nHTTP/1.1 204 No Content\n```\n"),
      5u);
  EXPECT_EQ(
      request_line(
          "# T\n\n```http &#32;x\nGET https://graph.microsoft.com/v1.0/me\n```\n```http\nHTTP/1.1 204 No "
          "Content\n```\n"),
      4u);
  EXPECT_EQ(request_line("# T\n\n```\n  GET https://graph.microsoft.com/v1.0/me\n```\n```\nHTTP/1.1 204 No "
                         "Content\n```\n"),
            4u);
}

TEST(Encoding, BomAndCrlf) {
  std::string text =
      "\xEF\xBB\xBF<!-- {\"blockType\": \"request\"} -->\r\n```http\r\nGET /v1.0/me\r\n```\r\n"
      "```http\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"a\": 1}\r\n```\r\n";
  auto s = run(text);
  ASSERT_EQ(s.fixtures.size(), 1u);
  EXPECT_EQ(s.fixtures[0].request.url, "/v1.0/me");
  EXPECT_EQ(s.fixtures[0].line, 3u);
  ASSERT_TRUE(s.fixtures[0].response.json);
  EXPECT_EQ(s.fixtures[0].response.headers[0].value, "application/json");
}

TEST(Hostile, NeverCrashesOrHangs) {
  std::vector<std::string> inputs;
  inputs.emplace_back("");
  inputs.emplace_back(std::string("\x00\x01\xff\xfe\x80", 5));
  inputs.emplace_back(std::string(10 * 1024 * 1024, 'x'));  // a 10 MB line
  inputs.emplace_back("```http\nGET /v1.0/x\n");            // unclosed fence
  inputs.emplace_back(
      "<!-- { \"blockType\": \"request\"\n```http\nGET /v1.0/x\n```\n");  // unterminated comment
  inputs.emplace_back("```http\nGET /v1.0/x\n```\n```http\nHTTP/1.1 200 OK\n\n" + std::string(100000, '[') +
                      std::string(100000, ']') + "\n```\n");  // deeply nested JSON
  inputs.emplace_back(
      "```http\nGET /v1.0/\xff\xfe\n```\n```http\nHTTP/1.1 200 OK\n\n{\"a\": \"\xc3\x28\"}\n```\n");
  inputs.emplace_back(std::string(50000, '>') + " deep quote");
  inputs.emplace_back(std::string(20000, '|') + "\n|--|\n");
  std::mt19937 rng(42);
  for (int i = 0; i < 50; ++i) {
    std::string r(4096, '\0');
    const char alphabet[] = "`~<!-{}[]\"|:\n #HTTP/1.1 200GET*\\\xc2\xa0";
    for (auto& c : r) c = alphabet[rng() % (sizeof(alphabet) - 1)];
    inputs.push_back(std::move(r));
  }
  for (const auto& in : inputs) {
    fixture_set s;
    extract_text("hostile.md", in, s);
    link(s);
    auto doc = to_json(s);  // serialisable, even with invalid UTF-8 inside
    EXPECT_TRUE(doc.is_object());
  }
  fixture_set deep;
  extract_text("deep.md", inputs[5], deep);
  EXPECT_TRUE(has_diag(deep, "invalid-json-body"));
  fixture_set unterminated;
  extract_text("u.md", inputs[4], unterminated);
  EXPECT_TRUE(has_diag(unterminated, "unterminated-comment", 1));
}

TEST(Output, JsonDocumentHasContractKeys) {
  auto s = run(pair_text);
  auto doc = to_json(s).as_object();
  const auto& f = doc.at("fixtures").as_array().at(0).as_object();
  for (const char* key :
       {"id", "source", "version", "runnable", "not_runnable_reason", "request", "response", "properties"})
    EXPECT_TRUE(f.contains(key)) << key;
  EXPECT_EQ(f.at("source").at("line").to_number<std::uint64_t>(), 9u);
  for (const char* key : {"method", "url", "headers", "body"})
    EXPECT_TRUE(f.at("request").as_object().contains(key));
  for (const char* key : {"status", "headers", "body", "truncated", "odata_type"})
    EXPECT_TRUE(f.at("response").as_object().contains(key));
  EXPECT_EQ(f.at("response").at("odata_type").as_string().find('#'), std::string::npos);
}

// Reading pages: a directory named as a page, a page over the size limit, a page that is a pipe (read to its
// end, though a pipe may hand over its bytes in several short reads).
struct temp_dir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("conform-extract-test-" + std::to_string(::getpid()));
  temp_dir() { std::filesystem::create_directories(path); }
  ~temp_dir() { std::filesystem::remove_all(path); }
};

TEST(Reading, UnopenableFileIsADiagnosticAndTheRunGoesOn) {
  temp_dir t;
  std::ofstream(t.path / "ok.md") << pair_text;
  // A Unix socket exists but cannot be opened for reading, even by root.
  auto sock = t.path / "page.sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock.string().size(), sizeof addr.sun_path);
  std::strcpy(addr.sun_path, sock.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  fixture_set set;
  std::vector<std::string> missing;
  extract_paths({sock.string(), (t.path / "ok.md").string()}, set, missing);
  ::close(fd);
  EXPECT_TRUE(missing.empty());
  EXPECT_TRUE(has_diag(set, "unreadable-file"));
  EXPECT_EQ(set.fixtures.size(), 1u);
  EXPECT_EQ(set.files_read, 1u);
}

TEST(Reading, PageOverTheLimitIsADiagnosticWithItsSize) {
  temp_dir t;
  std::string big(300000, 'a');
  std::ofstream(t.path / "big.md") << big;
  std::ofstream(t.path / "small.md") << pair_text;
  fixture_set set;
  std::vector<std::string> missing;
  options opts;
  opts.max_file_bytes = 100000;
  extract_paths({t.path.string()}, set, missing, opts);
  ASSERT_TRUE(has_diag(set, "file-too-large"));
  for (const auto& d : set.diagnostics) {
    if (d.code == "file-too-large") {
      EXPECT_NE(d.message.find("file is 300000 bytes"), std::string::npos) << d.message;
    }
  }
  EXPECT_EQ(set.fixtures.size(), 1u);
}

TEST(Reading, PipeIsReadToItsEnd) {
  temp_dir t;
  auto fifo = t.path / "page.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string text(pair_text);
  text += std::string(200000, ' ') + "\n";  // more than one pipe buffer: the reader sees several short reads
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);
    for (std::size_t i = 0; i < text.size(); i += 4096)
      out.write(text.data() + i, static_cast<std::streamsize>(std::min<std::size_t>(4096, text.size() - i))),
          out.flush();
  });
  fixture_set set;
  std::vector<std::string> missing;
  extract_paths({fifo.string()}, set, missing);
  writer.join();
  EXPECT_EQ(set.bytes_read, text.size());
  EXPECT_EQ(set.fixtures.size(), 1u);
}

}  // namespace
}  // namespace conform::extract
