#include "connect_proxy.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace conform::transport::test {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The value of header `name` in a request head ("" when absent).
std::string header_value(const std::string& head, const std::string& name) {
  const std::string l = lower(head), key = "\r\n" + lower(name) + ":";
  const auto at = l.find(key);
  if (at == std::string::npos) return {};
  auto begin = at + key.size();
  while (begin < head.size() && head[begin] == ' ') ++begin;
  return head.substr(begin, head.find("\r\n", begin) - begin);
}

// The port of "host:port" or "http://host:port/..." (0 when there is none).
unsigned short port_of(const std::string& authority) {
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) return 0;
  return static_cast<unsigned short>(std::atoi(authority.c_str() + colon + 1));
}

// Bytes both ways until either side closes (or the proxy stops).
void relay(int a, int b, const std::atomic<bool>& stop) {
  char buf[16384];
  while (!stop) {
    pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    const int ready = ::poll(p, 2, 100);
    if (ready < 0) return;
    for (int i = 0; i < 2; ++i) {
      if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = ::recv(p[i].fd, buf, sizeof buf, 0);
      if (n <= 0 || !send_all(p[1 - i].fd, std::string(buf, static_cast<std::size_t>(n)))) return;
    }
  }
}

void answer(int fd, int status, const std::string& extra = "") {
  send_all(fd, "HTTP/1.1 " + std::to_string(status) + " Refused by test proxy\r\n" + extra +
                   "Content-Length: 0\r\nConnection: close\r\n\r\n");
}

}  // namespace

connect_proxy::connect_proxy(options opts) : opts_(std::move(opts)) {
  accept_thread_ = std::thread([this] {
    while (!stop_) {
      const int fd = listener_.accept_one(std::chrono::milliseconds(100));
      if (fd < 0) continue;
      std::lock_guard lock(m_);
      connections_.emplace_back([this, fd] {
        serve(fd);
        ::close(fd);
      });
    }
  });
}

connect_proxy::~connect_proxy() {
  stop_ = true;
  accept_thread_.join();
  for (std::thread& t : connections_) t.join();
}

std::vector<std::string> connect_proxy::heads() const {
  std::lock_guard lock(m_);
  return heads_;
}

std::vector<std::string> connect_proxy::request_lines() const {
  std::vector<std::string> lines;
  for (const std::string& h : heads()) lines.push_back(h.substr(0, h.find("\r\n")));
  return lines;
}

void connect_proxy::serve(int fd) {
  std::string got = read_until(fd, "\r\n\r\n", std::chrono::milliseconds(5000));
  const auto end = got.find("\r\n\r\n");
  if (end == std::string::npos) return;
  std::string head = got.substr(0, end + 4);
  const std::string rest = got.substr(end + 4);
  {
    std::lock_guard lock(m_);
    heads_.push_back(head);
  }
  if (opts_.refuse_status != 0) return answer(fd, opts_.refuse_status);
  if (!opts_.required_authorization.empty() &&
      header_value(head, "Proxy-Authorization") != opts_.required_authorization)
    return answer(fd, 407, "Proxy-Authenticate: Basic realm=\"test\"\r\n");
  const std::string line = head.substr(0, head.find("\r\n"));
  const auto sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (sp1 == std::string::npos || sp2 <= sp1) return answer(fd, 400);
  const std::string method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1);

  if (method == "CONNECT") {
    const int up = connect_loopback(port_of(target));
    if (up < 0) return answer(fd, 502);
    send_all(fd, "HTTP/1.1 200 Connection established\r\n\r\n");
    relay(fd, up, stop_);
    ::close(up);
    return;
  }
  // Absolute form: "GET http://127.0.0.1:8080/path HTTP/1.1" goes to the origin as "GET /path HTTP/1.1",
  // one request per connection (Connection: close), without the proxy's credentials.
  if (target.rfind("http://", 0) != 0) return answer(fd, 400);
  const auto path_at = target.find('/', 7);
  const std::string authority = target.substr(7, path_at == std::string::npos ? path_at : path_at - 7);
  std::string forwarded = method + " " + (path_at == std::string::npos ? "/" : target.substr(path_at)) +
                          line.substr(sp2) + "\r\n";
  std::size_t pos = line.size() + 2;
  while (pos < end) {
    const auto eol = head.find("\r\n", pos);
    const std::string field = head.substr(pos, eol - pos);
    const std::string name = lower(field.substr(0, field.find(':')));
    if (name != "proxy-authorization" && name != "connection") forwarded += field + "\r\n";
    pos = eol + 2;
  }
  forwarded += "Connection: close\r\n\r\n" + rest;
  const int up = connect_loopback(port_of(authority));
  if (up < 0) return answer(fd, 502);
  send_all(up, forwarded);
  relay(fd, up, stop_);
  ::close(up);
}

}  // namespace conform::transport::test
