// OAuth2 client credentials against a token endpoint on loopback (a Beast server counting its requests): the
// form sent, renewal before expiry on a test clock, one fetch for a burst of 401s, failures that name the
// endpoint and never the secret, a bounded answer, and the redactor learning each new token.
#include "run/oauth2.hpp"
#include "run/run.hpp"
#include "transport/server.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>

namespace conform::run {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// Answers each POST with `answer(n)` for its n-th request (1-based) and keeps the bodies it got.
class token_endpoint {
 public:
  using answer_fn = std::function<http_response(int n)>;
  explicit token_endpoint(answer_fn answer) : answer_(std::move(answer)) {
    transport::server_options so;
    so.host = "127.0.0.1";
    server_ = std::make_unique<transport::http_server>(so, [this](const http_request& req) {
      std::lock_guard lock(m_);
      bodies_.push_back(req.body);
      const header* type = find_header(req.headers, "Content-Type");
      content_types_.push_back(type ? type->value : "");
      return transport::server_reply{answer_(static_cast<int>(bodies_.size())), false, {}};
    });
    std::error_code ec;
    server_->start(ec);
    EXPECT_FALSE(ec) << ec.message();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/tenant/token"; }
  std::vector<std::string> bodies() {
    std::lock_guard lock(m_);
    return bodies_;
  }
  std::vector<std::string> content_types() {
    std::lock_guard lock(m_);
    return content_types_;
  }

 private:
  answer_fn answer_;
  std::mutex m_;
  std::vector<std::string> bodies_, content_types_;
  std::unique_ptr<transport::http_server> server_;
};

http_response json_answer(int status, std::string body) {
  http_response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = std::move(body);
  return r;
}

http_response token(int n, int expires_in = 3600) {
  return json_answer(200, R"({"token_type":"Bearer","expires_in":)" + std::to_string(expires_in) +
                              R"(,"access_token":"tok-)" + std::to_string(n) + R"("})");
}

oauth2_settings settings(const token_endpoint& e) {
  return {e.url(), "app id", "s3cr&t=+", "CONFORM_TEST_SECRET", "https://graph.microsoft.com/.default"};
}

TEST(OAuth2, PostsTheClientCredentialsFormAndGivesABearerHeader) {
  token_endpoint endpoint([](int n) { return token(n); });
  options net;
  token_source tokens(settings(endpoint), net);
  EXPECT_EQ(tokens.fetch(), "");
  EXPECT_EQ(tokens.authorization(), "Bearer tok-1");
  ASSERT_EQ(endpoint.bodies().size(), 1u);
  EXPECT_EQ(endpoint.bodies()[0],
            "grant_type=client_credentials&client_id=app%20id&client_secret=s3cr%26t%3D%2B"
            "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default");
  EXPECT_EQ(endpoint.content_types()[0], "application/x-www-form-urlencoded");
  EXPECT_EQ(tokens.secrets(), (std::vector<std::string>{"s3cr&t=+", "tok-1"}));
}

TEST(OAuth2, RenewsBeforeExpiryOnlyWhenDue) {
  token_endpoint endpoint([](int n) { return token(n, 3600); });
  steady::time_point now = steady::now();
  options net;
  token_source tokens(settings(endpoint), net, [&] { return now; });
  ASSERT_EQ(tokens.fetch(), "");
  now += 54min;  // an hour's token is renewed with 5 min left, not before
  EXPECT_EQ(tokens.authorization(), "Bearer tok-1");
  EXPECT_EQ(endpoint.bodies().size(), 1u);
  now += 1min + 1s;
  EXPECT_EQ(tokens.authorization(), "Bearer tok-2");
  EXPECT_EQ(tokens.authorization(), "Bearer tok-2");
  EXPECT_EQ(endpoint.bodies().size(), 2u);
  EXPECT_EQ(tokens.summary(), "client credentials from " + endpoint.url() +
                                  ": 2 tokens (1 renewed before expiry, 0 after a 401)");
}

TEST(OAuth2, AShortLivedTokenIsRenewedWithATenthOfItsLifeLeft) {
  token_endpoint endpoint([](int n) { return token(n, 60); });
  steady::time_point now = steady::now();
  options net;
  token_source tokens(settings(endpoint), net, [&] { return now; });
  ASSERT_EQ(tokens.fetch(), "");
  now += 53s;
  EXPECT_EQ(tokens.authorization(), "Bearer tok-1");
  now += 2s;
  EXPECT_EQ(tokens.authorization(), "Bearer tok-2");
}

TEST(OAuth2, AFailedRenewalKeepsTheTokenAndWaitsBeforeTryingAgain) {
  token_endpoint endpoint([](int n) { return n == 1 ? token(n, 600) : json_answer(503, "{}"); });
  steady::time_point now = steady::now();
  options net;
  token_source tokens(settings(endpoint), net, [&] { return now; });
  ASSERT_EQ(tokens.fetch(), "");
  now += 9min + 1s;
  EXPECT_EQ(tokens.authorization(), "Bearer tok-1");
  EXPECT_EQ(tokens.authorization(), "Bearer tok-1");  // no second try at once
  EXPECT_EQ(endpoint.bodies().size(), 2u);
  ASSERT_EQ(tokens.problems().size(), 1u);
  EXPECT_NE(tokens.problems()[0].find("answered 503"), std::string::npos) << tokens.problems()[0];
  // A 401 right after a failed fetch: no new attempt, the 401 stands.
  EXPECT_FALSE(tokens.refresh_after_unauthorized("Bearer tok-1"));
  EXPECT_EQ(endpoint.bodies().size(), 2u);
  now += 31s;
  tokens.authorization();
  EXPECT_EQ(endpoint.bodies().size(), 3u);
}

TEST(OAuth2, ABurstOf401sFetchesOneToken) {
  token_endpoint endpoint([](int n) { return token(n); });
  steady::time_point now = steady::now();
  options net;
  token_source tokens(settings(endpoint), net, [&] { return now; });
  ASSERT_EQ(tokens.fetch(), "");
  EXPECT_TRUE(tokens.refresh_after_unauthorized("Bearer tok-1"));
  // Other requests sent with tok-1 come back 401 too: tok-2 is tried, not fetched again.
  EXPECT_TRUE(tokens.refresh_after_unauthorized("Bearer tok-1"));
  EXPECT_EQ(endpoint.bodies().size(), 2u);
  EXPECT_EQ(tokens.authorization(), "Bearer tok-2");
  // tok-2 refused too: a new one.
  EXPECT_TRUE(tokens.refresh_after_unauthorized("Bearer tok-2"));
  EXPECT_EQ(endpoint.bodies().size(), 3u);
  EXPECT_EQ(tokens.summary(), "client credentials from " + endpoint.url() +
                                  ": 3 tokens (0 renewed before expiry, 2 after a 401)");
}

TEST(OAuth2, FailuresNameTheEndpointAndTheOAuthErrorNeverTheSecret) {
  struct bad {
    http_response answer;
    std::string says;
  };
  const std::vector<bad> cases = {
      {json_answer(401, R"({"error":"invalid_client","error_description":"secret s3cr&t=+ is wrong"})"),
       "answered 401 (invalid_client: secret *** is wrong)"},
      {json_answer(200, "<html>login</html>"), "without a JSON object"},
      {json_answer(200, R"({"token_type":"Bearer"})"), "no \"access_token\""},
      {json_answer(200, R"({"access_token":"a\r\nX-Injected: 1"})"), "characters a header cannot carry"},
      {json_answer(200, R"({"access_token":"abc","token_type":"mac"})"), "not Bearer"},
      {json_answer(200, "{\"access_token\":\"" + std::string(100000, 'a') + "\"}"), "exceeds the limit"},
  };
  for (const bad& b : cases) {
    token_endpoint endpoint([&](int) { return b.answer; });
    options net;
    token_source tokens(settings(endpoint), net);
    const std::string problem = tokens.fetch();
    EXPECT_EQ(problem.rfind("OAuth2 token request to " + endpoint.url() + " failed: ", 0), 0u) << problem;
    EXPECT_NE(problem.find(b.says), std::string::npos) << problem;
    EXPECT_EQ(problem.find("s3cr"), std::string::npos) << problem;
    EXPECT_EQ(tokens.fetches(), 0);
  }
  options net;
  token_source nowhere({"http://127.0.0.1:1/token", "app", "s3cr&t=+", "X", ""}, net);
  const std::string problem = nowhere.fetch();
  EXPECT_NE(problem.find("connect"), std::string::npos) << problem;
}

TEST(OAuth2, TheRedactorLearnsEachNewTokenAndTheProxyCredentials) {
  token_endpoint endpoint([](int n) { return token(n, 1); });
  options opts;
  opts.https_proxy = "http://proxyuser:pr%40xy@proxy.corp:3128";
  auto tokens = std::make_shared<token_source>(settings(endpoint), opts);
  opts.oauth2 = tokens;
  const redactor redact(opts);
  ASSERT_EQ(tokens->fetch(), "");
  EXPECT_EQ(redact("a tok-1 b s3cr&t=+"), "a *** b ***");
  ASSERT_EQ(tokens->fetch(), "");
  EXPECT_EQ(redact("tok-1 tok-2"), "*** ***");
  // The proxy's password, as written and decoded, and its Basic credentials (base64 of "proxyuser:pr@xy").
  EXPECT_EQ(redact("pr%40xy pr@xy cHJveHl1c2VyOnByQHh5"), "*** *** ***");
}

}  // namespace
}  // namespace conform::run

namespace conform::run {
namespace {

TEST(OAuth2, SuiteNamesTheSecretsVariableNeverTheSecret) {
  const suite s = parse_suite(R"({"oauth2_token_url": "https://login.example/t/token", "client_id": "app",
                                  "client_secret_env": "APP_SECRET", "scope": "api://x/.default",
                                  "proxy": "http://proxy.corp:3128"})",
                              "/work/suites", "s.json");
  EXPECT_EQ(s.oauth2_token_url, "https://login.example/t/token");
  EXPECT_EQ(s.client_id, "app");
  EXPECT_EQ(s.client_secret_env, "APP_SECRET");
  EXPECT_EQ(s.oauth2_scope, "api://x/.default");
  EXPECT_EQ(s.proxy, "http://proxy.corp:3128");
  try {
    parse_suite(R"({"client_secret": "hunter2"})", "/work/suites", "s.json");
    FAIL() << "a secret in a suite was read";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("client_secret_env"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace conform::run

namespace conform::run {
namespace {

TEST(OAuth2, CurlLinesNameTheTokenAndProxyCredentialsByVariable) {
  options opts;
  opts.https_proxy = "http://puser:pw-9@proxy.corp:3128";
  opts.no_proxy = "internal.example";
  opts.oauth2 = std::make_shared<token_source>(
      oauth2_settings{"https://login.example/token", "app", "sec-7", "S", ""}, opts);
  const redactor redact(opts);
  const std::string curl = curl_command("GET", "https://graph.microsoft.com/v1.0/me",
                                        {{"Authorization", "Bearer {token}"}}, "", opts, redact);
  EXPECT_EQ(curl,
            "curl -i --proxy http://proxy.corp:3128 --proxy-user \"$CONFORM_PROXY_USER\" "
            "https://graph.microsoft.com/v1.0/me -H \"Authorization: Bearer $CONFORM_TOKEN\"");
  // NO_PROXY: no --proxy, as the request went direct.
  EXPECT_EQ(curl_command("GET", "https://internal.example/v1.0/me", {}, "", opts, redact),
            "curl -i https://internal.example/v1.0/me -H \"Authorization: Bearer $CONFORM_TOKEN\"");
}

}  // namespace
}  // namespace conform::run
