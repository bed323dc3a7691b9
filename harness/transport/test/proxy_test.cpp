// Proxies and changing credentials: a CONNECT proxy on loopback (connect_proxy) in front of an https and an
// http loopback server, NO_PROXY as curl reads it, proxies that refuse or misbehave, and the Authorization
// provider with its one refresh after a 401.
#include "transport/client.hpp"
#include "transport/server.hpp"

#include "connect_proxy.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <mutex>

namespace conform::transport {
namespace {

using namespace std::chrono_literals;

std::string header_value(const header_list& headers, std::string_view name) {
  const header* h = find_header(headers, name);
  return h ? h->value : "";
}

exchange_result fetch(const client_options& opts, outgoing_request req) {
  http_client client(opts);
  exchange_result out;
  client.run({std::move(req)}, [&](std::size_t, exchange_result&& r) { out = std::move(r); });
  return out;
}

// Answers with what it saw: the target, Host, Authorization and Proxy-Authorization of each request.
class seen_server {
 public:
  explicit seen_server(server_options opts = {}) {
    server_ = std::make_unique<http_server>(std::move(opts), [this](const http_request& req) {
      std::lock_guard lock(m_);
      authorizations_.push_back(header_value(req.headers, "Authorization"));
      server_reply reply;
      reply.response.status = status_for ? status_for(authorizations_.back()) : 200;
      reply.response.body = req.target + " host=" + header_value(req.headers, "Host") +
                            " proxy-authorization=" + header_value(req.headers, "Proxy-Authorization");
      return reply;
    });
    server_->start(ec_);
  }
  std::error_code ec() const { return ec_; }
  std::string url(const std::string& scheme, const std::string& host, const std::string& path) const {
    return scheme + "://" + host + ":" + std::to_string(server_->port()) + path;
  }
  unsigned short port() const { return server_->port(); }
  std::vector<std::string> authorizations() {
    std::lock_guard lock(m_);
    return authorizations_;
  }
  std::function<int(const std::string&)> status_for;  // set before requests are sent

 private:
  std::mutex m_;
  std::vector<std::string> authorizations_;
  std::unique_ptr<http_server> server_;
  std::error_code ec_;
};

const test::pki& shared_pki() {
  static const test::pki k = test::make_pki();
  return k;
}

server_options tls_options(const std::string& cert, const std::string& key) {
  server_options o;
  o.tls_cert_file = cert;
  o.tls_key_file = key;
  return o;
}

TEST(ProxyFor, ChoosesTheSchemesProxyUnlessNoProxyNamesTheHost) {
  proxy_options p{"http://plain:3128", "http://tunnel:3128", ""};
  EXPECT_EQ(proxy_for(p, "https://graph.microsoft.com/v1.0/me"), "http://tunnel:3128");
  EXPECT_EQ(proxy_for(p, "http://graph.microsoft.com/v1.0/me"), "http://plain:3128");
  // Loopback is a host like any other, as curl has it: proxied unless NO_PROXY lists it.
  EXPECT_EQ(proxy_for(p, "http://127.0.0.1:8080/"), "http://plain:3128");
  EXPECT_EQ(proxy_for({"", "http://tunnel:3128", ""}, "http://example.com/"), "");

  auto bypassed = [&](std::string no_proxy, std::string url) {
    p.no_proxy = std::move(no_proxy);
    return proxy_for(p, url).empty();
  };
  EXPECT_TRUE(bypassed("*", "https://graph.microsoft.com/"));
  EXPECT_TRUE(bypassed("microsoft.com", "https://graph.microsoft.com/"));
  EXPECT_TRUE(bypassed(".microsoft.com", "https://graph.microsoft.com/"));
  EXPECT_TRUE(bypassed("MICROSOFT.com.", "https://graph.microsoft.com./"));
  EXPECT_TRUE(bypassed("example.org, graph.microsoft.com", "https://graph.microsoft.com/"));
  EXPECT_TRUE(bypassed("example.org graph.microsoft.com", "https://graph.microsoft.com/"));
  EXPECT_FALSE(bypassed("soft.com", "https://graph.microsoft.com/"));  // a suffix, but not a domain
  EXPECT_FALSE(bypassed("graph.microsoft.com.evil", "https://graph.microsoft.com/"));
  EXPECT_FALSE(bypassed("*.microsoft.com", "https://graph.microsoft.com/"));  // "*" only alone
  EXPECT_FALSE(bypassed("", "https://graph.microsoft.com/"));
  EXPECT_TRUE(bypassed("localhost,127.0.0.1", "http://127.0.0.1:9/"));
  EXPECT_FALSE(bypassed("localhost", "http://127.0.0.1:9/"));  // names are not resolved
  EXPECT_TRUE(bypassed("10.0.0.0/8", "http://10.1.2.3/"));
  EXPECT_FALSE(bypassed("10.0.0.0/8", "http://11.1.2.3/"));
  EXPECT_TRUE(bypassed("192.168.1.7", "http://192.168.1.7/"));
  EXPECT_FALSE(bypassed("192.168.1.7", "http://192.168.1.70/"));
  EXPECT_TRUE(bypassed("::1", "http://[::1]:8080/"));
  EXPECT_TRUE(bypassed("fd00::/8", "https://[fd12::5]/"));
  EXPECT_FALSE(bypassed("10.0.0.0/8", "https://[::ffff:10.0.0.1]/"));  // another family
  EXPECT_FALSE(bypassed("10.0.0.0/99", "http://10.1.2.3/"));
}

TEST(ProxyFor, SaysWhatIsWrongWithAProxyUrlWithoutItsCredentials) {
  EXPECT_EQ(proxy_url_problem("http://user:pa55@proxy.corp:3128"), "");
  EXPECT_EQ(proxy_url_problem("http://proxy.corp"), "");
  for (const char* bad : {"socks5://user:pa55@proxy.corp:1080", "https://user:pa55@proxy.corp",
                          "proxy.corp:3128", "http://user:pa55@proxy.corp:3128/path", "http://"}) {
    const std::string problem = proxy_url_problem(bad);
    EXPECT_NE(problem, "") << bad;
    EXPECT_EQ(problem.find("pa55"), std::string::npos) << problem;
  }
  EXPECT_EQ(proxy_display("http://user:pa55@proxy.corp:3128"), "http://proxy.corp:3128");
  EXPECT_EQ(proxy_display("http://proxy.corp:3128"), "http://proxy.corp:3128");
}

TEST(HttpsThroughProxy, TunnelsWithConnectAndVerifiesTheTarget) {
  const auto& k = shared_pki();
  if (!k.ok) GTEST_SKIP() << "openssl CLI unavailable";
  seen_server server(tls_options(k.server_cert, k.server_key));
  ASSERT_FALSE(server.ec()) << server.ec().message();
  test::connect_proxy proxy;
  client_options opts;
  opts.cacert = k.ca_cert;
  opts.concurrency = 1;
  opts.proxy.https = proxy.url();
  http_client client(opts);
  std::vector<outgoing_request> requests(3, {"GET", server.url("https", "localhost", "/v1.0/me"), {}, ""});
  int ok = 0;
  client.run(requests, [&](std::size_t, exchange_result&& r) {
    ASSERT_TRUE(r.ok) << stage_name(r.error) << ": " << r.error_message;
    EXPECT_EQ(r.response.body,
              "/v1.0/me host=localhost:" + std::to_string(server.port()) + " proxy-authorization=");
    ++ok;
  });
  EXPECT_EQ(ok, 3);
  // One tunnel, reused: the pooled connection is the tunnel's.
  EXPECT_EQ(proxy.request_lines(),
            std::vector<std::string>{"CONNECT localhost:" + std::to_string(server.port()) + " HTTP/1.1"});
}

TEST(HttpsThroughProxy, RejectsATargetCertificateForAnotherHost) {
  const auto& k = shared_pki();
  if (!k.ok) GTEST_SKIP() << "openssl CLI unavailable";
  seen_server server(tls_options(k.other_cert, k.other_key));  // trusted CA, issued for other.example
  ASSERT_FALSE(server.ec());
  test::connect_proxy proxy;
  client_options opts;
  opts.cacert = k.ca_cert;
  opts.proxy.https = proxy.url();
  exchange_result r = fetch(opts, {"GET", server.url("https", "localhost", "/"), {}, ""});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, run_error::tls) << r.error_message;
  EXPECT_EQ(proxy.request_lines().size(), 1u);  // it did go through the tunnel
}

TEST(HttpThroughProxy, SendsAbsoluteFormWithTheProxyCredentials) {
  seen_server server;
  ASSERT_FALSE(server.ec());
  test::connect_proxy::options po;
  po.required_authorization = "Basic dXNlcjpwQHNz";  // user:p@ss
  test::connect_proxy proxy(po);
  client_options opts;
  opts.proxy.http = "http://user:p%40ss@127.0.0.1:" + std::to_string(proxy.port());
  const std::string url = server.url("http", "127.0.0.1", "/v1.0/users?$top=1");
  exchange_result r = fetch(opts, {"GET", url, {}, ""});
  ASSERT_TRUE(r.ok) << stage_name(r.error) << ": " << r.error_message;
  EXPECT_EQ(r.response.status, 200);
  // The origin got origin form and no proxy credentials (the test proxy removes them, as proxies do).
  EXPECT_EQ(r.response.body,
            "/v1.0/users?$top=1 host=127.0.0.1:" + std::to_string(server.port()) + " proxy-authorization=");
  ASSERT_EQ(proxy.heads().size(), 1u);
  EXPECT_EQ(proxy.request_lines()[0], "GET " + url + " HTTP/1.1");
  EXPECT_NE(proxy.heads()[0].find("\r\nProxy-Authorization: Basic dXNlcjpwQHNz\r\n"), std::string::npos);
}

TEST(HttpsThroughProxy, ARefusedConnectIsAConnectErrorNamingTheProxyNotItsCredentials) {
  const auto& k = shared_pki();
  if (!k.ok) GTEST_SKIP() << "openssl CLI unavailable";
  seen_server server(tls_options(k.server_cert, k.server_key));
  ASSERT_FALSE(server.ec());
  test::connect_proxy::options po;
  po.required_authorization = "Basic dXNlcjpwQHNz";
  test::connect_proxy proxy(po);
  client_options opts;
  opts.cacert = k.ca_cert;
  opts.proxy.https = "http://user:wr0ng@127.0.0.1:" + std::to_string(proxy.port());
  exchange_result r = fetch(opts, {"GET", server.url("https", "localhost", "/"), {}, ""});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, run_error::connect);
  EXPECT_NE(r.error_message.find("proxy 127.0.0.1:" + std::to_string(proxy.port()) +
                                 " refused CONNECT to "
                                 "localhost:" +
                                 std::to_string(server.port()) + ": 407"),
            std::string::npos)
      << r.error_message;
  EXPECT_EQ(r.error_message.find("wr0ng"), std::string::npos);
  EXPECT_EQ(r.error_message.find("user"), std::string::npos);
  EXPECT_TRUE(server.authorizations().empty());

  test::connect_proxy::options forbid;
  forbid.refuse_status = 403;
  test::connect_proxy refusing(forbid);
  opts.proxy.https = refusing.url();
  r = fetch(opts, {"GET", server.url("https", "localhost", "/"), {}, ""});
  EXPECT_EQ(r.error, run_error::connect);
  EXPECT_NE(r.error_message.find("refused CONNECT"), std::string::npos) << r.error_message;
  EXPECT_NE(r.error_message.find(": 403"), std::string::npos) << r.error_message;
}

TEST(HttpsThroughProxy, AHostileProxyIsAnErrorNotAHang) {
  // Endless header lines: the CONNECT answer's header limit ends it.
  test::raw_server endless(
      [](int fd) {
        test::read_until(fd, "\r\n\r\n", 2s);
        std::string line = "HTTP/1.1 200 OK\r\n";
        for (int i = 0; i < 2000 && test::send_all(fd, line); ++i)
          line = "X-Filler: " + std::string(100, 'a') + "\r\n";
      },
      1);
  client_options opts;
  opts.proxy.https = "http://127.0.0.1:" + std::to_string(endless.port());
  opts.connect_timeout = 5000ms;
  exchange_result r = fetch(opts, {"GET", "https://localhost:9/", {}, ""});
  EXPECT_EQ(r.error, run_error::connect) << r.error_message;
  // Silence: the connect timeout ends it.
  test::raw_server silent([](int fd) { test::read_until(fd, "never", 1500ms); }, 1);
  opts.proxy.https = "http://127.0.0.1:" + std::to_string(silent.port());
  opts.connect_timeout = 200ms;
  r = fetch(opts, {"GET", "https://localhost:9/", {}, ""});
  EXPECT_EQ(r.error, run_error::timeout) << r.error_message;
  EXPECT_NE(r.error_message.find("did not answer CONNECT"), std::string::npos) << r.error_message;
}

TEST(HttpThroughProxy, NoProxyGoesDirect) {
  seen_server server;
  ASSERT_FALSE(server.ec());
  test::connect_proxy proxy;
  client_options opts;
  opts.proxy = {proxy.url(), proxy.url(), "example.org,127.0.0.1"};
  exchange_result r = fetch(opts, {"GET", server.url("http", "127.0.0.1", "/direct"), {}, ""});
  ASSERT_TRUE(r.ok) << r.error_message;
  EXPECT_TRUE(proxy.heads().empty());
  opts.proxy.no_proxy = "example.org";
  r = fetch(opts, {"GET", server.url("http", "127.0.0.1", "/proxied"), {}, ""});
  ASSERT_TRUE(r.ok) << r.error_message;
  EXPECT_EQ(proxy.heads().size(), 1u);
}

TEST(HttpThroughProxy, AnUnusableProxyUrlIsAUrlErrorWithoutCredentials) {
  client_options opts;
  opts.proxy.https = "socks5://user:pa55@127.0.0.1:1080";
  exchange_result r = fetch(opts, {"GET", "https://localhost:9/", {}, ""});
  EXPECT_EQ(r.error, run_error::url);
  EXPECT_NE(r.error_message.find("socks5://127.0.0.1:1080"), std::string::npos) << r.error_message;
  EXPECT_EQ(r.error_message.find("pa55"), std::string::npos) << r.error_message;
}

TEST(ChangingCredential, IsAskedPerAttemptAndRefreshedOnceAfterA401) {
  seen_server server;
  ASSERT_FALSE(server.ec());
  server.status_for = [](const std::string& authorization) {
    return authorization == "Bearer new" ? 200 : 401;
  };
  std::string token = "old";
  int refreshes = 0;
  client_options opts;
  opts.concurrency = 1;
  opts.authorization = [&] { return "Bearer " + token; };
  std::vector<std::string> refused;
  opts.on_unauthorized = [&](std::string_view value) {
    refused.emplace_back(value);
    ++refreshes;
    token = "new";
    return true;
  };
  // The request's own Authorization is replaced, not sent beside the provider's.
  outgoing_request req{
      "POST", server.url("http", "127.0.0.1", "/users"), {{"Authorization", "Bearer doc"}}, "{}"};
  exchange_result r = fetch(opts, req);
  ASSERT_TRUE(r.ok) << r.error_message;
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(refreshes, 1);
  EXPECT_EQ(server.authorizations(), (std::vector<std::string>{"Bearer old", "Bearer new"}));
  EXPECT_EQ(refused, std::vector<std::string>{"Bearer old"});
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0], "answered 401 on attempt 1: fetched a new token and sent the request once more");

  // A second 401 is the answer: one refresh per request.
  token = "stale";
  server.status_for = [](const std::string&) { return 401; };
  r = fetch(opts, req);
  EXPECT_EQ(r.response.status, 401);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(refreshes, 2);

  // A refresh that fails: the 401 stands, said so, sent once.
  opts.on_unauthorized = [&](std::string_view) { return false; };
  r = fetch(opts, req);
  EXPECT_EQ(r.response.status, 401);
  EXPECT_EQ(r.attempts, 1);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("no new token could be fetched"), std::string::npos);
}

}  // namespace
}  // namespace conform::transport
