// URL resolution: a table of real Graph URLs against the excerpt, and every documented URL of the corpus
// against the real CSDL.
#include "csdl/resolve.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace conform::csdl {
namespace {

namespace fs = std::filesystem;

const fs::path real_path = fs::path(CONFORM_SHARED_DIR) / "corpus/metadata/v1.0.csdl";
const fs::path api_dir = fs::path(CONFORM_SHARED_DIR) / "corpus/graph-docs-v1.0/api";

const document* real() {
  static const parse_result r = fs::exists(real_path) ? load(real_path) : parse_result{};
  return r.doc ? &*r.doc : nullptr;
}

const document& excerpt() {
  static const parse_result r =
      load(fs::path(CONFORM_SOURCE_DIR) / "harness/csdl/test/data/graph-excerpt.csdl");
  if (!r.doc) ADD_FAILURE() << r.error;
  return *r.doc;
}

using k = resource_kind;

// One URL and what it must resolve to. `hint`: for unresolved, a part of the reason; else a part of a note,
// or "" when the URL is strictly OData (no notes at all).
struct expected {
  const char* url;
  resource_kind kind;
  const char* type;
  bool collection;
  const char* entity_set;
  const char* hint;
};

std::ostream& operator<<(std::ostream& os, const expected& e) {
  return os << e.url;
}

void check(const document& d, const expected& e) {
  const resolution r = resolve(d, e.url);
  std::string notes;
  for (const std::string& n : r.notes) notes += "\n  note: " + n;
  SCOPED_TRACE(std::string(e.url) + " -> " + std::string(to_string(r.kind)) + " " + r.type +
               (r.is_collection ? "[]" : "") + " set=" + r.entity_set + " reason=" + r.reason + notes);
  EXPECT_EQ(r.kind, e.kind);
  if (e.kind == k::unresolved) {
    EXPECT_NE(r.reason.find(e.hint), std::string::npos);
    EXPECT_EQ(r.type, "");
    return;
  }
  EXPECT_EQ(r.type, e.type);
  EXPECT_EQ(r.is_collection, e.collection);
  EXPECT_EQ(r.entity_set, e.entity_set);
  EXPECT_EQ(r.reason, "");
  if (std::string_view(e.hint).empty()) {
    EXPECT_TRUE(r.notes.empty());
  } else {
    EXPECT_NE(notes.find(e.hint), std::string::npos);
  }
}

// Against the excerpt in the repository: runs everywhere.
const expected excerpt_cases[] = {
    {"https://graph.microsoft.com/v1.0/users", k::collection, "microsoft.graph.user", true, "users", ""},
    {"/v1.0/users/{id}", k::entity, "microsoft.graph.user", false, "users", ""},
    {"/users('{id}')", k::entity, "microsoft.graph.user", false, "users", ""},
    {"users/8a6b3b6a-3a1d-4e2c-9f1b-6e2f7c0b1a2d", k::entity, "microsoft.graph.user", false, "users", ""},
    {"/beta/users/{id | userPrincipalName}?$select=displayName", k::entity, "microsoft.graph.user", false,
     "users", ""},
    {"/Users/{id}", k::entity, "microsoft.graph.user", false, "users",
     "'Users' matched 'users' ignoring case"},
    {"/me", k::entity, "microsoft.graph.user", false, "me", ""},
    {"/me/manager", k::entity, "microsoft.graph.directoryObject", false, "directoryObjects", ""},
    {"/users/{id}/memberOf/microsoft.graph.group", k::collection, "microsoft.graph.group", true,
     "directoryObjects", ""},
    {"/devices/{id}/registeredOwners", k::collection, "microsoft.graph.directoryObject", true,
     "directoryObjects", ""},
    {"/groups/{id}/members/graph.user/$count", k::count, "Edm.Int32", false, "", ""},
    {"/groups/{id}/members/$ref", k::ref, "microsoft.graph.directoryObject", true, "directoryObjects", ""},
    {"/groups/{id}/members/{id}/$ref", k::ref, "microsoft.graph.directoryObject", false, "directoryObjects",
     ""},
    {"/users/delta()", k::collection, "microsoft.graph.user", true, "", ""},
    {"/users/microsoft.graph.delta", k::collection, "microsoft.graph.user", true, "", "without parentheses"},
    {"/directoryObjects/getByIds", k::collection, "microsoft.graph.directoryObject", true, "directoryObjects",
     ""},
    // Bound to Collection(directoryObject), called on users: found on the base type, EntitySetPath keeps
    // "users".
    {"/users/getByIds", k::collection, "microsoft.graph.directoryObject", true, "users", ""},
    {"/me/changePassword", k::action_void, "", false, "", ""},
    {"/users/{id}/getMemberGroups", k::primitive, "Edm.String", true, "", ""},
    {"/users/{id}/assignLicense", k::entity, "microsoft.graph.user", false, "", ""},
    {"/users/{id}/displayName", k::property, "Edm.String", false, "", ""},
    {"/users/{id}/displayName/$value", k::value, "Edm.String", false, "", ""},
    {"/users/{id}/passwordProfile", k::complex, "microsoft.graph.passwordProfile", false, "", ""},
    {"/users/{id}/passwordProfile/forceChangePasswordNextSignIn", k::property, "Edm.Boolean", false, "", ""},
    {"/users/{id}/businessPhones/$count", k::count, "Edm.Int32", false, "", ""},
    {"/me/mailboxSettings/workingHours/daysOfWeek", k::property, "microsoft.graph.dayOfWeek", true, "", ""},
    {"/me/photo/$value", k::value, "Edm.Stream", false, "", ""},
    {"/me/mailFolders('inbox')/messages/{id}", k::entity, "microsoft.graph.message", false, "", ""},
    {"/me/mailFolders/{id}/childFolders/{id}/.../messages", k::collection, "microsoft.graph.message", true,
     "", "'...' skipped"},
    {"/me/messages/{id}/$value", k::value, "Edm.Stream", false, "", "which has no stream"},
    {"/deviceManagement/deviceConfigurations", k::collection, "microsoft.graph.deviceConfiguration", true, "",
     ""},
    {"/deviceManagement/deviceConfigurations/{id}/microsoft.graph.windows10GeneralConfiguration", k::entity,
     "microsoft.graph.windows10GeneralConfiguration", false, "", ""},
    {"/deviceManagement/deviceConfigurations/{id}/defenderScanType", k::property,
     "microsoft.graph.defenderScanType", false, "",
     "declared on microsoft.graph.windows10GeneralConfiguration"},
    {"/users/{id}/nope", k::unresolved, "", false, "",
     "'nope' (segment 3): no property, navigation or bound"},
    {"/nope", k::unresolved, "", false, "", "'nope' (segment 1): no entity set, singleton"},
    {"/users/{id}/microsoft.graph.device", k::unresolved, "", false, "",
     "not derived from microsoft.graph.user"},
    {"/users/{id}/$count", k::unresolved, "", false, "", "$count on a single value"},
    {"/users/{id}/getByIds", k::unresolved, "", false, "", "'getByIds' (segment 3)"},
    {"/me/changePassword/more", k::unresolved, "", false, "", "nothing can follow action-void"},
    {"/me/drive", k::unresolved, "", false, "", "microsoft.graph.drive, which the document does not declare"},
    {"/me/reminderView(startDateTime='a',endDateTime='b')", k::unresolved, "", false, "",
     "returns microsoft.graph.reminder, which the document does not declare"},
    {"/me('x')", k::unresolved, "", false, "", "a singleton takes no key"},
    {"/users/{id}/passwordProfile/$value", k::unresolved, "", false, "", "$value on a complex"},
    {"https://graph.microsoft.com/v1.0/", k::unresolved, "", false, "", "the service root"},
    {"/$metadata", k::unresolved, "", false, "", "not a resource path"},
};

class CsdlResolveExcerpt : public testing::TestWithParam<expected> {};
TEST_P(CsdlResolveExcerpt, Resolves) {
  check(excerpt(), GetParam());
}
INSTANTIATE_TEST_SUITE_P(Graph, CsdlResolveExcerpt, testing::ValuesIn(excerpt_cases));

// Real Graph URLs from the corpus pages against the real v1.0 CSDL.
const expected real_cases[] = {
    {"GET https://graph.microsoft.com/v1.0/me/drive/root/children", k::collection,
     "microsoft.graph.driveItem", true, "", ""},
    {"/me/drive/root:/FolderA/FileB.txt:/content", k::value, "Edm.Stream", false, "",
     "path-based addressing"},
    {"/groups/{group-id}/drive/items/{parent-id}:/{filename}:/content", k::value, "Edm.Stream", false, "",
     "'{parent-id}:' path-based addressing read as one microsoft.graph.driveItem"},
    {"/drives/{drive-id}/root:/{item-path}", k::entity, "microsoft.graph.driveItem", false, "",
     "path-based addressing"},
    {"/sites/{hostname}:/{server-relative-path}", k::entity, "microsoft.graph.site", false, "",
     "path-based addressing"},
    {"/sites/root", k::entity, "microsoft.graph.site", false, "sites", ""},
    {"/me/drive/items/{item-id}/content", k::value, "Edm.Stream", false, "", ""},
    {"/drives/{drive-id}/items/{item-id}/versions/{version-id}/content", k::value, "Edm.Stream", false, "",
     ""},
    {"/me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:B2')", k::entity,
     "microsoft.graph.workbookRange", false, "", ""},
    {"/me/drive/items/{id}/workbook/worksheets('Sheet1')/range(address='A1:B2')/format/font", k::entity,
     "microsoft.graph.workbookRangeFont", false, "", ""},
    {"/me/drive/items/{id}/workbook/names/{name}/range", k::entity, "microsoft.graph.workbookRange", false,
     "", "function 'range' called without parentheses"},
    {"/reports/getEmailActivityUserDetail(period='D7')", k::value, "Edm.Stream", false, "", ""},
    {"https://graph.microsoft.com/v1.0/chats/19:2da4c29f6d7041eca70b638b43d45437@thread.v2/messages",
     k::collection, "microsoft.graph.chatMessage", true, "", ""},
    {"/teams/{team-id}/channels/{channel-id}/messages/{message-id}/replies", k::collection,
     "microsoft.graph.chatMessage", true, "", ""},
    {"/me/calendarView?startDateTime=2017-01-01T19:00:00.0000000&endDateTime=2017-01-07T19:00:00.0000000",
     k::collection, "microsoft.graph.event", true, "", ""},
    {"/me/calendargroups/{id}/calendars", k::collection, "microsoft.graph.calendar", true, "",
     "'calendargroups' matched 'calendarGroups' ignoring case"},
    {"/me/events/{id}/attachments/{id}/$value", k::value, "Edm.Stream", false, "", "which has no stream"},
    {"/me/mailFolders/{id}/childFolders/{id}/.../messages/{id}/attachments/{id}", k::entity,
     "microsoft.graph.attachment", false, "", "'...' skipped"},
    {"/me/photos/48x48/$value", k::value, "Edm.Stream", false, "", ""},
    {"/education/classes/{id}/members", k::collection, "microsoft.graph.educationUser", true,
     "education/users", ""},
    {"/education/me/rubrics/ceb3863e-6912-4ea9-ac41-3c2bb7b6672d", k::entity,
     "microsoft.graph.educationRubric", false, "", ""},
    {"/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/email", k::entity,
     "microsoft.graph.authenticationMethodConfiguration", false, "", ""},
    {"/identityGovernance/accessReviews/definitions/{id}/instances/{id}/decisions", k::collection,
     "microsoft.graph.accessReviewInstanceDecisionItem", true, "", ""},
    {"/security/alerts_v2/{id}", k::entity, "microsoft.graph.security.alert", false, "", ""},
    {"/security/alerts/{alert_id}", k::entity, "microsoft.graph.alert", false, "", ""},
    {"/servicePrincipals(appId='{appId}')", k::entity, "microsoft.graph.servicePrincipal", false,
     "servicePrincipals", ""},
    {"/applications/{id}/owners/{id}/$ref", k::ref, "microsoft.graph.directoryObject", false,
     "directoryObjects", ""},
    {"/applications/delta", k::collection, "microsoft.graph.application", true, "", "without parentheses"},
    {"/applications/{id}/addPassword", k::complex, "microsoft.graph.passwordCredential", false, "", ""},
    {"/communications/calls/{id}/answer", k::action_void, "", false, "", ""},
    {"/me/onenote/notebooks/GetNotebookFromWebUrl", k::complex, "microsoft.graph.CopyNotebookModel", false,
     "", "ignoring case"},
    {"/users/{id}/onPremisesExtensionAttributes/extensionAttribute1", k::property, "Edm.String", false, "",
     ""},
    {"/users/{id}/assignedLicenses/$count", k::count, "Edm.Int32", false, "", ""},
    {"/sites/{site-id}/items/{item-id}/versions", k::collection, "microsoft.graph.driveItemVersion", true, "",
     "'versions' is declared on microsoft.graph.driveItem"},
    {"/users/{id | userPrincipalName}/joinedGroups/{id}/photos", k::unresolved, "", false, "",
     "'joinedGroups' (segment 3)"},
    {"/me/drive/items/{id}/workbook/tables/{id|name}/sort/fields/icon", k::unresolved, "", false, "",
     "a collection of microsoft.graph.workbookSortField has no keys"},
    {"/education/classes/{id}/assignmentCategories/$entity", k::unresolved, "", false, "",
     "unknown system segment"},
};

class CsdlResolveReal : public testing::TestWithParam<expected> {};
TEST_P(CsdlResolveReal, Resolves) {
  const document* d = real();
  if (d == nullptr) GTEST_SKIP() << real_path << " absent";
  const expected& e = GetParam();
  // The corpus holds the lines as documented ("GET https://..."): resolve takes the URL.
  expected url_only = e;
  std::string_view u = e.url;
  if (auto sp = u.find(' '); sp != std::string_view::npos && u.substr(0, sp) == "GET")
    url_only.url = e.url + sp + 1;
  check(*d, url_only);
}
INSTANTIATE_TEST_SUITE_P(Graph, CsdlResolveReal, testing::ValuesIn(real_cases));

TEST(CsdlResolve, PathSegments) {
  EXPECT_EQ(
      path_segments("https://graph.microsoft.com/v1.0/me/drive/items/{id}/workbook/worksheets('Sheet1')/"
                    "range(address='A1:B2')?$select=x"),
      (std::vector<std::string>{"me", "drive", "items", "{id}", "workbook", "worksheets('Sheet1')",
                                "range(address='A1:B2')"}));
  EXPECT_EQ(path_segments("/beta/users//%24count/"), (std::vector<std::string>{"users", "$count"}));
  EXPECT_EQ(path_segments("users"), (std::vector<std::string>{"users"}));
  EXPECT_EQ(path_segments("  /v1.0/sites/getByPath(path='/a/b')#frag"),
            (std::vector<std::string>{"sites", "getByPath(path='/a/b')"}));
  EXPECT_EQ(path_segments("/users/{id | userPrincipalName}/photo"),
            (std::vector<std::string>{"users", "{id | userPrincipalName}", "photo"}));
  EXPECT_EQ(path_segments("/users?$filter=startswith(displayName,'a/b')"),
            (std::vector<std::string>{"users"}));
  EXPECT_TRUE(path_segments("https://graph.microsoft.com").empty());
}

TEST(CsdlResolve, FunctionImportsAndOverloads) {
  const parse_result r = parse(R"xml(<edmx:Edmx xmlns:edmx="x"><edmx:DataServices>
    <Schema Namespace="ns" Alias="a">
      <EntityType Name="item"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String"/></EntityType>
      <Function Name="top"><ReturnType Type="Collection(a.item)"/></Function>
      <Function Name="find" IsBound="true"><Parameter Name="b" Type="Collection(a.item)"/>
        <Parameter Name="name" Type="Edm.String"/><ReturnType Type="a.item"/></Function>
      <Function Name="find" IsBound="true"><Parameter Name="b" Type="Collection(a.item)"/>
        <Parameter Name="size" Type="Edm.Int32"/><ReturnType Type="Edm.Int64"/></Function>
      <Action Name="reset"><ReturnType Type="Edm.Boolean"/></Action>
      <EntityContainer Name="svc">
        <EntitySet Name="items" EntityType="a.item"/>
        <FunctionImport Name="top" Function="a.top" EntitySet="items"/>
        <ActionImport Name="reset" Action="ns.reset"/>
      </EntityContainer>
    </Schema></edmx:DataServices></edmx:Edmx>)xml");
  ASSERT_TRUE(r.doc) << r.error;
  const document& d = *r.doc;
  check(d, {"/top()", k::collection, "ns.item", true, "items", ""});
  check(d, {"/top()/{id}", k::entity, "ns.item", false, "items", ""});
  check(d, {"/reset", k::primitive, "Edm.Boolean", false, "", ""});
  check(d, {"/items/find(name='x')", k::entity, "ns.item", false, "", ""});
  check(d, {"/items/a.find(size=3)", k::primitive, "Edm.Int64", false, "", ""});
}

TEST(CsdlResolve, NeverThrowsOnOddInput) {
  const document& d = excerpt();
  for (const char* url :
       {"", "/", "//", "'", "(", ")", "/users(", "/users('x", "/users/{", "/users/%", "/users/%zz",
        "/users/{id}/:", "/users/:", ":", "/me/...", "...",
        "/users/{id}/passwordProfile:", "/users/{id}/displayName:/x:", "/me/mailFolders/{id}:/a/b"}) {
    SCOPED_TRACE(url);
    const resolution r = resolve(d, url);
    if (r.kind == resource_kind::unresolved) {
      EXPECT_FALSE(r.reason.empty());
    }
  }
}

// Method + URL lines inside ```http blocks of every API page: the examples and the "HTTP request" templates.
std::vector<std::string> documented_urls() {
  std::vector<fs::path> pages;
  for (const auto& e : fs::directory_iterator(api_dir))
    if (e.path().extension() == ".md") pages.push_back(e.path());
  std::sort(pages.begin(), pages.end());
  std::vector<std::string> urls;
  for (const fs::path& page : pages) {
    std::ifstream in(page);
    std::string line;
    bool http = false;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::string_view l = line;
      while (!l.empty() && l.front() == ' ') l.remove_prefix(1);
      if (l.substr(0, 3) == "```") {
        http = !http && l.substr(3, 4) == "http";
        continue;
      }
      if (!http) continue;
      for (std::string_view method : {"GET ", "POST ", "PATCH ", "PUT ", "DELETE "})
        if (l.substr(0, method.size()) == method) {
          std::string_view url = l.substr(method.size());
          if (auto v = url.find(" HTTP/"); v != std::string_view::npos) url = url.substr(0, v);
          urls.emplace_back(url);
        }
    }
  }
  return urls;
}

TEST(CsdlCorpus, ResolvesTheDocumentedUrls) {
  const document* d = real();
  if (d == nullptr || !fs::exists(api_dir)) GTEST_SKIP() << "corpus absent";
  const std::vector<std::string> urls = documented_urls();
  ASSERT_GT(urls.size(), 3000u);
  std::map<std::string, std::size_t> reasons;
  std::map<std::string, std::size_t> kinds;
  std::size_t resolved = 0, noted = 0, elsewhere = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& url : urls) {
    // Callbacks to a bot, upload sessions on 1drv.com, file locations: documented, but not Graph's resources.
    if (url.find("://") != std::string::npos && url.find("://graph.microsoft.com/") == std::string::npos) {
      ++elsewhere;
      continue;
    }
    const resolution r = resolve(*d, url);
    ++kinds[std::string(to_string(r.kind))];
    if (r.kind == resource_kind::unresolved) {
      ++reasons[r.reason];  // each URL with its reason: scripts/bench-csdl's conform_csdl_bench --show
    } else {
      ++resolved;
      if (!r.notes.empty()) ++noted;
    }
  }
  const double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  const std::size_t graph = urls.size() - elsewhere;
  const double rate = 100.0 * static_cast<double>(resolved) / static_cast<double>(graph);
  std::printf(
      "resolved %zu of %zu documented Graph URLs (%.1f %%), %zu with notes; %.2f us per URL (this "
      "build); %zu URLs on other hosts left out\n",
      resolved, graph, rate, noted, us / static_cast<double>(graph), elsewhere);
  for (const auto& [kind, n] : kinds) std::printf("  %-12s %zu\n", kind.c_str(), n);
  std::vector<std::pair<std::size_t, std::string>> top;
  for (const auto& [r, n] : reasons) top.emplace_back(n, r);
  std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::printf("top unresolved reasons:\n");
  for (std::size_t i = 0; i < top.size() && i < 25; ++i)
    std::printf("  %4zu  %s\n", top[i].first, top[i].second.c_str());
  // Measured 99.2 % (3,282 of 3,308); what stays unresolved are the docs' own slips (a property read as a
  // key, an operation on the wrong binding, joinedGroups which v1.0 no longer has).
  EXPECT_GE(rate, 98.0);
  // Generous for Debug and sanitizer builds; the Release figure is in docs/benchmarks.md.
  EXPECT_LT(us / static_cast<double>(graph), 500.0);
}

}  // namespace
}  // namespace conform::csdl
