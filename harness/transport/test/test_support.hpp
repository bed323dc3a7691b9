// Loopback helpers for the transport tests: plain POSIX sockets (the tests must not compile Asio themselves,
// which the library builds in separate-compilation mode) and a throwaway PKI made with the openssl CLI.
//   input : raw_server serving "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n..." once
//   output: http_client sees status 200 with the de-chunked body
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

namespace conform::transport::test {

// A listening socket on 127.0.0.1, port chosen by the kernel.
class raw_listener {
 public:
  raw_listener();
  ~raw_listener();
  raw_listener(const raw_listener&) = delete;
  raw_listener& operator=(const raw_listener&) = delete;
  unsigned short port() const { return port_; }
  int accept_one(std::chrono::milliseconds timeout);  // -1 on timeout
  void close();

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
};

// Serves each accepted connection (up to max_connections) with script(fd) on a background thread.
class raw_server {
 public:
  raw_server(std::function<void(int fd)> script, int max_connections = 1);
  ~raw_server();
  unsigned short port() const { return listener_.port(); }

 private:
  raw_listener listener_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

int connect_loopback(unsigned short port);  // blocking connect, -1 on failure
bool send_all(int fd, const std::string& bytes);
std::string read_until(int fd, const std::string& marker, std::chrono::milliseconds timeout);  // or EOF
std::string read_to_eof(int fd, std::chrono::milliseconds timeout);
void close_fd(int fd);

// One raw HTTP exchange: connect, send, read until the peer closes (or timeout).
std::string raw_exchange(unsigned short port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

struct pki {
  std::filesystem::path dir;
  std::string ca_cert;      // the CA that signed both server certificates
  std::string server_cert;  // for DNS:localhost, IP:127.0.0.1
  std::string server_key;
  std::string other_cert;  // for DNS:other.example only
  std::string other_key;
  bool ok = false;
};
pki make_pki();  // in a fresh temp dir; ok=false when openssl is unavailable

}  // namespace conform::transport::test
