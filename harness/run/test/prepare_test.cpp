#include "model/contract.hpp"
#include "run/run.hpp"
#include "seed_fixtures.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>
#include <string>

namespace conform::run {
namespace {

namespace json = boost::json;

struct rewrite_case {
  const char* documented;
  const char* base;
  const char* version;
  const char* expected;
};

TEST(RewriteUrl, Table) {
  const rewrite_case cases[] = {
      {"https://graph.microsoft.com/v1.0/users/x", "http://127.0.0.1:8080/graph", "v1.0",
       "http://127.0.0.1:8080/graph/v1.0/users/x"},
      {"https://graph.microsoft.com/v1.0/users/x", "http://127.0.0.1:8080/graph/", "v1.0",
       "http://127.0.0.1:8080/graph/v1.0/users/x"},
      {"https://graph.microsoft.com/beta/me?$select=id", "https://example.test", "beta",
       "https://example.test/beta/me?$select=id"},
      {"HTTPS://graph.microsoft.com/v1.0/me", "http://h:1", "v1.0", "http://h:1/v1.0/me"},
      {"/users/{usersId}/operations", "http://h:1", "v1.0", "http://h:1/v1.0/users/{usersId}/operations"},
      {"users/x", "http://h:1", "beta", "http://h:1/beta/users/x"},
      {"/v1.0/users/x", "http://h:1", "v1.0", "http://h:1/v1.0/users/x"},
      {"/beta/users/x", "http://h:1", "v1.0", "http://h:1/beta/users/x"},
      {"graph.microsoft.com/v1.0/me", "http://h:1", "v1.0", "http://h:1/v1.0/me"},
      {"https://graph.microsoft.com", "http://h:1", "v1.0", "http://h:1/"},
      {"https://graph.microsoft.com?x=1", "http://h:1", "v1.0", "http://h:1/?x=1"},
      {"  https://graph.microsoft.com/v1.0/me  ", "http://h:1", "", "http://h:1/v1.0/me"},
      {"/me", "http://h:1", "", "http://h:1/me"},
      // A target naming the version: the documented one is not repeated.
      {"https://graph.microsoft.com/v1.0/users/x", "https://host/v1.0", "v1.0", "https://host/v1.0/users/x"},
      {"https://graph.microsoft.com/v1.0/users/x", "https://host/api/v1.0/", "v1.0",
       "https://host/api/v1.0/users/x"},
      {"/users/x", "https://host/v1.0", "v1.0", "https://host/v1.0/users/x"},
      {"https://graph.microsoft.com/v1.0", "https://host/v1.0", "v1.0", "https://host/v1.0/"},
      {"https://graph.microsoft.com/beta/users/x", "https://host/v1.0", "beta",
       "https://host/v1.0/beta/users/x"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(rewrite_url(c.documented, c.base, c.version), c.expected) << c.documented << " + " << c.base;
}

TEST(EncodeUrl, EncodesWhatUrlsForbidAndKeepsODataQueries) {
  EXPECT_EQ(encode_url("http://h:1/v1.0/users?$filter=startswith(displayName,'a b')&$top=1"),
            "http://h:1/v1.0/users?$filter=startswith(displayName,'a%20b')&$top=1");
  EXPECT_EQ(encode_url("http://h:1/a/{x}\"|^`<>"), "http://h:1/a/%7Bx%7D%22%7C%5E%60%3C%3E");
  EXPECT_EQ(encode_url("http://h:1/a%20b%zz"), "http://h:1/a%20b%25zz");
  EXPECT_EQ(encode_url("http://[::1]:8080/x[0]#frag"), "http://[::1]:8080/x%5B0%5D%23frag");
  EXPECT_EQ(encode_url("http://h/caf\xc3\xa9"), "http://h/caf%C3%A9");
}

TEST(Placeholders, FindsBracesAlternativesAndAngleNames) {
  auto ps = find_placeholders("/users/{id | userPrincipalName}/events?start=<timestamp>&f={\"a\":1}");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0].text, "{id | userPrincipalName}");
  EXPECT_EQ(ps[0].names, (std::vector<std::string>{"id | userPrincipalName", "id", "userPrincipalName"}));
  EXPECT_EQ(ps[1].text, "<timestamp>");
  EXPECT_EQ(ps[1].names, (std::vector<std::string>{"timestamp"}));
}

TEST(Placeholders, BindsFromVariablesAndAlternatives) {
  options o;
  o.variables = {{"userPrincipalName", "ada@contoso.com"}, {"callid", "c-1"}};
  std::vector<std::string> subs, unbound;
  std::string out =
      bind_placeholders("/users/{id | userPrincipalName}/calls/{callId}", o, "url", "f/x", subs, unbound);
  EXPECT_EQ(out, "/users/ada@contoso.com/calls/c-1");
  EXPECT_TRUE(unbound.empty());
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0], "url: {id | userPrincipalName} -> ada@contoso.com");
}

TEST(Placeholders, UnboundIsAPlaceholderErrorAndNothingIsSent) {
  fixture_set set = test::seed_set();
  options o;
  o.variables = {{"usersId", "u1"}};
  prepared_request p = prepare_request(set.fixtures[0], set, o, "http://127.0.0.1:1");
  EXPECT_NE(p.error.find("{managedAppRegistrationId}"), std::string::npos) << p.error;
  EXPECT_EQ(p.error.find("{usersId}"), std::string::npos) << p.error;
  EXPECT_NE(p.error.find("--var managedAppRegistrationId=VALUE"), std::string::npos) << p.error;
}

TEST(Placeholders, FillGeneratesStableGuidLikeValues) {
  fixture_set set = test::seed_set();
  options o;
  o.fill_placeholders = true;
  prepared_request a = prepare_request(set.fixtures[0], set, o, "http://127.0.0.1:1");
  prepared_request b = prepare_request(set.fixtures[0], set, o, "http://127.0.0.1:1");
  EXPECT_TRUE(a.error.empty()) << a.error;
  EXPECT_EQ(a.url, b.url);
  EXPECT_EQ(a.url.find('{'), std::string::npos) << a.url;
  std::string g = generated_value("usersId");
  EXPECT_EQ(g.size(), 36u);
  EXPECT_EQ(g[14], '4');
  EXPECT_NE(a.url.find("/users/" + g + "/"), std::string::npos) << a.url;
  EXPECT_NE(generated_value("usersId"), generated_value("callId"));
  bool recorded = false;
  for (const auto& s : a.substitutions) recorded = recorded || s.find("(generated)") != std::string::npos;
  EXPECT_TRUE(recorded);
}

TEST(BodySubstitution, ReplacesTypedPlaceholdersAndRecordsEach) {
  fixture_set set = test::seed_set();
  fixture f = test::seed_003();
  json::value body = *f.request.json;
  std::vector<std::string> subs;
  substitute_body(body, f, set, subs);
  EXPECT_EQ(body.at("status"), "notstarted");
  EXPECT_TRUE(is_timestamp(body.at("lastActionDateTime").as_string()));
  EXPECT_EQ(body.at("statusDetail"), "String");  // a String-typed "String" is a fine value
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0].rfind("/lastActionDateTime: \"String (timestamp)\" -> \"", 0), 0u) << subs[0];
  EXPECT_EQ(subs[1], "/status: \"String\" -> \"notstarted\" (member of enum longRunningOperationStatus)");
}

TEST(BodySubstitution, NumbersBooleansNestedTypesAndNamedPlaceholders) {
  fixture_set set = test::seed_set();
  fixture f = test::seed_004();
  f.properties.push_back(test::prop("enabled", "Boolean"));
  f.properties.push_back(test::prop("tags", "Collection(Int32)"));
  json::value body = json::parse(R"j({"status": "Running", "enabled": "Boolean", "tags": ["Int32", 5],
      "untyped": "Int64", "when": "String (timestamp)",
      "resultInfo": {"@odata.type": "microsoft.graph.ResultInfo", "code": "Int32", "message": "String"}})j");
  std::vector<std::string> subs;
  substitute_body(body, f, set, subs);
  EXPECT_EQ(body.at("status"), "Running");  // already valid
  EXPECT_EQ(body.at("enabled"), false);
  EXPECT_EQ(body.at("tags").at(0), 0);
  EXPECT_EQ(body.at("tags").at(1), 5);
  EXPECT_EQ(body.at("untyped"), 0);  // no documented type, but the placeholder names one
  EXPECT_TRUE(is_timestamp(body.at("when").as_string()));
  EXPECT_EQ(body.at("resultInfo").at("code"), 0);
  EXPECT_EQ(body.at("resultInfo").at("message"), "String");
  EXPECT_EQ(subs.size(), 5u);
  bool nested = false;
  for (const auto& s : subs) nested = nested || s.rfind("/resultInfo/code: \"Int32\" -> 0", 0) == 0;
  EXPECT_TRUE(nested);
}

TEST(BodySubstitution, DocumentationConventionsInTypedProperties) {
  fixture_set set;
  fixture f;
  std::vector<std::string> positions = {"Top", "Bottom"};
  f.properties = {test::prop("position", "chartLegendPosition", positions),
                  test::prop("status", "recordingStatus", {"notRecording", "recording", "failed"}),
                  test::prop("feedback", "alertFeedback", {"unknown", "truePositive"}),
                  test::prop("when", "DateTimeOffset"),
                  test::prop("name", "String"),
                  test::prop("kind", "chartType", {"Pie", "Bar"})};
  json::value body = json::parse(R"j({"position": "position-value", "status": "recording | failed",
      "feedback": "@odata.type: microsoft.graph.alertFeedback", "when": "datetime-value", "name": "name-value",
      "kind": "Doughnut"})j");
  std::vector<std::string> subs;
  substitute_body(body, f, set, subs);
  EXPECT_EQ(body.at("position"), "Top");
  EXPECT_EQ(body.at("status"), "recording");  // the first alternative listed, being a member
  EXPECT_EQ(body.at("feedback"), "unknown");
  EXPECT_TRUE(is_timestamp(body.at("when").as_string()));
  EXPECT_EQ(body.at("name"), "name-value");  // strings are strings
  EXPECT_EQ(body.at("kind"), "Doughnut");    // a real (if undocumented) value is the server's to judge
  EXPECT_EQ(subs.size(), 4u);
}

TEST(BodySubstitution, DocumentedValuesTheirOwnTypeRejectsBecomeValid) {
  fixture_set set;
  fixture f;
  f.properties = {test::prop("saveToSentItems", "Boolean"),
                  test::prop("isEnabled", "Boolean", {"true", "false"}),
                  test::prop("startDate", "Date"),
                  test::prop("birthday", "DateTimeOffset"),
                  test::prop("skuIds", "Collection(Guid)"),
                  test::prop("contentType", "bodyType", {"text", "html"}),
                  test::prop("type", "String"),
                  test::prop("createdBy", "String"),
                  test::prop("count", "Int32"),
                  test::prop("cleared", "Int32")};
  json::value body = json::parse(R"j({"saveToSentItems": "false", "isEnabled": "true",
      "startDate": "2020-09-08T12:02:30.667Z", "birthday": "1974-07-22", "skuIds": ["skuId-value-1"],
      "contentType": "", "type": "Integer", "createdBy": {"displayName": "App"}, "count": 3, "cleared": null})j");
  std::vector<std::string> subs;
  substitute_body(body, f, set, subs);
  EXPECT_EQ(body.at("saveToSentItems"), false);
  EXPECT_EQ(body.at("isEnabled"), true);  // what the docs meant, not a member spelled as a string
  EXPECT_EQ(body.at("startDate"), "2020-09-08");
  EXPECT_EQ(body.at("birthday"), "1974-07-22T00:00:00Z");
  ASSERT_TRUE(body.at("skuIds").at(0).is_string());
  EXPECT_TRUE(is_guid(body.at("skuIds").at(0).as_string()));
  EXPECT_EQ(body.at("contentType"), "text");
  EXPECT_EQ(body.at("type"), "Integer");  // a valid String that happens to name a type
  EXPECT_EQ(body.at("createdBy"), R"j({"displayName":"App"})j");
  EXPECT_EQ(body.at("count"), 3);
  EXPECT_TRUE(body.at("cleared").is_null());
  ASSERT_EQ(subs.size(), 7u);
  EXPECT_EQ(subs[0], "/saveToSentItems: \"false\" -> false (invalid Boolean)");
}

TEST(PrepareRequest, HeadersDropDocumentedAuthAddUserHeadersBearerAndFixtureId) {
  fixture_set set = test::seed_set();
  fixture f = test::seed_004();
  f.request.headers.push_back({"Authorization", "Bearer {token}"});
  f.request.headers.push_back({"Prefer", "return=minimal"});
  options o;
  o.variables = test::seed_variables();
  o.headers = {{"prefer", "return=representation"}, {"X-Extra", "1"}};
  o.bearer_token = "tok-123";
  prepared_request p = prepare_request(f, set, o, "http://127.0.0.1:9/");
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(p.url,
            "http://127.0.0.1:9/beta/communications/calls/57dab8b1-894c-409a-b240-bd8beae78896/operations");
  EXPECT_EQ(find_header(p.headers, "Content-Length"), nullptr);
  ASSERT_NE(find_header(p.headers, "Authorization"), nullptr);
  EXPECT_EQ(find_header(p.headers, "Authorization")->value, "Bearer tok-123");
  EXPECT_EQ(find_header(p.headers, "Prefer")->value, "return=representation");
  EXPECT_EQ(find_header(p.headers, "X-Extra")->value, "1");
  EXPECT_EQ(find_header(p.headers, "X-Conform-Fixture")->value, f.id);
  EXPECT_EQ(find_header(p.headers, "Content-Type")->value, "application/json");
  EXPECT_EQ(json::parse(p.body).at("status"), "NotStarted");
}

TEST(Redactor, HidesBearerSecretHeadersAndUserinfo) {
  options o;
  o.bearer_token = "s3cr3t-token";
  o.headers = {{"api-key", "k-999"},
               {"X-Tenant-Key", "tenant-42"},
               {"X-Plain", "visible"},
               {"Authorization", "Basic dXNlcjpwYXNz"}};
  o.secret_headers = {"x-tenant-key"};
  o.target = "https://user:hunter2@example.test/api";
  redactor r(o);
  EXPECT_EQ(r("Bearer s3cr3t-token k-999 tenant-42 visible dXNlcjpwYXNz hunter2"),
            "Bearer *** *** *** visible *** ***");
  case_result c;
  c.url = "http://x/?k=k-999";
  c.error_message = "server said s3cr3t-token";
  c.checks.push_back(
      {check_id::json, check_outcome::failed, "/auth", "x", "\"Bearer s3cr3t-token\"", "echo"});
  r.apply(c);
  EXPECT_EQ(c.url, "http://x/?k=***");
  EXPECT_EQ(c.error_message, "server said ***");
  EXPECT_EQ(c.checks[0].actual, "\"Bearer ***\"");
}

// A value cut for humans (shorten: 200 bytes and "...") before the redactor sees it holds only the first part
// of a secret that straddled the cut; that part goes too, and nothing else does.
TEST(Redactor, HidesTheStartOfASecretLeftAtACut) {
  options o;
  o.bearer_token = "tok3nABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  redactor r(o);
  const std::string cut = shorten(std::string(195, 'x') + o.bearer_token + " tail");
  ASSERT_EQ(cut, std::string(195, 'x') + "tok3n...");
  EXPECT_EQ(r(cut), std::string(195, 'x') + "***...");
  EXPECT_EQ(r("id \"" + cut + "\" is not a string; seen tok3"),
            "id \"" + std::string(195, 'x') + "***...\" is not a string; seen tok3");
  EXPECT_EQ(r("ends with x..."), "ends with x...");  // no secret begins with "x"
  EXPECT_EQ(r("whole tok3nABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789..."), "whole ***...");
}

TEST(Filters, IncludeAndExcludeGlobs) {
  options o;
  EXPECT_TRUE(selected("a/b", o));
  o.include = {"comm*", "auth*"};
  o.exclude = {"*_from_"};
  EXPECT_TRUE(selected("communications/create", o));
  EXPECT_FALSE(selected("communications/create_from_", o));
  EXPECT_FALSE(selected("users/list", o));
}

TEST(Suite, ParsesCommentsTrailingCommasAndResolvesPaths) {
  suite s = parse_suite(R"j(// what this is
    {
      "target": "http://127.0.0.1:8080/graph", /* inline */
      "variables": {"usersId": "u-1", "n": 7,},
      "headers": {"Prefer": "x"},
      "paths": ["../docs/a.md", "/abs/b.md"],
      "include": ["a*"], "exclude": ["b*"],
      "overrides": {"p/x": {"status": 404}, "p/y": {"skip": "flaky"}},
      "connect-timeout": 500, "fill_placeholders": true, "odata_type": "if-present",
    })j",
                        "/work/suites", "s.json");
  EXPECT_EQ(s.target, "http://127.0.0.1:8080/graph");
  EXPECT_EQ(s.variables.at("usersId"), "u-1");
  EXPECT_EQ(s.variables.at("n"), "7");
  ASSERT_EQ(s.paths.size(), 2u);
  EXPECT_EQ(s.paths[0], "/work/docs/a.md");
  EXPECT_EQ(s.paths[1], "/abs/b.md");
  EXPECT_EQ(s.overrides.at("p/x").status, 404);
  EXPECT_EQ(s.overrides.at("p/y").skip, "flaky");
  EXPECT_EQ(s.connect_timeout_ms, 500);
  EXPECT_EQ(s.fill_placeholders, true);
  EXPECT_EQ(s.odata_type, check::odata_type_mode::if_present);
}

TEST(Suite, MetadataIsOneDocumentOrAListResolvedAgainstTheSuite) {
  suite one = parse_suite(R"({"metadata": "graph.csdl", "odata_type": "odata"})", "/work/suites", "s.json");
  ASSERT_EQ(one.metadata.size(), 1u);
  EXPECT_EQ(one.metadata[0], "/work/suites/graph.csdl");
  EXPECT_EQ(one.odata_type, check::odata_type_mode::odata);
  suite many = parse_suite(
      R"({"metadata": ["v1.0=../csdl/v1.0.csdl", "beta=https://graph.microsoft.com/beta/$metadata"]})",
      "/work/suites", "s.json");
  ASSERT_EQ(many.metadata.size(), 2u);
  EXPECT_EQ(many.metadata[0], "v1.0=/work/csdl/v1.0.csdl");
  EXPECT_EQ(many.metadata[1], "beta=https://graph.microsoft.com/beta/$metadata");
  EXPECT_THROW(parse_suite(R"({"metadata": 3})", "/", "s.json"), std::invalid_argument);
  EXPECT_THROW(parse_suite(R"({"odata_type": "sometimes"})", "/", "s.json"), std::invalid_argument);
}

TEST(Suite, MetadataSpecsSplitTheVersionOnlyWhereItCanBeOne) {
  EXPECT_EQ(parse_metadata_spec("v1.0=graph.csdl").version, "v1.0");
  EXPECT_EQ(parse_metadata_spec("v1.0=graph.csdl").location, "graph.csdl");
  EXPECT_EQ(parse_metadata_spec("graph.csdl").version, "");
  // A URL or path holding '=' keeps it.
  const metadata_spec url = parse_metadata_spec("https://h/$metadata?x=1");
  EXPECT_EQ(url.version, "");
  EXPECT_EQ(url.location, "https://h/$metadata?x=1");
  EXPECT_TRUE(url.is_url());
  EXPECT_EQ(parse_metadata_spec("./a=b.csdl").version, "");
}

TEST(Suite, ReadsRetryAndThrottlingSettings) {
  suite s = parse_suite(R"({"retries": 3, "retry-unsafe": true, "rate": 2.5})", "/", "s.json");
  EXPECT_EQ(s.retries, 3);
  EXPECT_EQ(s.retry_unsafe, true);
  EXPECT_EQ(s.rate, 2.5);
  EXPECT_EQ(parse_suite(R"({"rate": 10})", "/", "s.json").rate, 10.0);
  EXPECT_FALSE(parse_suite("{}", "/", "s.json").retry_unsafe.has_value());
  EXPECT_FALSE(parse_suite("{}", "/", "s.json").rate.has_value());
  EXPECT_THROW(parse_suite(R"({"retry_unsafe": "yes"})", "/", "s.json"), std::invalid_argument);
  EXPECT_THROW(parse_suite(R"({"rate": -1})", "/", "s.json"), std::invalid_argument);
  EXPECT_THROW(parse_suite(R"({"rate": "fast"})", "/", "s.json"), std::invalid_argument);
}

TEST(Suite, ReadsRerunFailuresInItsRange) {
  EXPECT_EQ(parse_suite(R"({"rerun_failures": 3})", "/", "s.json").rerun_failures, 3);
  EXPECT_EQ(parse_suite(R"({"rerun-failures": 0})", "/", "s.json").rerun_failures, 0);
  EXPECT_FALSE(parse_suite("{}", "/", "s.json").rerun_failures.has_value());
  for (const char* bad :
       {R"({"rerun_failures": 21})", R"({"rerun_failures": -1})", R"({"rerun_failures": "2"})"})
    EXPECT_THROW(parse_suite(bad, "/", "s.json"), std::invalid_argument) << bad;
  options o;
  o.rerun_failures = 21;
  try {
    validate(o);
    ADD_FAILURE() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "--rerun-failures must be between 0 and 20, got 21");
  }
}

TEST(Suite, ReadsWaiversAndRejectsBadOnes) {
  suite s = parse_suite(R"({"waivers": [
      {"fixture": "user-get/*", "check": "enum", "reason": "bug 12", "until": "2026-12-31"},
      {"fixture": "slow/*", "check": "timeout", "reason": "slow lab"},
      {"fixture": "x", "reason": "leap day", "until": "2028-02-29"}]})",
                        "/", "s.json");
  ASSERT_EQ(s.waivers.size(), 3u);
  EXPECT_EQ(s.waivers[0].fixture, "user-get/*");
  EXPECT_EQ(s.waivers[0].check, "enum");
  EXPECT_EQ(s.waivers[0].reason, "bug 12");
  EXPECT_EQ(s.waivers[0].until, "2026-12-31");
  EXPECT_EQ(s.waivers[1].until, "");
  for (const char* bad :
       {R"({"waivers": {}})", R"({"waivers": [{"reason": "r"}]})", R"({"waivers": [{"fixture": "a"}]})",
        R"({"waivers": [{"fixture": "a", "reason": "r", "until": "2026-13-01"}]})",
        R"({"waivers": [{"fixture": "a", "reason": "r", "until": "2027-02-29"}]})",
        R"({"waivers": [{"fixture": "a", "reason": "r", "until": "31.12.2026"}]})",
        R"({"waivers": [{"fixture": "a", "reason": "r", "check": "enums"}]})",
        R"({"waivers": [{"fixture": "a", "reason": "r", "owner": "me"}]})"})
    EXPECT_THROW(parse_suite(bad, "/", "s.json"), std::invalid_argument) << bad;
}

TEST(Waiver, LiveUntilTheEndOfItsDay) {
  waiver w{"a", "", "r", "2026-06-01"};
  EXPECT_TRUE(waiver_live(w, "2026-05-31"));
  EXPECT_TRUE(waiver_live(w, "2026-06-01"));
  EXPECT_FALSE(waiver_live(w, "2026-06-02"));
  EXPECT_TRUE(waiver_live(waiver{"a", "", "r", ""}, "2999-01-01"));
}

TEST(Shard, EveryFixtureFallsInExactlyOneShardTheSameEveryTime) {
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i)
    ids.push_back("page-" + std::to_string(i % 37) + "/get_" + std::to_string(i));
  for (std::size_t n : {1u, 2u, 3u, 7u, 64u}) {
    std::vector<std::size_t> per_shard(n + 1);
    for (const std::string& id : ids) {
      std::size_t k = shard_of(id, n);
      ASSERT_GE(k, 1u);
      ASSERT_LE(k, n);
      EXPECT_EQ(shard_of(id, n), k);
      ++per_shard[k];
      std::size_t kept = 0;
      for (std::size_t shard = 1; shard <= n; ++shard) {
        options o;
        o.shard_index = shard;
        o.shard_count = n;
        kept += selected(id, o);
      }
      EXPECT_EQ(kept, 1u) << id << " in " << n << " shards";
    }
    // No shard of a few is left empty or takes nearly all (a hash that ignores most of the id would).
    if (n <= 7)
      for (std::size_t k = 1; k <= n; ++k) {
        EXPECT_GT(per_shard[k], 1000 / n / 2) << k << "/" << n;
        EXPECT_LT(per_shard[k], 1000 / n * 3 / 2) << k << "/" << n;
      }
  }
}

TEST(Shard, ParsesKOfNAndRejectsTheRest) {
  EXPECT_EQ(parse_shard("1/1"), (std::pair<std::size_t, std::size_t>{1, 1}));
  EXPECT_EQ(parse_shard("3/4"), (std::pair<std::size_t, std::size_t>{3, 4}));
  for (const char* bad : {"", "1", "0/3", "4/3", "1/0", "a/b", "1/2/3", "-1/2", "1/99999", " 1/2"})
    EXPECT_THROW(parse_shard(bad), std::invalid_argument) << bad;
}

TEST(Suite, RejectsTyposAndBadValuesNamingTheFile) {
  EXPECT_THROW(parse_suite(R"({"varibles": {}})", "/", "s.json"), std::invalid_argument);
  EXPECT_THROW(parse_suite(R"({"concurrency": 0})", "/", "s.json"), std::invalid_argument);
  EXPECT_THROW(parse_suite(R"({"overrides": {"a": {"stat": 1}}})", "/", "s.json"), std::invalid_argument);
  try {
    parse_suite("{", "/", "my.json");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("my.json: ", 0), 0u) << e.what();
  }
}

// A suite's numbers get the command line's ranges, checked before they are narrowed to the option's type:
// "connect_timeout": 9223372036854775807 overflowed every deadline, 4294967297 retries wrapped to 1.
TEST(Suite, NumbersOutsideTheCommandLinesRangesAreRejectedNamingTheFileAndRange) {
  for (const char* bad :
       {R"({"connect_timeout": 9223372036854775807})", R"({"connect_timeout": 0})",
        R"({"timeout": 86400001})", R"({"retries": 21})", R"({"retries": 4294967297})",
        R"({"concurrency": 1025})", R"({"concurrency": 18446744073709551615})", R"({"retries": -1})"}) {
    try {
      parse_suite(bad, "/", "s.json");
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::invalid_argument& e) {
      std::string m = e.what();
      EXPECT_EQ(m.rfind("s.json: \"", 0), 0u) << m;
      EXPECT_NE(m.find(" must be between "), std::string::npos) << m;
    }
  }
  try {
    parse_suite(R"({"connect_timeout": 9223372036854775807})", "/", "s.json");
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "s.json: \"connect_timeout\" must be between 1 and 86400000 ms, got 9223372036854775807");
  }
  suite edge = parse_suite(
      R"({"connect_timeout": 86400000, "timeout": 1, "retries": 20, "concurrency": 1024})", "/", "s.json");
  EXPECT_EQ(edge.connect_timeout_ms, 86400000);
  EXPECT_EQ(edge.retries, 20);
  EXPECT_EQ(edge.concurrency, 1024u);
}

// The same ranges for the merged options, named as flags: what the command line gave.
TEST(Validate, OptionsOutsideTheirRangesNameTheFlagAndTheRange) {
  options o;
  EXPECT_NO_THROW(validate(o));
  auto message = [](options x) {
    try {
      validate(x);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  options a = o;
  a.retries = 21;
  EXPECT_EQ(message(a), "--retries must be between 0 and 20, got 21");
  options b = o;
  b.connect_timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(message(b), "--connect-timeout must be between 1 and 86400000 ms, got 0");
  options c = o;
  c.timeout = std::chrono::milliseconds(86400001);
  EXPECT_EQ(message(c), "--timeout must be between 1 and 86400000 ms, got 86400001");
  options d = o;
  d.concurrency = 0;
  EXPECT_EQ(message(d), "--concurrency must be between 1 and 1024, got 0");
}

}  // namespace
}  // namespace conform::run
