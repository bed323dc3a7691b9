// conform::model errors — why a case could not run, as an error_code with a category of its own (the way
// Boost.Beast's http/error.hpp does), so stages are compared as values, never as strings.
//   input : a connect that failed with ECONNREFUSED
//   output: case_result{error = run_error::connect ("connect"), cause = ECONNREFUSED, error_message = "..."}
#pragma once

#include <string_view>
#include <system_error>

namespace conform {

// The stage at which a case could not run. The names (see stage_name) are stable: reports and scripts use them.
enum class run_error {
  url = 1,      // the URL cannot be sent (not absolute, bad scheme, invalid header)
  resolve,      // DNS
  connect,      // TCP connect
  tls,          // TLS handshake or certificate verification
  write,        // sending the request
  read,         // reading the response (closed early, malformed HTTP)
  timeout,      // a limit in time (connect, TLS, whole exchange)
  body_limit,   // response body over --max-body
  placeholder,  // an unbound placeholder: nothing was sent
};

const std::error_category& run_error_category() noexcept;
std::error_code make_error_code(run_error e) noexcept;

// "url", "resolve", "connect", "tls", "write", "read", "timeout", "body-limit", "placeholder".
std::string_view stage_name(run_error e) noexcept;
// The stage name of an error_code of run_error_category; "error" for any other (or an empty) code.
std::string_view stage_name(const std::error_code& ec) noexcept;

}  // namespace conform

template <>
struct std::is_error_code_enum<conform::run_error> : std::true_type {};
