// conform::model exchanges — an HTTP message as plain data, shared by transport, check, mock and run.
//   input : bytes a server sent
//   output: http_response{status=201, headers=[{"Content-Type","application/json"}], body="{...}"}
#pragma once

#include "model/fixture.hpp"

#include <string>
#include <string_view>

namespace conform {

struct http_request {
  std::string method;
  std::string target;  // origin-form path and query as received/sent, e.g. "/v1.0/users?$top=1"
  header_list headers;
  std::string body;
};

struct http_response {
  int status = 0;
  std::string reason;
  header_list headers;
  std::string body;
};

// "application/json", "application/problem+json", "application/json; odata.metadata=minimal" -> true.
bool is_json_media_type(std::string_view content_type);

}  // namespace conform
