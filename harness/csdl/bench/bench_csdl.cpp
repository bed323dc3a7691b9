// Times reading a CSDL document and resolving URLs against it (scripts/bench-csdl runs it).
//   conform_csdl_bench FILE [ROUNDS]           parse FILE ROUNDS times (default 11): best and median,
//                                              with pugixml's bare DOM parse as the floor
//   ... < urls.txt                             also resolve each line of stdin ("METHOD URL" or "URL")
//   conform_csdl_bench FILE --show < urls.txt  print each URL's resolution instead of timing
#include "csdl/resolve.hpp"

#include <sys/resource.h>
#include <pugixml.hpp>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

std::string url_of(std::string line) {
  for (std::string_view method : {"GET ", "POST ", "PATCH ", "PUT ", "DELETE "})
    if (line.rfind(method, 0) == 0) return line.substr(method.size());
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [ROUNDS | --show] [< urls]\n", argv[0]);
    return 2;
  }
  const std::string file = argv[1];
  const bool show = argc > 2 && std::string(argv[2]) == "--show";
  const int rounds = argc > 2 && !show ? std::max(1, std::atoi(argv[2])) : 11;

  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (text.empty()) {
    std::fprintf(stderr, "cannot read %s\n", file.c_str());
    return 2;
  }
  std::vector<std::string> urls;
  if (isatty(0) == 0)
    for (std::string line; std::getline(std::cin, line);)
      if (!line.empty()) urls.push_back(url_of(line));

  std::vector<double> parse_ms, load_ms, xml_ms;
  std::optional<conform::csdl::document> doc;
  for (int i = 0; i < (show ? 1 : rounds); ++i) {
    auto start = clock_type::now();
    conform::csdl::parse_result r = conform::csdl::parse(text, file);
    parse_ms.push_back(ms_since(start));
    if (!r.doc) {
      std::fprintf(stderr, "%s:%zu: %s\n", file.c_str(), r.error_line, r.error.c_str());
      return 1;
    }
    start = clock_type::now();
    conform::csdl::parse_result again = conform::csdl::load(file);
    load_ms.push_back(ms_since(start));
    doc = std::move(r.doc);
    // The floor: pugixml's DOM parse alone, what any reader built on pugixml pays before walking the tree.
    start = clock_type::now();
    pugi::xml_document xml;
    xml.load_buffer(text.data(), text.size());
    xml_ms.push_back(ms_since(start));
  }
  if (show) {
    for (const std::string& url : urls) {
      const conform::csdl::resolution r = conform::csdl::resolve(*doc, url);
      std::printf("%s\n  %s %s%s%s%s%s\n", url.c_str(), std::string(to_string(r.kind)).c_str(),
                  r.is_collection ? "Collection(" : "", r.type.c_str(), r.is_collection ? ")" : "",
                  r.entity_set.empty() ? "" : (" set=" + r.entity_set).c_str(),
                  r.reason.empty() ? "" : (" reason: " + r.reason).c_str());
      for (const std::string& n : r.notes) std::printf("  note: %s\n", n.c_str());
    }
    return 0;
  }
  auto report = [](const char* what, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    std::printf("%-40s best %7.1f ms, median %7.1f ms\n", what, v.front(), v[v.size() / 2]);
  };
  std::printf("%s: %.1f MB, %zu enum, %zu structured types, %zu operations; %d rounds\n", file.c_str(),
              static_cast<double>(text.size()) / 1e6, doc->enum_types().size(),
              doc->structured_types().size(), doc->operations().size(), rounds);
  report("parse (text in memory)", parse_ms);
  report("load (read the file + parse)", load_ms);
  report("floor: pugixml DOM parse alone", xml_ms);
  if (!urls.empty()) {
    std::size_t resolved = 0;
    double best = 1e300;
    for (int i = 0; i < rounds; ++i) {
      const auto start = clock_type::now();
      std::size_t ok = 0;
      for (const std::string& url : urls)
        ok += conform::csdl::resolve(*doc, url).kind != conform::csdl::resource_kind::unresolved;
      best = std::min(best, ms_since(start));
      resolved = ok;
    }
    std::printf("resolve %zu URLs (%zu resolved)              best %7.2f ms = %.2f us per URL\n", urls.size(),
                resolved, best, best * 1000.0 / static_cast<double>(urls.size()));
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS %.1f MB (the text, one document and a DOM at a time)\n",
              static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
