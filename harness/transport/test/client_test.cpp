#include "transport/client.hpp"
#include "transport/server.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <limits>
#include <set>

namespace conform::transport {
namespace {

using namespace std::chrono_literals;
using test::raw_listener;
using test::raw_server;

std::string header_value(const header_list& headers, std::string_view name) {
  const header* h = find_header(headers, name);
  return h ? h->value : "";
}

exchange_result fetch(const client_options& opts, outgoing_request req) {
  http_client client(opts);
  exchange_result out;
  int calls = 0;
  client.run({std::move(req)}, [&](std::size_t, exchange_result&& r) {
    out = std::move(r);
    ++calls;
  });
  EXPECT_EQ(calls, 1);
  return out;
}

outgoing_request get(const std::string& url) {
  return {"GET", url, {}, ""};
}

// A server that echoes what it saw, so tests can assert on the request that went out.
class echo_server {
 public:
  explicit echo_server(server_options opts = {})
      : server_(std::move(opts), [](const http_request& req) {
          server_reply reply;
          reply.response.status = 200;
          reply.response.headers = {{"Content-Type", "text/plain"},
                                    {"X-Method", req.method},
                                    {"X-Target", req.target},
                                    {"X-Host", header_value(req.headers, "Host")},
                                    {"X-User-Agent", header_value(req.headers, "User-Agent")},
                                    {"X-Trace", header_value(req.headers, "X-Trace")}};
          reply.response.body = req.body.empty() ? "hello" : req.body;
          return reply;
        }) {
    server_.start(ec_);
  }
  std::error_code ec() const { return ec_; }
  http_server& server() { return server_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }

 private:
  http_server server_;
  std::error_code ec_;
};

TEST(HttpClient, GetRoundTrip) {
  echo_server echo;
  ASSERT_FALSE(echo.ec()) << echo.ec().message();
  outgoing_request req = get(echo.url("/v1.0/users?$top=1"));
  req.headers = {{"X-Trace", "abc"}};
  exchange_result r = fetch({}, req);
  ASSERT_TRUE(r.ok) << stage_name(r.error) << ": " << r.error_message;
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.response.reason, "OK");
  EXPECT_EQ(r.response.body, "hello");
  EXPECT_EQ(header_value(r.response.headers, "X-Method"), "GET");
  EXPECT_EQ(header_value(r.response.headers, "X-Target"), "/v1.0/users?$top=1");
  EXPECT_EQ(header_value(r.response.headers, "X-Host"), "127.0.0.1:" + std::to_string(echo.server().port()));
  EXPECT_EQ(header_value(r.response.headers, "X-User-Agent"), "conform/" + std::string(version()));
  EXPECT_EQ(header_value(r.response.headers, "X-Trace"), "abc");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_FALSE(r.retried);
}

TEST(HttpClient, PostRoundTrip) {
  echo_server echo;
  ASSERT_FALSE(echo.ec());
  outgoing_request req{"POST", echo.url("/v1.0/users"), {{"Content-Type", "application/json"}}, R"({"a":1})"};
  exchange_result r = fetch({}, req);
  ASSERT_TRUE(r.ok) << r.error_message;
  EXPECT_EQ(header_value(r.response.headers, "X-Method"), "POST");
  EXPECT_EQ(r.response.body, R"({"a":1})");
  EXPECT_EQ(header_value(r.response.headers, "Content-Length"), "7");
}

TEST(HttpClient, ReusesKeepAliveConnections) {
  echo_server echo;
  ASSERT_FALSE(echo.ec());
  std::vector<outgoing_request> requests;
  for (int i = 0; i < 60; ++i) requests.push_back(get(echo.url("/item/" + std::to_string(i))));
  client_options opts;
  opts.concurrency = 4;
  http_client client(opts);
  std::set<std::size_t> seen;
  std::size_t ok = 0;
  client.run(requests, [&](std::size_t i, exchange_result&& r) {
    EXPECT_TRUE(seen.insert(i).second) << "index reported twice: " << i;
    if (r.ok && header_value(r.response.headers, "X-Target") == "/item/" + std::to_string(i)) ++ok;
  });
  EXPECT_EQ(seen.size(), requests.size());
  EXPECT_EQ(ok, requests.size());
  EXPECT_GE(echo.server().connections_accepted(), 1u);
  EXPECT_LE(echo.server().connections_accepted(), opts.concurrency);
}

// The client reuses the parsed origin of the previous URL: URLs alternating between two origins must still
// reach their own server with their own target, and a bad URL after a cached origin is still rejected.
TEST(HttpClient, KeepsOriginsApartWhenUrlsAlternate) {
  echo_server a, b;
  ASSERT_FALSE(a.ec());
  ASSERT_FALSE(b.ec());
  std::vector<outgoing_request> requests;
  std::vector<std::string> hosts, targets;
  for (int i = 0; i < 40; ++i) {
    echo_server& to = (i % 3 == 0) ? b : a;
    const std::string target = "/item/" + std::to_string(i) + (i % 2 ? "?$top=" + std::to_string(i) : "");
    requests.push_back(get(to.url(target)));
    hosts.push_back("127.0.0.1:" + std::to_string(to.server().port()));
    targets.push_back(target);
  }
  requests.push_back(get(a.url("/bad path")));  // after a cached origin: still rejected
  client_options opts;
  opts.concurrency = 3;
  http_client client(opts);
  std::size_t ok = 0;
  bool bad_rejected = false;
  client.run(requests, [&](std::size_t i, exchange_result&& r) {
    if (i == targets.size()) {
      bad_rejected = !r.ok && r.error == run_error::url;
      return;
    }
    EXPECT_TRUE(r.ok) << i << ": " << r.error_message;
    if (r.ok && header_value(r.response.headers, "X-Host") == hosts[i] &&
        header_value(r.response.headers, "X-Target") == targets[i])
      ++ok;
  });
  EXPECT_EQ(ok, targets.size());
  EXPECT_TRUE(bad_rejected);
}

TEST(HttpClient, ReadsChunkedResponse) {
  raw_server server([](int fd) {
    test::read_until(fd, "\r\n\r\n", 2s);
    test::send_all(fd,
                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n"
                   "Connection: close\r\n\r\n"
                   "5\r\n{\"a\":\r\n3\r\n42}\r\n0\r\n\r\n");
  });
  exchange_result r = fetch({}, get("http://127.0.0.1:" + std::to_string(server.port()) + "/"));
  ASSERT_TRUE(r.ok) << r.error_message;
  EXPECT_EQ(r.response.body, R"({"a":42})");
}

// 100 Continue and 103 Early Hints come before the real answer (RFC 9110 section 15.2): they are no final
// response, and the real one must be read from the same connection, which then serves the next request.
TEST(HttpClient, SkipsInterimResponses) {
  raw_server server([](int fd) {
    test::read_until(fd, "\r\n\r\n", 2s);
    test::send_all(
        fd, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n");
    test::send_all(fd, "HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\none");
    test::read_until(fd, "\r\n\r\n", 2s);
    test::send_all(fd, "HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
  });
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  client_options opts;
  opts.concurrency = 1;
  http_client client(opts);
  std::vector<exchange_result> results(2);
  client.run({{"POST", url, {}, "{}"}, get(url)},
             [&](std::size_t i, exchange_result&& r) { results[i] = std::move(r); });
  ASSERT_TRUE(results[0].ok) << results[0].error_message;
  EXPECT_EQ(results[0].response.status, 201);
  EXPECT_EQ(results[0].response.body, "one");
  EXPECT_EQ(find_header(results[0].response.headers, "Link"), nullptr) << "an interim response's headers";
  ASSERT_TRUE(results[1].ok) << results[1].error_message;
  EXPECT_EQ(results[1].response.status, 200);
  EXPECT_EQ(results[1].response.body, "two");
}

// A server that sends interim responses without end gets a read error, not the whole timeout.
TEST(HttpClient, StopsReadingEndlessInterimResponses) {
  raw_server server([](int fd) {
    test::read_until(fd, "\r\n\r\n", 2s);
    std::string hints;
    for (int i = 0; i < 100; ++i) hints += "HTTP/1.1 103 Early Hints\r\n\r\n";
    test::send_all(fd, hints);
    test::read_to_eof(fd, 5s);
  });
  client_options opts;
  opts.timeout = 10s;
  exchange_result r = fetch(opts, get("http://127.0.0.1:" + std::to_string(server.port()) + "/"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, run_error::read);
  EXPECT_NE(r.error_message.find("interim"), std::string::npos) << r.error_message;
  EXPECT_LT(r.seconds, 5.0);
}

TEST(HttpClient, ReportsConnectionRefused) {
  unsigned short port = 0;
  {
    raw_listener closed;
    port = closed.port();
  }
  exchange_result r = fetch({}, get("http://127.0.0.1:" + std::to_string(port) + "/"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, run_error::connect);
  EXPECT_NE(r.error_message.find("refused"), std::string::npos) << r.error_message;
}

// Out of file descriptors, a connect used to fail as "Operation canceled" (Asio's range connect says so when
// it cannot even open a socket), which reads like the server's doing. The soft RLIMIT_NOFILE is lowered to a
// few above what the test process has open, and more requests than that are sent at once to a listener that
// never answers: the ones without a descriptor must name EMFILE.
TEST(HttpClient, NamesTooManyOpenFiles) {
#ifdef CONFORM_SANITIZED
  GTEST_SKIP() << "out of descriptors, the sanitizer runtime reports false errors (it opens a pipe to check "
                  "memory)";
#endif
  raw_listener silent;
  std::set<int> open_fds;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
    open_fds.insert(std::atoi(e.path().filename().c_str()));
  // New descriptors take the lowest free numbers below the limit: leave twelve free ones (the client's event
  // loop needs a few).
  rlim_t limit = 0;
  for (int free_slots = 0; free_slots < 12; ++limit)
    if (!open_fds.contains(static_cast<int>(limit))) ++free_slots;
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  struct restore {
    rlimit limit;
    ~restore() { setrlimit(RLIMIT_NOFILE, &limit); }
  } restore_limit{saved};
  rlimit low = saved;
  low.rlim_cur = limit;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);

  client_options opts;
  opts.concurrency = 32;
  opts.timeout = 200ms;
  http_client client(opts);
  std::vector<outgoing_request> requests(32, get("http://127.0.0.1:" + std::to_string(silent.port()) + "/"));
  int emfile = 0;
  client.run(requests, [&](std::size_t, exchange_result&& r) {
    EXPECT_FALSE(r.ok);
    if (r.error != run_error::connect) return;
    EXPECT_TRUE(r.cause == std::errc::too_many_files_open) << r.cause.message();
    EXPECT_NE(r.error_message.find("too many open files"), std::string::npos) << r.error_message;
    ++emfile;
  });
  EXPECT_GT(emfile, 0);
}

TEST(HttpClient, ReportsServerClosingMidBody) {
  raw_server server([](int fd) {
    test::read_until(fd, "\r\n\r\n", 2s);
    test::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
  });
  exchange_result r = fetch({}, get("http://127.0.0.1:" + std::to_string(server.port()) + "/"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, run_error::read);
}

TEST(HttpClient, TimesOutOnSilentServer) {
  raw_listener silent;  // the kernel completes the connect; nobody ever reads or answers
  client_options opts;
  opts.timeout = 300ms;
  exchange_result r = fetch(opts, get("http://127.0.0.1:" + std::to_string(silent.port()) + "/"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, run_error::timeout);
  EXPECT_GE(r.seconds, 0.25);
  EXPECT_LT(r.seconds, 5.0);
}

// The second exchange on a kept-alive connection stalls after part of its body: the run's watchdog must cut
// it off even though the connection had already served an exchange in time.
TEST(HttpClient, TimesOutOnKeptAliveConnectionMidBody) {
  raw_server server([](int fd) {
    test::read_until(fd, "\r\n\r\n", 2s);
    test::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    test::read_until(fd, "\r\n\r\n", 2s);
    test::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    test::read_to_eof(fd, 5s);  // holds the connection until the client gives up
  });
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  client_options opts;
  opts.concurrency = 1;
  opts.timeout = 300ms;
  http_client client(opts);
  std::vector<exchange_result> results(2);
  client.run({get(url), get(url)}, [&](std::size_t i, exchange_result&& r) { results[i] = std::move(r); });
  EXPECT_TRUE(results[0].ok);
  EXPECT_EQ(results[0].response.body, "ok");
  EXPECT_FALSE(results[1].ok);
  EXPECT_EQ(results[1].error, run_error::timeout);
  EXPECT_GE(results[1].seconds, 0.25);
  EXPECT_LT(results[1].seconds, 5.0);
}

TEST(HttpClient, EnforcesBodyLimit) {
  http_server server({}, [](const http_request&) {
    server_reply reply;
    reply.response.status = 200;
    reply.response.body.assign(5000, 'x');
    return reply;
  });
  std::error_code ec;
  server.start(ec);
  ASSERT_FALSE(ec);
  client_options opts;
  opts.max_body = 1000;
  opts.retries = 3;  // a body over the limit is not worth retrying
  exchange_result r = fetch(opts, get("http://127.0.0.1:" + std::to_string(server.port()) + "/"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, run_error::body_limit);
  EXPECT_EQ(r.attempts, 1);
}

// The peer's Content-Length is a claim, not an allocation size: with no body limit, 2^64-1 announced and
// three bytes sent is a read error, not std::length_error out of the client.
TEST(HttpClient, SurvivesHugeContentLength) {
  raw_server server([](int fd) {
    test::read_until(fd, "\r\n\r\n", 2s);
    test::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\nabc");
  });
  client_options opts;
  opts.max_body = std::numeric_limits<std::size_t>::max();
  exchange_result r = fetch(opts, get("http://127.0.0.1:" + std::to_string(server.port()) + "/"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, run_error::read) << r.error_message;
}

TEST(HttpClient, RetriesOn503ThenSucceeds) {
  std::atomic<int> calls{0};
  http_server server({}, [&](const http_request&) {
    server_reply reply;
    reply.response.status = calls++ == 0 ? 503 : 200;
    return reply;
  });
  std::error_code ec;
  server.start(ec);
  ASSERT_FALSE(ec);
  client_options opts;
  opts.retries = 2;
  opts.backoff = 10ms;
  exchange_result r = fetch(opts, get("http://127.0.0.1:" + std::to_string(server.port()) + "/"));
  ASSERT_TRUE(r.ok) << r.error_message;
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_TRUE(r.retried);
  EXPECT_EQ(calls.load(), 2);
}

TEST(HttpClient, Reports503WhenRetriesAreOff) {
  std::atomic<int> calls{0};
  http_server server({}, [&](const http_request&) {
    ++calls;
    server_reply reply;
    reply.response.status = 503;
    return reply;
  });
  std::error_code ec;
  server.start(ec);
  ASSERT_FALSE(ec);
  exchange_result r = fetch({}, get("http://127.0.0.1:" + std::to_string(server.port()) + "/"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.response.status, 503);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_FALSE(r.retried);
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpClient, RetriesConnectionFaultsWithBackoff) {
  unsigned short port = 0;
  {
    raw_listener closed;
    port = closed.port();
  }
  client_options opts;
  opts.retries = 2;
  opts.backoff = 20ms;
  exchange_result r = fetch(opts, get("http://127.0.0.1:" + std::to_string(port) + "/"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, run_error::connect);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_GE(r.seconds, 0.055);  // 20 ms + 40 ms of backoff
}

TEST(HttpClient, ReplacesStaleKeepAliveConnectionTransparently) {
  // Each connection answers one request announcing keep-alive, then the server closes it: the pooled
  // connection is dead when the second request tries it.
  raw_server server(
      [](int fd) {
        test::read_until(fd, "\r\n\r\n", 2s);
        test::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      },
      2);
  client_options opts;
  opts.concurrency = 1;
  http_client client(opts);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  std::vector<exchange_result> results(2);
  client.run({get(url), get(url)}, [&](std::size_t i, exchange_result&& r) { results[i] = std::move(r); });
  for (const auto& r : results) {
    EXPECT_TRUE(r.ok) << stage_name(r.error) << ": " << r.error_message;
    EXPECT_EQ(r.attempts, 1);
    EXPECT_EQ(r.response.body, "ok");
  }
}

// A keep-alive connection holding bytes nobody asked for must not carry the next request: its answer would
// be the previous case's leftovers. The first connection answers once and then sends another, unsolicited
// response in the same write; the second request must get its own answer from a new connection, and the
// stray bytes are noted on the case they followed.
TEST(HttpClient, NeverReusesConnectionHoldingAnExtraResponse) {
  std::atomic<int> connection{0};
  raw_server server(
      [&](int fd) {
        test::read_until(fd, "\r\n\r\n", 2s);
        if (connection++ == 0) {
          test::send_all(fd,
                         "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
                         "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale");
          test::read_until(fd, "\r\n\r\n", 5s);  // until the client closes (or wrongly sends again)
        } else {
          test::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
        }
      },
      2);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  client_options opts;
  opts.concurrency = 1;
  http_client client(opts);
  std::vector<exchange_result> results(2);
  client.run({get(url), get(url)}, [&](std::size_t i, exchange_result&& r) { results[i] = std::move(r); });
  ASSERT_TRUE(results[0].ok) << results[0].error_message;
  EXPECT_EQ(results[0].response.body, "one");
  ASSERT_TRUE(results[1].ok) << results[1].error_message;
  EXPECT_EQ(results[1].response.body, "fresh");
  EXPECT_TRUE(results[1].notes.empty());
  ASSERT_EQ(results[0].notes.size(), 1u);
  EXPECT_NE(results[0].notes[0].find("43 bytes"), std::string::npos) << results[0].notes[0];
}

// The same when the stray bytes arrive after the response was read: a trailing 408 before close lands on the
// idle connection while the first case is being reported. Before reuse the connection is found readable and
// dropped, so the 408 is never the second case's answer.
TEST(HttpClient, NeverReusesConnectionThatTurnedReadable) {
  std::promise<void> reported, sent;
  std::atomic<int> connection{0};
  raw_server server(
      [&](int fd) {
        test::read_until(fd, "\r\n\r\n", 2s);
        if (connection++ == 0) {
          test::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
          reported.get_future().wait_for(5s);
          test::send_all(fd,
                         "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
          sent.set_value();
          test::read_until(fd, "\r\n\r\n", 5s);
        } else {
          test::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
        }
      },
      2);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  client_options opts;
  opts.concurrency = 1;
  http_client client(opts);
  std::vector<exchange_result> results(2);
  auto sent_done = sent.get_future();
  client.run({get(url), get(url)}, [&](std::size_t i, exchange_result&& r) {
    results[i] = std::move(r);
    if (i != 0) return;
    // The client takes the next request only after this returns: by then the 408 is in its socket.
    reported.set_value();
    EXPECT_EQ(sent_done.wait_for(5s), std::future_status::ready);
  });
  ASSERT_TRUE(results[0].ok) << results[0].error_message;
  EXPECT_EQ(results[0].response.body, "one");
  ASSERT_TRUE(results[1].ok) << results[1].error_message;
  EXPECT_EQ(results[1].response.status, 200);
  EXPECT_EQ(results[1].response.body, "fresh");
}

TEST(HttpClient, RejectsBadUrls) {
  for (const char* url : {"not a url", "ftp://127.0.0.1/x", "/relative/path", "http:///nohost"}) {
    exchange_result r = fetch({}, get(url));
    EXPECT_FALSE(r.ok) << url;
    EXPECT_EQ(r.error, run_error::url) << url;
    EXPECT_FALSE(r.error_message.empty()) << url;
  }
}

TEST(HttpClient, NeverPutsHeaderValuesInErrors) {
  outgoing_request req = get("http://127.0.0.1:1/");
  req.headers = {{"Authorization", "Bearer secret\r\ninjected"}};
  exchange_result r = fetch({}, req);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, run_error::url);
  EXPECT_EQ(r.error_message.find("secret"), std::string::npos) << r.error_message;
}

TEST(HttpClient, ReachesIpv6Literal) {
  server_options sopts;
  sopts.host = "::1";
  echo_server echo(sopts);
  if (echo.ec()) GTEST_SKIP() << "no IPv6 loopback here: " << echo.ec().message();
  exchange_result r = fetch({}, get("http://[::1]:" + std::to_string(echo.server().port()) + "/six"));
  ASSERT_TRUE(r.ok) << stage_name(r.error) << ": " << r.error_message;
  EXPECT_EQ(header_value(r.response.headers, "X-Host"), "[::1]:" + std::to_string(echo.server().port()));
}

// ---- TLS ----------------------------------------------------------------------------------------------

const test::pki& shared_pki() {
  static const test::pki k = test::make_pki();
  return k;
}

class tls_server {
 public:
  tls_server(const std::string& cert, const std::string& key) {
    server_options opts;
    opts.tls_cert_file = cert;
    opts.tls_key_file = key;
    server_ = std::make_unique<http_server>(opts, [](const http_request& req) {
      server_reply reply;
      reply.response.status = 200;
      reply.response.body = "secure " + req.target;
      return reply;
    });
    server_->start(ec_);
  }
  std::error_code ec() const { return ec_; }
  std::string url(const std::string& host) const {
    return "https://" + host + ":" + std::to_string(server_->port()) + "/tls";
  }
  std::size_t connections_accepted() const { return server_->connections_accepted(); }

 private:
  std::unique_ptr<http_server> server_;
  std::error_code ec_;
};

TEST(HttpsClient, VerifiesServerWithCaFile) {
  const auto& k = shared_pki();
  if (!k.ok) GTEST_SKIP() << "openssl CLI unavailable";
  tls_server server(k.server_cert, k.server_key);
  ASSERT_FALSE(server.ec()) << server.ec().message();
  client_options opts;
  opts.cacert = k.ca_cert;
  for (const char* host : {"localhost", "127.0.0.1"}) {
    exchange_result r = fetch(opts, get(server.url(host)));
    ASSERT_TRUE(r.ok) << host << ": " << stage_name(r.error) << ": " << r.error_message;
    EXPECT_EQ(r.response.body, "secure /tls");
  }
}

// An idle TLS connection is checked for unread bytes before reuse; what TLS itself sends (session tickets)
// must not make every connection look dirty: one connection serves all requests.
TEST(HttpsClient, ReusesKeepAliveConnections) {
  const auto& k = shared_pki();
  if (!k.ok) GTEST_SKIP() << "openssl CLI unavailable";
  tls_server server(k.server_cert, k.server_key);
  ASSERT_FALSE(server.ec());
  client_options opts;
  opts.cacert = k.ca_cert;
  opts.concurrency = 1;
  http_client client(opts);
  std::vector<outgoing_request> requests(5, get(server.url("localhost")));
  int ok = 0;
  client.run(requests, [&](std::size_t, exchange_result&& r) {
    EXPECT_TRUE(r.notes.empty()) << r.notes[0];
    ok += r.ok ? 1 : 0;
  });
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST(HttpsClient, RejectsUntrustedCertificate) {
  const auto& k = shared_pki();
  if (!k.ok) GTEST_SKIP() << "openssl CLI unavailable";
  tls_server server(k.server_cert, k.server_key);
  ASSERT_FALSE(server.ec());
  exchange_result r = fetch({}, get(server.url("localhost")));  // system store only: the test CA is unknown
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, run_error::tls);
  EXPECT_NE(r.error_message.find("certificate"), std::string::npos) << r.error_message;
}

TEST(HttpsClient, RejectsWrongHostName) {
  const auto& k = shared_pki();
  if (!k.ok) GTEST_SKIP() << "openssl CLI unavailable";
  tls_server server(k.other_cert, k.other_key);  // trusted CA, but issued for other.example
  ASSERT_FALSE(server.ec());
  client_options opts;
  opts.cacert = k.ca_cert;
  for (const char* host : {"localhost", "127.0.0.1"}) {
    exchange_result r = fetch(opts, get(server.url(host)));
    EXPECT_FALSE(r.ok) << host;
    EXPECT_EQ(r.error, run_error::tls) << host;
    EXPECT_NE(r.error_message.find("mismatch"), std::string::npos) << r.error_message;
  }
}

TEST(HttpsClient, AcceptsAnyCertificateWithoutVerification) {
  const auto& k = shared_pki();
  if (!k.ok) GTEST_SKIP() << "openssl CLI unavailable";
  tls_server server(k.other_cert, k.other_key);
  ASSERT_FALSE(server.ec());
  client_options opts;
  opts.verify_tls = false;
  exchange_result r = fetch(opts, get(server.url("127.0.0.1")));
  ASSERT_TRUE(r.ok) << stage_name(r.error) << ": " << r.error_message;
  EXPECT_EQ(r.response.body, "secure /tls");
}

TEST(HttpsClient, ThrowsOnUnreadableCaFile) {
  client_options opts;
  opts.cacert = "/nonexistent/ca.pem";
  http_client client(opts);
  EXPECT_THROW(client.run({get("https://127.0.0.1:1/")}, [](std::size_t, exchange_result&&) {}),
               std::runtime_error);
}

}  // namespace
}  // namespace conform::transport

namespace conform::transport {
namespace {

TEST(ParseResponse, ReadsWhatTheWireParserReads) {
  http_response r;
  EXPECT_FALSE(parse_response("HTTP/1.1 201 Created\r\nContent-Length: 2\r\nX-A: b\r\n\r\n{}", 1024, r));
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "{}");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_FALSE(
      parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 1024, r));
  EXPECT_EQ(r.body, "abc");
  EXPECT_TRUE(parse_response("HTTP/1.1 2x0 OK\r\n\r\n", 1024, r));
  EXPECT_TRUE(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 4, r));
  EXPECT_TRUE(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234", 1024, r));  // cut short
}

}  // namespace
}  // namespace conform::transport
