#include "model/error.hpp"

#include <string>

namespace conform {

namespace {

class run_error_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "conform.run"; }
  std::string message(int ev) const override {
    switch (static_cast<run_error>(ev)) {
      case run_error::url:
        return "the request cannot be sent as written";
      case run_error::resolve:
        return "the host name cannot be resolved";
      case run_error::connect:
        return "cannot connect";
      case run_error::tls:
        return "TLS handshake failed";
      case run_error::write:
        return "cannot send the request";
      case run_error::read:
        return "cannot read the response";
      case run_error::timeout:
        return "timed out";
      case run_error::body_limit:
        return "response body over the limit";
      case run_error::placeholder:
        return "unbound placeholder";
    }
    return "unknown error";
  }
};

}  // namespace

const std::error_category& run_error_category() noexcept {
  static const run_error_category_impl category;
  return category;
}

std::error_code make_error_code(run_error e) noexcept {
  return {static_cast<int>(e), run_error_category()};
}

std::string_view stage_name(run_error e) noexcept {
  switch (e) {
    case run_error::url:
      return "url";
    case run_error::resolve:
      return "resolve";
    case run_error::connect:
      return "connect";
    case run_error::tls:
      return "tls";
    case run_error::write:
      return "write";
    case run_error::read:
      return "read";
    case run_error::timeout:
      return "timeout";
    case run_error::body_limit:
      return "body-limit";
    case run_error::placeholder:
      return "placeholder";
  }
  return "error";
}

std::string_view stage_name(const std::error_code& ec) noexcept {
  if (!ec || ec.category() != run_error_category()) return "error";
  return stage_name(static_cast<run_error>(ec.value()));
}

}  // namespace conform
