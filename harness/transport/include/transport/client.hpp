// conform::transport client — replays HTTP/1.1 requests over pooled keep-alive connections (Beast, OpenSSL).
//   input : outgoing_request{"GET", "https://127.0.0.1:8443/v1.0/me",
//   headers={{"Accept","application/json"}}} output: exchange_result{ok=true, response{status=200,
//   headers=[...], body="{...}"}, attempts=1}
#pragma once

#include "model/error.hpp"
#include "model/exchange.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace conform::transport {

// Where requests go through an HTTP proxy (--proxy, HTTPS_PROXY/HTTP_PROXY/NO_PROXY): https targets through a
// CONNECT tunnel (TLS end to end with the target), http targets as absolute-form requests to the proxy.
// Credentials in a proxy URL ("http://user:pass@proxy:3128") are sent as Proxy-Authorization: Basic and never
// appear in a message.
struct proxy_options {
  std::string http;      // proxy URL for http:// targets; empty = direct
  std::string https;     // proxy URL for https:// targets; empty = direct
  std::string no_proxy;  // curl's NO_PROXY: hosts, domain suffixes, IPs or CIDRs, comma-separated; "*" = none
};

struct client_options {
  std::size_t concurrency = 8;                       // requests in flight
  std::chrono::milliseconds timeout{30000};          // whole exchange (write + read)
  std::chrono::milliseconds connect_timeout{10000};  // resolve + connect + TLS handshake
  std::size_t max_body = 16 * 1024 * 1024;           // response body limit
  bool verify_tls = true;                            // certificate + host name verification
  std::string cacert;                                // extra CA file; empty = system trust store
  int retries = 0;                                   // on connection faults and 429/502/503/504
  // Retries resend a request the server may have received (written, then a fault or an answer) only for
  // GET, HEAD, OPTIONS and TRACE; other methods only when nothing was sent, unless this is set.
  bool retry_unsafe = false;
  std::chrono::milliseconds backoff{100};  // exponential: backoff * 2^attempt
  // Stop hook (a run interrupted by a signal): asked before each request or retry and on every watchdog tick.
  // Once true, nothing new is sent; what is still in flight after stop_grace is given up: run() returns
  // without calling on_done for it.
  std::function<bool()> stop_requested;
  std::chrono::milliseconds stop_grace{2000};
  std::chrono::milliseconds max_backoff{10000};   // cap on each wait
  std::chrono::milliseconds retry_budget{60000};  // all waits between one request's attempts
  double rate = 0;  // requests started per second across the run, evenly spaced; 0 = unlimited
  proxy_options proxy;
  // A credential that changes during the run (an OAuth2 token): asked for before each attempt, its value is
  // sent as the Authorization header, replacing any the request carries. After a 401 answer,
  // on_unauthorized(the value that was refused) is called once per request, to renew it; when it says true,
  // the request is sent once more with the value authorization gives then, and the case notes it. Both are
  // called on the run's thread.
  std::function<std::string()> authorization;
  std::function<bool(std::string_view refused)> on_unauthorized;
};

struct outgoing_request {
  std::string method;
  std::string url;  // absolute http(s)://host[:port]/path?query; IPv6 literals as [::1]
  header_list headers;
  std::string body;
};

struct exchange_result {
  bool ok = false;            // a complete HTTP response was received
  http_response response;     // valid when ok
  std::error_code error;      // a run_error: url, resolve, connect, tls, write, read, timeout, body_limit
  std::error_code cause;      // the underlying Asio/OpenSSL/system code, when there is one
  std::string error_message;  // readable, never containing header values (they may be secrets)
  int attempts = 0;
  bool retried = false;  // succeeded only after a retry
  double seconds = 0;
  std::vector<std::string> notes;  // what else happened: bytes after the response, why a retry was not made
  int throttled = 0;               // 429 and 503 answers among the attempts
  double throttled_wait = 0;       // seconds waited after them before trying again
};

// A Retry-After value (RFC 9110 section 10.2.3), delta-seconds or an HTTP-date in any of its three forms
// (IMF-fixdate, RFC 850, asctime), as the time to wait from `now`; zero for a date already past, nullopt for
// anything else.
//   "120" -> 120 s; "Sun, 06 Nov 1994 08:49:37 GMT" with now 10 s before -> 10 s; "soon" -> nullopt
std::optional<std::chrono::milliseconds> retry_after_delay(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// Requests that become ready while a run goes on: a run plan's consumer is ready only once its producer has
// answered. The client asks for the next ready request whenever a worker is free, and asks again after every
// exchange (on_done may have made requests ready); it stops once nothing is ready and nothing is in flight.
class request_source {
 public:
  virtual ~request_source() = default;
  // The next request ready to send and the id on_done will name it by, or nullptr when none is ready now.
  // The request must stay valid until on_done(id) is called for it.
  virtual const outgoing_request* next(std::size_t& id) = 0;
  // Whether some request may use TLS (an OpenSSL context is set up only then).
  virtual bool uses_tls() const = 0;
  // At most how many requests may be in flight at once, however many workers the client has.
  virtual std::size_t most_at_once() const = 0;
};

class http_client {
 public:
  explicit http_client(client_options opts);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  // Sends all requests with at most opts.concurrency in flight over keep-alive connections pooled per
  // scheme+host+port; calls on_done(index, result) once per request from the calling thread, which runs
  // the event loop until all are done (or given up after a stop, see stop_requested). The client reads
  // requests[index] no more once on_done(index) is called, so the caller may move from it there. Never throws
  // for network trouble; a bad cacert file throws std::runtime_error (a configuration mistake).
  void run(const std::vector<outgoing_request>& requests,
           const std::function<void(std::size_t, exchange_result&&)>& on_done);
  // The same with requests that become ready as others are answered: on_done(id, result) is called once per
  // request the source gave, from the calling thread; it may make more requests ready.
  void run(request_source& source, const std::function<void(std::size_t, exchange_result&&)>& on_done);

 private:
  client_options opts_;
};

// The proxy a request to `url` goes through under `proxy` ("" = direct): the scheme's proxy unless NO_PROXY
// names the host as curl reads it ("*"; a host or domain suffix, a leading dot ignored, case-insensitive;
// an IP address or CIDR range for IP literals). Loopback is proxied like any host unless NO_PROXY says so.
//   ("https://graph.microsoft.com/v1.0/me", {https="http://p:3128", no_proxy="localhost"}) -> "http://p:3128"
std::string proxy_for(const proxy_options& proxy, std::string_view url);
// Why a proxy URL cannot be used ("" when it can): it must be http://[user[:password]@]host[:port][/].
// The message never contains the credentials.
std::string proxy_url_problem(std::string_view proxy_url);
// "http://user:secret@proxy:3128" -> "http://proxy:3128" (for messages and run properties).
std::string proxy_display(std::string_view proxy_url);

// The client's HTTP/1.1 response parser on bytes in memory (for the fuzz target and tests): the first
// message, with the same header and body limits as on the wire. Never throws; a malformed message is an
// error.
std::error_code parse_response(std::string_view bytes, std::size_t max_body, http_response& out);

}  // namespace conform::transport
