#include "response_reader.hpp"
#include "transport/client.hpp"

#include <boost/asio/buffer.hpp>

namespace conform::transport {

namespace asio = boost::asio;
using boost::system::error_code;
using detail::response_header_limit;
using detail::response_reader;
namespace http = boost::beast::http;

std::error_code parse_response(std::string_view bytes, std::size_t max_body, http_response& out) {
  out = http_response{};
  response_reader parser(out);
  parser.body_limit(max_body);
  parser.header_limit(response_header_limit);
  parser.eager(true);
  error_code ec;
  // In growing pieces, as reads from a socket would hand them over: the parser keeps state between calls and
  // expects to see again, and more, whatever it did not consume (a smaller window breaks that contract).
  std::size_t pos = 0, piece = 1;
  while (pos < bytes.size() && !parser.is_done()) {
    std::size_t n = std::min(piece, bytes.size() - pos);
    std::size_t used = parser.put(asio::buffer(bytes.data() + pos, n), ec);
    if (ec == http::error::need_more) ec = {};
    if (ec) return ec;
    if (used == 0) {
      piece = piece * 2 + 1;  // the parser wants a larger window to make progress
      if (pos + n >= bytes.size()) break;
      continue;
    }
    pos += used;
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec) return ec;
  }
  return {};
}

}  // namespace conform::transport
