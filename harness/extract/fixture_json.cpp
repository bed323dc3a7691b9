// The `conform extract` document. Strings come from arbitrary documents, so invalid UTF-8 is replaced before
// it reaches the serializer (Boost.JSON writes string bytes as they are).
#include "extract/extract.hpp"

#include <boost/json.hpp>
#include <boost/json/monotonic_resource.hpp>

namespace conform::extract {
namespace {

// Length of the valid UTF-8 sequence at s[i], 0 when invalid (overlongs, surrogates and > U+10FFFF rejected).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && b(i + 1) < 0xA0) return 0;
  if (c == 0xED && b(i + 1) > 0x9F) return 0;
  if (c == 0xF0 && b(i + 1) < 0x90) return 0;
  if (c == 0xF4 && b(i + 1) > 0x8F) return 0;
  return n;
}

boost::json::string js(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t n = utf8_sequence(s, i);
    if (n == 0) break;
    i += n;
  }
  if (i == s.size()) return boost::json::string(s);
  std::string out(s.substr(0, i));
  while (i < s.size()) {
    std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return boost::json::string(out);
}

boost::json::array headers_json(const header_list& hs) {
  boost::json::array a;
  for (const auto& h : hs) a.push_back(boost::json::object{{"name", js(h.name)}, {"value", js(h.value)}});
  return a;
}

// The parsed body when there is one (so tools need not re-parse), else the raw text.
boost::json::value body_json(const std::string& text, const std::optional<boost::json::value>& json) {
  if (json) return *json;
  if (text.empty()) return nullptr;
  return js(text);
}

}  // namespace

boost::json::value to_json(const diagnostic& d, boost::json::storage_ptr sp) {
  return boost::json::value(boost::json::object{{"file", js(d.file)},
                                                {"line", d.line},
                                                {"severity", to_string(d.level)},
                                                {"code", d.code},
                                                {"message", js(d.message)}},
                            sp);
}

boost::json::value to_json(const fixture& f, boost::json::storage_ptr sp) {
  boost::json::array props;
  for (const auto& p : f.properties) {
    boost::json::array members;
    for (const auto& m : p.enum_values) members.push_back(js(m));
    props.push_back(boost::json::object{{"name", js(p.name)},
                                        {"type", js(p.type)},
                                        {"enum", std::move(members)},
                                        {"required", p.required},
                                        {"nullable", p.nullable}});
  }
  auto strings = [](const std::vector<std::string>& v) {
    boost::json::array a;
    for (const auto& s : v) a.push_back(js(s));
    return a;
  };
  return boost::json::value(
      boost::json::object{
          {"id", js(f.id)},
          {"page", js(f.page)},
          {"source", {{"file", js(f.file)}, {"line", f.line}}},
          {"version", f.version},
          {"runnable", f.runnable},
          {"not_runnable_reason", js(f.not_runnable_reason)},
          {"expect_error", f.expect_error},
          {"request",
           {{"method", js(f.request.method)},
            {"url", js(f.request.url)},
            {"headers", headers_json(f.request.headers)},
            {"body", body_json(f.request.body, f.request.json)},
            {"body_is_json", f.request.json.has_value()},
            {"line", f.request.line}}},
          {"response",
           {{"status", f.response.status},
            {"headers", headers_json(f.response.headers)},
            {"body", body_json(f.response.body, f.response.json)},
            {"body_is_json", f.response.json.has_value()},
            {"truncated", f.response.truncated},
            {"is_collection", f.response.is_collection},
            {"odata_type", js(f.response.odata_type)},
            {"line", f.response.line}}},
          {"properties", std::move(props)},
          {"optional_properties", strings(f.optional_properties)},
          {"nullable_properties", strings(f.nullable_properties)},
          {"endpoint_templates", strings(f.endpoint_templates)},
      },
      sp);
}

boost::json::value to_json(const fixture_set& set) {
  // One arena for the whole document: thousands of small objects, freed at once.
  boost::json::storage_ptr sp = boost::json::make_shared_resource<boost::json::monotonic_resource>();
  boost::json::array fixtures(sp), diagnostics(sp);
  fixtures.reserve(set.fixtures.size());
  for (const auto& f : set.fixtures) fixtures.push_back(to_json(f, sp));
  for (const auto& d : set.diagnostics) diagnostics.push_back(to_json(d, sp));
  boost::json::object doc(sp);
  doc["fixtures"] = std::move(fixtures);
  doc["diagnostics"] = std::move(diagnostics);
  return doc;
}

}  // namespace conform::extract
