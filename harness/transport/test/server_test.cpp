#include "transport/server.hpp"
#include "transport/client.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>

#include <atomic>
#include <limits>
#include <random>
#include <stdexcept>

namespace conform::transport {
namespace {

using namespace std::chrono_literals;

server_reply ok_reply(std::string body = "fine") {
  server_reply reply;
  reply.response.status = 200;
  reply.response.headers = {{"Content-Type", "text/plain"}};
  reply.response.body = std::move(body);
  return reply;
}

const std::string normal_request = "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.rfind(prefix, 0) == 0;
}

struct running_server {
  explicit running_server(request_handler handler, server_options opts = {})
      : server(std::move(opts), std::move(handler)) {
    server.start(ec);
  }
  std::string exchange(const std::string& bytes) { return test::raw_exchange(server.port(), bytes); }
  http_server server;
  std::error_code ec;
};

TEST(HttpServer, AnswersMalformedRequestWith400ThenKeepsServing) {
  running_server s([](const http_request&) { return ok_reply(); });
  ASSERT_FALSE(s.ec) << s.ec.message();
  const std::string bad = s.exchange("GARBAGE\r\n\r\n");
  EXPECT_TRUE(starts_with(bad, "HTTP/1.1 400")) << bad;
  EXPECT_NE(bad.find(R"({"error":{"code":"badRequest","message":)"), std::string::npos) << bad;
  const std::string good = s.exchange(normal_request);
  EXPECT_TRUE(starts_with(good, "HTTP/1.1 200")) << good;
  EXPECT_NE(good.find("\r\n\r\nfine"), std::string::npos) << good;
}

TEST(HttpServer, RejectsHugeHeaderWith431) {
  server_options opts;
  opts.max_header = 1024;
  running_server s([](const http_request&) { return ok_reply(); }, opts);
  ASSERT_FALSE(s.ec);
  const std::string reply =
      s.exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  EXPECT_TRUE(starts_with(reply, "HTTP/1.1 431")) << reply;
  EXPECT_TRUE(starts_with(s.exchange(normal_request), "HTTP/1.1 200"));
}

TEST(HttpServer, RejectsLargeBodyWith413) {
  server_options opts;
  opts.max_body = 100;
  running_server s([](const http_request&) { return ok_reply(); }, opts);
  ASSERT_FALSE(s.ec);
  const std::string reply =
      s.exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'));
  EXPECT_TRUE(starts_with(reply, "HTTP/1.1 413")) << reply;
  EXPECT_NE(reply.find("requestEntityTooLarge"), std::string::npos);
}

// A request's Content-Length is not an allocation size either: announcing 2^64-1 bytes under no body limit
// must neither throw out of the server nor stop it from answering the next connection.
TEST(HttpServer, SurvivesHugeContentLength) {
  server_options opts;
  opts.max_body = std::numeric_limits<std::size_t>::max();
  running_server s([](const http_request&) { return ok_reply(); }, opts);
  ASSERT_FALSE(s.ec);
  test::raw_exchange(s.server.port(),
                     "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551615\r\n\r\nabc", 200ms);
  const std::string reply = s.exchange(normal_request);
  EXPECT_TRUE(starts_with(reply, "HTTP/1.1 200")) << reply;
}

TEST(HttpServer, TurnsHandlerExceptionInto500AndKeepsServing) {
  running_server s([](const http_request& req) {
    if (req.target == "/boom") throw std::runtime_error("kaputt");
    return ok_reply();
  });
  ASSERT_FALSE(s.ec);
  const std::string reply = s.exchange("GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(starts_with(reply, "HTTP/1.1 500")) << reply;
  EXPECT_NE(reply.find(R"({"error":{"code":"internalServerError")"), std::string::npos) << reply;
  EXPECT_TRUE(starts_with(s.exchange(normal_request), "HTTP/1.1 200"));
}

TEST(HttpServer, AnswersPipelinedRequestsInOrder) {
  running_server s([](const http_request& req) { return ok_reply("<" + req.target + ">"); });
  ASSERT_FALSE(s.ec);
  const std::string reply = s.exchange(
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto one = reply.find("</one>"), two = reply.find("</two>"), three = reply.find("</three>");
  ASSERT_NE(one, std::string::npos) << reply;
  ASSERT_NE(two, std::string::npos) << reply;
  ASSERT_NE(three, std::string::npos) << reply;
  EXPECT_LT(one, two);
  EXPECT_LT(two, three);
  EXPECT_EQ(s.server.connections_accepted(), 1u);
}

TEST(HttpServer, ComputesContentLengthItself) {
  running_server s([](const http_request&) {
    server_reply reply = ok_reply("12345");
    reply.response.headers.push_back({"Content-Length", "999"});  // a lying handler must not break framing
    return reply;
  });
  ASSERT_FALSE(s.ec);
  const std::string reply = s.exchange(normal_request);
  EXPECT_NE(reply.find("Content-Length: 5\r\n"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("999"), std::string::npos) << reply;
}

TEST(HttpServer, ResetReplyClosesWithoutAnswer) {
  running_server s([](const http_request& req) {
    server_reply reply = ok_reply();
    reply.reset = req.target == "/reset";
    return reply;
  });
  ASSERT_FALSE(s.ec);
  EXPECT_EQ(s.exchange("GET /reset HTTP/1.1\r\nHost: x\r\n\r\n"), "");
  exchange_result r;
  http_client client({});
  client.run({{"GET", "http://127.0.0.1:" + std::to_string(s.server.port()) + "/reset", {}, ""}},
             [&](std::size_t, exchange_result&& x) { r = std::move(x); });
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, run_error::read);
  EXPECT_TRUE(starts_with(s.exchange(normal_request), "HTTP/1.1 200"));
}

TEST(HttpServer, DelayedReplyDoesNotBlockOthers) {
  running_server s([](const http_request& req) {
    server_reply reply = ok_reply(req.target);
    if (req.target == "/slow") reply.delay = 400ms;
    return reply;
  });
  ASSERT_FALSE(s.ec);
  const std::string base = "http://127.0.0.1:" + std::to_string(s.server.port());
  client_options opts;
  opts.concurrency = 2;
  http_client client(opts);
  std::vector<exchange_result> results(2);
  std::vector<std::size_t> order;
  client.run({{"GET", base + "/slow", {}, ""}, {"GET", base + "/fast", {}, ""}},
             [&](std::size_t i, exchange_result&& r) {
               order.push_back(i);
               results[i] = std::move(r);
             });
  ASSERT_TRUE(results[0].ok && results[1].ok);
  EXPECT_EQ(results[0].response.body, "/slow");
  EXPECT_GE(results[0].seconds, 0.39);
  EXPECT_LT(results[1].seconds, results[0].seconds);
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0], 1u);  // the fast one finished first
}

TEST(HttpServer, ReportsPortInUse) {
  running_server first([](const http_request&) { return ok_reply(); });
  ASSERT_FALSE(first.ec);
  server_options opts;
  opts.port = first.server.port();
  http_server second(opts, [](const http_request&) { return ok_reply(); });
  std::error_code ec;
  second.start(ec);
  EXPECT_TRUE(ec);
  EXPECT_NE(ec.message().find("in use"), std::string::npos) << ec.message();
}

TEST(HttpServer, SurvivesRandomBytes) {
  server_options opts;
  opts.threads = 2;
  opts.idle_timeout = 500ms;
  opts.max_header = 2048;
  opts.max_body = 4096;
  std::atomic<int> handled{0};
  running_server s(
      [&](const http_request& req) {
        ++handled;
        return ok_reply(req.body);
      },
      opts);
  ASSERT_FALSE(s.ec);
  std::mt19937 rng(20240501);
  const std::string templates[] = {
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
      "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody",
      "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
  };
  int answered = 0;
  for (int i = 0; i < 200; ++i) {
    std::string bytes;
    if (i % 2 == 0) {  // pure noise
      bytes.resize(rng() % 3000);
      for (char& c : bytes) c = static_cast<char>(rng());
    } else {  // a valid request with a few bytes flipped, cut or repeated
      bytes = templates[rng() % 3];
      for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips)
        bytes[rng() % bytes.size()] = static_cast<char>(rng());
      if (rng() % 3 == 0) bytes.resize(rng() % bytes.size());
      if (rng() % 4 == 0) bytes += bytes;
    }
    int fd = test::connect_loopback(s.server.port());
    ASSERT_GE(fd, 0) << "connection " << i;
    test::send_all(fd, bytes);
    ::shutdown(fd, SHUT_WR);  // end of input, so the server does not wait for more
    const std::string reply = test::read_to_eof(fd, 3s);
    test::close_fd(fd);
    if (starts_with(reply, "HTTP/1.1 ")) ++answered;
  }
  EXPECT_GT(answered, 50);  // noise gets 400s; the server answered instead of hanging
  const std::string good = s.exchange(normal_request);
  EXPECT_TRUE(starts_with(good, "HTTP/1.1 200")) << good;
}

TEST(HttpServer, StopClosesOpenConnections) {
  running_server s([](const http_request&) { return ok_reply(); });
  ASSERT_FALSE(s.ec);
  int fd = test::connect_loopback(s.server.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(test::send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string first = test::read_until(fd, "fine", 3s);
  EXPECT_TRUE(starts_with(first, "HTTP/1.1 200")) << first;
  s.server.stop();
  EXPECT_EQ(test::read_to_eof(fd, 3s), "");  // closed by the server, not by the timeout
  test::close_fd(fd);
  EXPECT_EQ(test::connect_loopback(s.server.port()), -1);
}

TEST(HttpServer, AnswersHeadWithLengthButNoBody) {
  running_server s([](const http_request&) { return ok_reply("twelve bytes"); });
  ASSERT_FALSE(s.ec);
  const std::string reply = s.exchange("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(reply.find("Content-Length: 12\r\n"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("twelve"), std::string::npos) << reply;
}

}  // namespace
}  // namespace conform::transport
