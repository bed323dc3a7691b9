#include "transport/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <csignal>
#include <exception>
#include <limits>
#include <optional>
#include <thread>
#include <vector>

namespace conform::transport {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using tls_stream = ssl::stream<beast::tcp_stream>;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// After an error reply, unread request bytes are drained (bounded) so that closing does not send a TCP reset
// that could destroy the reply before the client reads it.
constexpr std::size_t drain_limit = 1024 * 1024;
constexpr std::chrono::milliseconds drain_time{1000};

beast::tcp_stream& lowest(beast::tcp_stream& s) {
  return s;
}
beast::tcp_stream& lowest(tls_stream& s) {
  return beast::get_lowest_layer(s);
}

std::string odata_error(std::string_view code, std::string_view message) {
  boost::json::value v = {{"error", {{"code", code}, {"message", message}}}};
  return boost::json::serialize(v);
}

http_response error_response(int status, std::string_view code, std::string_view message) {
  http_response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = odata_error(code, message);
  return r;
}

bool valid_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return c > 32 && c < 127 && c != ':' && c != '(' && c != ')' && c != ',' && c != ';' && c != '"';
  });
}

bool valid_value(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}

// Serialises a reply into out (reused per connection, so no allocation once it has grown), written with one
// send. The framing headers are computed here so every reply carries a correct Content-Length.
void serialize(const http_response& in, unsigned version, bool keep_alive, bool head, std::string& out) {
  const bool status_ok = in.status >= 200 && in.status <= 599;
  const unsigned status = status_ok ? static_cast<unsigned>(in.status) : 500U;
  out.clear();
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(out, status);
  out.push_back(' ');
  if (status_ok && !in.reason.empty() && valid_value(in.reason)) {
    out.append(in.reason);
  } else {
    out.append(http::obsolete_reason(static_cast<http::status>(status)));
  }
  out.append("\r\n");
  for (const header& h : in.headers) {
    if (!valid_name(h.name) || !valid_value(h.value)) continue;
    if (iequals(h.name, "content-length") || iequals(h.name, "transfer-encoding") ||
        iequals(h.name, "connection"))
      continue;
    out.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  if (version == 10 && keep_alive) out.append("Connection: keep-alive\r\n");
  if (version != 10 && !keep_alive) out.append("Connection: close\r\n");
  const bool bodiless = status == 204 || status == 304;
  // HEAD: the length the GET would have, and no body bytes.
  out.append("Content-Length: ");
  append_number(out, bodiless ? 0 : in.body.size());
  out.append("\r\n\r\n");
  if (!bodiless && !head) out.append(in.body);
}

// Parses a request straight into an http_request that the connection reuses: no Beast fields list and no
// copy, and the strings keep their capacity from one request to the next.
class request_reader final : public http::basic_parser<true> {
 public:
  explicit request_reader(http_request& into) : req_(into) {}
  unsigned version() const { return version_; }
  bool head() const { return verb_ == http::verb::head; }
  bool expects_continue() const { return expect_continue_; }

 private:
  void on_request_impl(http::verb method, beast::string_view method_str, beast::string_view target,
                       int version, error_code&) override {
    verb_ = method;
    version_ = static_cast<unsigned>(version);
    req_.method.assign(method_str.data(), method_str.size());
    req_.target.assign(target.data(), target.size());
    req_.body.clear();
  }
  void on_response_impl(int, beast::string_view, int, error_code& ec) override {
    ec = http::error::bad_method;  // never called for a request parser
  }
  void on_field_impl(http::field name, beast::string_view name_str, beast::string_view value,
                     error_code&) override {
    if (name == http::field::expect && !seen_expect_) {
      seen_expect_ = true;
      expect_continue_ = value == "100-continue";
    }
    if (fields_ < req_.headers.size()) {
      req_.headers[fields_].name.assign(name_str.data(), name_str.size());
      req_.headers[fields_].value.assign(value.data(), value.size());
    } else {
      req_.headers.push_back({std::string(name_str), std::string(value)});
    }
    ++fields_;
  }
  void on_header_impl(error_code&) override { req_.headers.resize(fields_); }
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    // Content-Length is the peer's claim: reserving it whole let one header allocate up to the body limit
    // (or throw past max_size). Reserve a little and let the body grow as bytes arrive.
    if (length) req_.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, 64 * 1024)));
  }
  std::size_t on_body_impl(beast::string_view body, error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  http_request& req_;
  http::verb verb_ = http::verb::unknown;
  unsigned version_ = 11;
  std::size_t fields_ = 0;
  bool seen_expect_ = false;
  bool expect_continue_ = false;
};

}  // namespace

struct http_server::impl {
  server_options opts;
  request_handler handler;
  std::optional<ssl::context> tls;
  std::unique_ptr<asio::io_context> ioc;
  std::optional<asio::strand<asio::io_context::executor_type>> accept_strand;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  unsigned short port = 0;
  std::atomic<std::size_t> accepted{0};

  server_reply call_handler(const http_request& req) {
    try {
      return handler(req);
    } catch (const std::exception& e) {
      return server_reply{
          error_response(500, "internalServerError", std::string("handler failed: ") + e.what())};
    } catch (...) {
      return server_reply{error_response(500, "internalServerError", "handler failed")};
    }
  }

  template <class Stream>
  asio::awaitable<bool> write(Stream& stream, const std::string& bytes) {
    lowest(stream).expires_after(opts.idle_timeout);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes), use_tuple);
    co_return !ec;
  }

  // Half-close, then drain what the client still sends (bounded), so the last reply is not lost to a reset.
  asio::awaitable<void> close_gracefully(beast::tcp_stream& stream) {
    error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(drain_time);
    std::array<char, 4096> scratch;
    for (std::size_t total = 0; total < drain_limit;) {
      auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(scratch), use_tuple);
      if (read_ec) break;
      total += n;
    }
    stream.close();
  }

  asio::awaitable<void> close_gracefully(tls_stream& stream) {
    lowest(stream).expires_after(drain_time);
    co_await stream.async_shutdown(use_tuple);
    lowest(stream).close();
  }

  template <class Stream>
  asio::awaitable<void> reply_error_and_close(Stream& stream, unsigned version, int status,
                                              std::string_view code, std::string message) {
    std::string bytes;
    serialize(error_response(status, code, message), version, false, false, bytes);
    if (co_await write(stream, bytes)) co_await close_gracefully(stream);
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream) {
    beast::flat_buffer buffer;  // shared across requests: pipelined bytes wait here, processed in order
    std::string out;            // the serialised reply, reused
    http_request req;           // the parsed request, reused
    for (;;) {
      request_reader parser(req);
      parser.header_limit(static_cast<std::uint32_t>(
          std::min<std::size_t>(opts.max_header, std::numeric_limits<std::uint32_t>::max())));
      parser.body_limit(opts.max_body);
      lowest(stream).expires_after(opts.idle_timeout);
      auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
      if (!ec && parser.expects_continue() && !parser.is_done()) {
        static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
        lowest(stream).expires_after(opts.idle_timeout);
        std::tie(ec, n) = co_await asio::async_write(stream, asio::buffer(go_on), use_tuple);
        if (ec) co_return;
      }
      if (!ec && !parser.is_done()) {
        lowest(stream).expires_after(opts.idle_timeout);
        std::tie(ec, n) = co_await http::async_read(stream, buffer, parser, use_tuple);
      }
      if (ec == http::error::header_limit) {
        co_await reply_error_and_close(
            stream, 11, 431, "requestHeaderFieldsTooLarge",
            "request header exceeds " + std::to_string(opts.max_header) + " bytes");
        co_return;
      }
      if (ec == http::error::body_limit) {
        co_await reply_error_and_close(stream, 11, 413, "requestEntityTooLarge",
                                       "request body exceeds " + std::to_string(opts.max_body) + " bytes");
        co_return;
      }
      // A client that closes between requests, goes idle or drops is simply gone: nothing to answer.
      if (ec == http::error::end_of_stream || ec == http::error::partial_message) co_return;
      if (ec && ec.category() == http::make_error_code(http::error::bad_method).category()) {
        co_await reply_error_and_close(stream, 11, 400, "badRequest",
                                       "malformed HTTP request: " + ec.message());
        co_return;
      }
      if (ec) co_return;

      const unsigned version = parser.version();
      const bool keep_alive = parser.keep_alive();
      const bool head = parser.head();
      server_reply reply = call_handler(req);
      if (reply.reset) {
        // Linger 0 makes close() send a reset, as a crashing upstream would.
        error_code ignored;
        lowest(stream).socket().set_option(tcp::socket::linger(true, 0), ignored);
        lowest(stream).socket().close(ignored);
        co_return;
      }
      if (reply.delay.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor, reply.delay);
        co_await timer.async_wait(use_tuple);
      }
      serialize(reply.response, version, keep_alive, head, out);
      if (!co_await write(stream, out)) co_return;
      if (!keep_alive) {
        co_await close_gracefully(stream);
        co_return;
      }
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    try {
      if (!tls) {
        beast::tcp_stream stream(std::move(socket));
        co_await serve(stream);
      } else {
        tls_stream stream(std::move(socket), *tls);
        lowest(stream).expires_after(opts.idle_timeout);
        auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
        if (!ec) co_await serve(stream);
      }
    } catch (const std::exception&) {
      // Allocation failure or a Beast invariant: drop this connection, keep the server.
    }
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      // With one thread the loop itself serialises everything: a strand per connection would only add a
      // mutex, a shared_ptr and a queue hop to every completion.
      error_code ec;
      tcp::socket socket(*ioc);
      if (opts.threads > 1) {
        std::tie(ec, socket) = co_await acceptor->async_accept(asio::make_strand(*ioc), use_tuple);
      } else {
        std::tie(ec, socket) = co_await acceptor->async_accept(ioc->get_executor(), use_tuple);
      }
      if (!acceptor->is_open() || ec == asio::error::operation_aborted) co_return;
      if (ec) {
        // Out of descriptors or similar: pause instead of spinning, then accept again.
        asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
        co_await pause.async_wait(use_tuple);
        continue;
      }
      ++accepted;
      auto executor = socket.get_executor();
      asio::co_spawn(executor, session(std::move(socket)), asio::detached);
    }
  }
};

http_server::http_server(server_options opts, request_handler handler) : impl_(std::make_unique<impl>()) {
  impl_->opts = std::move(opts);
  impl_->handler = std::move(handler);
}

http_server::~http_server() {
  stop();
}

void http_server::start(std::error_code& ec) {
  ec.clear();
  impl& s = *impl_;
  if (s.ioc) return;  // already running
  error_code bec;
  if (!s.opts.tls_cert_file.empty() || !s.opts.tls_key_file.empty()) {
    s.tls.emplace(ssl::context::tls_server);
    s.tls->use_certificate_chain_file(s.opts.tls_cert_file, bec);
    if (!bec) s.tls->use_private_key_file(s.opts.tls_key_file, ssl::context::pem, bec);
    if (bec) {
      ec = bec;
      s.tls.reset();
      return;
    }
  }
  const int threads = std::max(1, s.opts.threads);
  s.ioc = std::make_unique<asio::io_context>(threads);
  s.acceptor = std::make_unique<tcp::acceptor>(*s.ioc);
  auto fail = [&](const error_code& why) {
    ec = why;
    s.acceptor.reset();
    s.ioc.reset();
  };
  tcp::resolver resolver(*s.ioc);
  auto endpoints = resolver.resolve(s.opts.host, std::to_string(s.opts.port),
                                    tcp::resolver::numeric_service | tcp::resolver::passive, bec);
  if (bec || endpoints.empty()) return fail(bec ? bec : asio::error::host_not_found);
  const tcp::endpoint endpoint = *endpoints.begin();
  s.acceptor->open(endpoint.protocol(), bec);
  if (!bec) s.acceptor->set_option(tcp::acceptor::reuse_address(true), bec);
  if (!bec) s.acceptor->bind(endpoint, bec);
  if (!bec) s.acceptor->listen(asio::socket_base::max_listen_connections, bec);
  if (bec) return fail(bec);
  s.port = s.acceptor->local_endpoint(bec).port();
  s.accepted = 0;
  s.accept_strand.emplace(asio::make_strand(*s.ioc));
  asio::co_spawn(*s.accept_strand, s.accept_loop(), asio::detached);
  for (int i = 0; i < threads; ++i) s.threads.emplace_back([&s] { s.ioc->run(); });
}

unsigned short http_server::port() const {
  return impl_->port;
}

std::size_t http_server::connections_accepted() const {
  return impl_->accepted.load();
}

void http_server::stop() {
  impl& s = *impl_;
  if (!s.ioc) return;
  asio::post(*s.accept_strand, [&s] {
    error_code ignored;
    s.acceptor->close(ignored);
  });
  // Stopping the loop and destroying it closes every connection with its coroutine; a reply in the middle of
  // being written is cut, which is what a stopping server does.
  s.ioc->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  s.acceptor.reset();
  s.accept_strand.reset();
  s.ioc.reset();
}

void http_server::run_until_signal() {
  asio::io_context signals_context;
  asio::signal_set signals(signals_context, SIGINT, SIGTERM);
  signals.async_wait([](const error_code&, int) {});
  signals_context.run();
  stop();
}

}  // namespace conform::transport
