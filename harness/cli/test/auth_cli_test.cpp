// `conform run` against a service as real ones are reached: an OAuth2 token endpoint and a target on loopback
// (Beast servers in this process, counting what they get), a CONNECT proxy in front of an https and an http
// target (the environment's proxies and --proxy), NO_PROXY; the secret, every token and the proxy's password
// never appear in JSON, JUnit, stdout or stderr.
#include "conform_process.hpp"
#include "transport/server.hpp"

#include "../../transport/test/connect_proxy.hpp"
#include "../../transport/test/test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace conform::test;
using namespace std::chrono_literals;
namespace transport = conform::transport;

// Three GETs of devices: 000-111 and 000-222 answered as documented, 000-333 answered 500 (a failed case, so
// the reports carry its evidence and curl line).
fs::path device_docs(const std::string& name) {
  const fs::path d = fresh_dir("conform-auth-cli-" + name);
  std::ofstream page(d / "device-get.md");
  page << "# Get device\n\n";
  for (const char* id : {"000-111", "000-222", "000-333"})
    page << "### Request\n<!-- { \"blockType\": \"request\", \"name\": \"get_device_" << id
         << "\" } -->\n```http\nGET https://graph.microsoft.com/v1.0/devices/" << id
         << "\n```\n\n### Response\n<!-- { \"blockType\": \"response\", \"truncated\": true } -->\n"
         << "```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\n  \"id\": \"" << id
         << "\"\n}\n```\n\n";
  return d;
}

// A loopback Beast server calling `handle` for each request (under a lock), keeping what it saw.
class recording_server {
 public:
  using handler = std::function<transport::server_reply(const conform::http_request&, int n)>;
  explicit recording_server(handler handle, transport::server_options so = {}) : handle_(std::move(handle)) {
    so.host = "127.0.0.1";
    server_ = std::make_unique<transport::http_server>(so, [this](const conform::http_request& req) {
      std::lock_guard lock(m_);
      const conform::header* auth = conform::find_header(req.headers, "Authorization");
      authorizations_.push_back(auth ? auth->value : "");
      return handle_(req, static_cast<int>(authorizations_.size()));
    });
    std::error_code ec;
    server_->start(ec);
    EXPECT_FALSE(ec) << ec.message();
  }
  ~recording_server() { server_->stop(); }
  unsigned short port() const { return server_->port(); }
  std::vector<std::string> authorizations() {
    std::lock_guard lock(m_);
    return authorizations_;
  }

 private:
  handler handle_;
  std::mutex m_;
  std::vector<std::string> authorizations_;
  std::unique_ptr<transport::http_server> server_;
};

transport::server_reply reply(int status, std::string body, std::chrono::milliseconds delay = 0ms) {
  conform::http_response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = std::move(body);
  return transport::server_reply{std::move(r), false, delay};
}

// Tokens anyone would recognise in an output: "eyJtoken-<n>-9f8e7d".
std::string token(int n) {
  return "eyJtoken-" + std::to_string(n) + "-9f8e7d";
}

// A device as documented; a 500 echoing the Authorization header it got for 000-333 (as a debug page might).
transport::server_reply device(const conform::http_request& req) {
  const std::string id = req.target.substr(req.target.rfind('/') + 1);
  if (id == "000-333") {
    const conform::header* auth = conform::find_header(req.headers, "Authorization");
    return reply(500, R"({"error":"boom","echo":")" + (auth ? auth->value : "") + "\"}");
  }
  return reply(200, R"({"id":")" + id + "\"}");
}

const std::string secret = "s3cr3t-client-value";

void expect_no_secrets(const std::string& where, const std::string& text) {
  EXPECT_EQ(text.find(secret), std::string::npos) << where;
  EXPECT_EQ(text.find("eyJtoken"), std::string::npos) << where << ":\n" << text;
}

TEST(CliAuth, OAuth2TokenIsFetchedRenewedRetriedOnA401AndNeverShown) {
  const fs::path d = device_docs("oauth2");
  // The second token lives 1 s, so its renewal falls inside this run; the others an hour. The endpoint
  // counts its requests.
  recording_server endpoint([](const conform::http_request& req, int n) {
    if (req.method != "POST" || req.body.find("client_secret=" + secret) == std::string::npos)
      return reply(400, R"({"error":"invalid_request"})");
    return reply(200, R"({"token_type":"Bearer","expires_in":)" + std::string(n == 2 ? "1" : "3600") +
                          R"(,"access_token":")" + token(n) + "\"}");
  });
  // The first request is refused (its token "expired"); the retry with a new token is answered 1.2 s late,
  // so the next case starts after its token is due for renewal.
  recording_server target([](const conform::http_request& req, int n) {
    if (n == 1) return reply(401, R"({"error":{"code":"InvalidAuthenticationToken"}})");
    transport::server_reply r = device(req);
    if (n == 2) r.delay = 1200ms;
    return r;
  });
  const fs::path json = d / "report.json", junit = d / "junit.xml";
  command_result r = run_conform_without_proxies(
      "run " + shell_word(d.string()) + " --target http://127.0.0.1:" + std::to_string(target.port()) +
          " --concurrency 1 --oauth2-token-url http://127.0.0.1:" + std::to_string(endpoint.port()) +
          "/tenant/oauth2/v2.0/token --client-id app --client-secret-env CONFORM_TEST_SECRET"
          " --scope https://graph.microsoft.com/.default -v --json " +
          shell_word(json.string()) + " --junit " + shell_word(junit.string()),
      "CONFORM_TEST_SECRET=" + secret);
  EXPECT_EQ(r.exit_code, 1) << r.output;            // 000-333's 500 fails; the others pass
  EXPECT_EQ(endpoint.authorizations().size(), 3u);  // at start, after the 401, before expiry
  EXPECT_EQ(target.authorizations(), (std::vector<std::string>{"Bearer " + token(1), "Bearer " + token(2),
                                                               "Bearer " + token(3), "Bearer " + token(3)}));
  const std::string report = read_file(json), xml = read_file(junit);
  EXPECT_NE(report.find("answered 401 on attempt 1: fetched a new token and sent the request once more"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("3 tokens (1 renewed before expiry, 1 after a 401)"), std::string::npos) << report;
  // The failed case's curl line names the variable, and the echoed token is gone from its evidence.
  EXPECT_NE(report.find(R"(-H \"Authorization: Bearer $CONFORM_TOKEN\")"), std::string::npos) << report;
  EXPECT_NE(report.find(R"(\"echo\":\"Bearer ***\")"), std::string::npos) << report;
  // -v shows each request as sent: the Authorization header the transport adds is there, named, not shown.
  EXPECT_NE(r.output.find("  > Authorization: Bearer $CONFORM_TOKEN\n"), std::string::npos) << r.output;
  expect_no_secrets("json", report);
  expect_no_secrets("junit", xml);
  expect_no_secrets("console", r.output);
  fs::remove_all(d);
}

TEST(CliAuth, AFailedTokenFetchStopsTheRunBeforeAnyCase) {
  const fs::path d = device_docs("denied");
  recording_server endpoint([](const conform::http_request&, int) {
    return reply(401,
                 R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret )" +
                     secret + "\"}");
  });
  recording_server target([](const conform::http_request& req, int) { return device(req); });
  const std::string token_url = "http://127.0.0.1:" + std::to_string(endpoint.port()) + "/t/token";
  command_result r = run_conform_without_proxies(
      "run " + shell_word(d.string()) + " --target http://127.0.0.1:" + std::to_string(target.port()) +
          " --oauth2-token-url " + token_url + " --client-id app --client-secret-env CONFORM_TEST_SECRET",
      "CONFORM_TEST_SECRET=" + secret);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("OAuth2 token request to " + token_url +
                          " failed: the endpoint answered 401 "
                          "(invalid_client: AADSTS7000215"),
            std::string::npos)
      << r.output;
  EXPECT_TRUE(target.authorizations().empty());
  expect_no_secrets("console", r.output);
  // Without the variable, nothing is fetched at all.
  r = run_conform_without_proxies(
      "run " + shell_word(d.string()) + " --target http://127.0.0.1:" + std::to_string(target.port()) +
      " --oauth2-token-url " + token_url + " --client-id app --client-secret-env CONFORM_TEST_UNSET");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("CONFORM_TEST_UNSET (--client-secret-env) is not set"), std::string::npos)
      << r.output;
  EXPECT_EQ(endpoint.authorizations().size(), 1u);
  fs::remove_all(d);
}

TEST(CliAuth, EnvironmentProxiesCarryTheTokenFetchAndTunnelToAnHttpsTarget) {
  const transport::test::pki k = transport::test::make_pki();
  if (!k.ok) GTEST_SKIP() << "openssl CLI unavailable";
  const fs::path d = device_docs("proxy");
  recording_server endpoint([](const conform::http_request&, int n) {
    return reply(200, R"({"token_type":"Bearer","expires_in":3600,"access_token":")" + token(n) + "\"}");
  });
  transport::server_options tls;
  tls.tls_cert_file = k.server_cert;
  tls.tls_key_file = k.server_key;
  recording_server target([](const conform::http_request& req, int) { return device(req); }, tls);
  transport::test::connect_proxy::options po;
  po.required_authorization = "Basic cHVzZXI6cHIweHktcGFzcw==";  // puser:pr0xy-pass
  transport::test::connect_proxy proxy(po);
  const std::string proxy_url = "http://puser:pr0xy-pass@127.0.0.1:" + std::to_string(proxy.port());
  const fs::path json = d / "report.json";
  command_result r = run_conform_without_proxies(
      "run " + shell_word(d.string()) + " --target https://localhost:" + std::to_string(target.port()) +
          " --cacert " + shell_word(k.ca_cert) +
          " --oauth2-token-url http://127.0.0.1:" + std::to_string(endpoint.port()) +
          "/token --client-id app --client-secret-env CONFORM_TEST_SECRET --json " +
          shell_word(json.string()),
      "CONFORM_TEST_SECRET=" + secret + " HTTPS_PROXY=" + proxy_url + " http_proxy=" + proxy_url);
  EXPECT_EQ(r.exit_code, 1) << r.output;  // 000-333 fails, as it should
  const std::vector<std::string> lines = proxy.request_lines();
  ASSERT_GE(lines.size(), 2u) << r.output;
  EXPECT_EQ(lines[0], "POST http://127.0.0.1:" + std::to_string(endpoint.port()) + "/token HTTP/1.1");
  EXPECT_EQ(lines[1], "CONNECT localhost:" + std::to_string(target.port()) + " HTTP/1.1");
  EXPECT_EQ(target.authorizations().size(), 3u);
  const std::string report = read_file(json);
  EXPECT_NE(report.find("https: http://127.0.0.1:" + std::to_string(proxy.port())), std::string::npos)
      << report;
  for (const std::string& text : {report, r.output}) {
    expect_no_secrets("output", text);
    EXPECT_EQ(text.find("pr0xy-pass"), std::string::npos) << text;
    EXPECT_EQ(text.find("cHVzZXI6cHIweHktcGFzcw"), std::string::npos) << text;
  }
  fs::remove_all(d);
}

TEST(CliAuth, ProxyFlagWinsOverTheEnvironmentAndNoProxyBypassesIt) {
  const fs::path d = device_docs("noproxy");
  recording_server target([](const conform::http_request& req, int) { return device(req); });
  transport::test::connect_proxy proxy;
  const std::string args =
      "run " + shell_word(d.string()) +
      " --filter '*000-111*' --target http://127.0.0.1:" + std::to_string(target.port()) + " --proxy " +
      proxy.url();
  // The environment's proxy (nothing listens there) is not used: --proxy is.
  command_result r = run_conform_without_proxies(args, "HTTP_PROXY=http://127.0.0.1:1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(proxy.request_lines().size(), 1u);
  EXPECT_EQ(proxy.request_lines()[0],
            "GET http://127.0.0.1:" + std::to_string(target.port()) + "/v1.0/devices/000-111 HTTP/1.1");
  r = run_conform_without_proxies(args, "NO_PROXY=example.org,127.0.0.1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(proxy.request_lines().size(), 1u);  // direct
  EXPECT_EQ(target.authorizations().size(), 2u);
  // A proxy URL conform cannot use is a configuration error, without its credentials.
  r = run_conform_without_proxies("run " + shell_word(d.string()) +
                                  " --target http://127.0.0.1:1 --proxy socks5://u:pw-x@127.0.0.1:1080");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("--proxy socks5://127.0.0.1:1080: unsupported proxy scheme"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("pw-x"), std::string::npos);
  fs::remove_all(d);
}

}  // namespace
