#include "lint_config.hpp"

#include "commands.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

namespace conform::cli {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string read_whole(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw usage_error(file.string() + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

json::value parse_lenient(std::string_view text, std::string_view name) {
  json::parse_options po;
  po.allow_comments = true;
  po.allow_trailing_commas = true;
  po.max_depth = 32;
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec, {}, po);
  if (ec) throw usage_error(std::string(name) + ": not valid JSON: " + ec.message());
  return doc;
}

[[noreturn]] void fail(std::string_view name, const std::string& what) {
  throw usage_error(std::string(name) + ": " + what);
}

// One code or a list of them.
std::vector<std::string> codes(const json::value& v, std::string_view key, std::string_view name) {
  std::vector<std::string> out;
  if (const json::string* s = v.if_string()) {
    out.emplace_back(*s);
    return out;
  }
  const json::array* a = v.if_array();
  if (a == nullptr) fail(name, "\"" + std::string(key) + "\" must be a code or an array of codes");
  for (const json::value& e : *a) {
    if (!e.is_string()) fail(name, "\"" + std::string(key) + "\" must be a code or an array of codes");
    out.emplace_back(e.get_string());
  }
  return out;
}

std::string resolved(const fs::path& base_dir, std::string_view p) {
  fs::path path(p);
  return path.is_absolute() || base_dir.empty() ? path.string()
                                                : (base_dir / path).lexically_normal().string();
}

void drop(std::vector<std::string>& list, const std::vector<std::string>& named) {
  std::erase_if(
      list, [&](const std::string& c) { return std::find(named.begin(), named.end(), c) != named.end(); });
}

lint_settings settings_of(const json::value& doc, const fs::path& base_dir, std::string_view name) {
  const json::object* o = doc.if_object();
  if (o == nullptr) fail(name, "lint settings must be a JSON object");
  lint_settings s;
  for (const auto& [key, v] : *o) {
    if (key == "ignore") {
      s.selection.ignore = codes(v, key, name);
    } else if (key == "error") {
      s.selection.error = codes(v, key, name);
    } else if (key == "warning") {
      s.selection.warning = codes(v, key, name);
    } else if (key == "baseline") {
      if (!v.is_string()) fail(name, "\"baseline\" must be a path (a previous `lint --format json` output)");
      s.baseline = resolved(base_dir, v.get_string());
    } else if (key == "format") {
      const json::string* f = v.if_string();
      if (f == nullptr || (*f != "text" && *f != "json" && *f != "sarif"))
        fail(name, "\"format\" must be \"text\", \"json\" or \"sarif\"");
      s.format = std::string(*f);
    } else if (key == "$schema" || key == "description") {
      // For people reading the file.
    } else {
      fail(name, "unknown lint setting \"" + std::string(key) +
                     "\" (ignore, error, warning, baseline and format are known)");
    }
  }
  return s;
}

}  // namespace

lint_settings parse_lint_settings(std::string_view text, const fs::path& base_dir, std::string_view name) {
  return settings_of(parse_lenient(text, name), base_dir, name);
}

std::optional<fs::path> find_lint_config(const fs::path& path) {
  std::error_code ec;
  fs::path dir = fs::absolute(path, ec);
  if (ec) return std::nullopt;
  dir = dir.lexically_normal();
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  for (;;) {
    fs::path candidate = dir / lint_config_name;
    if (fs::is_regular_file(candidate, ec)) return candidate;
    if (!dir.has_relative_path()) return std::nullopt;  // the root
    fs::path up = dir.parent_path();
    if (up == dir) return std::nullopt;
    dir = std::move(up);
  }
}

lint_settings read_lint_config(const fs::path& file) {
  return parse_lint_settings(read_whole(file), file.parent_path(), file.string());
}

lint_suite read_lint_suite(const fs::path& file) {
  const std::string name = file.string();
  const json::value doc = parse_lenient(read_whole(file), name);
  const json::object* root = doc.if_object();
  if (root == nullptr) fail(name, "the suite must be a JSON object");
  const fs::path base = file.parent_path();
  lint_suite out;
  if (const json::value* l = root->if_contains("lint"))
    out.settings = settings_of(*l, base, name + ": \"lint\"");
  auto strings = [&](std::string_view key) {
    std::vector<std::string> v;
    if (const json::value* p = root->if_contains(key)) v = codes(*p, key, name);
    return v;
  };
  for (const std::string& p : strings("paths")) out.paths.push_back(resolved(base, p));
  // "[VERSION=]PATH_OR_URL": a relative path is the suite's, as run reads it.
  for (const std::string& m : strings("metadata")) {
    const std::size_t eq = m.find('=');
    const bool versioned = eq != std::string::npos && m.find('/') > eq && m.find(':') > eq;
    const std::string version = versioned ? m.substr(0, eq + 1) : std::string();
    const std::string location = versioned ? m.substr(eq + 1) : m;
    out.metadata.push_back(location.find("://") != std::string::npos ? m
                                                                     : version + resolved(base, location));
  }
  return out;
}

void overlay(lint_settings& into, const lint_settings& later) {
  const lint_selection& l = later.selection;
  for (auto* list : {&into.selection.ignore, &into.selection.error, &into.selection.warning}) {
    drop(*list, l.ignore);
    drop(*list, l.error);
    drop(*list, l.warning);
  }
  into.selection.ignore.insert(into.selection.ignore.end(), l.ignore.begin(), l.ignore.end());
  into.selection.error.insert(into.selection.error.end(), l.error.begin(), l.error.end());
  into.selection.warning.insert(into.selection.warning.end(), l.warning.begin(), l.warning.end());
  if (later.baseline) into.baseline = later.baseline;
  if (later.format) into.format = later.format;
}

}  // namespace conform::cli
