// A response body, whatever its bytes, checked against a real documented contract (the commsOperation seed
// page, with its enum and complex types): the checks end, within their depth and size limits.
#include "check/check.hpp"
#include "extract/extract.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

const conform::fixture_set& contract() {
  static const conform::fixture_set set = [] {
    conform::fixture_set s;
    std::vector<std::string> missing;
    conform::extract::extract_paths({CONFORM_SOURCE_DIR "/fixtures"}, s, missing);
    return s;
  }();
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const conform::fixture_set& set = contract();
  conform::http_response r;
  r.status = 201;
  r.headers = {{"Content-Type", "application/json"}};
  r.body.assign(reinterpret_cast<const char*>(data), size);
  conform::check::options strict;
  strict.strict_enums = true;
  strict.strict_properties = true;
  for (const conform::fixture& f : set.fixtures) {
    if (!f.runnable || !f.response.json) continue;
    r.status = f.response.status;
    conform::check::check_response(f, set, r);
    conform::check::check_response(f, set, r, strict);
  }
  return 0;
}
