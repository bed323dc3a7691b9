#include "embedded_server.hpp"

#include <stdexcept>
#include <system_error>

namespace conform::cli {

embedded_server::embedded_server(const fixture_set& set, const mock::options& opts) : reference_(set, opts) {
  transport::server_options so;
  so.host = "127.0.0.1";
  so.port = 0;
  so.threads = 2;
  server_ = std::make_unique<transport::http_server>(so, [this](const http_request& req) {
    mock::reply r = reference_.handle(req);
    return transport::server_reply{std::move(r.response), r.reset, r.delay};
  });
  std::error_code ec;
  server_->start(ec);
  if (ec) throw std::runtime_error("cannot start the embedded reference server: " + ec.message());
}

embedded_server::~embedded_server() {
  server_->stop();
}

std::string embedded_server::base_url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port());
}

}  // namespace conform::cli
