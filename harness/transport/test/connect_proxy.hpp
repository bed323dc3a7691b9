// A forward proxy on loopback for tests, in plain POSIX sockets and threads: CONNECT tunnels (bytes relayed
// both ways, so TLS runs end to end through it) and absolute-form http requests (relayed to the origin in
// origin form). It records every request head it receives and can demand credentials or refuse.
//   input : "CONNECT localhost:8443 HTTP/1.1\r\nHost: localhost:8443\r\n\r\n"
//   output: "HTTP/1.1 200 Connection established\r\n\r\n", then the target's bytes; request_lines() has the
//   line
#pragma once

#include "test_support.hpp"

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace conform::transport::test {

class connect_proxy {
 public:
  struct options {
    std::string required_authorization;  // e.g. "Basic dTpw": anything else is answered 407
    int refuse_status = 0;               // non-zero: every request is answered with this status
  };
  connect_proxy() : connect_proxy(options{}) {}
  explicit connect_proxy(options opts);
  ~connect_proxy();
  connect_proxy(const connect_proxy&) = delete;
  connect_proxy& operator=(const connect_proxy&) = delete;

  unsigned short port() const { return listener_.port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::vector<std::string> request_lines() const;  // "CONNECT localhost:8443 HTTP/1.1", "GET http://..."
  std::vector<std::string> heads() const;          // whole request heads, as received

 private:
  void serve(int fd);

  options opts_;
  raw_listener listener_;
  std::atomic<bool> stop_{false};
  mutable std::mutex m_;
  std::vector<std::string> heads_;
  std::vector<std::thread> connections_;
  std::thread accept_thread_;
};

}  // namespace conform::transport::test
