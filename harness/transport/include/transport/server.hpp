// conform::transport server — a Beast HTTP/1.1 (optionally TLS) server calling a request handler.
//   input : "GET /v1.0/me HTTP/1.1\r\nHost: x\r\n\r\n" on 127.0.0.1:<port()>
//   output: handler(http_request{"GET", "/v1.0/me"}) -> server_reply{response{200, body="{...}"}} on the wire
#pragma once

#include "model/exchange.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace conform::transport {

struct server_options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;  // 0 = any free port, see http_server::port()
  std::size_t max_header = 64 * 1024;
  std::size_t max_body = 8 * 1024 * 1024;
  std::chrono::milliseconds idle_timeout{30000};
  int threads = 1;
  std::string tls_cert_file;  // PEM certificate chain; both set = HTTPS
  std::string tls_key_file;   // PEM private key
};

struct server_reply {
  http_response response;
  bool reset = false;                  // close the connection without answering
  std::chrono::milliseconds delay{0};  // answer after delay (async timer; other connections go on)
};

// May be called from several threads at once.
using request_handler = std::function<server_reply(const http_request&)>;

class http_server {
 public:
  http_server(server_options opts, request_handler handler);
  ~http_server();  // stops
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds, listens and starts the threads; a port in use or an unreadable certificate sets ec.
  void start(std::error_code& ec);
  unsigned short port() const;               // the bound port (useful with port 0)
  std::size_t connections_accepted() const;  // since start(): lets tests see keep-alive reuse
  void stop();              // stop accepting, close connections, join threads; idempotent; not from a handler
  void run_until_signal();  // blocks until SIGINT/SIGTERM, then stop()

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace conform::transport
