#include "links.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace conform::extract::detail {

namespace fs = std::filesystem;

std::string heading_slug(std::string_view text) {
  text = trim(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80) {
      i += 2;  // U+2000..U+203F: dashes, curly quotes, ellipsis: punctuation, dropped as GitHub does
    } else if (c >= 0x80 || std::isalnum(c) || c == '-' || c == '_') {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    } else if (c == ' ') {
      out += '-';
    }
  }
  return out;
}

void add_heading_anchor(page_outline& page, std::string_view text) {
  const std::string slug = heading_slug(text);
  int& n = page.slug_count[slug];
  page.anchors.push_back(n == 0 ? slug : slug + "-" + std::to_string(n));
  ++n;
}

void add_html_anchors(page_outline& page, std::string_view html) {
  for (std::string_view attr : {"name=", "id="}) {
    std::size_t pos = 0;
    while ((pos = html.find(attr, pos)) != std::string_view::npos) {
      const std::size_t at = pos;
      pos += attr.size();
      if (at == 0 || (html[at - 1] != ' ' && html[at - 1] != '\t' && html[at - 1] != '\n')) continue;
      if (pos >= html.size() || (html[pos] != '"' && html[pos] != '\'')) continue;
      const std::size_t end = html.find(html[pos], pos + 1);
      if (end == std::string_view::npos) continue;
      page.anchors.push_back(to_lower(html.substr(pos + 1, end - pos - 1)));
      pos = end;
    }
  }
}

namespace {

std::string percent_decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) && hex(s[i + 2])) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// "https:", "mailto:", "xref:": a scheme before any '/', '?' or '#'.
bool has_scheme(std::string_view href) {
  const std::size_t colon = href.find(':');
  return colon != std::string_view::npos && colon > 0 && href.find_first_of("/?#") > colon;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Heading ids as generated and the same with runs of '-' made one ("a & b": GitHub "a--b", others "a-b"):
// either spelling in a link finds the heading.
bool has_anchor(const std::set<std::string, std::less<>>& anchors, const std::string& wanted) {
  if (anchors.contains(wanted)) return true;
  std::string collapsed;
  for (char c : wanted)
    if (c != '-' || collapsed.empty() || collapsed.back() != '-') collapsed += c;
  return anchors.contains(collapsed);
}

std::string closest(const std::set<std::string, std::less<>>& anchors, const std::string& wanted) {
  std::string best;
  // Each comparison is quadratic in the ids' length: a page of thousands of headings linked wrongly thousands
  // of times gets no suggestion rather than a stall.
  if (anchors.size() > 2000 || wanted.size() > 200) return best;
  std::size_t best_d = std::max<std::size_t>(2, wanted.size() / 4) + 1;
  for (const std::string& a : anchors) {
    if (a.size() > wanted.size() + best_d || wanted.size() > a.size() + best_d) continue;
    const std::size_t d = edit_distance(a, wanted);
    if (d < best_d) {
      best_d = d;
      best = a;
    }
  }
  return best;
}

// `dir` (absolute, normalised, no trailing '/') joined with a relative path, "." and ".." resolved on the
// text: a std::filesystem::path per link cost a twentieth of lint.
std::string joined(std::string_view dir, std::string_view rel) {
  std::string out(dir);
  while (!rel.empty()) {
    const std::size_t slash = rel.find('/');
    const std::string_view part = rel.substr(0, slash);
    rel = slash == std::string_view::npos ? std::string_view() : rel.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      const std::size_t up = out.rfind('/');
      out.resize(up == std::string::npos || up == 0 ? 1 : up);
      if (out.empty()) out = "/";
      continue;
    }
    if (out.empty() || out.back() != '/') out += '/';
    out.append(part);
  }
  return out;
}

bool inside(const std::string& path, const std::string& root) {
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
         (root.back() == '/' || path[root.size()] == '/');
}

// Anchors with their "-"-collapsed forms (see has_anchor).
void insert_anchor(std::set<std::string, std::less<>>& anchors, const std::string& a) {
  anchors.insert(a);
  std::string collapsed;
  for (char c : a)
    if (c != '-' || collapsed.empty() || collapsed.back() != '-') collapsed += c;
  anchors.insert(std::move(collapsed));
}

// The anchors of a page not walked by md4c, from its text: ATX headings outside fenced code (their code
// spans, emphasis and links read as their text), and <a name>/id attributes.
std::set<std::string, std::less<>> scanned_anchors(const std::string& file) {
  std::set<std::string, std::less<>> out;
  std::ifstream in(file, std::ios::binary);
  page_outline page;
  bool fenced = false;
  for (std::string line; std::getline(in, line);) {
    std::string_view l = trim(line);
    if (l.starts_with("```") || l.starts_with("~~~")) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    if (l.find("name=") != std::string_view::npos || l.find("id=") != std::string_view::npos)
      add_html_anchors(page, l);
    const std::size_t hashes = l.find_first_not_of('#');
    if (hashes == 0 || hashes > 6 || hashes == std::string_view::npos || l[hashes] != ' ') continue;
    std::string_view text = trim(l.substr(hashes));
    while (text.ends_with('#')) text = trim(text.substr(0, text.size() - 1));  // closing hashes
    std::string plain;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '`' || c == '*') continue;
      if (c == ']' && i + 1 < text.size() && text[i + 1] == '(') {  // [text](url): the text
        const std::size_t close = text.find(')', i);
        if (close != std::string_view::npos) i = close;
        continue;
      }
      if (c == '[') continue;
      plain += c;
    }
    add_heading_anchor(page, plain);
  }
  for (const std::string& a : page.anchors) insert_anchor(out, a);
  return out;
}

class link_checker {
 public:
  link_checker(const std::vector<page_outline>& pages, const std::vector<std::string>& roots) {
    for (const std::string& r : roots) roots_.push_back(absolute(r));
    for (const page_outline& p : pages) {
      const std::string abs = absolute(p.file);
      auto& anchors = anchors_[abs];
      for (const std::string& a : p.anchors) insert_anchor(anchors, a);
    }
  }

  void check(const page_outline& page, fixture_set& out) {
    const std::string self = absolute(page.file);
    const std::string dir = self.substr(0, self.rfind('/'));
    for (const auto& link : page.links) {
      std::string_view href = trim(link.href);
      if (href.empty() || has_scheme(href) || href.front() == '/' || href.starts_with("#tab/")) continue;
      const std::size_t hash = href.find('#');
      std::string_view path = href.substr(0, hash);
      path = path.substr(0, path.find('?'));
      const std::string fragment =
          hash == std::string_view::npos ? std::string() : to_lower(percent_decoded(href.substr(hash + 1)));
      std::string target = self;
      if (!path.empty()) {
        target = joined(dir, percent_decoded(path));
        if (!std::any_of(roots_.begin(), roots_.end(),
                         [&](const std::string& r) { return inside(target, r); }))
          continue;  // outside the docs tree
        const std::size_t last = target.rfind('/');
        const std::string folder = last == 0 ? std::string("/") : target.substr(0, last);
        const folder_listing* listing = list(folder);
        if (listing == nullptr) continue;  // a folder not in this checkout
        const std::string name = target.substr(last + 1);
        if (name.empty() || path.back() == '/') continue;  // a folder: the site serves its index, if any
        if (!listing->names.contains(name)) {
          if (auto it = listing->lower.find(to_lower(name)); it != listing->lower.end())
            out.diagnostics.push_back(
                {page.file, link.line, severity::warning, "link-case-mismatch",
                 "link to " + std::string(path) + " names a file that exists as " + it->second +
                     ": the docs site may find it, GitHub and case-sensitive file systems do not"});
          else if (path.find('\\') != std::string_view::npos)
            out.diagnostics.push_back(
                {page.file, link.line, severity::warning, "broken-link",
                 "link to " + std::string(path) +
                     ": '\\' is no path separator in a link (write '/'); no such file"});
          else
            out.diagnostics.push_back({page.file, link.line, severity::warning, "broken-link",
                                       "link to " + std::string(path) + ": no such file"});
          continue;
        }
      }
      if (fragment.empty()) continue;
      auto it = anchors_.find(target);
      if (it == anchors_.end()) {
        // A page of the docs tree that was not named (lint of a pull request's changed pages): its headings
        // are read from its text.
        if (!target.ends_with(".md") || target == self) continue;
        it = anchors_.emplace(target, scanned_anchors(target)).first;
      }
      if (has_anchor(it->second, fragment)) continue;
      // Suggestions for the first 200 broken anchors: enough for any real page set, bounded for a hostile
      // one.
      const std::string near = suggested_++ < 200 ? closest(it->second, fragment) : std::string();
      const std::string where = path.empty() ? std::string("this page") : std::string(path);
      out.diagnostics.push_back({page.file, link.line, severity::warning, "broken-anchor",
                                 "link to " + std::string(href) + ": " + where +
                                     " has no heading or anchor '" + fragment + "'" +
                                     (near.empty() ? "" : " (did you mean #" + near + "?)")});
    }
  }

 private:
  struct folder_listing {
    std::set<std::string, std::less<>> names;
    std::map<std::string, std::string, std::less<>> lower;  // lower-case name -> name
  };

  static std::string absolute(const std::string& p) {
    std::error_code ec;
    fs::path a = fs::absolute(p, ec);
    return (ec ? fs::path(p) : a).lexically_normal().string();
  }

  // nullptr when the folder does not exist; read once.
  const folder_listing* list(const std::string& folder) {
    auto [it, fresh] = folders_.try_emplace(folder);
    if (fresh) {
      std::error_code ec;
      if (!fs::is_directory(folder, ec)) {
        it->second.reset();
      } else {
        folder_listing l;
        for (fs::directory_iterator d(folder, ec), end; !ec && d != end; d.increment(ec)) {
          std::string n = d->path().filename().string();
          l.lower.emplace(to_lower(n), n);
          l.names.insert(std::move(n));
        }
        it->second = std::move(l);
      }
    }
    return it->second ? &*it->second : nullptr;
  }

  std::vector<std::string> roots_;
  std::size_t suggested_ = 0;
  std::unordered_map<std::string, std::set<std::string, std::less<>>> anchors_;
  std::unordered_map<std::string, std::optional<folder_listing>> folders_;
};

}  // namespace

void check_links(const std::vector<page_outline>& pages, const std::vector<std::string>& roots,
                 fixture_set& out) {
  link_checker checker(pages, roots);
  for (const page_outline& p : pages) checker.check(p, out);
}

}  // namespace conform::extract::detail
