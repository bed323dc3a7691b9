// Internal: the text of one ```http block as a request or a response (no markdown, no I/O).
//   input : "HTTP/1.1 201 Created\n\nContent-Type: application/json\n{\"id\": 1}"
//   output: http_block{kind=response, status=201, headers=[Content-Type], body="{\"id\": 1}", body_line=4}
#pragma once

#include "model/fixture.hpp"

#include <string>
#include <string_view>

namespace conform::extract::detail {

enum class block_kind { none, request, response };

struct http_block {
  block_kind kind = block_kind::none;
  std::string method;
  std::string url;
  int status = 0;
  std::string reason;
  header_list headers;
  std::string body;
  std::size_t first_line = 0;  // offset (0-based, in lines) of the request/status line inside the block
  std::size_t body_line = 0;   // offset of the first body line inside the block
};

// Recognises `METHOD URL [HTTP/1.1]` and `HTTP/1.1 201 Created`, `HTTP 201 Created`, `HTTP/1.1 200`.
http_block parse_http_block(std::string_view text);

bool is_http_method(std::string_view word);

}  // namespace conform::extract::detail
