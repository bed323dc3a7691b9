#include "transport/client.hpp"

#include "response_reader.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <poll.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <variant>

namespace conform::transport {
namespace {

using detail::body_reserve_limit;
using detail::response_header_limit;
using detail::response_reader;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using tls_stream = ssl::stream<beast::tcp_stream>;
using steady = std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Where a request goes, derived once from its URL.
struct target {
  bool tls = false;
  bool ip_literal = false;
  std::string host;  // for resolving and certificate checks: IPv6 without brackets
  std::string port;
  std::string host_header;  // as in the URL: "[::1]:8080"
  std::string path;         // origin form: "/v1.0/users?$top=1"
  std::string key;          // pool key: scheme + host + port (+ the proxy, when there is one)
  // Through a proxy: a CONNECT tunnel for https, absolute-form requests for http.
  bool via_proxy = false;
  std::string proxy_host, proxy_port;
  std::string proxy_authorization;  // "Basic <base64>" from the proxy URL's credentials, or empty
  std::string where() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
  }
  std::string proxy_where() const {
    return (proxy_host.find(':') != std::string::npos ? "[" + proxy_host + "]" : proxy_host) + ":" +
           proxy_port;
  }
};

// A proxy URL taken apart: where to connect and what to authenticate with.
struct proxy_endpoint {
  std::string host, port;
  std::string authorization;  // "Basic <base64(user:password)>" or empty
};

std::optional<proxy_endpoint> parse_proxy(std::string_view url, std::string& problem) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    problem = "not an absolute URL (http://[user:password@]host[:port] expected)";
    return std::nullopt;
  }
  const boost::urls::url_view& u = *parsed;
  // An https:// proxy would need TLS to the proxy inside which TLS to the target runs; SOCKS is another
  // protocol. Neither is spoken here, and silently going direct would bypass what the network requires.
  if (u.scheme_id() != boost::urls::scheme::http) {
    problem =
        "unsupported proxy scheme \"" + std::string(u.scheme()) + "\" (only http:// proxies are supported)";
    return std::nullopt;
  }
  proxy_endpoint p;
  p.host = u.host_address();
  if (p.host.empty()) {
    problem = "proxy URL has no host";
    return std::nullopt;
  }
  if (!u.encoded_path().empty() && u.encoded_path() != "/") {
    problem = "a proxy URL has no path (http://[user:password@]host[:port] expected)";
    return std::nullopt;
  }
  p.port = u.has_port() && !u.port().empty() ? std::string(u.port()) : "1080";
  if (u.has_userinfo()) {
    const std::string credentials = std::string(u.user()) + ":" + std::string(u.password());
    std::string encoded(beast::detail::base64::encoded_size(credentials.size()), '\0');
    encoded.resize(beast::detail::base64::encode(encoded.data(), credentials.data(), credentials.size()));
    p.authorization = "Basic " + encoded;
  }
  return p;
}

// curl's NO_PROXY reading (lib/noproxy.c): "*" alone disables the proxy; other entries are separated by
// commas and blanks; a host name matches an entry equal to it or ending in "." + entry (leading and trailing
// dots of the entry ignored, case ignored); an IP literal matches an address or CIDR range of its family.
bool no_proxy_matches(std::string_view list, std::string_view host, bool ip_literal) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  if (trim(list) == "*") return true;
  if (!ip_literal && !host.empty() && host.back() == '.') host.remove_suffix(1);
  error_code ec;
  const auto address = ip_literal ? asio::ip::make_address(std::string(host), ec) : asio::ip::address();
  if (ec) return false;
  std::size_t pos = 0;
  while (pos < list.size()) {
    const std::size_t end = list.find_first_of(", \t", pos);
    std::string_view entry =
        list.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? list.size() : end + 1;
    if (entry.empty()) continue;
    if (!ip_literal) {
      if (entry.back() == '.') entry.remove_suffix(1);
      if (!entry.empty() && entry.front() == '.') entry.remove_prefix(1);
      if (entry.empty()) continue;
      if (entry.size() == host.size() && iequals(entry, host)) return true;
      if (entry.size() < host.size() && host[host.size() - entry.size() - 1] == '.' &&
          iequals(entry, host.substr(host.size() - entry.size())))
        return true;
      continue;
    }
    std::string_view network = entry;
    unsigned bits = 0;
    if (auto slash = entry.find('/'); slash != std::string_view::npos) {
      network = entry.substr(0, slash);
      const std::string_view digits = entry.substr(slash + 1);
      if (digits.empty() || digits.size() > 3 ||
          !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        continue;
      bits = static_cast<unsigned>(std::stoul(std::string(digits)));
    }
    if (network.size() > 2 && network.front() == '[' && network.back() == ']')
      network = network.substr(1, network.size() - 2);
    const auto net = asio::ip::make_address(std::string(network), ec);
    if (ec || net.is_v4() != address.is_v4()) continue;
    std::vector<unsigned char> a, b;
    if (address.is_v4()) {
      auto x = address.to_v4().to_bytes(), y = net.to_v4().to_bytes();
      a.assign(x.begin(), x.end()), b.assign(y.begin(), y.end());
    } else {
      auto x = address.to_v6().to_bytes(), y = net.to_v6().to_bytes();
      a.assign(x.begin(), x.end()), b.assign(y.begin(), y.end());
    }
    const unsigned all = static_cast<unsigned>(a.size() * 8);
    if (bits == 0) bits = all;  // no (or a zero) prefix: the address itself, as curl reads it
    if (bits > all) continue;
    bool same = true;
    for (unsigned i = 0; i < bits && same; ++i) {
      const unsigned mask = 0x80u >> (i % 8);
      same = (a[i / 8] & mask) == (b[i / 8] & mask);
    }
    if (same) return true;
  }
  return false;
}

// The proxy URL for this target under the options ("" = direct).
const std::string& chosen_proxy(const proxy_options& proxy, const target& t) {
  static const std::string direct;
  const std::string& url = t.tls ? proxy.https : proxy.http;
  if (url.empty() || no_proxy_matches(proxy.no_proxy, t.host, t.ip_literal)) return direct;
  return url;
}

bool parse_target(std::string_view url, target& out, std::string& error) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    error = "not an absolute URL: " + parsed.error().message();
    return false;
  }
  const boost::urls::url_view& u = *parsed;
  if (u.scheme_id() == boost::urls::scheme::https) {
    out.tls = true;
  } else if (u.scheme_id() != boost::urls::scheme::http) {
    error = "unsupported scheme \"" + std::string(u.scheme()) + "\" (http or https expected)";
    return false;
  }
  out.host = u.host_address();
  if (out.host.empty()) {
    error = "URL has no host";
    return false;
  }
  out.ip_literal =
      u.host_type() == boost::urls::host_type::ipv4 || u.host_type() == boost::urls::host_type::ipv6;
  out.port = u.has_port() && !u.port().empty() ? std::string(u.port()) : (out.tls ? "443" : "80");
  out.host_header = u.encoded_host_and_port();
  out.path = u.encoded_target();
  if (out.path.empty() || out.path.front() != '/') out.path.insert(0, "/");
  out.key = (out.tls ? "https://" : "http://") + out.where();
  return true;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return c > 32 && c < 127 &&
           std::string_view("\"(),/:;<=>?@[\\]{}").find(static_cast<char>(c)) == std::string_view::npos;
  });
}

bool is_field_value(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

struct connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<tls_stream> secure;
  beast::flat_buffer buffer;  // keeps bytes read past one response for the next
  // While an exchange is in flight: when it must be over, and whether the watchdog cut it off.
  steady::time_point deadline{};
  bool timed_out = false;
  std::size_t watch_slot = 0;
  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

struct run_state {
  const client_options& opts;
  request_source& source;
  const std::function<void(std::size_t, exchange_result&&)>& on_done;
  ssl::context* tls_context;  // null when no request is https
  // Workers with nothing ready wait on this timer (never expiring); an exchange that ends, or a stop,
  // cancels it so they ask the source again.
  std::optional<asio::steady_timer> ready;
  std::size_t busy = 0;                                                  // exchanges in flight
  std::map<std::string, std::vector<std::unique_ptr<connection>>> idle;  // keep-alive pool per target key
  // Exchange timeouts: one timer for the whole run checks the in-flight connections' deadlines every tick,
  // instead of Beast arming and cancelling a timer around every read and write of every exchange.
  std::vector<connection*> in_flight;
  std::optional<asio::steady_timer> watchdog;
  std::size_t workers_left = 0;
  // The last fully parsed URL's origin ("http://127.0.0.1:8080") and target: replays send nearly every URL to
  // one origin, so only the rest of the URL is parsed again.
  std::string last_origin;
  target last_target;
  // With a rate limit: when the next request may start (starts are spaced evenly across the run).
  steady::time_point next_start{};

  void watch(connection& c) {
    c.deadline = steady::now() + opts.timeout;
    c.timed_out = false;
    c.watch_slot = in_flight.size();
    in_flight.push_back(&c);
  }
  void unwatch(connection& c) {
    connection* last = in_flight.back();
    in_flight[c.watch_slot] = last;
    last->watch_slot = c.watch_slot;
    in_flight.pop_back();
  }
};

// How late a timeout may fire: a sixteenth of it, at least 1 ms and at most 100 ms.
std::chrono::milliseconds watchdog_tick(std::chrono::milliseconds timeout) {
  return std::clamp(timeout / 16, std::chrono::milliseconds(1), std::chrono::milliseconds(100));
}

bool stopping(const run_state& st) {
  return st.opts.stop_requested && st.opts.stop_requested();
}

asio::awaitable<void> watchdog(run_state& st, asio::io_context& ioc) {
  const auto tick = watchdog_tick(st.opts.timeout);
  std::optional<steady::time_point> give_up_at;  // set once a stop is requested
  while (st.workers_left > 0) {
    st.watchdog->expires_after(tick);
    auto [ec] = co_await st.watchdog->async_wait(use_tuple);
    if (ec) co_return;  // cancelled: the last worker is done
    const auto now = steady::now();
    // Workers start nothing new once stopping; exchanges still going after the grace are given up whole
    // (stopping the loop; destroying it closes their connections), wherever they are: connect, TLS, backoff.
    if (!give_up_at && stopping(st)) {
      give_up_at = now + st.opts.stop_grace;
      st.ready->cancel();  // idle workers leave
    }
    if (give_up_at && now >= *give_up_at) {
      ioc.stop();
      co_return;
    }
    // Cancelled again on every tick while still in flight: a cancel that fell between two operations of the
    // exchange (nothing pending) must not let the next one wait forever.
    for (connection* c : st.in_flight)
      if (now >= c->deadline) {
        c->timed_out = true;
        error_code ignored;
        c->lowest().socket().cancel(ignored);  // the pending read or write completes with operation_aborted
      }
  }
}

void fail(exchange_result& r, run_error stage, std::string message, const error_code& cause = {}) {
  r.ok = false;
  r.response = http_response{};  // a partly read response is no response
  r.error = stage;
  r.cause = cause;
  r.error_message = std::move(message);
}

// What the system said, with running out of descriptors named for what it is: a limit of this process (or
// of the machine), not anything the server did.
std::string system_message(const error_code& ec) {
  if (ec == asio::error::no_descriptors)
    return "too many open files (EMFILE: the process's open-file limit, ulimit -n, is used up by the "
           "connections in flight)";
  if (ec == boost::system::errc::too_many_files_open_in_system)
    return "too many open files in the system (ENFILE)";
  return ec.message();
}

std::string tls_failure(const tls_stream& stream, const error_code& ec) {
  std::string message = ec.message();
  // The verify result names the reason (untrusted, expired, host name mismatch) where ec only says "failed".
  long verify = SSL_get_verify_result(const_cast<tls_stream&>(stream).native_handle());
  if (verify != X509_V_OK) message += ": " + std::string(X509_verify_cert_error_string(verify));
  return message;
}

// The CONNECT exchange that turns a connection to the proxy into a tunnel to the target (RFC 9110 section
// 9.3.6). The proxy's answer is read as headers only: a 2xx to CONNECT has no body, and whatever else it
// says ends the connection. Its size is bounded like any response's headers.
asio::awaitable<bool> open_tunnel(beast::tcp_stream& low, beast::flat_buffer& buffer, const target& t,
                                  const std::string& limit, exchange_result& r) {
  std::string request = "CONNECT " + t.where() + " HTTP/1.1\r\nHost: " + t.where() + "\r\n";
  if (!t.proxy_authorization.empty())
    request.append("Proxy-Authorization: ").append(t.proxy_authorization).append("\r\n");
  request.append("User-Agent: conform/").append(version()).append("\r\n\r\n");
  const std::string proxy = "proxy " + t.proxy_where();
  auto [write_ec, written] = co_await asio::async_write(low, asio::buffer(request), use_tuple);
  (void)written;
  if (write_ec == beast::error::timeout) {
    fail(r, run_error::timeout,
         "CONNECT to " + t.where() + " through " + proxy + " took longer than " + limit);
    co_return false;
  }
  if (write_ec) {
    fail(r, run_error::connect,
         "cannot send CONNECT " + t.where() + " to " + proxy + ": " + write_ec.message(), write_ec);
    co_return false;
  }
  http_response answer;
  response_reader parser(answer);
  parser.header_limit(16 * 1024);
  parser.skip(true);
  auto [read_ec, read] = co_await http::async_read_header(low, buffer, parser, use_tuple);
  (void)read;
  if (read_ec == beast::error::timeout) {
    fail(r, run_error::timeout, proxy + " did not answer CONNECT to " + t.where() + " within " + limit);
    co_return false;
  }
  if (read_ec) {
    fail(r, run_error::connect,
         proxy + " gave no usable answer to CONNECT " + t.where() + ": " + read_ec.message(), read_ec);
    co_return false;
  }
  if (answer.status / 100 != 2) {
    std::string reason = answer.reason.substr(0, 100);
    if (!is_field_value(reason)) reason.clear();
    fail(r, run_error::connect,
         proxy + " refused CONNECT to " + t.where() + ": " + std::to_string(answer.status) +
             (reason.empty() ? "" : " " + reason) +
             (answer.status == 407 ? (t.proxy_authorization.empty() ? " (the proxy URL has no credentials)"
                                                                    : " (the proxy rejected the credentials)")
                                   : ""));
    co_return false;
  }
  // The target speaks first only after our ClientHello: anything already here is not the target's.
  if (buffer.size() != 0) {
    fail(r, run_error::connect,
         proxy + " sent " + std::to_string(buffer.size()) + " bytes after its answer to CONNECT " +
             t.where() + ", before TLS began");
    co_return false;
  }
  co_return true;
}

asio::awaitable<std::unique_ptr<connection>> open(run_state& st, const target& t, exchange_result& r) {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  const auto deadline = steady::now() + st.opts.connect_timeout;
  const std::string limit = std::to_string(st.opts.connect_timeout.count()) + " ms";
  // Through a proxy, the TCP connection is the proxy's; resolve and connect failures name it.
  const std::string& host = t.via_proxy ? t.proxy_host : t.host;
  const std::string& port = t.via_proxy ? t.proxy_port : t.port;
  const std::string where = t.via_proxy ? "proxy " + t.proxy_where() : t.where();

  tcp::resolver resolver(ex);
  asio::steady_timer timer(ex, deadline);
  auto raced = co_await (resolver.async_resolve(host, port, use_tuple) || timer.async_wait(use_tuple));
  if (raced.index() == 1) {
    fail(r, run_error::timeout,
         "resolving " + std::string(t.via_proxy ? "proxy " : "") + host + " took longer than " + limit);
    co_return nullptr;
  }
  auto [resolve_ec, endpoints] = std::get<0>(std::move(raced));
  if (resolve_ec) {
    fail(r, run_error::resolve,
         "cannot resolve " + std::string(t.via_proxy ? "proxy " : "") + host + ": " +
             system_message(resolve_ec),
         resolve_ec);
    co_return nullptr;
  }

  auto conn = std::make_unique<connection>();
  if (t.tls) {
    if (!st.tls_context) {  // run() creates one whenever a URL says https; kept as a guard
      fail(r, run_error::tls, "no TLS context for " + t.where());
      co_return nullptr;
    }
    conn->secure = std::make_unique<tls_stream>(ex, *st.tls_context);
  } else {
    conn->plain = std::make_unique<beast::tcp_stream>(ex);
  }
  beast::tcp_stream& low = conn->lowest();
  low.expires_at(deadline);
  error_code connect_ec = asio::error::host_not_found;
  for (const auto& entry : endpoints) {
    // Opened here rather than inside a range connect: Asio's reports a socket it could not open (EMFILE) as
    // operation_aborted, and "Operation canceled" read like the server's doing.
    low.socket().close(connect_ec);
    low.socket().open(entry.endpoint().protocol(), connect_ec);
    if (connect_ec) break;  // out of descriptors: no other address of the host does better
    std::tie(connect_ec) = co_await low.async_connect(entry.endpoint(), use_tuple);
    if (!connect_ec || connect_ec == beast::error::timeout) break;
  }
  if (connect_ec == beast::error::timeout) {
    fail(r, run_error::timeout, "connecting to " + where + " took longer than " + limit);
    co_return nullptr;
  }
  if (connect_ec) {
    fail(r, run_error::connect, "cannot connect to " + where + ": " + system_message(connect_ec), connect_ec);
    co_return nullptr;
  }
  low.socket().set_option(tcp::no_delay(true), connect_ec);  // best effort: small requests go out at once

  if (t.tls && t.via_proxy) {
    if (!co_await open_tunnel(low, conn->buffer, t, limit, r)) co_return nullptr;
  }

  if (t.tls) {
    SSL* native = conn->secure->native_handle();
    // SNI must carry a host name, never an address literal (RFC 6066 section 3).
    // (SSL_set_tlsext_host_name spelled out: the macro's C cast trips -Wold-style-cast.)
    if (!t.ip_literal)
      SSL_ctrl(native, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(t.host.c_str()));
    if (st.opts.verify_tls) {
      X509_VERIFY_PARAM* param = SSL_get0_param(native);
      if (t.ip_literal) {
        X509_VERIFY_PARAM_set1_ip_asc(param, t.host.c_str());
      } else {
        X509_VERIFY_PARAM_set1_host(param, t.host.c_str(), t.host.size());
      }
    }
    low.expires_at(deadline);
    auto [tls_ec] = co_await conn->secure->async_handshake(ssl::stream_base::client, use_tuple);
    if (tls_ec == beast::error::timeout) {
      fail(r, run_error::timeout, "TLS handshake with " + t.where() + " took longer than " + limit);
      co_return nullptr;
    }
    if (tls_ec) {
      fail(r, run_error::tls,
           "TLS handshake with " + t.where() + " failed: " + tls_failure(*conn->secure, tls_ec), tls_ec);
      co_return nullptr;
    }
  }
  low.expires_never();  // from here on the run's watchdog times each exchange
  co_return conn;
}

// A server may send a few interim responses before the final one; one that sends them until the timeout
// gets a read error sooner.
constexpr int max_interim_responses = 32;

struct io_outcome {
  error_code ec;
  bool wrote = false;             // the request went out completely
  bool sent_some = false;         // some of it went out: the server may have received it
  bool received = false;          // some bytes of a response were parsed
  bool keep_alive = false;        // the final response leaves the connection fit for another request
  bool too_many_interim = false;  // over max_interim_responses 1xx responses
};

// The request goes out as one buffer with one send; the response is parsed in place. Interim responses
// (1xx but 101) precede the final one on the same connection (RFC 9110 section 15.2): each is read whole
// and dropped, so a 100 Continue or 103 Early Hints is never taken for the answer.
template <class Stream>
asio::awaitable<io_outcome> write_and_read(Stream& stream, beast::flat_buffer& buffer,
                                           const std::string& wire, http_response& res,
                                           std::uint64_t max_body, bool head) {
  io_outcome out;
  std::size_t written = 0;
  std::tie(out.ec, written) = co_await asio::async_write(stream, asio::buffer(wire), use_tuple);
  out.sent_some = written > 0;
  if (out.ec) co_return out;
  out.wrote = true;
  for (int interim = 0;; ++interim) {
    res = http_response{};
    res.headers.reserve(8);
    response_reader parser(res);
    parser.body_limit(max_body);
    parser.header_limit(response_header_limit);
    if (head) parser.skip(true);  // HEAD answers carry no body despite Content-Length
    std::tie(out.ec, std::ignore) = co_await http::async_read(stream, buffer, parser, use_tuple);
    out.received = out.received || parser.got_some();
    if (out.ec) co_return out;
    if (res.status / 100 != 1 || res.status == 101) {
      // After a 101 the connection speaks another protocol: it is never reused for HTTP.
      out.keep_alive = parser.keep_alive() && res.status != 101;
      co_return out;
    }
    if (interim == max_interim_responses) {
      out.too_many_interim = true;
      out.ec = http::error::bad_status;
      co_return out;
    }
  }
}

// A pooled connection the server closed while idle fails on first use; that is no fault of the server.
bool stale_connection(const error_code& ec) {
  return ec == asio::error::eof || ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
         ec == ssl::error::stream_truncated;
}

// Bytes the connection holds beyond the response just read: in our buffer, or decrypted inside OpenSSL.
std::size_t unread_bytes(connection& c) {
  std::size_t n = c.buffer.size();
  if (c.secure) n += static_cast<std::size_t>(std::max(0, SSL_pending(c.secure->native_handle())));
  return n;
}

// Whether an idle connection received anything (data, EOF, an error) since its last response. Whatever it
// is, it answers no request of ours: sending the next one there would read it as that request's answer.
bool turned_readable(connection& c) {
  if (unread_bytes(c) > 0) return true;
  pollfd p{c.lowest().socket().native_handle(), POLLIN, 0};
  return ::poll(&p, 1, 0) != 0;  // -1 (cannot tell) counts as readable too
}

// A pooled connection fit for a new request, or null; readable ones are closed on the way.
std::unique_ptr<connection> take_idle(run_state& st, const std::string& key) {
  auto found = st.idle.find(key);
  if (found == st.idle.end()) return nullptr;
  while (!found->second.empty()) {
    auto conn = std::move(found->second.back());
    found->second.pop_back();
    if (!turned_readable(*conn)) return conn;
  }
  return nullptr;
}

// One attempt: a pooled connection when there is one, a fresh one if the pooled one turns out stale (for a
// request that may be sent twice, or when none of it went out). `sent` says whether any of the request went
// out, so the server may have received it.
asio::awaitable<void> attempt(run_state& st, const target& t, const std::string& wire, bool head,
                              bool resend_ok, exchange_result& r, bool& sent) {
  for (int round = 0; round < 2; ++round) {
    std::unique_ptr<connection> conn = round == 0 ? take_idle(st, t.key) : nullptr;
    const bool reused = conn != nullptr;
    if (!conn) {
      conn = co_await open(st, t, r);
      if (!conn) co_return;
    }
    // The plain socket is used directly: the Beast stream's own timer stays unarmed (the watchdog times the
    // exchange).
    st.watch(*conn);
    io_outcome out = conn->secure ? co_await write_and_read(*conn->secure, conn->buffer, wire, r.response,
                                                            st.opts.max_body, head)
                                  : co_await write_and_read(conn->plain->socket(), conn->buffer, wire,
                                                            r.response, st.opts.max_body, head);
    st.unwatch(*conn);
    sent = sent || out.sent_some;
    if (out.ec && conn->timed_out) {
      fail(r, run_error::timeout,
           "no complete response from " + t.where() + " within " + std::to_string(st.opts.timeout.count()) +
               " ms");
      co_return;
    }
    if (out.ec && reused && stale_connection(out.ec) && (!out.wrote || !out.received) &&
        (resend_ok || !out.sent_some))
      continue;
    if (out.too_many_interim) {
      fail(r, run_error::read,
           "more than " + std::to_string(max_interim_responses) + " interim (1xx) responses from " +
               t.where());
      co_return;
    }
    if (out.ec == http::error::body_limit) {
      fail(r, run_error::body_limit,
           "response body exceeds the limit of " + std::to_string(st.opts.max_body) + " bytes");
      co_return;
    }
    if (out.ec && !out.wrote) {
      fail(r, run_error::write, "cannot send the request to " + t.where() + ": " + out.ec.message(), out.ec);
      co_return;
    }
    if (out.ec == http::error::partial_message) {
      fail(r, run_error::read, "connection to " + t.where() + " closed in the middle of the response",
           out.ec);
      co_return;
    }
    if (out.ec) {
      fail(r, run_error::read, "cannot read the response from " + t.where() + ": " + out.ec.message(),
           out.ec);
      co_return;
    }
    r.ok = true;
    // Bytes after the response belong to no request (an extra response, a trailing 408): the connection is
    // not reused, so they can never be taken for another case's answer.
    if (const std::size_t extra = unread_bytes(*conn); extra > 0) {
      r.notes.push_back("the server sent " + std::to_string(extra) +
                        " bytes after this response (answering no request); the connection was closed");
    } else if (out.keep_alive) {
      st.idle[t.key].push_back(std::move(conn));
    }
    co_return;
  }
}

// Serialises the request as Beast's serializer would after prepare_payload (Host and User-Agent first unless
// the fixture sets them, Content-Length last), into `wire`, which the worker reuses from request to request.
// `authorization`, when not empty, is sent as the Authorization header in place of the request's own. Through
// a proxy, an http request names its whole URL (absolute form) and carries the proxy's credentials.
bool build_message(const outgoing_request& req, const target& t, std::string_view authorization,
                   std::string& wire, std::string& error) {
  if (!is_token(req.method)) {
    error = "invalid HTTP method";
    return false;
  }
  // The framing is ours to compute; Host and User-Agent from the fixture replace the defaults (the last one
  // wins, where it stands).
  const header* host = nullptr;
  const header* agent = nullptr;
  for (const header& h : req.headers) {
    if (!is_token(h.name) || !is_field_value(h.value)) {
      error = "invalid header \"" + (is_token(h.name) ? h.name : std::string("?")) + "\"";  // never the value
      return false;
    }
    if (iequals(h.name, "host")) host = &h;
    if (iequals(h.name, "user-agent")) agent = &h;
  }
  if (!is_field_value(authorization)) {
    error = "invalid header \"Authorization\" (from the token provider)";
    return false;
  }
  const bool absolute_form = t.via_proxy && !t.tls;
  wire.clear();
  wire.append(req.method).append(" ");
  if (absolute_form) wire.append("http://").append(t.host_header);
  wire.append(t.path).append(" HTTP/1.1\r\n");
  if (host == nullptr) wire.append("Host: ").append(t.host_header).append("\r\n");
  if (agent == nullptr) wire.append("User-Agent: conform/").append(version()).append("\r\n");
  if (absolute_form && !t.proxy_authorization.empty())
    wire.append("Proxy-Authorization: ").append(t.proxy_authorization).append("\r\n");
  if (!authorization.empty()) wire.append("Authorization: ").append(authorization).append("\r\n");
  for (const header& h : req.headers) {
    if (iequals(h.name, "content-length") || iequals(h.name, "transfer-encoding")) continue;
    if (!authorization.empty() && iequals(h.name, "authorization")) continue;
    if (absolute_form && iequals(h.name, "proxy-authorization")) continue;
    if ((iequals(h.name, "host") && &h != host) || (iequals(h.name, "user-agent") && &h != agent)) continue;
    wire.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  // As Beast's prepare_payload: no Content-Length on an empty GET or DELETE, always one on POST, PUT,
  // OPTIONS.
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "OPTIONS")
    wire.append("Content-Length: ").append(std::to_string(req.body.size())).append("\r\n");
  wire.append("\r\n");
  wire.append(req.body);
  return true;
}

// 429 and 503 say the server is throttling or unavailable (often with Retry-After, how long to wait).
bool throttling(const exchange_result& r) {
  return r.ok && (r.response.status == 429 || r.response.status == 503);
}

bool retryable(const exchange_result& r) {
  if (r.ok) return throttling(r) || r.response.status == 502 || r.response.status == 504;
  return r.error != run_error::body_limit && r.error != run_error::url;
}

// Methods whose request may be sent again after the server may have received it: safe ones (RFC 9110
// section 9.2.1). PUT and DELETE are idempotent on paper, but on a real service a repeated DELETE can remove
// what another client created in between, so only these four; methods are case-sensitive, and an unknown one
// is not safe.
bool safe_to_resend(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE";
}

// parse_target with st's origin cache: same results, errors included (a URL with a fragment or anything but
// path and query after a known origin takes the full parse).
bool resolve_target(run_state& st, std::string_view url, target& out, std::string& error) {
  const std::string& origin = st.last_origin;
  if (!origin.empty() && url.size() > origin.size() && url.starts_with(origin) && url[origin.size()] == '/' &&
      url.find('#', origin.size()) == std::string_view::npos) {
    const std::string_view rest = url.substr(origin.size());
    if (boost::urls::parse_origin_form(rest)) {
      out = st.last_target;
      out.path.assign(rest);
      return true;
    }
  }
  if (!parse_target(url, out, error)) return false;
  if (const std::string& proxy = chosen_proxy(st.opts.proxy, out); !proxy.empty()) {
    std::string problem;
    auto p = parse_proxy(proxy, problem);
    if (!p) {
      error = "proxy " + proxy_display(proxy) + ": " + problem;
      return false;
    }
    out.via_proxy = true;
    out.proxy_host = std::move(p->host);
    out.proxy_port = std::move(p->port);
    out.proxy_authorization = std::move(p->authorization);
    out.key = "proxy " + out.proxy_where() + " " + out.key;  // never the credentials
  }
  // Cacheable when the URL is origin + path (+ query) exactly as sent: no fragment, no userinfo.
  if (!out.path.empty() && url.size() > out.path.size() && url.ends_with(out.path) &&
      url.find('#') == std::string_view::npos && url.find('@') == std::string_view::npos) {
    st.last_origin.assign(url.substr(0, url.size() - out.path.size()));
    st.last_target = out;
  }
  return true;
}

// Waits for this request's start under the run's rate limit: one start every 1/rate seconds, whichever
// worker takes it, so a throttling service sees an even pace rather than bursts of `concurrency`.
asio::awaitable<void> take_start_slot(run_state& st) {
  if (!(st.opts.rate > 0)) co_return;
  const auto now = steady::now();
  const auto slot = std::max(now, st.next_start);
  st.next_start =
      slot + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(1 / st.opts.rate));
  if (slot <= now) co_return;
  asio::steady_timer pause(co_await asio::this_coro::executor, slot);
  co_await pause.async_wait(use_tuple);
}

asio::awaitable<exchange_result> perform(run_state& st, const outgoing_request& req, std::string& wire) {
  auto started = steady::now();
  exchange_result r;
  target t;
  std::string error;
  // A changing credential is asked for per attempt (it may have been refreshed meanwhile).
  const bool dynamic_auth = static_cast<bool>(st.opts.authorization);
  std::string credential = dynamic_auth ? st.opts.authorization() : std::string();  // this attempt's
  if (!resolve_target(st, req.url, t, error) || !build_message(req, t, credential, wire, error)) {
    fail(r, run_error::url, error);
    co_return r;
  }
  int max_attempts = 1 + std::max(0, st.opts.retries);
  bool reauthorized = false;  // a 401 made us fetch a new credential once already
  // A request the server may have received is sent again only when that cannot apply it twice (or the user
  // said it may): a retried create makes a second resource on a real service.
  const bool resend_ok = st.opts.retry_unsafe || safe_to_resend(req.method);
  // Waits between attempts: exponential, each capped, all of them within the case's retry budget (so
  // --retries 20 cannot wait for days). A server's Retry-After is a minimum, waited in full when it fits in
  // the budget; when it does not, the 429/503 is the answer.
  std::chrono::milliseconds backoff = std::min(st.opts.backoff, st.opts.max_backoff);
  std::chrono::milliseconds waited{0}, throttled_wait{0};
  int throttled = 0;
  std::vector<std::string> notes;  // of every attempt
  for (int n = 0;; ++n) {
    if (n > 0 && stopping(st)) break;  // a retry would be a new request
    co_await take_start_slot(st);
    if (n == 0) started = steady::now();  // a case's time is its own, not its wait for a turn
    if (n > 0 && dynamic_auth && !build_message(req, t, credential = st.opts.authorization(), wire, error)) {
      fail(r, run_error::url, error);
      break;
    }
    r = exchange_result{};
    r.attempts = n + 1;
    bool sent = false;
    co_await attempt(st, t, wire, req.method == "HEAD", resend_ok, r, sent);
    std::move(r.notes.begin(), r.notes.end(), std::back_inserter(notes));
    if (throttling(r)) ++throttled;
    // A 401 to a request with a changing credential: the credential may have expired under us. One new one
    // is fetched and the request sent once more, whatever its method (a 401 was not applied). Not counted
    // against --retries.
    if (r.ok && r.response.status == 401 && dynamic_auth && st.opts.on_unauthorized && !reauthorized) {
      reauthorized = true;
      if (st.opts.on_unauthorized(credential)) {
        notes.push_back("answered 401 on attempt " + std::to_string(n + 1) +
                        ": fetched a new token and sent the request once more");
        ++max_attempts;
        continue;
      }
      notes.push_back("answered 401; no new token could be fetched, so the request was not sent again");
    }
    if (!retryable(r) || n + 1 >= max_attempts) break;
    if (sent && !resend_ok) {
      notes.push_back("not retried: the " + req.method +
                      " may have reached the server, and sending it again could apply it twice");
      break;
    }
    std::chrono::milliseconds wait = backoff;
    backoff = std::min(backoff * 2, st.opts.max_backoff);
    std::optional<std::chrono::milliseconds> asked;
    if (const header* h = throttling(r) ? find_header(r.response.headers, "Retry-After") : nullptr)
      asked = retry_after_delay(h->value, std::chrono::system_clock::now());
    if (asked) wait = std::max(wait, *asked);
    if (waited + wait > st.opts.retry_budget) {
      notes.push_back(
          "not retried: " +
          (asked ? "the server asked to wait " + std::to_string(asked->count()) + " ms (Retry-After)"
                 : "waiting " + std::to_string(wait.count()) + " ms more") +
          ", which would pass the retry budget of " + std::to_string(st.opts.retry_budget.count()) + " ms (" +
          std::to_string(waited.count()) + " ms waited)");
      break;
    }
    if (asked)
      notes.push_back("answered " + std::to_string(r.response.status) + " on attempt " +
                      std::to_string(n + 1) + "; waited " + std::to_string(wait.count()) +
                      " ms as Retry-After asked");
    waited += wait;
    if (throttling(r)) throttled_wait += wait;
    asio::steady_timer pause(co_await asio::this_coro::executor, wait);
    co_await pause.async_wait(use_tuple);
  }
  r.notes = std::move(notes);
  r.throttled = throttled;
  r.throttled_wait = std::chrono::duration<double>(throttled_wait).count();
  r.retried = r.ok && r.attempts > 1 && !retryable(r);
  r.seconds = std::chrono::duration<double>(steady::now() - started).count();
  co_return r;
}

asio::awaitable<void> worker(run_state& st) {
  std::string wire;  // request bytes, reused: no allocation once it has grown
  while (!stopping(st)) {
    std::size_t id = 0;
    const outgoing_request* req = st.source.next(id);
    if (req == nullptr) {
      // Nothing ready: the run is over when nothing is in flight either (only an answer makes more ready).
      if (st.busy == 0) break;
      co_await st.ready->async_wait(use_tuple);
      continue;
    }
    ++st.busy;
    exchange_result r = co_await perform(st, *req, wire);
    --st.busy;
    st.on_done(id, std::move(r));
    st.ready->cancel();  // what this answer made ready is for any idle worker
  }
  st.ready->cancel();  // a worker leaving may leave the others with nothing to wait for
  if (--st.workers_left == 0) st.watchdog->cancel();
}

// The plain list of requests as a source: every one ready from the start, in order.
class list_source final : public request_source {
 public:
  explicit list_source(const std::vector<outgoing_request>& requests) : requests_(requests) {}
  const outgoing_request* next(std::size_t& id) override {
    if (next_ >= requests_.size()) return nullptr;
    id = next_++;
    return &requests_[id];
  }
  bool uses_tls() const override {
    return std::any_of(requests_.begin(), requests_.end(), [](const auto& q) {
      return q.url.size() >= 6 && iequals(std::string_view(q.url).substr(0, 6), "https:");
    });
  }
  std::size_t most_at_once() const override { return requests_.size(); }

 private:
  const std::vector<outgoing_request>& requests_;
  std::size_t next_ = 0;
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// An HTTP-date (RFC 9110 section 5.6.7) in any of the three forms a recipient must accept:
//   IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT",
//   asctime "Sun Nov  6 08:49:37 1994".
// Parsed by hand: strptime's names depend on the locale.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t start = std::string_view::npos;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const bool separator = i == text.size() || text[i] == ' ' || text[i] == ',' || text[i] == '-';
    if (!separator && start == std::string_view::npos) start = i;
    if (separator && start != std::string_view::npos) {
      tokens.push_back(text.substr(start, i - start));
      start = std::string_view::npos;
    }
  }
  std::string_view day, month, year, time;
  if (tokens.size() == 6 && tokens[5] == "GMT") {  // IMF-fixdate or RFC 850
    day = tokens[1], month = tokens[2], year = tokens[3], time = tokens[4];
  } else if (tokens.size() == 5) {  // asctime
    month = tokens[1], day = tokens[2], time = tokens[3], year = tokens[4];
  } else {
    return std::nullopt;
  }
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto m = std::find(std::begin(months), std::end(months), month);
  if (m == std::end(months) || !all_digits(day) || day.size() > 2 || !all_digits(year) ||
      (year.size() != 4 && year.size() != 2) || time.size() != 8 || time[2] != ':' || time[5] != ':' ||
      !all_digits(time.substr(0, 2)) || !all_digits(time.substr(3, 2)) || !all_digits(time.substr(6, 2)))
    return std::nullopt;
  auto number = [](std::string_view digits) {
    int n = 0;
    for (char c : digits) n = n * 10 + (c - '0');
    return n;
  };
  int y = number(year);
  if (year.size() == 2) y += y < 70 ? 2000 : 1900;  // RFC 850's two-digit years, as most clients read them
  const int hh = number(time.substr(0, 2)), mm = number(time.substr(3, 2)), ss = number(time.substr(6, 2));
  const std::chrono::year_month_day date{
      std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m - std::begin(months) + 1)),
      std::chrono::day(static_cast<unsigned>(number(day)))};
  if (!date.ok() || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hh) + std::chrono::minutes(mm) +
         std::chrono::seconds(ss);
}

}  // namespace

std::optional<std::chrono::milliseconds> retry_after_delay(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (all_digits(value)) {
    // A year of seconds is past any budget already; saturating there keeps the arithmetic from overflowing.
    std::int64_t n = 0;
    for (char c : value) n = std::min<std::int64_t>(n * 10 + (c - '0'), 365LL * 24 * 3600);
    return milliseconds(n * 1000);
  }
  auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  if (*when <= now) return milliseconds(0);
  return ceil<milliseconds>(*when - now);
}

std::string proxy_for(const proxy_options& proxy, std::string_view url) {
  target t;
  std::string error;
  if (!parse_target(url, t, error)) return {};
  return chosen_proxy(proxy, t);
}

std::string proxy_url_problem(std::string_view proxy_url) {
  std::string problem;
  parse_proxy(proxy_url, problem);
  return problem;
}

std::string proxy_display(std::string_view proxy_url) {
  auto parsed = boost::urls::parse_uri(proxy_url);
  if (!parsed) {
    // Not a URL: whatever stands before an '@' may still be credentials.
    const auto at = proxy_url.rfind('@');
    return at == std::string_view::npos ? std::string(proxy_url)
                                        : "***@" + std::string(proxy_url.substr(at + 1));
  }
  boost::urls::url u(*parsed);
  u.remove_userinfo();
  return std::string(u.buffer());
}

http_client::http_client(client_options opts) : opts_(std::move(opts)) {}
http_client::~http_client() = default;

void http_client::run(const std::vector<outgoing_request>& requests,
                      const std::function<void(std::size_t, exchange_result&&)>& on_done) {
  list_source source(requests);
  run(source, on_done);
}

void http_client::run(request_source& source,
                      const std::function<void(std::size_t, exchange_result&&)>& on_done) {
  // Setting up OpenSSL (library init, configuration, trust store) costs more CPU than a thousand plain
  // exchanges on loopback, so it happens only when some URL is https or a CA file was named (which must
  // still be checked: a bad file is a configuration mistake whatever the targets).
  const bool any_tls = !opts_.cacert.empty() || source.uses_tls();
  std::optional<ssl::context> tls_context;
  if (any_tls) {
    tls_context.emplace(ssl::context::tls_client);
    if (opts_.verify_tls) {
      error_code ec;
      tls_context->set_default_verify_paths(
          ec);  // a missing system store only matters if a cacert is absent too
      if (!opts_.cacert.empty()) {
        tls_context->load_verify_file(opts_.cacert, ec);
        if (ec) throw std::runtime_error("cannot load CA file " + opts_.cacert + ": " + ec.message());
      }
      tls_context->set_verify_mode(ssl::verify_peer);
    } else {
      tls_context->set_verify_mode(ssl::verify_none);
    }
  }

  asio::io_context ioc;
  run_state st{opts_, source, on_done, tls_context ? &*tls_context : nullptr, {}, 0, {}, {}, {}, 0, {}, {}};
  const std::size_t workers = std::min(std::max<std::size_t>(opts_.concurrency, 1), source.most_at_once());
  st.workers_left = workers;
  st.watchdog.emplace(ioc);
  st.ready.emplace(ioc, steady::time_point::max());
  st.in_flight.reserve(workers);
  if (workers > 0)
    asio::co_spawn(ioc, watchdog(st, ioc), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  for (std::size_t i = 0; i < workers; ++i) {
    // An exception from on_done is the caller's: let it leave ioc.run().
    asio::co_spawn(ioc, worker(st), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  }
  ioc.run();
}

}  // namespace conform::transport
