#include "mock/reference_server.hpp"
#include "test_fixtures.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace conform::mock {
namespace {

using test::get_fixture;
using test::request;
using test::with_types;

TEST(GlobMatch, StarMatchesAnyRunIncludingSlash) {
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("*", "create-user/create_user"));
  EXPECT_TRUE(glob_match("create-*", "create-user/create_user"));
  EXPECT_TRUE(glob_match("*/create_user", "create-user/create_user"));
  EXPECT_TRUE(glob_match("c*e*r", "create-user"));
  EXPECT_FALSE(glob_match("create-*", "delete-user/x"));
  EXPECT_FALSE(glob_match("*x", "create-user"));
}

TEST(GlobMatch, QuestionMarkMatchesExactlyOneCharacter) {
  EXPECT_TRUE(glob_match("us?r", "user"));
  EXPECT_FALSE(glob_match("us?r", "usr"));
  EXPECT_FALSE(glob_match("us?r", "useer"));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_TRUE(glob_match("", ""));
}

TEST(GlobMatch, IsCaseSensitiveAndHandlesBacktracking) {
  EXPECT_FALSE(glob_match("User", "user"));
  EXPECT_TRUE(glob_match("*a*a*b", "aaaaaaaaaaaaaaaaaaaaaab"));
  EXPECT_FALSE(glob_match("*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaa"));
}

TEST(FaultKind, ParsesKebabCaseAndRoundTrips) {
  for (auto k : {fault_kind::status, fault_kind::drop_property, fault_kind::wrong_type, fault_kind::bad_enum,
                 fault_kind::bad_timestamp, fault_kind::odata_type, fault_kind::no_odata_type,
                 fault_kind::content_type, fault_kind::malformed_json, fault_kind::slow, fault_kind::reset,
                 fault_kind::huge_body, fault_kind::nested})
    EXPECT_EQ(parse_fault_kind(to_string(k)), k);
  EXPECT_EQ(parse_fault_kind("drop-property"), fault_kind::drop_property);
  EXPECT_EQ(parse_fault_kind("DROP_PROPERTY"), fault_kind::drop_property);
  EXPECT_FALSE(parse_fault_kind("drop"));
  EXPECT_FALSE(parse_fault_kind(""));
}

TEST(FaultKind, ParsesKindWithGlob) {
  auto f = parse_fault("wrong-type@create-user/*");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, fault_kind::wrong_type);
  EXPECT_EQ(f->glob, "create-user/*");
  auto g = parse_fault("slow");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->glob, "*");
  EXPECT_FALSE(parse_fault("nope@x"));
}

TEST(Routing, PlaceholderSegmentMatchesAnyOneSegment) {
  fixture_set set = with_types({test::comms_operation()});
  reference_server server(set, {});
  EXPECT_EQ(server.route_count(), 1u);
  EXPECT_EQ(server.handle(request("POST", test::comms_target, test::valid_comms_body)).response.status, 201);
  // A placeholder stands for exactly one segment, never zero or two.
  EXPECT_EQ(server.handle(request("POST", "/beta/communications/calls/operations", test::valid_comms_body))
                .response.status,
            404);
  EXPECT_EQ(
      server.handle(request("POST", "/beta/communications/calls/a/b/operations", test::valid_comms_body))
          .response.status,
      404);
}

TEST(Routing, IgnoresQueryHostAndTrailingSlashAndComparesDecoded) {
  fixture_set set = with_types(
      {get_fixture("user-get/a", "https://graph.microsoft.com/v1.0/users/{id | userPrincipalName}")});
  reference_server server(set, {});
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/jo%40contoso.com?$select=id")).response.status, 200);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/42/")).response.status, 200);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/us%65rs/42")).response.status, 200);
  EXPECT_EQ(server.handle(request("GET", "http://localhost:8080/v1.0/users/42")).response.status, 200);
  EXPECT_EQ(server.handle(request("GET", "/beta/users/42")).response.status, 404);
}

TEST(Routing, RelativeDocumentedUrlGetsVersionPrepended) {
  fixture_set set = with_types({get_fixture("me-get/a", "/me/events")});
  reference_server server(set, {});
  EXPECT_EQ(server.handle(request("GET", "/v1.0/me/events")).response.status, 200);
  EXPECT_EQ(server.handle(request("GET", "/me/events")).response.status, 404);
}

TEST(Routing, PartialSegmentPlaceholderMatchesByPattern) {
  fixture_set set = with_types(
      {get_fixture("item-get/a", "https://graph.microsoft.com/v1.0/sites/{site-id}/items('{item-id}')")});
  reference_server server(set, {});
  EXPECT_EQ(server.handle(request("GET", "/v1.0/sites/s1/items('abc')")).response.status, 200);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/sites/s1/items%28%27abc%27%29")).response.status, 200);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/sites/s1/items('')")).response.status, 404);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/sites/s1/things('abc')")).response.status, 404);
}

TEST(Routing, AnglePlaceholdersMatchLikeBracedOnes) {
  fixture_set set = with_types(
      {get_fixture("reports/a",
                   "https://graph.microsoft.com/v1.0/reports/getJobs(groupId='{id}',"
                   "start=<timestamp>,end=<timestamp>)"),
       get_fixture("cell/a", "https://graph.microsoft.com/v1.0/sheets/{id}/cell(row=<row>,column=<column>)"),
       get_fixture("cmp/a", "https://graph.microsoft.com/v1.0/things/a<b>c")});
  reference_server server(set, {});
  EXPECT_EQ(server
                .handle(request("GET",
                                "/v1.0/reports/getJobs(groupId='g',start=2024-01-01T00:00:00Z,"
                                "end=2024-01-02T00:00:00Z)"))
                .response.status,
            200);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/sheets/s/cell(row=1,column=2)")).response.status, 200);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/sheets/s/cell(row=1;column=2)")).response.status, 404);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/things/axyzc")).response.status, 200);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/things/ac")).response.status,
            404);  // a placeholder is not empty
}

TEST(Routing, MoreLiteralSegmentsWin) {
  fixture_set set =
      with_types({get_fixture("user-get/by-id", "https://graph.microsoft.com/v1.0/users/{id}"),
                  get_fixture("user-delta/delta", "https://graph.microsoft.com/v1.0/users/delta")});
  reference_server server(set, {});
  EXPECT_EQ(server.route_count(), 2u);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/delta")).fixture_id, "user-delta/delta");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/123")).fixture_id, "user-get/by-id");
}

TEST(Routing, SameRouteDocumentedTwiceIsOneRoute) {
  fixture_set set =
      with_types({get_fixture("a/1", "https://graph.microsoft.com/v1.0/users/{id}"),
                  get_fixture("a/2", "https://graph.microsoft.com/v1.0/users/{user-id}?$select=id")});
  reference_server server(set, {});
  EXPECT_EQ(server.route_count(), 1u);
}

TEST(Routing, EndpointTemplatesWidenConcreteExampleIds) {
  fixture f = get_fixture("user-get/concrete",
                          "https://graph.microsoft.com/v1.0/users/87d349ed-44d7-43e1-9a83-5f2406dee5bd");
  f.endpoint_templates = {"GET /users/{id | userPrincipalName}", "GET /me"};
  fixture_set set = with_types({f});
  reference_server server(set, {});
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/someone-else")).response.status, 200);
}

TEST(Routing, SeveralPlaceholdersInOneSegmentStayFastOnHostileInput) {
  fixture_set set = with_types({get_fixture(
      "range/a", "https://graph.microsoft.com/v1.0/me/range(address='{a}',sheet='{b}',x='{c}')")});
  reference_server server(set, {});
  EXPECT_EQ(server.handle(request("GET", "/v1.0/me/range(address='A1',sheet='S',x='1')")).response.status,
            200);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/me/range(address='',sheet='S',x='1')")).response.status, 404);
  // Naive backtracking would take O(n^3) here.
  std::string hostile = "/v1.0/me/range(address='" + std::string(200000, '\'') + "z";
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.handle(request("GET", hostile)).response.status, 404);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Routing, UnsubstitutedPlaceholderInRequestStillSplitsOffQuery) {
  fixture_set set = with_types({get_fixture("user-get/a", "https://graph.microsoft.com/v1.0/users/{id}")});
  reference_server server(set, {});
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/{id?$select=id")).response.status, 200);
}

TEST(Routing, NotRunnableFixturesAreNotServed) {
  fixture f = get_fixture("x/1", "https://graph.microsoft.com/v1.0/users");
  f.runnable = false;
  fixture_set set = with_types({f});
  reference_server server(set, {});
  EXPECT_EQ(server.route_count(), 0u);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users")).response.status, 404);
}

}  // namespace
}  // namespace conform::mock
