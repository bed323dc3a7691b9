// The client's HTTP/1.1 response parser (private to transport): parses straight into an http_response.
// In a translation unit of its own, without coroutines, so the fuzz build can instrument it (clang 14 cannot
// instrument coroutine code for coverage).
#pragma once

#include "model/exchange.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cstdint>

namespace conform::transport::detail {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

// Response headers of real services can exceed Beast's 8 KiB default (long CSP or link headers).
constexpr std::uint32_t response_header_limit = 256 * 1024;
// At most this much of a body is reserved before its bytes arrive.
constexpr std::uint64_t body_reserve_limit = 64 * 1024;

// Parses a response straight into the exchange's http_response: no Beast fields list to build and copy.
class response_reader final : public http::basic_parser<false> {
 public:
  explicit response_reader(http_response& into) : res_(into) {}

 private:
  void on_request_impl(http::verb, beast::string_view, beast::string_view, int, error_code& ec) override {
    ec = http::error::bad_method;  // never called for a response parser
  }
  void on_response_impl(int code, beast::string_view reason, int, error_code&) override {
    res_.status = code;
    res_.reason.assign(reason.data(), reason.size());
  }
  void on_field_impl(http::field, beast::string_view name, beast::string_view value, error_code&) override {
    res_.headers.push_back({std::string(name), std::string(value)});
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    // Content-Length is the peer's claim, not bytes we hold: reserving it whole let one header allocate
    // 2^64-1 bytes (with no --max-body). Reserve a little up front and let the string grow as bytes arrive.
    if (length)
      res_.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, body_reserve_limit)));
  }
  std::size_t on_body_impl(beast::string_view body, error_code&) override {
    res_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    res_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  http_response& res_;
};

}  // namespace conform::transport::detail
