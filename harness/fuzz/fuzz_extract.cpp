// A page of markdown, whatever its bytes: extraction ends with fixtures and diagnostics, and the extract
// document it writes is valid JSON.
#include "extract/extract.hpp"

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  conform::fixture_set set;
  std::string_view page(reinterpret_cast<const char*>(data), size);
  conform::extract::extract_text("fuzz/page.md", page, set);
  conform::extract::link(set);
  boost::system::error_code ec;
  boost::json::parse(conform::extract::to_json_text(set), ec);
  if (ec) std::abort();  // the document must stay JSON whatever the page held
  return 0;
}
