// Bytes from a server, whatever they are: the client's response parser ends with a response or an error,
// within its header and body limits.
#include "transport/client.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  conform::http_response r;
  conform::transport::parse_response(std::string_view(reinterpret_cast<const char*>(data), size), 1 << 20, r);
  return 0;
}
