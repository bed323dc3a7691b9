#include "run/run.hpp"
#include "mock/reference_server.hpp"
#include "report/report.hpp"
#include "seed_fixtures.hpp"
#include "transport/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>

namespace conform::run {
namespace {

// A reference server (or any handler) on a loopback port for the length of a test.
class loopback {
 public:
  explicit loopback(transport::request_handler handler) {
    transport::server_options so;
    so.host = "127.0.0.1";
    server_ = std::make_unique<transport::http_server>(so, std::move(handler));
    std::error_code ec;
    server_->start(ec);
    EXPECT_FALSE(ec) << ec.message();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  void stop() { server_->stop(); }

 private:
  std::unique_ptr<transport::http_server> server_;
};

transport::request_handler serve(const mock::reference_server& ref) {
  return [&ref](const http_request& req) {
    mock::reply r = ref.handle(req);
    return transport::server_reply{std::move(r.response), r.reset, r.delay};
  };
}

// The reference server over `set` on a loopback port: what cli wires as the default target.
class reference_target {
 public:
  explicit reference_target(const fixture_set& set, mock::options opts = {})
      : ref_(set, std::move(opts)), server_(serve(ref_)) {}
  std::string url() const { return server_.url(); }

 private:
  mock::reference_server ref_;
  loopback server_;
};

const case_result& find_case(const run_result& r, std::string_view id_part) {
  for (const case_result& c : r.cases)
    if (c.fixture_id.find(id_part) != std::string::npos) return c;
  static case_result none;
  ADD_FAILURE() << "no case " << id_part;
  return none;
}

std::string describe(const case_result& c) {
  std::string s = c.fixture_id + " " + std::string(to_string(c.outcome)) + " " +
                  std::string(stage_name(c.error)) + " " + c.error_message + " " + c.skip_reason;
  for (const auto& k : c.checks)
    if (k.outcome == check_outcome::failed)
      s += " [" + std::string(to_string(k.check)) + " " + k.message + "]";
  return s;
}

std::string property_of(const run_result& r, std::string_view name) {
  for (const auto& [k, v] : r.properties)
    if (k == name) return v;
  return {};
}

TEST(Runner, SeedsPassAgainstTheReferenceServer) {
  fixture_set set = test::seed_set();
  reference_target target(set);
  options o;
  o.target = target.url();
  o.target_name = "embedded reference server";
  o.variables = test::seed_variables();
  std::size_t calls = 0, last_done = 0;
  run_result r = run_fixtures(set, o, [&](const case_result&, std::size_t done, std::size_t total) {
    ++calls;
    EXPECT_EQ(total, 5u);
    EXPECT_EQ(done, last_done + 1);
    last_done = done;
  });
  EXPECT_EQ(calls, 5u);
  ASSERT_EQ(r.cases.size(), 5u);
  for (std::size_t i = 0; i < r.cases.size(); ++i) EXPECT_EQ(r.cases[i].fixture_id, set.fixtures[i].id);
  for (const case_result& c : r.cases) {
    if (c.fixture_id.rfind("operation-post/", 0) == 0) {
      EXPECT_EQ(c.outcome, verdict::skipped);
      EXPECT_EQ(c.skip_reason, "the documented URL is not a URL");
    } else {
      EXPECT_EQ(c.outcome, verdict::passed) << describe(c);
      EXPECT_EQ(c.status, 201);
      EXPECT_EQ(c.url.rfind("http://127.0.0.1:", 0), 0u) << c.url;
      EXPECT_EQ(c.attempts, 1);
    }
  }
  const case_result& lro = find_case(r, "create_longrunningoperation_from_");
  EXPECT_EQ(lro.substitutions.size(), 2u);
  EXPECT_NE(find_case(r, "create_commsoperation_from_").url.find("/beta/communications/calls/57dab8b1-"),
            std::string::npos);
  EXPECT_EQ(property_of(r, "target").rfind("embedded reference server http://127.0.0.1:", 0), 0u);
  EXPECT_EQ(property_of(r, "conform.version"), std::string(version()));
  EXPECT_FALSE(r.started_at.empty());
  EXPECT_EQ(r.summary().passed, 4u);
}

TEST(Runner, NoTargetIsAConfigurationError) {
  fixture_set set = test::seed_set();
  EXPECT_THROW(run_fixtures(set, options{}), std::runtime_error);
}

TEST(Runner, ReplaysAgainstAnExplicitTarget) {
  fixture_set set = test::seed_set();
  mock::reference_server ref(set, {});
  std::atomic<int> seen{0};
  loopback server([&](const http_request& req) {
    ++seen;
    return serve(ref)(req);
  });
  options o;
  o.target = server.url() + "/";
  o.variables = test::seed_variables();
  o.keep_created = true;  // the seeds create; this counts the replayed requests only
  run_result r = run_fixtures(set, o);
  EXPECT_EQ(r.summary().passed, 4u);
  EXPECT_EQ(seen.load(), 4);
  EXPECT_EQ(property_of(r, "target"), server.url() + "/");
  EXPECT_EQ(find_case(r, "create_managedappoperation_from_").url,
            server.url() +
                "/v1.0/users/8a6b0c1e-5f4d-4b1a-9c2e-3d7f6a5b4c3d/managedAppRegistrations/"
                "c2e4f6a8-1b3d-4f5a-8c7e-9d0b1a2c3e4f/operations");
}

TEST(Runner, UnboundPlaceholderIsAnErrorAndNothingIsSent) {
  fixture_set set;
  set.fixtures = {test::seed_000()};
  std::atomic<int> seen{0};
  loopback server([&](const http_request&) {
    ++seen;
    return transport::server_reply{};
  });
  options o;
  o.target = server.url();
  run_result r = run_fixtures(set, o);
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].outcome, verdict::error);
  EXPECT_EQ(r.cases[0].error, run_error::placeholder);
  EXPECT_NE(r.cases[0].error_message.find("{usersId}"), std::string::npos) << r.cases[0].error_message;
  EXPECT_EQ(seen.load(), 0);
}

TEST(Runner, FillPlaceholdersRunsAndSaysSo) {
  fixture_set set = test::seed_set();
  reference_target target(set);
  options o;
  o.target = target.url();
  o.fill_placeholders = true;
  run_result r = run_fixtures(set, o);
  EXPECT_EQ(r.summary().passed, 4u) << describe(find_case(r, "create_managedappoperation_from_"));
  EXPECT_NE(property_of(r, "fill-placeholders").find("generated"), std::string::npos);
  bool generated = false;
  for (const auto& s : find_case(r, "create_commsoperation_from_").substitutions)
    generated =
        generated || s.find("{callId} -> " + generated_value("callId") + " (generated)") != std::string::npos;
  EXPECT_TRUE(generated);
}

TEST(Runner, OverridesSkipAndStatusAndFiltersDropCases) {
  fixture_set set = test::seed_set();
  reference_target target(set);
  options o;
  o.target = target.url();
  o.variables = test::seed_variables();
  o.include = {"*operation*"};
  o.exclude = {"intune_mam_*"};
  o.overrides["authentication-post-operations/create_longrunningoperation_from_"].status = 200;
  o.overrides["communications-post-operations/create_commsoperation_from_"].skip = "no calls in this tenant";
  run_result r = run_fixtures(set, o);
  ASSERT_EQ(r.cases.size(), 4u);  // seed 001 excluded: not in the run at all
  for (const case_result& c : r.cases) EXPECT_NE(c.fixture_id.rfind("intune_mam_", 0), 0u);
  const case_result& lro = find_case(r, "create_longrunningoperation_from_");
  EXPECT_EQ(lro.outcome, verdict::failed);
  ASSERT_NE(lro.first_failure(), nullptr);
  EXPECT_EQ(lro.first_failure()->check, check_id::status);
  EXPECT_EQ(lro.first_failure()->expected.find("200"), 0u) << lro.first_failure()->expected;
  const case_result& comms = find_case(r, "create_commsoperation_from_");
  EXPECT_EQ(comms.outcome, verdict::skipped);
  EXPECT_NE(comms.skip_reason.find("no calls in this tenant"), std::string::npos);
  EXPECT_EQ(property_of(r, "filter.include"), "*operation*");
  EXPECT_EQ(property_of(r, "filter.exclude"), "intune_mam_*");
}

TEST(Runner, FaultyServerFailsWithTheCheckThatCaughtIt) {
  fixture_set set;
  set.fixtures = {test::seed_004()};
  set.types = test::seed_set().types;
  reference_target target(set, mock::options{{{mock::fault_kind::bad_enum, "*"}}});
  options o;
  o.target = target.url();
  o.variables = test::seed_variables();
  run_result r = run_fixtures(set, o);
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].outcome, verdict::failed) << describe(r.cases[0]);
  ASSERT_NE(r.cases[0].first_failure(), nullptr);
  EXPECT_EQ(r.cases[0].first_failure()->check, check_id::enum_value);
}

TEST(Runner, RefusedConnectionIsAnErrorWithItsStage) {
  std::string url;
  {
    loopback server([](const http_request&) { return transport::server_reply{}; });
    url = server.url();
    server.stop();
  }
  fixture_set set;
  set.fixtures = {test::seed_003()};
  options o;
  o.target = url;
  o.connect_timeout = std::chrono::milliseconds(2000);
  run_result r = run_fixtures(set, o);
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].outcome, verdict::error);
  EXPECT_EQ(r.cases[0].error, run_error::connect) << r.cases[0].error_message;
  EXPECT_TRUE(r.cases[0].cause) << "the system's own code is kept";
  EXPECT_EQ(r.cases[0].status, 0);
}

// The seed is a POST the server received before resetting: it is resent only because retry_unsafe says so.
TEST(Runner, RetryAfterResetPassesAndSaysSo) {
  fixture_set set;
  set.fixtures = {test::seed_003()};
  mock::reference_server ref(set, {});
  std::atomic<int> seen{0};
  loopback server([&](const http_request& req) {
    if (seen++ == 0) return transport::server_reply{{}, true, {}};
    return serve(ref)(req);
  });
  options o;
  o.target = server.url();
  o.retries = 2;
  o.retry_unsafe = true;
  run_result r = run_fixtures(set, o);
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].outcome, verdict::passed) << describe(r.cases[0]);
  EXPECT_TRUE(r.cases[0].passed_after_retry);
  EXPECT_EQ(r.cases[0].attempts, 2);
  ASSERT_FALSE(r.cases[0].notes.empty());
  EXPECT_NE(property_of(r, "retry-unsafe").find("true"), std::string::npos);
}

// Without retry_unsafe the POST that may have been applied is not sent again: an error that says why.
TEST(Runner, ResetPostIsNotResentAndSaysWhy) {
  fixture_set set;
  set.fixtures = {test::seed_003()};
  mock::reference_server ref(set, {});
  std::atomic<int> seen{0};
  loopback server([&](const http_request& req) {
    if (seen++ == 0) return transport::server_reply{{}, true, {}};
    return serve(ref)(req);
  });
  options o;
  o.target = server.url();
  o.retries = 2;
  run_result r = run_fixtures(set, o);
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].outcome, verdict::error) << describe(r.cases[0]);
  EXPECT_EQ(r.cases[0].attempts, 1);
  EXPECT_EQ(seen.load(), 1);
  bool said = false;
  for (const std::string& n : r.cases[0].notes) said = said || n.find("not retried") != std::string::npos;
  EXPECT_TRUE(said);
  EXPECT_EQ(property_of(r, "retry-unsafe"), "");
}

// A server that throttles: the run properties say how often and how long the client waited for it.
TEST(Runner, ThrottlingIsARunProperty) {
  fixture_set set;
  set.fixtures = {test::seed_003()};
  mock::reference_server ref(set, {});
  std::atomic<int> seen{0};
  loopback server([&](const http_request& req) {
    if (seen++ > 0) return serve(ref)(req);
    http_response res;
    res.status = 429;
    res.headers = {{"Retry-After", "0"}};
    return transport::server_reply{res, false, {}};
  });
  options o;
  o.target = server.url();
  o.retries = 1;
  o.retry_unsafe = true;  // the seed is a POST
  run_result r = run_fixtures(set, o);
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].outcome, verdict::passed) << describe(r.cases[0]);
  EXPECT_EQ(property_of(r, "throttled"), "1 response (429/503), waited 0.1 s");  // the 100 ms backoff
}

TEST(Runner, RateIsARunProperty) {
  fixture_set set = test::seed_set();
  reference_target target(set);
  options o;
  o.target = target.url();
  o.variables = test::seed_variables();
  o.rate = 1000;
  run_result r = run_fixtures(set, o);
  EXPECT_EQ(r.summary().passed, 4u);
  EXPECT_EQ(property_of(r, "rate"), "1000/s");
  o.rate = 0.5;
  o.include = {"no-such-fixture"};  // nothing is sent: no wait
  EXPECT_EQ(property_of(run_fixtures(set, o), "rate"), "0.5/s");
  o.rate = 0;
  EXPECT_EQ(property_of(run_fixtures(set, o), "rate"), "");
}

TEST(Runner, BearerTokenAppearsNowhereInReportsEvenWhenEchoed) {
  const std::string token = "tok-VERY-secret-0123456789";
  fixture_set set = test::seed_set();
  mock::reference_server ref(set, {});
  // A server that echoes credentials back: into an enum (a failed check shows the actual value) and into a
  // status it was not documented to return.
  loopback server([&](const http_request& req) {
    const header* auth = find_header(req.headers, "Authorization");
    const header* key = find_header(req.headers, "api-key");
    std::string echoed = (auth ? auth->value : "") + " " + (key ? key->value : "");
    const header* which = find_header(req.headers, "X-Conform-Fixture");
    if (which != nullptr && which->value.find("commsoperation") != std::string::npos) {
      http_response res;
      res.status = 201;
      res.headers = {{"Content-Type", "application/json"}};
      res.body = R"({"@odata.type":"#microsoft.graph.commsOperation","id":"x","status":")" + echoed + "\"}";
      return transport::server_reply{res, false, {}};
    }
    if (which != nullptr && which->value.find("longrunning") != std::string::npos) {
      http_response res;
      res.status = 401;
      res.headers = {{"Content-Type", "text/plain"}};
      res.body = "bad token " + echoed;
      return transport::server_reply{res, false, {}};
    }
    return serve(ref)(req);
  });
  options o;
  o.target = server.url();
  o.variables = test::seed_variables();
  o.bearer_token = token;
  o.headers = {{"api-key", "key-ABCDEF-777"}};
  std::ostringstream console;
  report::console_reporter reporter(console, false, true);
  run_result r = run_fixtures(set, o, [&](const case_result& c, std::size_t done, std::size_t total) {
    reporter.on_case(c, done, total);
  });
  reporter.finish(r);
  EXPECT_EQ(find_case(r, "create_commsoperation_from_").outcome, verdict::failed);
  EXPECT_EQ(find_case(r, "create_longrunningoperation_from_").outcome, verdict::failed);
  EXPECT_EQ(find_case(r, "create_managedappoperation_from_").outcome, verdict::passed);
  std::string outputs[] = {report::junit_xml(r), report::json_report(r), console.str()};
  for (const auto& [name, text] : report::junit_surefire_suites(r)) {
    EXPECT_EQ(text.find(token), std::string::npos) << name;
    EXPECT_EQ(text.find("key-ABCDEF-777"), std::string::npos) << name;
  }
  for (const std::string& out : outputs) {
    EXPECT_EQ(out.find(token), std::string::npos) << out;
    EXPECT_EQ(out.find("key-ABCDEF-777"), std::string::npos) << out;
  }
  // The echo is visible, redacted, so people can see why the case failed.
  EXPECT_NE(report::json_report(r).find("Bearer ***"), std::string::npos);
}

}  // namespace
}  // namespace conform::run

namespace conform::run {
namespace {

// GETs of /v1.0/<path> for each path, in order.
fixture_set gets(const std::vector<std::string>& paths) {
  fixture_set set;
  for (std::size_t i = 0; i < paths.size(); ++i)
    set.fixtures.push_back(test::make_fixture("page-" + std::to_string(i), "get", "v1.0", "GET",
                                              "https://graph.microsoft.com/v1.0/" + paths[i], "", 200, "{}",
                                              "", {}));
  return set;
}

TEST(RunnerStop, StoppedBeforeItStartsSendsNothingAndSkipsEveryCase) {
  std::atomic<int> requests{0};
  loopback server([&](const http_request&) {
    ++requests;
    return transport::server_reply{};
  });
  options o;
  o.target = server.url();
  o.stop_reason = [] { return std::string_view("SIGTERM"); };
  run_result r = run_fixtures(gets({"a", "b"}), o);
  EXPECT_EQ(requests, 0);
  ASSERT_EQ(r.cases.size(), 2u);
  for (const case_result& c : r.cases) {
    EXPECT_EQ(c.outcome, verdict::skipped) << describe(c);
    EXPECT_EQ(c.skip_reason, "not run: interrupted by SIGTERM");
    EXPECT_EQ(c.fixture_id, c.page + "/get") << "a skipped case still says which fixture it is";
  }
  EXPECT_EQ(property_of(r, "interrupted"), "SIGTERM after 0 of 2 cases");
}

// One exchange answers, one hangs (a minute), the rest wait: the stop comes with the first verdict. The
// hanging one gets the grace and is then given up; nothing else is sent, and every case is in the result.
TEST(RunnerStop, InFlightExchangeGetsTheGraceThenTheRunEnds) {
  std::atomic<int> requests{0};
  loopback server([&](const http_request& req) {
    ++requests;
    transport::server_reply reply;
    reply.response.status = 200;
    if (req.target.ends_with("/slow")) reply.delay = std::chrono::minutes(1);
    return reply;
  });
  std::atomic<bool> stop{false};
  options o;
  o.target = server.url();
  o.concurrency = 2;
  o.stop_grace = std::chrono::milliseconds(200);
  o.stop_reason = [&] { return stop ? std::string_view("SIGINT") : std::string_view(); };
  const auto started = std::chrono::steady_clock::now();
  // Four resources (the plan keeps their order): the first two go out together.
  run_result r = run_fixtures(gets({"fast", "slow", "fast2", "fast3"}), o,
                              [&](const case_result&, std::size_t, std::size_t) { stop = true; });
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30))
      << "waited for the slow answer";
  EXPECT_LE(requests, 2) << "a request was sent after the stop";
  ASSERT_EQ(r.cases.size(), 4u);
  EXPECT_NE(r.cases[0].outcome, verdict::skipped) << describe(r.cases[0]);
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(r.cases[i].outcome, verdict::skipped) << describe(r.cases[i]);
    EXPECT_EQ(r.cases[i].skip_reason, "not run: interrupted by SIGINT");
  }
  EXPECT_EQ(property_of(r, "interrupted"), "SIGINT after 1 of 4 cases");
}

}  // namespace
}  // namespace conform::run

// Evidence: the response of failed and errored cases, a curl line that sends the request again, -v's
// exchanges.
namespace conform::run {
namespace {

http_response answer(int status, std::string body,
                     header_list headers = {{"Content-Type", "application/json"}}) {
  http_response res;
  res.status = status;
  res.reason = status == 404 ? "Not Found" : "Whatever";
  res.headers = std::move(headers);
  res.body = std::move(body);
  return res;
}

const header* excerpt_header(const message_excerpt& e, std::string_view name) {
  return find_header(e.headers, name);
}

TEST(Evidence, FailedCaseKeepsTheResponseRedactedBeforeItsBodyIsCut) {
  const std::string token = "tok-SECRET-abcdefghijklmnop";
  // The token straddles the 4 KB cut: cut first, its first bytes would be left in the excerpt.
  std::string body = R"({"error":{"code":"NotFound","message":")";
  body.append(4090 - body.size(), 'x');
  body += token;
  body.append(10000 - body.size() - 3, 'y');
  body += "\"}}";
  loopback server([&](const http_request&) {
    return transport::server_reply{answer(404, body,
                                          {{"Content-Type", "application/json"},
                                           {"Set-Cookie", "session=s3ss10n"},
                                           {"X-Request-Id", "r-1"}}),
                                   false,
                                   {}};
  });
  fixture_set set;
  set.fixtures = {test::seed_003()};
  options o;
  o.target = server.url();
  o.bearer_token = token;
  o.bearer_env = "TOKEN";
  run_result r = run_fixtures(set, o);
  ASSERT_EQ(r.cases.size(), 1u);
  const case_result& c = r.cases[0];
  ASSERT_EQ(c.outcome, verdict::failed) << describe(c);
  ASSERT_TRUE(c.response.has_value());
  EXPECT_EQ(c.response->status, 404);
  EXPECT_EQ(c.response->reason, "Not Found");
  EXPECT_TRUE(c.response->truncated);
  EXPECT_EQ(c.response->body_bytes, body.size());
  EXPECT_LE(c.response->body.size(), message_excerpt::body_limit);
  EXPECT_EQ(c.response->body.rfind(R"({"error":{"code":"NotFound")", 0), 0u) << "the server's own error text";
  EXPECT_EQ(c.response->body.find("tok-"), std::string::npos);
  EXPECT_NE(c.response->body.find("x***"), std::string::npos);
  ASSERT_NE(excerpt_header(*c.response, "Set-Cookie"), nullptr);
  EXPECT_EQ(excerpt_header(*c.response, "Set-Cookie")->value, "***");
  ASSERT_NE(excerpt_header(*c.response, "X-Request-Id"), nullptr);
  EXPECT_EQ(excerpt_header(*c.response, "X-Request-Id")->value, "r-1");
  EXPECT_FALSE(c.request.has_value()) << "requests are kept for -v only";
  EXPECT_NE(c.curl.find("-H \"Authorization: Bearer $TOKEN\""), std::string::npos) << c.curl;
  EXPECT_NE(c.curl.find(" -X POST "), std::string::npos) << c.curl;
  EXPECT_NE(c.curl.find(c.url), std::string::npos) << c.curl;
  for (const std::string& out : {report::json_report(r), report::junit_xml(r), c.curl}) {
    EXPECT_EQ(out.find(token), std::string::npos) << out;
    EXPECT_EQ(out.find("tok-"), std::string::npos) << "no start of the token either";
    EXPECT_EQ(out.find("s3ss10n"), std::string::npos);
  }
  const std::string json = report::json_report(r);
  EXPECT_NE(json.find(R"("truncated":true)"), std::string::npos);
  EXPECT_NE(json.find(R"("curl":"curl -i -X POST )"), std::string::npos);
  const std::string junit = report::junit_xml(r);
  EXPECT_NE(junit.find("curl: curl -i -X POST"), std::string::npos);
  EXPECT_NE(junit.find("404 Not Found"), std::string::npos);
  EXPECT_NE(junit.find("(body cut: first "), std::string::npos);
}

// The curl line of a failed case, run by a shell with the secrets in the environment, sends what the run
// sent.
TEST(Evidence, CurlLineSendsTheSameRequestAgain) {
  if (std::system("command -v curl >/dev/null 2>&1") != 0) GTEST_SKIP() << "curl is not installed";
  std::mutex m;
  std::vector<http_request> seen;
  loopback server([&](const http_request& req) {
    std::lock_guard lock(m);
    seen.push_back(req);
    return transport::server_reply{answer(500, "{}"), false, {}};
  });
  fixture_set set;
  set.fixtures = {test::seed_003()};
  options o;
  o.target = server.url();
  o.bearer_token = "tok-curl-0123456789";
  o.bearer_env = "CONFORM_TEST_TOKEN";
  o.secret_headers = {"X-Weird.Key_1"};
  o.headers = {{"api-key", "key-'\"$HOME`x`"},
               {"X-Weird.Key_1", "w$1"},
               {"X-Note", "it's \"quoted\" $HOME `date` \\ !x"}};
  run_result r = run_fixtures(set, o);
  ASSERT_EQ(r.cases.size(), 1u);
  ASSERT_EQ(r.cases[0].outcome, verdict::failed) << describe(r.cases[0]);
  const std::string curl = r.cases[0].curl;
  EXPECT_EQ(curl.find("tok-curl"), std::string::npos) << curl;
  EXPECT_EQ(curl.find("key-'"), std::string::npos) << curl;
  EXPECT_NE(curl.find("$CONFORM_SECRET_API_KEY"), std::string::npos) << curl;
  EXPECT_NE(curl.find("$CONFORM_SECRET_X_WEIRD_KEY_1"), std::string::npos) << curl;
  ::setenv("CONFORM_TEST_TOKEN", "tok-curl-0123456789", 1);
  ::setenv("CONFORM_SECRET_API_KEY", "key-'\"$HOME`x`", 1);
  ::setenv("CONFORM_SECRET_X_WEIRD_KEY_1", "w$1", 1);
  EXPECT_EQ(std::system((curl + " -s -o /dev/null").c_str()), 0) << curl;
  std::lock_guard lock(m);
  ASSERT_EQ(seen.size(), 2u);
  const http_request& first = seen[0];
  const http_request& again = seen[1];
  EXPECT_EQ(again.method, first.method);
  EXPECT_EQ(again.target, first.target);
  EXPECT_EQ(again.body, first.body);
  EXPECT_FALSE(first.body.empty());
  for (std::string_view name :
       {"Authorization", "api-key", "X-Weird.Key_1", "X-Note", "Content-Type", "X-Conform-Fixture"}) {
    const header* a = find_header(first.headers, name);
    const header* b = find_header(again.headers, name);
    ASSERT_NE(a, nullptr) << name;
    ASSERT_NE(b, nullptr) << name << " missing from: " << curl;
    EXPECT_EQ(b->value, a->value) << name << " from: " << curl;
  }
  EXPECT_EQ(find_header(again.headers, "Authorization")->value, "Bearer tok-curl-0123456789");
}

// A case that could not run says which request it was; no response, but a curl line.
TEST(Evidence, ErrorsNameMethodAndUrl) {
  loopback server([&](const http_request&) {
    return transport::server_reply{answer(201, std::string(5000, ' ') + "{}"), false, {}};
  });
  fixture_set set;
  set.fixtures = {test::seed_003()};
  options o;
  o.target = server.url();
  o.max_body = 100;
  run_result r = run_fixtures(set, o);
  ASSERT_EQ(r.cases.size(), 1u);
  const case_result& c = r.cases[0];
  ASSERT_EQ(c.outcome, verdict::error) << describe(c);
  EXPECT_EQ(c.error, run_error::body_limit);
  EXPECT_EQ(c.error_message.rfind("POST " + server.url() + "/beta/user/authentication/operations: ", 0), 0u)
      << c.error_message;
  EXPECT_FALSE(c.response.has_value());
  EXPECT_NE(c.curl.find(server.url()), std::string::npos);
  EXPECT_NE(report::junit_xml(r).find("POST " + server.url()), std::string::npos);
}

// -v: the progress callback sees request and response of every case; the run keeps them only for failures.
TEST(Evidence, KeepExchangesShowsEveryCaseThenKeepsOnlyFailures) {
  fixture_set set = test::seed_set();
  reference_target target(set, mock::options{{{mock::fault_kind::bad_enum, "*commsoperation*"}}});
  options o;
  o.target = target.url();
  o.variables = test::seed_variables();
  o.keep_exchanges = true;
  o.headers = {{"api-key", "key-verbose-1"}};
  std::ostringstream console;
  report::console_reporter reporter(console, false, true);
  std::size_t with_both = 0;
  run_result r = run_fixtures(set, o, [&](const case_result& c, std::size_t done, std::size_t total) {
    with_both += c.request.has_value() && c.response.has_value();
    if (c.request) {
      ASSERT_NE(excerpt_header(*c.request, "api-key"), nullptr);
      EXPECT_EQ(excerpt_header(*c.request, "api-key")->value, "***");
    }
    reporter.on_case(c, done, total);
  });
  std::size_t sent = 0;
  for (const case_result& c : r.cases) sent += c.outcome != verdict::skipped;
  EXPECT_EQ(with_both, sent);
  EXPECT_GE(sent, 4u);
  std::size_t failed = 0;
  for (const case_result& c : r.cases) {
    EXPECT_FALSE(c.request.has_value()) << c.fixture_id;
    EXPECT_EQ(c.response.has_value(), c.outcome == verdict::failed) << c.fixture_id;
    failed += c.outcome == verdict::failed;
  }
  EXPECT_EQ(failed, 1u);
  const std::string text = console.str();
  EXPECT_NE(text.find("  > POST " + target.url() + "/beta/communications/calls/"), std::string::npos) << text;
  EXPECT_NE(text.find("  > api-key: ***"), std::string::npos) << text;
  EXPECT_NE(text.find("  < 201"), std::string::npos) << text;
  EXPECT_NE(text.find("  curl: curl -i -X POST"), std::string::npos) << text;
  EXPECT_EQ(text.find("key-verbose-1"), std::string::npos);
}

}  // namespace
}  // namespace conform::run

// --rerun-failures: flaky cases pass on a rerun and keep every run; cases failing every time keep the first.
namespace conform::run {
namespace {

// Answers request n (from 1) with what `script` says, else with the reference server over `set`.
struct scripted {
  std::atomic<int> requests{0};
  std::function<std::optional<transport::server_reply>(int)> script;
};

transport::request_handler scripted_handler(scripted& s, const mock::reference_server& ref) {
  return [&s, &ref](const http_request& req) {
    int n = ++s.requests;
    if (auto reply = s.script(n)) return *reply;
    return serve(ref)(req);
  };
}

TEST(Rerun, FlakyCasePassesOnARerunAndKeepsEveryRun) {
  fixture_set set;
  set.fixtures = {test::seed_003()};
  mock::reference_server ref(set, {});
  scripted s;
  s.script = [](int n) -> std::optional<transport::server_reply> {
    if (n == 1) return transport::server_reply{answer(500, "{}"), false, {}};
    if (n == 2) return transport::server_reply{{}, true, {}};  // reset: an error
    return std::nullopt;
  };
  loopback server(scripted_handler(s, ref));
  options o;
  o.target = server.url();
  o.rerun_failures = 3;
  o.keep_created = true;  // no cleanup DELETE of what the passing run created: requests counts the runs
  std::vector<std::string> progress;
  run_result r = run_fixtures(set, o, [&](const case_result& c, std::size_t, std::size_t) {
    progress.push_back(std::string(to_string(c.outcome)));
  });
  ASSERT_EQ(r.cases.size(), 1u);
  const case_result& c = r.cases[0];
  EXPECT_EQ(c.outcome, verdict::passed) << describe(c);
  EXPECT_TRUE(c.flaky);
  EXPECT_EQ(s.requests.load(), 3) << "no rerun after the pass";
  ASSERT_EQ(c.attempts_detail.size(), 3u);
  EXPECT_EQ(c.attempts_detail[0].outcome, verdict::failed);
  EXPECT_EQ(c.attempts_detail[0].status, 500);
  EXPECT_EQ(c.attempts_detail[0].type, "status");
  EXPECT_NE(c.attempts_detail[0].details.find("expected: 201"), std::string::npos)
      << c.attempts_detail[0].details;
  EXPECT_EQ(c.attempts_detail[1].outcome, verdict::error);
  EXPECT_EQ(c.attempts_detail[1].type, "read");
  EXPECT_EQ(c.attempts_detail[2].outcome, verdict::passed);
  EXPECT_FALSE(c.response.has_value()) << "a pass keeps no evidence";
  EXPECT_EQ(progress, std::vector<std::string>{"passed"})
      << "progress hears of the case once, with its verdict";
  EXPECT_EQ(r.summary().passed, 1u);
  EXPECT_EQ(property_of(r, "rerun-failures"), "3");
  const std::string json = report::json_report(r);
  EXPECT_NE(json.find(R"("flaky":true)"), std::string::npos);
  EXPECT_NE(json.find(R"("attempts_detail":[{"run":1,"outcome":"failed","status":500)"), std::string::npos)
      << json;
  const std::string junit = report::junit_xml(r);
  EXPECT_NE(junit.find("<flakyFailure type=\"status\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("<flakyError type=\"read\""), std::string::npos) << junit;
  EXPECT_EQ(junit.find("<failure"), std::string::npos);
}

TEST(Rerun, CaseFailingEveryTimeKeepsItsFirstFailureAndEveryRun) {
  fixture_set set;
  set.fixtures = {test::seed_003()};
  std::atomic<int> requests{0};
  loopback server([&](const http_request&) {
    int n = ++requests;
    return transport::server_reply{
        answer(n == 1 ? 500 : 503, "{\"run\":" + std::to_string(n) + "}"), false, {}};
  });
  options o;
  o.target = server.url();
  o.rerun_failures = 2;
  run_result r = run_fixtures(set, o);
  ASSERT_EQ(r.cases.size(), 1u);
  const case_result& c = r.cases[0];
  EXPECT_EQ(c.outcome, verdict::failed);
  EXPECT_FALSE(c.flaky);
  EXPECT_EQ(requests.load(), 3);
  ASSERT_EQ(c.attempts_detail.size(), 3u);
  for (const attempt_record& a : c.attempts_detail) EXPECT_EQ(a.outcome, verdict::failed);
  EXPECT_EQ(c.status, 500) << "the first run's results stand";
  ASSERT_TRUE(c.response.has_value());
  EXPECT_EQ(c.response->body, "{\"run\":1}");
  EXPECT_EQ(c.attempts_detail[2].status, 503);
  const std::string junit = report::junit_xml(r);
  std::size_t reruns = 0;
  for (std::size_t at = junit.find("<rerunFailure"); at != std::string::npos;
       at = junit.find("<rerunFailure", at + 1))
    ++reruns;
  EXPECT_EQ(reruns, 2u) << junit;
  EXPECT_NE(junit.find("<failure type=\"status\""), std::string::npos);
}

TEST(Rerun, NothingIsRerunUnlessAskedOrWhenNothingCouldBeSent) {
  std::atomic<int> requests{0};
  loopback server([&](const http_request&) {
    ++requests;
    return transport::server_reply{answer(500, "{}"), false, {}};
  });
  fixture_set set;
  set.fixtures = {test::seed_003(), test::seed_000()};  // seed 000 has unbound placeholders: nothing is sent
  options o;
  o.target = server.url();
  run_result once = run_fixtures(set, o);
  EXPECT_EQ(requests.load(), 1);
  EXPECT_TRUE(once.cases[0].attempts_detail.empty());
  EXPECT_EQ(property_of(once, "rerun-failures"), "");
  requests = 0;
  o.rerun_failures = 4;
  run_result r = run_fixtures(set, o);
  EXPECT_EQ(requests.load(), 5);
  EXPECT_EQ(find_case(r, "create_managedappoperation").error, run_error::placeholder);
  EXPECT_TRUE(find_case(r, "create_managedappoperation").attempts_detail.empty());
}

}  // namespace
}  // namespace conform::run

// Waivers: known failures are waived while their waiver lives; expired and unused waivers are said.
namespace conform::run {
namespace {

TEST(Waivers, LiveWaiverWaivesAFailureExpiredAndUnusedOnesAreSaid) {
  fixture_set set = test::seed_set();
  reference_target target(set, mock::options{{{mock::fault_kind::bad_enum, "*commsoperation*"},
                                              {mock::fault_kind::status, "*longrunning*"}}});
  options o;
  o.target = target.url();
  o.variables = test::seed_variables();
  o.today = "2026-06-01";
  o.waivers = {{"*commsoperation*", "enum", "server bug 123", "2026-06-01"},
               {"*longrunning*", "", "was fixed", "2026-05-31"},
               {"nothing/*", "", "rotten", ""},
               {"*managedappoperation*", "status", "passes anyway", ""}};
  std::vector<verdict> heard;
  run_result r = run_fixtures(set, o, [&](const case_result& c, std::size_t, std::size_t) {
    if (c.fixture_id.find("commsoperation") != std::string::npos) heard.push_back(c.outcome);
  });
  const case_result& comms = find_case(r, "create_commsoperation_from_");
  EXPECT_EQ(comms.outcome, verdict::waived) << describe(comms);
  ASSERT_TRUE(comms.waived_by.has_value());
  EXPECT_EQ(comms.waived_by->reason, "server bug 123");
  EXPECT_NE(comms.first_failure(), nullptr) << "the failure itself is kept";
  EXPECT_TRUE(comms.response.has_value()) << "and its evidence";
  EXPECT_EQ(heard, std::vector<verdict>{verdict::waived}) << "progress hears the waived verdict";
  EXPECT_EQ(find_case(r, "create_longrunningoperation_from_").outcome, verdict::failed)
      << "an expired waiver no longer applies";
  run_summary s = r.summary();
  EXPECT_EQ(s.waived, 1u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_NE(property_of(r, "waivers.expired").find("*longrunning* until 2026-05-31: was fixed"),
            std::string::npos)
      << property_of(r, "waivers.expired");
  const std::string unused = property_of(r, "waivers.unused");
  EXPECT_NE(unused.find("nothing/*: rotten"), std::string::npos) << unused;
  EXPECT_NE(unused.find("*managedappoperation* [status]: passes anyway"), std::string::npos) << unused;
  EXPECT_EQ(unused.find("commsoperation"), std::string::npos) << unused;
  ASSERT_EQ(r.warnings.size(), 3u);
  EXPECT_EQ(r.warnings[0],
            "waiver expired on 2026-05-31 and no longer applies: *longrunning* until 2026-05-31: was fixed");
  const std::string json = report::json_report(r);
  EXPECT_NE(json.find(R"("outcome":"waived")"), std::string::npos);
  EXPECT_NE(
      json.find(
          R"("waiver":{"fixture":"*commsoperation*","reason":"server bug 123","check":"enum","until":"2026-06-01"})"),
      std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("waived":1)"), std::string::npos);
  const std::string junit = report::junit_xml(r);
  EXPECT_NE(junit.find(R"x(<skipped message="waived: server bug 123 (until 2026-06-01)">)x"),
            std::string::npos)
      << junit;
}

// A waiver covers only what it names: a failure of another check leaves the case failed and the waiver
// unused.
TEST(Waivers, WaiverOfAnotherCheckOrStageDoesNotApply) {
  fixture_set set = test::seed_set();
  reference_target target(set, mock::options{{{mock::fault_kind::bad_enum, "*commsoperation*"}}});
  options o;
  o.target = target.url();
  o.variables = test::seed_variables();
  o.waivers = {{"*commsoperation*", "status", "wrong check", ""}};
  run_result r = run_fixtures(set, o);
  EXPECT_EQ(find_case(r, "create_commsoperation_from_").outcome, verdict::failed);
  EXPECT_NE(property_of(r, "waivers.unused").find("wrong check"), std::string::npos);

  // An error is covered by its stage.
  std::string url;
  {
    loopback gone([](const http_request&) { return transport::server_reply{}; });
    url = gone.url();
  }
  fixture_set one;
  one.fixtures = {test::seed_003()};
  options e;
  e.target = url;
  e.waivers = {{"*longrunning*", "timeout", "not this", ""}};
  EXPECT_EQ(run_fixtures(one, e).cases[0].outcome, verdict::error);
  e.waivers = {{"*longrunning*", "connect", "lab network", ""}};
  run_result waived = run_fixtures(one, e);
  EXPECT_EQ(waived.cases[0].outcome, verdict::waived);
  EXPECT_NE(report::json_report(waived).find(R"("stage":"connect")"), std::string::npos);
}

}  // namespace
}  // namespace conform::run

namespace conform::run {
namespace {

// A documented list of users (GET, 200, one item) and its $count.
fixture_set user_lists() {
  fixture_set set;
  set.fixtures = {
      test::make_fixture("user-list", "list_users", "v1.0", "GET", "https://graph.microsoft.com/v1.0/users",
                         "", 200, R"j({"value": [{"id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd"}]})j", "",
                         {test::prop("id", "String")}),
      test::make_fixture("user-list", "count_users", "v1.0", "GET",
                         "https://graph.microsoft.com/v1.0/users/$count", "", 200, "12", "", {})};
  set.fixtures[1].response.json.reset();
  set.fixtures[1].response.headers = {{"Content-Type", "text/plain"}};
  return set;
}

// Answers a list with `items` and a $count with `count`.
transport::request_handler lists_of(std::string items, std::string count, int status = 200) {
  return [=](const http_request& req) {
    const bool counting = req.target.find("$count") != std::string::npos;
    return transport::server_reply{
        answer(status, counting ? count : R"({"@odata.count": )" + count + R"(, "value": )" + items + "}",
               {{"Content-Type", counting ? "text/plain" : "application/json"}}),
        false,
        {}};
  };
}

TEST(Inconclusive, EmptyCollectionAndZeroCountCheckedNothing) {
  loopback server(lists_of("[]", "0"));
  options o;
  o.target = server.url();
  std::vector<verdict> heard;
  run_result r = run_fixtures(
      user_lists(), o, [&](const case_result& c, std::size_t, std::size_t) { heard.push_back(c.outcome); });
  ASSERT_EQ(r.cases.size(), 2u);
  for (const case_result& c : r.cases) EXPECT_EQ(c.outcome, verdict::inconclusive) << describe(c);
  EXPECT_EQ(heard, (std::vector<verdict>{verdict::inconclusive, verdict::inconclusive}));
  EXPECT_NE(r.cases[0].inconclusive_reason.find("empty collection"), std::string::npos);
  EXPECT_NE(r.cases[1].inconclusive_reason.find("$count is 0"), std::string::npos);
  const run_summary s = r.summary();
  EXPECT_EQ(s.inconclusive, 2u);
  EXPECT_EQ(s.passed, 0u);
  EXPECT_EQ(report::summary_line(s), "0 passed, 0 failed, 0 errors, 0 skipped, 2 inconclusive");
}

TEST(Inconclusive, ItemsOrACountPassAndFailuresStayFailures) {
  {
    loopback server(lists_of(R"([{"id": "1"}])", "1"));
    options o;
    o.target = server.url();
    run_result r = run_fixtures(user_lists(), o);
    for (const case_result& c : r.cases) EXPECT_EQ(c.outcome, verdict::passed) << describe(c);
  }
  {
    // An empty answer that fails a check is a failure, not inconclusive.
    loopback server(lists_of("[]", "0", 500));
    options o;
    o.target = server.url();
    run_result r = run_fixtures(user_lists(), o);
    for (const case_result& c : r.cases) EXPECT_EQ(c.outcome, verdict::failed) << describe(c);
  }
}

TEST(Inconclusive, ReportsShowItApartFromPasses) {
  loopback server(lists_of("[]", "0"));
  options o;
  o.target = server.url();
  run_result r = run_fixtures(user_lists(), o);
  const std::string json = report::json_report(r);
  EXPECT_NE(json.find(R"("inconclusive":2)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("outcome":"inconclusive")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("inconclusive_reason":"the $count is 0)"), std::string::npos) << json;
  const std::string junit = report::junit_xml(r);
  EXPECT_EQ(junit.find("<skipped"), std::string::npos) << "a pass in JUnit";
  EXPECT_EQ(junit.find("<failure"), std::string::npos);
  EXPECT_NE(junit.find("<system-out><![CDATA[inconclusive: an empty collection"), std::string::npos) << junit;
  std::ostringstream out;
  report::console_reporter console(out, false, false);
  for (std::size_t i = 0; i < r.cases.size(); ++i) console.on_case(r.cases[i], i + 1, r.cases.size());
  console.finish(r);
  EXPECT_NE(out.str().find("INCONCLUSIVE user-list/count_users"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("  inconclusive: the $count is 0"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find(", 2 inconclusive\n"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace conform::run
