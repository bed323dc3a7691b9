#include "check/check.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace conform::check {
namespace {

namespace json = boost::json;

// The seed 004 page (create commsOperation): table with status enum and a resultInfo complex property.
fixture comms_fixture() {
  fixture f;
  f.id = "create-commsoperation/create_commsoperation_from_";
  f.page = "create-commsoperation";
  f.file = "api/create-commsoperation.md";
  f.line = 80;
  f.response.status = 201;
  f.response.truncated = true;
  f.response.odata_type = "microsoft.graph.commsoperation";
  f.response.body = R"j({
    "@odata.type": "#microsoft.graph.commsOperation",
    "id": "b571cdaa-cdaa-b571-aacd-71b5aacd71b5",
    "status": "String",
    "clientContext": "Client Context value",
    "resultInfo": {
      "@odata.type": "microsoft.graph.ResultInfo",
      "code": 4,
      "subcode": 7,
      "message": "Message value"
    }
  })j";
  f.response.json = json::parse(f.response.body);
  f.properties = {
      {"id", "String", {}, false, false},
      {"status", "operationStatus", {"NotStarted", "Running", "Completed", "Failed"}, false, false},
      {"clientContext", "String", {}, false, false},
      {"resultInfo", "ResultInfo", {}, false, false},
  };
  return f;
}

fixture_set comms_contract() {
  fixture_set c;
  c.types["resultinfo"] = type_def{"resultInfo",
                                   {{"code", "Int32", {}, false, false},
                                    {"subcode", "Int32", {}, false, false},
                                    {"message", "String", {}, false, false}},
                                   "resources/resultinfo.md",
                                   10,
                                   {}};
  return c;
}

const char* conformant_body = R"j({
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#commsOperation",
  "@odata.type": "#microsoft.graph.commsOperation",
  "id": "b571cdaa-cdaa-b571-aacd-71b5aacd71b5",
  "status": "Running",
  "clientContext": "ctx",
  "resultInfo": {"@odata.type": "#microsoft.graph.resultInfo", "code": 200, "subcode": 0, "message": "ok"}
})j";

http_response respond(std::string body, int status = 201,
                      std::string content_type = "application/json;odata.metadata=minimal;charset=utf-8") {
  http_response r;
  r.status = status;
  r.headers.push_back({"Content-Type", std::move(content_type)});
  r.body = std::move(body);
  return r;
}

// Body with one JSON-pointer location replaced.
std::string patched(const std::string& pointer, json::value replacement) {
  json::value v = json::parse(conformant_body);
  v.at_pointer(pointer) = std::move(replacement);
  return json::serialize(v);
}

std::string without(std::string_view key, std::string_view nested = {}) {
  json::value v = json::parse(conformant_body);
  if (nested.empty())
    v.as_object().erase(key);
  else
    v.as_object()[nested].as_object().erase(key);
  return json::serialize(v);
}

std::vector<check_result> failures(const std::vector<check_result>& rs) {
  std::vector<check_result> out;
  std::copy_if(rs.begin(), rs.end(), std::back_inserter(out),
               [](const check_result& c) { return c.outcome == check_outcome::failed; });
  return out;
}

std::size_t count(const std::vector<check_result>& rs, check_id id, check_outcome o) {
  return static_cast<std::size_t>(std::count_if(
      rs.begin(), rs.end(), [&](const check_result& c) { return c.check == id && c.outcome == o; }));
}

std::string dump(const std::vector<check_result>& rs) {
  std::string s;
  for (const auto& c : rs)
    s += std::string(to_string(c.check)) + " " + std::string(to_string(c.outcome)) + " " + c.pointer + " " +
         c.message + "\n";
  return s;
}

TEST(CheckResponse, ConformantResponsePassesEveryCheck) {
  auto rs = check_response(comms_fixture(), comms_contract(), respond(conformant_body));
  EXPECT_TRUE(failures(rs).empty()) << dump(rs);
  for (check_id id : {check_id::status, check_id::content_type, check_id::json, check_id::odata_type,
                      check_id::required_property, check_id::property_type, check_id::enum_value,
                      check_id::unexpected_property})
    EXPECT_EQ(count(rs, id, check_outcome::passed), 1u) << to_string(id) << "\n" << dump(rs);
  // Order is part of the contract: reports list checks as they ran.
  ASSERT_EQ(rs.size(), 8u) << dump(rs);
  EXPECT_EQ(rs.front().check, check_id::status);
  EXPECT_EQ(rs.back().check, check_id::unexpected_property);
}

TEST(CheckResponse, StatusFailureSkipsBodyChecks) {
  auto rs = check_response(comms_fixture(), comms_contract(), respond(R"j({"error":{}})j", 500));
  ASSERT_EQ(rs.size(), 8u) << dump(rs);
  EXPECT_EQ(rs[0].check, check_id::status);
  EXPECT_EQ(rs[0].outcome, check_outcome::failed);
  EXPECT_EQ(rs[0].expected, "201");
  EXPECT_EQ(rs[0].actual, "500");
  for (std::size_t i = 1; i < rs.size(); ++i) {
    EXPECT_EQ(rs[i].outcome, check_outcome::skipped) << dump(rs);
    EXPECT_NE(rs[i].message.find("skipped: status check failed"), std::string::npos);
  }
}

TEST(CheckResponse, ContentTypeMustBeJson) {
  auto rs = check_response(comms_fixture(), comms_contract(), respond(conformant_body, 201, "text/html"));
  auto f = failures(rs);
  ASSERT_EQ(f.size(), 1u) << dump(rs);
  EXPECT_EQ(f[0].check, check_id::content_type);
  EXPECT_EQ(f[0].actual, "text/html");
}

TEST(CheckResponse, BodyThatDoesNotParseFailsJsonAndSkipsTheRest) {
  auto rs = check_response(comms_fixture(), comms_contract(), respond("{\"id\": "));
  auto f = failures(rs);
  ASSERT_EQ(f.size(), 1u) << dump(rs);
  EXPECT_EQ(f[0].check, check_id::json);
  EXPECT_EQ(count(rs, check_id::property_type, check_outcome::skipped), 1u);
}

TEST(CheckResponse, DeepNestingIsRejectedNotRecursed) {
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  auto rs = check_response(comms_fixture(), comms_contract(), respond(deep));
  auto f = failures(rs);
  ASSERT_EQ(f.size(), 1u) << dump(rs);
  EXPECT_EQ(f[0].check, check_id::json);
}

TEST(CheckResponse, WrongODataTypeFails) {
  auto rs = check_response(comms_fixture(), comms_contract(),
                           respond(patched("/@odata.type", "#microsoft.graph.user")));
  auto f = failures(rs);
  ASSERT_EQ(f.size(), 1u) << dump(rs);
  EXPECT_EQ(f[0].check, check_id::odata_type);
  EXPECT_EQ(f[0].pointer, "/@odata.type");
  EXPECT_EQ(f[0].actual, "\"#microsoft.graph.user\"");
}

TEST(CheckResponse, MissingODataTypeDependsOnMode) {
  // The instance is of the declared type: OData's minimal metadata leaves @odata.type out (the default).
  auto body = without("@odata.type");
  auto rs = check_response(comms_fixture(), comms_contract(), respond(body));
  EXPECT_TRUE(failures(rs).empty()) << dump(rs);

  options required;
  required.odata_type = odata_type_mode::required;
  auto f = failures(check_response(comms_fixture(), comms_contract(), respond(body), required));
  ASSERT_EQ(f.size(), 1u) << dump(f);
  EXPECT_EQ(f[0].check, check_id::odata_type);

  options lenient;
  lenient.odata_type = odata_type_mode::if_present;
  EXPECT_TRUE(failures(check_response(comms_fixture(), comms_contract(), respond(body), lenient)).empty());
}

TEST(CheckResponse, MissingNestedPropertyFailsRequired) {
  auto rs = check_response(comms_fixture(), comms_contract(), respond(without("code", "resultInfo")));
  auto f = failures(rs);
  ASSERT_EQ(f.size(), 1u) << dump(rs);
  EXPECT_EQ(f[0].check, check_id::required_property);
  EXPECT_EQ(f[0].pointer, "/resultInfo/code");
}

TEST(CheckResponse, OptionalPropertiesAreExempt) {
  auto fx = comms_fixture();
  fx.optional_properties = {"clientContext"};
  EXPECT_TRUE(failures(check_response(fx, comms_contract(), respond(without("clientContext")))).empty());
}

TEST(CheckResponse, TableRequiredPropertyMustBePresent) {
  auto fx = comms_fixture();
  fx.properties.push_back({"callId", "String", {}, true, false});
  auto f = failures(check_response(fx, comms_contract(), respond(conformant_body)));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].check, check_id::required_property);
  EXPECT_EQ(f[0].pointer, "/callId");
}

TEST(CheckResponse, NestedTypeComesFromContract) {
  auto rs = check_response(comms_fixture(), comms_contract(), respond(patched("/resultInfo/code", "200")));
  auto f = failures(rs);
  ASSERT_EQ(f.size(), 1u) << dump(rs);
  EXPECT_EQ(f[0].check, check_id::property_type);
  EXPECT_EQ(f[0].pointer, "/resultInfo/code");
  EXPECT_EQ(f[0].expected, "Int32");
  EXPECT_EQ(f[0].actual, "\"200\"");
}

TEST(CheckResponse, NestedTypeFromExampleWhenContractIsUnknown) {
  // No resource page for resultInfo: the example value (a number) still documents the shape.
  auto rs = check_response(comms_fixture(), fixture_set{}, respond(patched("/resultInfo/code", true)));
  auto f = failures(rs);
  ASSERT_EQ(f.size(), 1u) << dump(rs);
  EXPECT_EQ(f[0].check, check_id::property_type);
  EXPECT_EQ(f[0].pointer, "/resultInfo/code");
}

TEST(CheckResponse, TopLevelStringTypeFails) {
  auto f = failures(check_response(comms_fixture(), comms_contract(), respond(patched("/clientContext", 5))));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].check, check_id::property_type);
  EXPECT_EQ(f[0].pointer, "/clientContext");
  EXPECT_EQ(f[0].actual, "5");
}

TEST(CheckResponse, NullPassesOnlyWhereNullable) {
  auto body = patched("/clientContext", nullptr);
  auto f = failures(check_response(comms_fixture(), comms_contract(), respond(body)));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].check, check_id::property_type);
  EXPECT_EQ(f[0].pointer, "/clientContext");

  auto listed = comms_fixture();
  listed.nullable_properties = {"clientContext"};
  EXPECT_TRUE(failures(check_response(listed, comms_contract(), respond(body))).empty());

  auto table = comms_fixture();
  table.properties[2].nullable = true;
  EXPECT_TRUE(failures(check_response(table, comms_contract(), respond(body))).empty());
}

TEST(CheckResponse, UnknownEnumMemberFails) {
  auto rs = check_response(comms_fixture(), comms_contract(), respond(patched("/status", "Bogus")));
  auto f = failures(rs);
  ASSERT_EQ(f.size(), 1u) << dump(rs);
  EXPECT_EQ(f[0].check, check_id::enum_value);
  EXPECT_EQ(f[0].pointer, "/status");
  EXPECT_EQ(f[0].expected, "one of NotStarted, Running, Completed, Failed");
  EXPECT_EQ(f[0].actual, "\"Bogus\"");
}

TEST(CheckResponse, CaseOnlyEnumDifferencePassesWithNote) {
  auto body = patched("/status", "running");
  auto rs = check_response(comms_fixture(), comms_contract(), respond(body));
  EXPECT_TRUE(failures(rs).empty()) << dump(rs);
  EXPECT_EQ(count(rs, check_id::enum_value, check_outcome::note), 1u);
  EXPECT_EQ(count(rs, check_id::enum_value, check_outcome::passed), 1u);

  options strict;
  strict.strict_enums = true;
  auto f = failures(check_response(comms_fixture(), comms_contract(), respond(body), strict));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].check, check_id::enum_value);
  EXPECT_EQ(f[0].expected, "Running");
}

TEST(CheckResponse, UndocumentedPropertyIsANoteUnlessStrict) {
  std::string body;
  {
    json::value v = json::parse(conformant_body);
    v.as_object()["extra"] = 1;
    v.as_object()["resultInfo"].as_object()["hidden"] = "x";
    v.as_object()["x@odata.navigationLink"] = "https://example.test";
    body = json::serialize(v);
  }
  auto rs = check_response(comms_fixture(), comms_contract(), respond(body));
  EXPECT_TRUE(failures(rs).empty()) << dump(rs);
  ASSERT_EQ(count(rs, check_id::unexpected_property, check_outcome::note), 1u);
  EXPECT_NE(rs.back().message.find("/extra"), std::string::npos);
  EXPECT_NE(rs.back().message.find("/resultInfo/hidden"), std::string::npos);
  EXPECT_EQ(rs.back().message.find("navigationLink"), std::string::npos);

  options strict;
  strict.strict_properties = true;
  auto fx = comms_fixture();
  // A truncated example cannot prove a property undocumented.
  EXPECT_TRUE(failures(check_response(fx, comms_contract(), respond(body), strict)).empty());
  fx.response.truncated = false;
  auto f = failures(check_response(fx, comms_contract(), respond(body), strict));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].check, check_id::unexpected_property);
  // Listed in the response's own key order.
  EXPECT_EQ(f[0].pointer, "/resultInfo/hidden");
  EXPECT_EQ(f[1].pointer, "/extra");
}

fixture list_fixture() {
  fixture f;
  f.id = "list-operations/list";
  f.response.status = 200;
  f.response.is_collection = true;
  f.response.odata_type = "Collection(microsoft.graph.commsOperation)";
  f.response.json = json::parse(R"j({
    "@odata.context": "x",
    "value": [{"id": "String (identifier)", "status": "String", "createdDateTime": "String (timestamp)",
               "resultInfo": {"code": 1}}]
  })j");
  f.properties = comms_fixture().properties;
  return f;
}

TEST(CheckResponse, CollectionsCheckEveryItem) {
  const char* ok = R"j({"value": [
    {"@odata.type": "#microsoft.graph.commsOperation", "id": "a", "status": "Completed",
     "createdDateTime": "2024-01-01T10:00:00Z", "resultInfo": {"code": 1}},
    {"id": "b", "status": "Failed", "createdDateTime": "2024-01-01T10:00:00.123+02:00", "resultInfo": {"code": 2}}]})j";
  auto rs = check_response(list_fixture(), comms_contract(), respond(ok, 200));
  EXPECT_TRUE(failures(rs).empty()) << dump(rs);

  const char* bad = R"j({"value": [
    {"id": "a", "status": "Completed", "createdDateTime": "2024-01-01T10:00:00Z", "resultInfo": {"code": 1}},
    {"@odata.type": "#microsoft.graph.user", "id": "b", "status": "Nope", "createdDateTime": "yesterday",
     "resultInfo": {}}]})j";
  auto f = failures(check_response(list_fixture(), comms_contract(), respond(bad, 200)));
  ASSERT_EQ(f.size(), 4u) << dump(f);
  EXPECT_EQ(f[0].check, check_id::odata_type);
  EXPECT_EQ(f[0].pointer, "/value/1/@odata.type");
  EXPECT_EQ(f[1].check, check_id::required_property);
  EXPECT_EQ(f[1].pointer, "/value/1/resultInfo/code");
  EXPECT_EQ(f[2].check, check_id::property_type);
  EXPECT_EQ(f[2].pointer, "/value/1/createdDateTime");
  EXPECT_EQ(f[3].check, check_id::enum_value);
  EXPECT_EQ(f[3].pointer, "/value/1/status");
}

// Documented collections list different kinds of item (a group and a user; a tab with and without
// configuration): an actual item owes only the keys every documented item shows.
fixture mixed_list_fixture() {
  fixture f;
  f.id = "group-list-members/list";
  f.response.status = 200;
  f.response.is_collection = true;
  f.response.odata_type = "Collection(microsoft.graph.directoryObject)";
  f.response.json = json::parse(R"j({"value": [
    {"@odata.type": "#microsoft.graph.group", "id": "1", "displayName": "G", "mail": null,
     "groupTypes": ["Unified"], "owner": {"id": "o", "kind": "user"},
     "tags": [{"name": "a", "weight": 1}, {"name": "b"}]},
    {"@odata.type": "#microsoft.graph.user", "id": "2", "displayName": "U", "mail": "u@x",
     "userPrincipalName": "u@x", "owner": {"id": "o"}, "tags": []}]})j");
  return f;
}

TEST(CheckResponse, CollectionItemsOweOnlyKeysEveryDocumentedItemShares) {
  // Each item has the shared keys only, in the other order, nested too: passes.
  const char* ok = R"j({"value": [
    {"@odata.type": "#microsoft.graph.user", "id": "9", "displayName": "V", "mail": "v@x", "owner": {"id": "p"},
     "tags": [{"name": "z"}]},
    {"@odata.type": "#microsoft.graph.group", "id": "8", "displayName": "H", "mail": null, "owner": {"id": "q"},
     "tags": []}]})j";
  auto rs = check_response(mixed_list_fixture(), {}, respond(ok, 200));
  EXPECT_TRUE(failures(rs).empty()) << dump(rs);

  // A key every documented item shows is still owed, at every depth; a shared key keeps its type.
  const char* bad = R"j({"value": [
    {"@odata.type": "#microsoft.graph.user", "id": "9", "mail": "v@x", "owner": {}, "tags": [{"weight": 2}]},
    {"@odata.type": "#microsoft.graph.group", "id": 8, "displayName": "H", "mail": null, "owner": {"id": "q"},
     "tags": []}]})j";
  auto f = failures(check_response(mixed_list_fixture(), {}, respond(bad, 200)));
  ASSERT_EQ(f.size(), 4u) << dump(f);
  EXPECT_EQ(f[0].check, check_id::required_property);
  EXPECT_EQ(f[0].pointer, "/value/0/displayName");
  EXPECT_EQ(f[1].pointer, "/value/0/owner/id");
  EXPECT_EQ(f[2].pointer, "/value/0/tags/0/name");
  EXPECT_EQ(f[3].check, check_id::property_type);
  EXPECT_EQ(f[3].pointer, "/value/1/id");
}

TEST(CheckResponse, DerivedTypeShownInTheExampleIsDocumented) {
  // The annotation names the base type; the example shows derived ones, which a server may send.
  const char* ok = R"j({"value": [{"@odata.type": "#microsoft.graph.user", "id": "1", "displayName": "U",
    "mail": null, "owner": {"id": "o"}, "tags": []}]})j";
  EXPECT_TRUE(failures(check_response(mixed_list_fixture(), {}, respond(ok, 200))).empty());
  const char* bad = R"j({"value": [{"@odata.type": "#microsoft.graph.device", "id": "1", "displayName": "U",
    "mail": null, "owner": {"id": "o"}, "tags": []}]})j";
  auto f = failures(check_response(mixed_list_fixture(), {}, respond(bad, 200)));
  ASSERT_EQ(f.size(), 1u) << dump(f);
  EXPECT_EQ(f[0].check, check_id::odata_type);
  EXPECT_EQ(f[0].pointer, "/value/0/@odata.type");
}

TEST(CheckResponse, KeysOfAnyDocumentedItemAreNotUndocumented) {
  options strict;
  strict.strict_properties = true;
  const char* body = R"j({"value": [{"@odata.type": "#microsoft.graph.group", "id": "1", "displayName": "G",
    "mail": null, "groupTypes": [], "userPrincipalName": "u@x", "owner": {"id": "o", "kind": "k"},
    "tags": [{"name": "n", "weight": 3}]}]})j";
  auto rs = check_response(mixed_list_fixture(), {}, respond(body, 200), strict);
  EXPECT_TRUE(failures(rs).empty()) << dump(rs);
  const char* extra = R"j({"value": [{"@odata.type": "#microsoft.graph.group", "id": "1", "displayName": "G",
    "mail": null, "owner": {"id": "o"}, "tags": [], "secret": 1}]})j";
  auto f = failures(check_response(mixed_list_fixture(), {}, respond(extra, 200), strict));
  ASSERT_EQ(f.size(), 1u) << dump(f);
  EXPECT_EQ(f[0].pointer, "/value/0/secret");
}

TEST(CheckResponse, MissingODataTypeFailsWhereTheDocsShowDerivedTypes) {
  // The docs list users and groups under directoryObject: an item that does not say which it is fails in
  // every mode but if-present; one that does passes.
  const char* bare = R"j({"value": [{"id": "9", "displayName": "V", "mail": "v@x", "owner": {"id": "p"},
    "tags": []}]})j";
  auto f = failures(check_response(mixed_list_fixture(), {}, respond(bare, 200)));
  ASSERT_EQ(f.size(), 1u) << dump(f);
  EXPECT_EQ(f[0].check, check_id::odata_type);
  EXPECT_EQ(f[0].pointer, "/value/0/@odata.type");
  EXPECT_NE(f[0].message.find("derived"), std::string::npos) << f[0].message;
  options lenient;
  lenient.odata_type = odata_type_mode::if_present;
  EXPECT_TRUE(failures(check_response(mixed_list_fixture(), {}, respond(bare, 200), lenient)).empty());
}

TEST(CheckResponse, CollectionWithoutValueArrayFails) {
  auto f = failures(check_response(list_fixture(), comms_contract(), respond(R"j({"items": []})j", 200)));
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f[0].check, check_id::required_property);
  EXPECT_EQ(f[0].pointer, "/value");
}

TEST(CheckResponse, NullInAnyDocumentedItemMakesThePropertyNullable) {
  fixture f = list_fixture();  // clientContext: String, not nullable
  f.response.json = json::parse(R"j({"value": [
    {"id": "a", "status": "Running", "clientContext": null}, {"id": "b", "status": "Failed"}]})j");
  const char* body = R"j({"value": [{"id": "x", "status": "Running", "clientContext": null}]})j";
  auto rs = check_response(f, comms_contract(), respond(body, 200));
  EXPECT_TRUE(failures(rs).empty()) << dump(rs);
  f.response.json = json::parse(R"j({"value": [{"id": "a", "status": "Running", "clientContext": "c"}]})j");
  auto f2 = failures(check_response(f, comms_contract(), respond(body, 200)));
  ASSERT_EQ(f2.size(), 1u) << dump(f2);
  EXPECT_EQ(f2[0].pointer, "/value/0/clientContext");
}

// A fixture of GET /devices/{id} whose contract came from $metadata (as csdl::apply_metadata leaves it).
fixture device_fixture(std::string url = "https://graph.microsoft.com/v1.0/devices/1") {
  fixture f;
  f.id = "device-get/get";
  f.request.method = "GET";
  f.request.url = std::move(url);
  f.response.status = 200;
  f.response.json =
      json::parse(R"j({"id": "1", "displayName": "Laptop", "registeredOwners": [{"id": "u1"}]})j");
  f.resolved = resolved_resource{"entity", "microsoft.graph.device", false, "devices", ""};
  return f;
}

fixture_set device_contract(bool open = false) {
  fixture_set c;
  type_def device{"device"};
  device.qualified = "microsoft.graph.device";
  device.open = open;
  device.from_metadata = true;
  property id{"id", "Edm.String"}, name{"displayName", "Edm.String"},
      owners{"registeredOwners", "Collection(microsoft.graph.directoryObject)"};
  name.source = "microsoft.graph.device.displayName: Edm.String";
  name.from_metadata = true;
  owners.navigation = true;
  device.properties = {id, name, owners};
  c.types["device"] = device;
  c.types["microsoft.graph.device"] = device;
  return c;
}

TEST(CheckResponse, NavigationPropertiesAreOwedOnlyUnderExpand) {
  const char* plain = R"j({"id": "1", "displayName": "Laptop"})j";
  auto rs = check_response(device_fixture(), device_contract(), respond(plain, 200));
  EXPECT_TRUE(failures(rs).empty()) << dump(rs);
  // Asked for: owed, and checked as its type.
  auto f = failures(check_response(
      device_fixture("https://graph.microsoft.com/v1.0/devices/1?$expand=registeredOwners($select=id)"),
      device_contract(), respond(plain, 200)));
  ASSERT_EQ(f.size(), 1u) << dump(f);
  EXPECT_EQ(f[0].check, check_id::required_property);
  EXPECT_EQ(f[0].pointer, "/registeredOwners");
  EXPECT_TRUE(failures(check_response(device_fixture("https://graph.microsoft.com/v1.0/devices/1?$expand=*"),
                                      device_contract(), respond(plain, 200)))
                  .size() == 1u);
}

TEST(CheckResponse, FailuresNameTheContractTheyComeFrom) {
  auto f = failures(check_response(device_fixture(), device_contract(),
                                   respond(R"j({"id": "1", "displayName": 7})j", 200)));
  ASSERT_EQ(f.size(), 1u) << dump(f);
  EXPECT_EQ(f[0].contract, "microsoft.graph.device.displayName: Edm.String");
  // A docs table row: its file and line.
  fixture_set docs = comms_contract();
  docs.types["resultinfo"].properties[0].source = "resources/resultinfo.md";
  docs.types["resultinfo"].properties[0].line = 21;
  auto g = failures(check_response(comms_fixture(), docs, respond(patched("/resultInfo/code", "200"))));
  ASSERT_FALSE(g.empty());
  EXPECT_EQ(g[0].contract, "resources/resultinfo.md:21");
}

TEST(CheckResponse, OpenTypesMayCarryUndeclaredProperties) {
  options strict;
  strict.strict_properties = true;
  const char* extra = R"j({"id": "1", "displayName": "Laptop", "extensionAttribute": 1})j";
  fixture f = device_fixture();
  f.response.json = json::parse(R"j({"id": "1", "displayName": "Laptop"})j");
  EXPECT_EQ(failures(check_response(f, device_contract(false), respond(extra, 200), strict)).size(), 1u);
  EXPECT_TRUE(failures(check_response(f, device_contract(true), respond(extra, 200), strict)).empty());
}

TEST(CheckResponse, OdataContextThatNamesAnotherSetIsANote) {
  fixture f = device_fixture();
  f.response.json = json::parse(R"j({"id": "1"})j");
  auto good = check_response(
      f, device_contract(),
      respond(R"j({"@odata.context": "https://h/v1.0/$metadata#devices/$entity", "id": "1"})j", 200));
  EXPECT_EQ(count(good, check_id::odata_type, check_outcome::note), 0u) << dump(good);
  const char* other = R"j({"@odata.context": "https://h/v1.0/$metadata#users/$entity", "id": "1"})j";
  auto rs = check_response(f, device_contract(), respond(other, 200));
  EXPECT_TRUE(failures(rs).empty()) << dump(rs);
  EXPECT_EQ(count(rs, check_id::odata_type, check_outcome::note), 1u) << dump(rs);
  options strict;
  strict.strict_properties = true;
  EXPECT_EQ(failures(check_response(f, device_contract(), respond(other, 200), strict)).size(), 1u);
}

TEST(CheckResponse, Ieee754CompatibleResponsesCarryInt64AsStrings) {
  fixture f = device_fixture();
  f.response.json = json::parse(R"j({"id": "1"})j");
  fixture_set c = device_contract();
  property size{"size", "Edm.Int64"};
  c.types["device"].properties.push_back(size);
  c.types["microsoft.graph.device"].properties.push_back(size);
  const char* body = R"j({"id": "1", "size": "9007199254740993"})j";
  EXPECT_EQ(failures(check_response(f, c, respond(body, 200))).size(), 1u);
  http_response r = respond(body, 200);
  r.headers = {{"Content-Type", "application/json;odata.metadata=minimal;IEEE754Compatible=true"}};
  EXPECT_TRUE(failures(check_response(f, c, r)).empty());
}

}  // namespace
}  // namespace conform::check

namespace conform::check {
namespace {

http_response ok_json(std::string body, int status = 200) {
  http_response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = std::move(body);
  return r;
}

TEST(NothingChecked, EmptyCollectionAndZeroCountSayWhy) {
  EXPECT_NE(nothing_checked("http://h/v1.0/users", ok_json(R"({"value": []})")).find("empty collection"),
            std::string::npos);
  EXPECT_NE(nothing_checked("http://h/v1.0/users?$count=true",
                            ok_json(R"({"@odata.context":"x","@odata.count":0,"value":[]})"))
                .find("\"@odata.count\": 0"),
            std::string::npos);
  EXPECT_NE(nothing_checked("http://h/v1.0/users/$count", ok_json(" 0\n")).find("$count is 0"),
            std::string::npos);
  EXPECT_NE(nothing_checked("http://h/v1.0/users/%24count?$filter=x", ok_json("0")), "");
}

TEST(NothingChecked, AnswersWithSomethingInThemAreNotInconclusive) {
  EXPECT_EQ(nothing_checked("http://h/v1.0/users", ok_json(R"({"value": [{"id": "1"}]})")), "");
  EXPECT_EQ(nothing_checked("http://h/v1.0/users/$count", ok_json("3")), "");
  EXPECT_EQ(nothing_checked("http://h/v1.0/users/1", ok_json(R"({"id": "1", "value": "[]"})")), "");
  EXPECT_EQ(nothing_checked("http://h/v1.0/users/1", ok_json(R"({"id": "1"})")), "");
  // A property named value that is an empty list inside an entity, not a collection: still the top level.
  EXPECT_EQ(nothing_checked("http://h/v1.0/x", ok_json(R"({"id": "1", "inner": {"value": []}})")), "");
  // An error answer is judged by the checks, never called inconclusive.
  EXPECT_EQ(nothing_checked("http://h/v1.0/users", ok_json(R"({"value": []})", 404)), "");
  // "0" outside a $count path is a body like any other.
  EXPECT_EQ(nothing_checked("http://h/v1.0/users/$countless", ok_json("0")), "");
}

TEST(NothingChecked, HostileBodiesAreNotACrash) {
  EXPECT_EQ(nothing_checked("http://h/v1.0/users", ok_json(R"({"value": [)")), "");
  EXPECT_EQ(nothing_checked("http://h/v1.0/users", ok_json(std::string(100000, '[') + "\"value\"")), "");
  EXPECT_EQ(nothing_checked("", ok_json("")), "");
  EXPECT_EQ(nothing_checked("/$count", ok_json("")), "");
}

}  // namespace
}  // namespace conform::check
