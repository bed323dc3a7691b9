#include "test_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>

namespace conform::transport::test {

raw_listener::raw_listener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 64) != 0) return;
  socklen_t len = sizeof addr;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

raw_listener::~raw_listener() {
  close();
}

void raw_listener::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

int raw_listener::accept_one(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return -1;
  return ::accept(fd_, nullptr, nullptr);
}

raw_server::raw_server(std::function<void(int)> script, int max_connections) {
  thread_ = std::thread([this, script = std::move(script), max_connections] {
    for (int served = 0; served < max_connections && !stop_;) {
      int fd = listener_.accept_one(std::chrono::milliseconds(100));
      if (fd < 0) continue;
      script(fd);
      ::close(fd);
      ++served;
    }
  });
}

raw_server::~raw_server() {
  stop_ = true;
  thread_.join();
}

int connect_loopback(unsigned short port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string read_until(int fd, const std::string& marker, std::chrono::milliseconds timeout) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (marker.empty() || out.find(marker) == std::string::npos) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::string read_to_eof(int fd, std::chrono::milliseconds timeout) {
  return read_until(fd, "", timeout);
}

void close_fd(int fd) {
  if (fd >= 0) ::close(fd);
}

std::string raw_exchange(unsigned short port, const std::string& bytes, std::chrono::milliseconds timeout) {
  int fd = connect_loopback(port);
  if (fd < 0) return "<connect failed>";
  send_all(fd, bytes);
  std::string out = read_to_eof(fd, timeout);
  ::close(fd);
  return out;
}

namespace {
bool sh(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}
}  // namespace

pki make_pki() {
  pki k;
  std::random_device rd;
  k.dir = std::filesystem::temp_directory_path() / ("conform-pki-" + std::to_string(rd()));
  std::filesystem::create_directories(k.dir);
  const std::string d = k.dir.string() + "/";
  k.ca_cert = d + "ca.pem";
  k.server_cert = d + "server.pem";
  k.server_key = d + "server.key";
  k.other_cert = d + "other.pem";
  k.other_key = d + "other.key";
  std::ofstream(d + "server.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                  << "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                                  << "extendedKeyUsage=serverAuth\n";
  std::ofstream(d + "other.ext") << "subjectAltName=DNS:other.example\nbasicConstraints=CA:FALSE\n"
                                 << "extendedKeyUsage=serverAuth\n";
  k.ok = sh("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=conform-test-ca -keyout " + d +
            "ca.key -out " + k.ca_cert) &&
         sh("openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout " + k.server_key + " -out " + d +
            "server.csr") &&
         sh("openssl x509 -req -in " + d + "server.csr -CA " + k.ca_cert + " -CAkey " + d +
            "ca.key -CAcreateserial -days 2 -extfile " + d + "server.ext -out " + k.server_cert) &&
         sh("openssl req -newkey rsa:2048 -nodes -subj /CN=other.example -keyout " + k.other_key + " -out " +
            d + "other.csr") &&
         sh("openssl x509 -req -in " + d + "other.csr -CA " + k.ca_cert + " -CAkey " + d +
            "ca.key -CAcreateserial -days 2 -extfile " + d + "other.ext -out " + k.other_cert);
  return k;
}

}  // namespace conform::transport::test
