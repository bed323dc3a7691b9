// Retries: what is sent again after a fault or a 429/503, how long the client waits, and the request rate.
#include "transport/client.hpp"
#include "transport/server.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

namespace conform::transport {
namespace {

using namespace std::chrono_literals;
using test::raw_listener;
using test::raw_server;

exchange_result fetch(const client_options& opts, outgoing_request req) {
  http_client client(opts);
  exchange_result out;
  client.run({std::move(req)}, [&](std::size_t, exchange_result&& r) { out = std::move(r); });
  return out;
}

std::string url_of(unsigned short port) {
  return "http://127.0.0.1:" + std::to_string(port) + "/items";
}

bool has_note(const exchange_result& r, std::string_view part) {
  for (const std::string& n : r.notes)
    if (n.find(part) != std::string::npos) return true;
  return false;
}

// The first connection takes the request and closes without an answer, the ones after it answer 200: a
// request the server may have received. Sending it again is fine for a safe method; a POST, PATCH, PUT,
// DELETE or unknown method might be applied twice (a second resource on a real service), so it is not.
TEST(Retries, NeverResendUnsafeRequestsThatMayHaveArrived) {
  for (const char* method : {"POST", "PATCH", "PUT", "DELETE", "FROB", "GET", "HEAD", "OPTIONS"}) {
    const bool safe = std::string_view(method) == "GET" || std::string_view(method) == "HEAD" ||
                      std::string_view(method) == "OPTIONS";
    std::atomic<int> received{0};
    raw_server server(
        [&](int fd) {
          test::read_until(fd, "\r\n\r\n", 2s);
          if (received++ > 0) test::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        },
        3);
    client_options opts;
    opts.retries = 2;
    opts.backoff = 1ms;
    exchange_result r = fetch(opts, {method, url_of(server.port()), {}, safe ? "" : "{}"});
    if (safe) {
      EXPECT_TRUE(r.ok) << method << ": " << r.error_message;
      EXPECT_EQ(r.attempts, 2) << method;
    } else {
      EXPECT_FALSE(r.ok) << method;
      EXPECT_EQ(r.error, run_error::read) << method << ": " << r.error_message;
      EXPECT_EQ(r.attempts, 1) << method;
      EXPECT_EQ(received.load(), 1) << method;
      EXPECT_TRUE(has_note(r, "may have reached the server")) << method;
    }
  }
}

// An answer means the request arrived: a POST answered 503 is not sent again either.
TEST(Retries, NeverResendUnsafeRequestsThatWereAnswered) {
  std::atomic<int> calls{0};
  http_server server({}, [&](const http_request&) {
    server_reply reply;
    reply.response.status = calls++ == 0 ? 503 : 201;
    return reply;
  });
  std::error_code ec;
  server.start(ec);
  ASSERT_FALSE(ec);
  client_options opts;
  opts.retries = 2;
  opts.backoff = 1ms;
  exchange_result r = fetch(opts, {"POST", url_of(server.port()), {}, "{}"});
  ASSERT_TRUE(r.ok) << r.error_message;
  EXPECT_EQ(r.response.status, 503);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(calls.load(), 1);
}

// A kept-alive connection that dies once the POST is on it: the POST may have arrived, so it is not sent
// again on a fresh connection (a GET would be).
TEST(Retries, NeverResendUnsafeRequestOnAPooledConnectionThatDied) {
  std::atomic<int> connections{0};
  raw_server server(
      [&](int fd) {
        ++connections;
        test::read_until(fd, "\r\n\r\n", 2s);
        test::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        test::read_until(fd, "\r\n\r\n", 2s);  // the POST: taken, never answered
      },
      2);
  client_options opts;
  opts.concurrency = 1;
  http_client client(opts);
  std::vector<exchange_result> results(2);
  client.run({{"GET", url_of(server.port()), {}, ""}, {"POST", url_of(server.port()), {}, "{}"}},
             [&](std::size_t i, exchange_result&& r) { results[i] = std::move(r); });
  EXPECT_TRUE(results[0].ok) << results[0].error_message;
  EXPECT_FALSE(results[1].ok);
  EXPECT_EQ(results[1].error, run_error::read) << results[1].error_message;
  EXPECT_EQ(connections.load(), 1);
}

// Nothing was sent when the connect was refused: any method may try again.
TEST(Retries, ResendUnsafeRequestsWhenNothingWasSent) {
  unsigned short port = 0;
  {
    raw_listener closed;
    port = closed.port();
  }
  client_options opts;
  opts.retries = 2;
  opts.backoff = 1ms;
  exchange_result r = fetch(opts, {"POST", url_of(port), {}, "{}"});
  EXPECT_EQ(r.error, run_error::connect);
  EXPECT_EQ(r.attempts, 3);
}

// retry_unsafe (--retry-unsafe) is the user saying duplicates do no harm on this server.
TEST(Retries, ResendUnsafeRequestsWhenAsked) {
  std::atomic<int> received{0};
  raw_server server(
      [&](int fd) {
        test::read_until(fd, "\r\n\r\n", 2s);
        if (received++ > 0) test::send_all(fd, "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
      },
      2);
  client_options opts;
  opts.retries = 2;
  opts.backoff = 1ms;
  opts.retry_unsafe = true;
  exchange_result r = fetch(opts, {"POST", url_of(server.port()), {}, "{}"});
  ASSERT_TRUE(r.ok) << r.error_message;
  EXPECT_EQ(r.response.status, 201);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_TRUE(r.retried);
}

// --retries 20 used to wait 100 ms x (2^20 - 1) per case. Each wait is capped and all of a case's waits
// share a budget: with waits of 10, 20, 20, 20, 20 ms (capped at 20) the next one would pass the 100 ms
// budget, so a refused connect is tried 6 times, not 9 (uncapped: 2.55 s of waiting; no budget: 9 attempts).
TEST(Retries, CapEachWaitAndStopAtTheBudget) {
  unsigned short port = 0;
  {
    raw_listener closed;
    port = closed.port();
  }
  client_options opts;
  opts.retries = 8;
  opts.backoff = 10ms;
  opts.max_backoff = 20ms;
  opts.retry_budget = 100ms;
  exchange_result r = fetch(opts, {"GET", url_of(port), {}, ""});
  EXPECT_EQ(r.error, run_error::connect);
  EXPECT_EQ(r.attempts, 6);
  EXPECT_LT(r.seconds, 2.0);
  EXPECT_TRUE(has_note(r, "retry budget")) << (r.notes.empty() ? "" : r.notes[0]);
}

// A 429 or 503 with Retry-After is retried after as long as the server asked (the backoff alone would be
// 1 ms here), and the run can tell how often and how long it was throttled.
TEST(Retries, HonourRetryAfterSecondsOn429) {
  std::atomic<int> calls{0};
  http_server server({}, [&](const http_request&) {
    server_reply reply;
    reply.response.status = 200;
    if (calls++ == 0) {
      reply.response.status = 429;
      reply.response.headers = {{"Retry-After", "1"}};
    }
    return reply;
  });
  std::error_code ec;
  server.start(ec);
  ASSERT_FALSE(ec);
  client_options opts;
  opts.retries = 1;
  opts.backoff = 1ms;
  exchange_result r = fetch(opts, {"GET", url_of(server.port()), {}, ""});
  ASSERT_TRUE(r.ok) << r.error_message;
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_GE(r.seconds, 0.95);
  EXPECT_EQ(r.throttled, 1);
  EXPECT_GE(r.throttled_wait, 0.95);
  EXPECT_LT(r.throttled_wait, 1.05);
}

// IMF-fixdate of `t`, as a server writes it in Retry-After and Date.
std::string http_date(std::chrono::system_clock::time_point t) {
  static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

// The HTTP-date form: two seconds from now, truncated to a whole second, is a wait of one to two seconds.
TEST(Retries, HonourRetryAfterDateOn503) {
  std::atomic<int> calls{0};
  http_server server({}, [&](const http_request&) {
    server_reply reply;
    reply.response.status = 200;
    if (calls++ == 0) {
      reply.response.status = 503;
      reply.response.headers = {{"Retry-After", http_date(std::chrono::system_clock::now() + 2s)}};
    }
    return reply;
  });
  std::error_code ec;
  server.start(ec);
  ASSERT_FALSE(ec);
  client_options opts;
  opts.retries = 1;
  opts.backoff = 1ms;
  exchange_result r = fetch(opts, {"GET", url_of(server.port()), {}, ""});
  ASSERT_TRUE(r.ok) << r.error_message;
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_GE(r.seconds, 0.9);
  EXPECT_EQ(r.throttled, 1);
}

// A Retry-After longer than what is left of the retry budget: the 503 is the answer, at once.
TEST(Retries, GiveUpWhenRetryAfterPassesTheBudget) {
  std::atomic<int> calls{0};
  http_server server({}, [&](const http_request&) {
    ++calls;
    server_reply reply;
    reply.response.status = 503;
    reply.response.headers = {{"Retry-After", "3600"}};
    return reply;
  });
  std::error_code ec;
  server.start(ec);
  ASSERT_FALSE(ec);
  client_options opts;
  opts.retries = 3;
  opts.backoff = 1ms;
  exchange_result r = fetch(opts, {"GET", url_of(server.port()), {}, ""});
  ASSERT_TRUE(r.ok) << r.error_message;
  EXPECT_EQ(r.response.status, 503);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_LT(r.seconds, 1.0);
  EXPECT_EQ(r.throttled, 1);
  EXPECT_TRUE(has_note(r, "Retry-After")) << (r.notes.empty() ? "" : r.notes[0]);
}

// --rate: requests start evenly spaced across the whole run, whatever the concurrency. Six at 20/s start at
// 0, 50, ..., 250 ms; without the limit they take a few milliseconds.
TEST(Rate, SpacesRequestStartsAcrossTheRun) {
  http_server server({}, [](const http_request&) {
    server_reply reply;
    reply.response.status = 200;
    return reply;
  });
  std::error_code ec;
  server.start(ec);
  ASSERT_FALSE(ec);
  client_options opts;
  opts.concurrency = 4;
  opts.rate = 20;
  http_client client(opts);
  std::vector<outgoing_request> requests(6, {"GET", url_of(server.port()), {}, ""});
  int ok = 0;
  const auto started = std::chrono::steady_clock::now();
  client.run(requests, [&](std::size_t, exchange_result&& r) { ok += r.ok ? 1 : 0; });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(ok, 6);
  EXPECT_GE(seconds, 0.24);
  EXPECT_LT(seconds, 5.0);
}

TEST(RetryAfter, ReadsSecondsAndTheThreeDateForms) {
  using std::chrono::milliseconds;
  // Sun, 06 Nov 1994 08:49:37 GMT is 784111777 s after the epoch; `now` is ten seconds before it.
  const std::chrono::system_clock::time_point now{std::chrono::seconds(784111767)};
  EXPECT_EQ(retry_after_delay("120", now), milliseconds(120000));
  EXPECT_EQ(retry_after_delay(" 7 ", now), milliseconds(7000));
  EXPECT_EQ(retry_after_delay("0", now), milliseconds(0));
  EXPECT_EQ(retry_after_delay("Sun, 06 Nov 1994 08:49:37 GMT", now), milliseconds(10000));
  EXPECT_EQ(retry_after_delay("Sunday, 06-Nov-94 08:49:37 GMT", now), milliseconds(10000));
  EXPECT_EQ(retry_after_delay("Sun Nov  6 08:49:37 1994", now), milliseconds(10000));
  EXPECT_EQ(retry_after_delay("Sat, 05 Nov 1994 08:49:37 GMT", now), milliseconds(0));  // already past
  auto huge = retry_after_delay("99999999999999999999999999", now);
  ASSERT_TRUE(huge.has_value());
  EXPECT_GT(*huge, milliseconds(1000LL * 1000 * 1000));  // saturated, not wrapped
  for (const char* bad :
       {"", "soon", "-1", "1.5", "12abc", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:00:00 GMT",
        "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Foo 1994 08:49:37 GMT"})
    EXPECT_FALSE(retry_after_delay(bad, now).has_value()) << bad;
}

}  // namespace
}  // namespace conform::transport
