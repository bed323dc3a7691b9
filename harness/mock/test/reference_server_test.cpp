#include "mock/reference_server.hpp"
#include "model/contract.hpp"
#include "check/check.hpp"
#include "test_fixtures.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace conform::mock {
namespace {

namespace json = boost::json;
using test::request;
using test::with_types;

json::object body_of(const reply& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.response.body, ec);
  EXPECT_FALSE(ec) << r.response.body;
  return v.is_object() ? v.get_object() : json::object{};
}

std::string header_of(const reply& r, std::string_view name) {
  const header* h = find_header(r.response.headers, name);
  return h ? h->value : std::string{};
}

std::string error_code_of(const reply& r) {
  json::object b = body_of(r);
  if (!b.contains("error")) return {};
  return std::string(b["error"].at("code").as_string());
}

std::string error_message_of(const reply& r) {
  json::object b = body_of(r);
  if (!b.contains("error")) return {};
  return std::string(b["error"].at("message").as_string());
}

TEST(ReferenceServer, Answers404ForUnknownRoute) {
  fixture_set set = with_types({test::comms_operation()});
  reference_server server(set, {});
  reply r = server.handle(request("GET", "/beta/nothing/here"));
  EXPECT_EQ(r.response.status, 404);
  EXPECT_FALSE(error_code_of(r).empty());
  EXPECT_NE(error_message_of(r).find("/beta/nothing/here"), std::string::npos);
  EXPECT_EQ(r.fixture_id, "");
  EXPECT_EQ(header_of(r, "Content-Type"), "application/json");
}

TEST(ReferenceServer, Answers405WithAllowForAnotherMethod) {
  fixture_set set = with_types({test::comms_operation()});
  reference_server server(set, {});
  reply r = server.handle(request("GET", test::comms_target));
  EXPECT_EQ(r.response.status, 405);
  EXPECT_EQ(header_of(r, "Allow"), "POST");
  EXPECT_EQ(error_code_of(r), "MethodNotAllowed");
}

TEST(ReferenceServer, FixtureHeaderSelectsThatFixture) {
  fixture a = test::get_fixture("users-list/first", "https://graph.microsoft.com/v1.0/users");
  fixture b = test::get_fixture("users-list/second", "https://graph.microsoft.com/v1.0/users");
  fixture_set set = with_types({a, b});
  reference_server server(set, {});
  http_request req = request("GET", "/v1.0/users");
  EXPECT_EQ(server.handle(req).fixture_id, "users-list/first");
  req.headers.push_back({std::string(fixture_header), "users-list/second"});
  reply r = server.handle(req);
  EXPECT_EQ(r.fixture_id, "users-list/second");
  EXPECT_EQ(header_of(r, fixture_header), "users-list/second");
  // An id that is not on this route is ignored rather than served from the wrong route.
  req.headers.back().value = "no/such";
  EXPECT_EQ(server.handle(req).fixture_id, "users-list/first");
}

TEST(ReferenceServer, PicksBestMatchByQueryParameters) {
  fixture a =
      test::get_fixture("users-list/select", "https://graph.microsoft.com/v1.0/users?$select=displayName");
  fixture b = test::get_fixture("users-list/filter",
                                "https://graph.microsoft.com/v1.0/users?$filter=startswith(displayName,'a')");
  fixture_set set = with_types({a, b});
  reference_server server(set, {});
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users?%24filter=startswith(displayName,'b')")).fixture_id,
            "users-list/filter");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users?$select=displayName")).fixture_id, "users-list/select");
}

TEST(ReferenceServer, PicksBestMatchByBodyKeys) {
  fixture a = test::managed_app_operation();
  fixture b = test::managed_app_operation();
  b.id = "other/with_extra";
  test::set_request_body(b, R"j({"displayName": "String", "conformExtra": "x"})j");
  fixture_set set = with_types({a, b});
  reference_server server(set, {});
  const char* target = "/v1.0/users/u1/managedAppRegistrations/r1/operations";
  EXPECT_EQ(
      server.handle(request("POST", target, R"j({"displayName": "n", "conformExtra": "y"})j")).fixture_id,
      "other/with_extra");
  EXPECT_EQ(server.handle(request("POST", target, R"j({"displayName": "n", "state": "s", "version": "1"})j"))
                .fixture_id,
            a.id);
}

TEST(ReferenceServer, ReplacesPlaceholdersWithValidValues) {
  fixture_set set = with_types({test::comms_operation()});
  reference_server server(set, {});
  // Without a request body to echo, the documented placeholders show.
  fixture f = test::comms_operation();
  reply r = server.handle(request("POST", test::comms_target, R"j({"clientContext": "c"})j"));
  ASSERT_EQ(r.response.status, 201);
  json::object b = body_of(r);
  EXPECT_EQ(b["status"], "NotStarted");  // first enum member
  ASSERT_TRUE(b["lastActionDateTime"].is_string());
  EXPECT_TRUE(is_timestamp(b["lastActionDateTime"].as_string()));
  EXPECT_EQ(b["lastActionDateTime"].as_string().back(), 'Z');
  EXPECT_EQ(b["@odata.type"], "#microsoft.graph.commsOperation");
  EXPECT_EQ(b["resultInfo"].at("@odata.type"), "#microsoft.graph.ResultInfo");  // '#' added in nested objects
  EXPECT_EQ(b["id"], "b571cdaa-cdaa-b571-aacd-71b5aacd71b5");  // a real documented value stays
  EXPECT_EQ(b["clientContext"], "c");
  EXPECT_EQ(r.fixture_id, f.id);
}

TEST(ReferenceServer, PlaceholderIdsBecomeFreshGuidsAndTypesAreHonoured) {
  fixture f = test::managed_app_operation();
  test::set_response_body(f, R"j({"@odata.type": "microsoft.graph.managedAppOperation", "id": "String",
                                 "count": "Int32", "enabled": "Boolean", "when": "String (timestamp)",
                                 "state": "String", "key": "String"
})j");
  f.properties.push_back(test::prop("key", "Guid"));
  fixture_set set = with_types({f});
  reference_server server(set, {});
  const char* target = "/v1.0/users/u1/managedAppRegistrations/r1/operations";
  reply r1 = server.handle(request("POST", target, "{}"));
  reply r2 = server.handle(request("POST", target, "{}"));
  json::object b1 = body_of(r1), b2 = body_of(r2);
  ASSERT_TRUE(b1["id"].is_string());
  EXPECT_TRUE(is_guid(b1["id"].as_string()));
  EXPECT_TRUE(is_guid(b1["key"].as_string()));
  EXPECT_NE(b1["id"], b2["id"]);
  EXPECT_NE(b1["id"], b1["key"]);
  EXPECT_EQ(b1["count"], 0);
  EXPECT_EQ(b1["enabled"], false);
  EXPECT_TRUE(is_timestamp(b1["when"].as_string()));
  EXPECT_EQ(b1["state"], "String");  // a String placeholder is a valid string already
  EXPECT_EQ(b1["@odata.type"], "#microsoft.graph.managedAppOperation");
}

TEST(ReferenceServer, EchoesRequestPropertiesOnCreate) {
  fixture_set set = with_types({test::comms_operation()});
  reference_server server(set, {});
  reply r = server.handle(request("POST", test::comms_target, test::valid_comms_body));
  ASSERT_EQ(r.response.status, 201);
  json::object b = body_of(r);
  EXPECT_EQ(b["status"], "Running");
  EXPECT_EQ(b["clientContext"], "mine");
  EXPECT_EQ(b["resultInfo"].at("code"), 1);
  EXPECT_EQ(b["@odata.type"], "#microsoft.graph.commsOperation");
}

TEST(ReferenceServer, DocumentedResponseIsTheOneServed) {
  fixture_set set = with_types({test::comms_operation()});
  reference_server server(set, {});
  reply r = server.handle(request("POST", test::comms_target, test::valid_comms_body));
  EXPECT_EQ(r.response.reason, "Created");
  EXPECT_EQ(find_header(r.response.headers, "Content-Length"), nullptr);  // the documented 265 would be wrong
  EXPECT_EQ(header_of(r, "Content-Type"), "application/json");
  EXPECT_EQ(find_header(r.response.headers, fault_header), nullptr);
  EXPECT_FALSE(r.reset);
  EXPECT_EQ(r.delay.count(), 0);
  std::vector<check_result> results = check::check_response(set.fixtures[0], set, r.response);
  for (const check_result& c : results)
    EXPECT_NE(c.outcome, check_outcome::failed) << c.pointer << ": " << c.message;
}

TEST(ReferenceServer, RejectsUnsubstitutedEnumPlaceholderNamingProperty) {
  fixture_set set = with_types({test::comms_operation()});
  reference_server server(set, {});
  // The documented request itself: "status": "String" is not an operationStatus member.
  reply r = server.handle(request("POST", test::comms_target, set.fixtures[0].request.body));
  EXPECT_EQ(r.response.status, 400);
  EXPECT_EQ(error_code_of(r), "BadRequest");
  EXPECT_NE(error_message_of(r).find("/status"), std::string::npos) << error_message_of(r);
}

TEST(ReferenceServer, RejectsBadTimestampNamingProperty) {
  fixture_set set = with_types({test::comms_operation()});
  reference_server server(set, {});
  reply r = server.handle(
      request("POST", test::comms_target, R"j({"status": "Running", "lastActionDateTime": "String (timestamp)"
})j"));
  EXPECT_EQ(r.response.status, 400);
  EXPECT_NE(error_message_of(r).find("/lastActionDateTime"), std::string::npos) << error_message_of(r);
  reply ok = server.handle(
      request("POST", test::comms_target,
              R"j({"status": "Running", "lastActionDateTime": "2017-01-01T00:00:35.1329464-08:00"})j"));
  EXPECT_EQ(ok.response.status, 201);
}

TEST(ReferenceServer, RejectsNestedTypeViolation) {
  fixture_set set = with_types({test::comms_operation()});
  reference_server server(set, {});
  reply r = server.handle(request("POST", test::comms_target, R"j({"resultInfo": {"code": "four"}})j"));
  EXPECT_EQ(r.response.status, 400);
  EXPECT_NE(error_message_of(r).find("/resultInfo/code"), std::string::npos) << error_message_of(r);
}

TEST(ReferenceServer, AcceptsNullThatClearsAPropertyAndKeepsTheDocumentedValue) {
  fixture_set set = with_types({test::comms_operation()});
  reference_server server(set, {});
  reply r = server.handle(request("POST", test::comms_target,
                                  R"j({"status": "Running", "clientContext": null,
                                       "resultInfo": {"code": null, "message": "m"}})j"));
  ASSERT_EQ(r.response.status, 201) << r.response.body;
  json::object b = body_of(r);
  EXPECT_EQ(b["clientContext"], "Client Context value");
  EXPECT_EQ(b["resultInfo"].at("code"), 4);
  EXPECT_EQ(b["resultInfo"].at("message"), "m");
  // Null does not excuse a wrong type.
  EXPECT_EQ(server.handle(request("POST", test::comms_target, R"j({"resultInfo": {"code": "x"}})j"))
                .response.status,
            400);
}

TEST(ReferenceServer, RejectsNonJsonBodyWhenJsonIsDocumented) {
  fixture_set set = with_types({test::comms_operation()});
  reference_server server(set, {});
  EXPECT_EQ(server.handle(request("POST", test::comms_target, "status=Running")).response.status, 400);
  EXPECT_EQ(server.handle(request("POST", test::comms_target, "")).response.status, 400);
  EXPECT_EQ(server.handle(request("POST", test::comms_target, "{\"status\": \"Runn")).response.status, 400);
}

TEST(ReferenceServer, SendsNoBodyWhenNoneIsDocumented) {
  fixture f = test::get_fixture("user-delete/a", "https://graph.microsoft.com/v1.0/users/{id}");
  f.request.method = "DELETE";
  f.response = {};
  f.response.status = 204;
  f.response.headers = {{"Content-Type", "application/json"}};
  fixture_set set = with_types({f});
  reference_server server(set, {});
  reply r = server.handle(request("DELETE", "/v1.0/users/1"));
  EXPECT_EQ(r.response.status, 204);
  EXPECT_TRUE(r.response.body.empty());
  EXPECT_EQ(find_header(r.response.headers, "Content-Type"), nullptr);
}

TEST(ReferenceServer, SendsNonJsonDocumentedBodyAsIs) {
  fixture f = test::get_fixture("photo-get/a", "https://graph.microsoft.com/v1.0/me/photo/$value");
  f.response.json.reset();
  f.response.body = "Binary data for the image";
  f.response.headers = {{"Content-Type", "image/jpeg"}};
  fixture_set set = with_types({f});
  reference_server server(set, {});
  reply r = server.handle(request("GET", "/v1.0/me/photo/$value"));
  EXPECT_EQ(r.response.body, "Binary data for the image");
  EXPECT_EQ(header_of(r, "Content-Type"), "image/jpeg");
}

TEST(ReferenceServer, FillsPlaceholdersInEachElementOfACollection) {
  fixture f = test::get_fixture("user-list/a", "https://graph.microsoft.com/v1.0/users");
  test::set_response_body(f, R"j({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
    "value": [{"@odata.type": "microsoft.graph.user", "id": "String", "displayName": "String"},
              {"id": "String", "displayName": "Real Name"}]})j");
  f.response.is_collection = true;
  f.response.odata_type = "Collection(microsoft.graph.user)";
  fixture_set set = with_types({f});
  reference_server server(set, {});
  json::object b = body_of(server.handle(request("GET", "/v1.0/users")));
  const json::array& items = b["value"].as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_TRUE(is_guid(items[0].at("id").as_string()));
  EXPECT_TRUE(is_guid(items[1].at("id").as_string()));
  EXPECT_NE(items[0].at("id"), items[1].at("id"));
  EXPECT_EQ(items[0].at("@odata.type"), "#microsoft.graph.user");
  EXPECT_EQ(items[1].at("displayName"), "Real Name");
}

TEST(ReferenceServer, StatesTheDocumentedTypeTheExampleLeavesOut) {
  fixture f = test::get_fixture("user-get/a", "https://graph.microsoft.com/v1.0/users/{id}");
  test::set_response_body(f, R"j({"id": "String", "displayName": "String"})j");
  f.response.odata_type = "microsoft.graph.user";
  fixture l = test::get_fixture("user-list/a", "https://graph.microsoft.com/v1.0/users");
  test::set_response_body(
      l, R"j({"value": [{"id": "1"}, {"@odata.type": "#microsoft.graph.guest", "id": "2"}]})j");
  l.response.odata_type = "Collection(microsoft.graph.user)";
  fixture_set set = with_types({f, l});
  reference_server server(set, {});
  reply one = server.handle(request("GET", "/v1.0/users/1"));
  EXPECT_EQ(body_of(one)["@odata.type"], "#microsoft.graph.user");
  reply many = server.handle(request("GET", "/v1.0/users"));
  json::object b = body_of(many);
  EXPECT_FALSE(b.contains("@odata.type"));  // the collection wrapper is not a user
  const json::array& items = b["value"].as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("@odata.type"), "#microsoft.graph.user");
  EXPECT_EQ(items[1].at("@odata.type"), "#microsoft.graph.guest");  // a documented derived type stays
  for (const reply* r : {&one, &many})
    for (const check_result& c : check::check_response(set.fixtures[r == &one ? 0 : 1], set, r->response))
      EXPECT_NE(c.outcome, check_outcome::failed) << c.pointer << ": " << c.message;
}

TEST(ReferenceServer, ReplacesDocumentedValuesTheirOwnTypeRejects) {
  fixture f = test::comms_operation();
  f.request.method = "GET";
  f.request.json.reset();
  f.request.body.clear();
  f.request.headers.clear();
  test::set_response_body(f, R"j({"@odata.type": "#microsoft.graph.commsOperation",
    "id": "b571cdaa-cdaa-b571-aacd-71b5aacd71b5", "status": "Applied", "clientContext": "c",
    "lastActionDateTime": "datetime-value", "resultInfo": {"code": "four", "subcode": 7, "message": "m"},
    "count": "many", "enabled": "true", "key": "not-a-guid", "modes": ["saml", "modes-value"],
    "role": {}, "scopes": {"id": "s"}})j");
  f.properties.push_back(test::prop("count", "Int32"));
  f.properties.push_back(test::prop("enabled", "Boolean"));
  f.properties.push_back(test::prop("key", "Guid"));
  f.properties.push_back(test::prop("modes", "Collection(ssoMode)", {"oidc", "saml"}));
  f.properties.push_back(test::prop("role", "userRole", {"Owner", "Reader"}));
  f.properties.push_back(test::prop("scopes", "Collection(ResultInfo)"));
  fixture_set set = with_types({f});
  reference_server server(set, {});
  reply r = server.handle(request("GET", test::comms_target));
  ASSERT_EQ(r.response.status, 201);
  json::object b = body_of(r);
  EXPECT_EQ(b["status"], "NotStarted");
  EXPECT_TRUE(is_timestamp(b["lastActionDateTime"].as_string()));
  EXPECT_EQ(b["resultInfo"].at("code"), 0);
  EXPECT_EQ(b["resultInfo"].at("subcode"), 7);  // valid documented values stay
  EXPECT_EQ(b["clientContext"], "c");
  EXPECT_EQ(b["count"], 0);
  EXPECT_EQ(b["enabled"], false);
  EXPECT_TRUE(is_guid(b["key"].as_string()));
  EXPECT_EQ(b["modes"], (json::array{"saml", "oidc"}));
  EXPECT_EQ(b["role"], "Owner");
  ASSERT_TRUE(b["scopes"].is_array());
  EXPECT_EQ(b["scopes"].as_array().at(0).at("id"), "s");
  for (const check_result& c : check::check_response(set.fixtures[0], set, r.response))
    EXPECT_NE(c.outcome, check_outcome::failed) << c.pointer << ": " << c.message;
}

TEST(ReferenceServer, EchoKeepsDocumentedMembersBesideTheSentOnes) {
  fixture f = test::comms_operation();
  test::set_response_body(f, R"j({"@odata.type": "#microsoft.graph.commsOperation", "status": "Running",
    "resultInfo": {"code": 4, "subcode": 7, "message": "documented"},
    "targets": [{"kind": "user", "id": "1"}, {"kind": "app", "id": "2", "extra": true}]})j");
  fixture_set set = with_types({f});
  reference_server server(set, {});
  reply r = server.handle(request("POST", test::comms_target, R"j({"status": "Completed",
    "resultInfo": {"message": "sent"}, "targets": [{"id": "9"}, {"id": "8"}, {"id": "7"}], "note": "n"})j"));
  ASSERT_EQ(r.response.status, 201);
  json::object b = body_of(r);
  EXPECT_EQ(b["status"], "Completed");
  EXPECT_EQ(b["resultInfo"], (json::object{{"code", 4}, {"subcode", 7}, {"message", "sent"}}));
  const json::array& t = b["targets"].as_array();
  ASSERT_EQ(t.size(), 3u);  // the client's items, each over the documented one at its place (or the last)
  EXPECT_EQ(t[0], (json::object{{"kind", "user"}, {"id", "9"}}));
  EXPECT_EQ(t[2], (json::object{{"kind", "app"}, {"id", "7"}, {"extra", true}}));
  EXPECT_EQ(b["note"], "n");
}

TEST(ReferenceServer, SendsRequiredTablePropertiesTheExampleLeavesOut) {
  fixture f = test::get_fixture("device-list/a", "https://graph.microsoft.com/v1.0/devices");
  test::set_response_body(f, R"j({"value": [{"id": "1"}, {"id": "2", "operatingSystem": "Windows"}]})j");
  f.response.is_collection = true;
  f.properties = {test::prop("id", "String"),
                  test::prop("operatingSystem", "String", {}, true),
                  test::prop("accountEnabled", "Boolean", {}, true),
                  test::prop("alternativeSecurityIds", "Collection(alternativeSecurityId)", {}, true),
                  test::prop("kind", "deviceKind", {"phone", "desktop"}, true),
                  test::prop("note", "String", {}, true)};
  f.optional_properties = {"note"};
  fixture_set set = with_types({f});
  reference_server server(set, {});
  reply r = server.handle(request("GET", "/v1.0/devices"));
  json::object b = body_of(r);
  const json::array& items = b["value"].as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_TRUE(items[0].at("operatingSystem").is_string());
  EXPECT_EQ(items[1].at("operatingSystem"), "Windows");  // documented values stay
  EXPECT_EQ(items[0].at("accountEnabled"), false);
  EXPECT_EQ(items[0].at("alternativeSecurityIds"), json::array{});
  EXPECT_EQ(items[0].at("kind"), "phone");
  EXPECT_FALSE(items[0].as_object().contains("note"));  // the docs exempt it
  for (const check_result& c : check::check_response(set.fixtures[0], set, r.response))
    EXPECT_NE(c.outcome, check_outcome::failed) << c.pointer << ": " << c.message;
}

TEST(ReferenceServer, EchoKeepsADocumentedDateTimeOverTextOfAnotherKind) {
  fixture f = test::comms_operation();
  test::set_response_body(
      f, R"j({"status": "Running", "clientContext": "c", "lastActionDateTime": "2018-10-04T00:58:45Z",
    "other": {"when": "2018-10-04T00:58:45Z", "count": 3}})j");
  fixture_set set = with_types({f});
  reference_server server(set, {});
  reply r = server.handle(request("POST", test::comms_target, R"j({"clientContext": "2024-01-01T00:00:00Z",
    "other": {"when": "2018-10-04T00: 58: 45Z", "count": "three"}, "lastActionDateTime": "2020-01-01T00:00:00Z"})j"));
  ASSERT_EQ(r.response.status, 201) << r.response.body;
  json::object b = body_of(r);
  EXPECT_EQ(b["clientContext"], "2024-01-01T00:00:00Z");  // a date-time is text too
  EXPECT_EQ(b["lastActionDateTime"], "2020-01-01T00:00:00Z");
  EXPECT_EQ(b["other"].at("when"), "2018-10-04T00:58:45Z");
  EXPECT_EQ(b["other"].at("count"), 3);
}

TEST(ReferenceServer, SpellsEnumMembersTheDocumentedWay) {
  fixture f = test::get_fixture("flow-get/a", "https://graph.microsoft.com/v1.0/flows/{id}");
  test::set_response_body(f,
                          R"j({"id": "1", "status": "running", "parts": "Apps, TABS", "modes": ["SAML"]})j");
  f.properties = {test::prop("status", "operationStatus", {"NotStarted", "Running"}),
                  test::prop("parts", "clonableTeamParts", {"apps", "tabs"}),
                  test::prop("modes", "Collection(ssoMode)", {"oidc", "saml"})};
  fixture_set set = with_types({f});
  reference_server server(set, {});
  reply r = server.handle(request("GET", "/v1.0/flows/1"));
  json::object b = body_of(r);
  EXPECT_EQ(b["status"], "Running");
  EXPECT_EQ(b["parts"], "apps, tabs");
  EXPECT_EQ(b["modes"], json::array{"saml"});
  check::options strict;
  strict.strict_enums = true;
  for (const check_result& c : check::check_response(set.fixtures[0], set, r.response, strict))
    EXPECT_NE(c.outcome, check_outcome::failed) << c.pointer << ": " << c.message;
}

TEST(ReferenceServer, EchoesOnlyMembersTheResponseDocumentsUnlessTruncated) {
  fixture f = test::comms_operation();
  f.response.truncated = false;
  fixture_set set = with_types({f});
  reference_server server(set, {});
  json::object b = body_of(server.handle(
      request("POST", test::comms_target, R"j({"status": "Completed", "item": {"name": "x"}})j")));
  EXPECT_EQ(b["status"], "Completed");
  EXPECT_FALSE(b.contains("item"));  // an action parameter, not a member of the resource
  set.fixtures[0].response.truncated = true;
  json::object t =
      body_of(server.handle(request("POST", test::comms_target, R"j({"item": {"name": "x"}})j")));
  EXPECT_TRUE(t.contains("item"));
}

TEST(ReferenceServer, HandlesConcurrentRequestsWithDistinctGuids) {
  fixture f = test::managed_app_operation();
  fixture_set set = with_types({f});
  reference_server server(set, {});
  constexpr int threads = 4, per_thread = 50;
  std::vector<std::vector<std::string>> ids(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        reply r = server.handle(request("POST", "/v1.0/users/u/managedAppRegistrations/r/operations", "{}"));
        boost::system::error_code ec;
        json::value v = json::parse(r.response.body, ec);
        if (!ec && v.is_object() && v.as_object().contains("id") && v.at("id").is_string())
          ids[static_cast<std::size_t>(t)].emplace_back(v.at("id").as_string());
      }
    });
  for (auto& th : pool) th.join();
  std::set<std::string> unique;
  for (const auto& v : ids) unique.insert(v.begin(), v.end());
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(threads * per_thread));
}

TEST(ReferenceServer, NeverThrowsOnHostileInput) {
  fixture_set set = with_types({test::comms_operation(), test::get_fixture("u/1", "/users/{id}")});
  reference_server server(set, {});
  std::string deep(100000, '[');
  std::string invalid_utf8 = "{\"clientContext\": \"\xff\xfe\"}";
  std::vector<http_request> hostile = {
      request("", ""),
      request("GET", "*"),
      request("GET", "%"),
      request("GET", "/%zz/%"),
      request("GET", "http://"),
      request("GET", "http://host"),
      request("GET", "////"),
      request("GET", std::string(100000, '/') + "x"),
      request("GET", "/v1.0/users/" + std::string(50000, '{')),
      request("GET", std::string("/v1.0/users/\0\xff", 15)),
      request("POST", test::comms_target, deep),
      request("POST", test::comms_target, invalid_utf8),
      request("POST", test::comms_target, std::string(1 << 20, 'x')),
      request("POST", test::comms_target, "[1,2,3]"),
      request("POST", test::comms_target, "null"),
      request("post", test::comms_target, test::valid_comms_body),
  };
  for (const http_request& req : hostile) {
    reply r;
    EXPECT_NO_THROW(r = server.handle(req)) << req.target.substr(0, 40);
    EXPECT_GE(r.response.status, 200);
    EXPECT_LT(r.response.status, 600);
  }
  EXPECT_EQ(server.handle(request("POST", test::comms_target, invalid_utf8)).response.status, 400);
  EXPECT_EQ(server.handle(request("POST", test::comms_target, deep)).response.status, 400);
}

}  // namespace
}  // namespace conform::mock
