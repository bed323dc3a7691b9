// Markdown is read with md4c (a CommonMark parser). md4c hands us pointers into the source buffer, which we
// turn into line numbers, so every fixture and diagnostic carries file:line without a second pass over the
// text.
#include "extract/extract.hpp"
#include "model/contract.hpp"

#include "front_matter.hpp"
#include "http_block.hpp"
#include "links.hpp"

#include <md4c.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace conform::extract {
namespace {

using detail::block_kind;
using detail::http_block;

// Case-insensitive search, linear: table descriptions are long and searched for several phrases.
std::size_t ifind(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return 0;
  if (needle.size() > hay.size()) return std::string_view::npos;
  const char first_lower = static_cast<char>(std::tolower(static_cast<unsigned char>(needle[0])));
  const char first_upper = static_cast<char>(std::toupper(static_cast<unsigned char>(needle[0])));
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    char c = hay[i];
    if ((c == first_lower || c == first_upper) && iequals(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

bool icontains(std::string_view hay, std::string_view needle) {
  return ifind(hay, needle) != std::string_view::npos;
}

// ---------------------------------------------------------------------------------------------------------------
// Annotations: `<!-- { "blockType": "request", ... } -->`, read leniently.

struct annotation {
  std::string block_type;  // request, response, resource, ignored, example, ...
  std::string name;
  bool truncated = false;
  std::string odata_type;
  bool is_collection = false;
  bool expect_error = false;
  std::vector<std::string> optional_properties, nullable_properties;
  std::size_t line = 0;
};

// Quotes bare keys (`{ blockType: "x" }`), the most common hand-written slip.
std::string quote_bare_keys(std::string_view s) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      // Hand-written annotations wrap long strings across lines: a raw newline becomes a space.
      out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
      if (c == '\\' && i + 1 < s.size())
        out += s[++i];
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      continue;
    }
    bool ident_start = std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '@';
    if (ident_start) {
      // Look back: previous non-space must be '{' or ','.
      std::size_t k = out.size();
      while (k > 0 && std::isspace(static_cast<unsigned char>(out[k - 1]))) --k;
      std::size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' || s[j] == '.' ||
                              s[j] == '@' || s[j] == '-'))
        ++j;
      std::size_t m = j;
      while (m < s.size() && std::isspace(static_cast<unsigned char>(s[m]))) ++m;
      const bool key = k > 0 && (out[k - 1] == '{' || out[k - 1] == ',') && m < s.size() && s[m] == ':';
      // Not a key: the whole word is copied, not rescanned from each of its letters (a long word was
      // quadratic).
      if (key) out += '"';
      out.append(s.substr(i, j - i));
      if (key) out += '"';
      i = j - 1;
      continue;
    }
    out += c;
  }
  return out;
}

std::vector<std::string> string_list(const boost::json::value& v) {
  std::vector<std::string> out;
  if (auto* a = v.if_array()) {
    for (auto& e : *a)
      if (auto* s = e.if_string()) out.emplace_back(*s);
  } else if (auto* s = v.if_string()) {
    out.emplace_back(*s);
  }
  return out;
}

bool truthy(const boost::json::value& v) {
  if (auto* b = v.if_bool()) return *b;
  if (auto* s = v.if_string()) return iequals(*s, "true");
  return false;
}

// Newlines in [b, e): sixteen bytes at a time where SSE2 is there (every x86-64), a byte at a time elsewhere.
std::size_t count_newlines(const char* b, const char* e) {
  std::size_t n = 0;
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n');
  while (e - b >= 16) {
    __m128i counts = _mm_setzero_si128();  // per byte lane, up to 255 blocks before it could wrap
    for (int k = 0; k < 255 && e - b >= 16; ++k, b += 16) {
      __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
      counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(bytes, nl));  // a match is -1
    }
    __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
    n += static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) +
         static_cast<std::size_t>(_mm_cvtsi128_si32(_mm_srli_si128(sums, 8)));
  }
#endif
  for (; b < e; ++b) n += *b == '\n';
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// "Inherits from [identity](identity.md)." (or "Derived from [attachment](attachment.md).") on a resource
// page names the base of the page's type, as CSDL's BaseType does.

// `s` without trailing white space and the words written between the phrase and the link: "Inherits from the
// [userAgent](...) type", "Inherits from base class [identityUserFlow](...)".
std::string_view strip_base_fillers(std::string_view s) {
  for (;;) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    bool stripped = false;
    for (std::string_view f :
         {std::string_view("the"), std::string_view("base class"), std::string_view("base type")})
      if (iends_with(s, f) &&
          (s.size() == f.size() || std::isspace(static_cast<unsigned char>(s[s.size() - f.size() - 1])))) {
        s.remove_suffix(f.size());
        stripped = true;
        break;
      }
    if (!stripped) return s;
  }
}

// Whether a paragraph's text run ends with "inherits from", "derived from" or "derives from" (fillers aside):
// a link right after it names the base. Every text run of a paragraph is asked until a page's base is found,
// so only the run's end is looked at.
bool ends_with_base_phrase(std::string_view s) {
  std::size_t end = s.size();
  while (end > 0 && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  if (end == 0) return false;
  const char last = static_cast<char>(std::tolower(static_cast<unsigned char>(s[end - 1])));
  if (last != 'm' && last != 'e' && last != 's') return false;  // "from", "the"/"type", "class"
  s = strip_base_fillers(s);
  for (std::string_view p : {std::string_view("inherits from"), std::string_view("derived from"),
                             std::string_view("derives from")})
    if (iends_with(s, p) &&
        (s.size() == p.size() || !std::isalpha(static_cast<unsigned char>(s[s.size() - p.size() - 1]))))
      return true;
  return false;
}

// A type's name as a link shows it: "conversationMember", "microsoft.graph.entity".
bool is_type_name(std::string_view s) {
  if (s.empty() || s.size() > 256 || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
  });
}

// The page a link goes to, without directory, query, fragment and ".md": "../resources/identity.md" ->
// "identity".
std::string_view link_stem(std::string_view href) {
  href = href.substr(0, href.find_first_of("?#"));
  href = href.substr(href.rfind('/') + 1);
  if (iends_with(href, ".md")) href.remove_suffix(3);
  return href;
}

// ---------------------------------------------------------------------------------------------------------------
// One page as md4c walks it.

struct code_block {
  std::string info;
  std::string text;
  std::size_t line = 0;  // line of the first content line
  std::optional<annotation> note;
  bool in_template_section = false;
  // Under an "HTTP request" heading of level 3 or below ("### HTTP request" in each section of a page of
  // several endpoints): what it holds are templates, unless annotated as examples.
  bool under_request_heading = false;
};

struct table {
  std::vector<std::vector<std::string>> rows;  // rows[0] is the header
  std::string heading;                         // the nearest heading above it: says what the table describes
  bool skip = false;                           // not a property or member table: its body cells are not kept
  std::size_t line = 0;
  std::vector<std::size_t> row_lines;
};

bool is_property_table(const std::vector<std::string>& header);

struct page_walker {
  std::string_view file;
  std::string_view doc;
  const options& opts;
  fixture_set& out;
  detail::page_outline* outline = nullptr;  // links and anchors, collected when links are checked
  std::string anchor_text;                  // the heading's text as its id is made from (entities decoded)
  const char* counted_to = nullptr;         // line_of has counted the newlines before this position
  std::size_t counted_line = 1;             // ... and this is its line

  page_walker(std::string_view f, std::string_view d, const options& o, fixture_set& s)
      : file(f), doc(d), opts(o), out(s) {
    blocks.reserve(16);  // growing moves every code block (annotation included) along
    tables.reserve(8);
  }

  // Fills blocks, tables and the rest from the page; false when md4c gives up on it.
  bool walk() {
    MD_PARSER parser{};
    parser.abi_version = 0;
    parser.flags = MD_FLAG_TABLES | MD_FLAG_NOINDENTEDCODEBLOCKS;
    parser.enter_block = &page_walker::enter_block;
    parser.leave_block = &page_walker::leave_block;
    parser.enter_span = &page_walker::enter_span;
    parser.leave_span = &page_walker::leave_span;
    parser.text = &page_walker::text;
    return md_parse(doc.data(), static_cast<MD_SIZE>(doc.size()), &parser, this) == 0;
  }

  // md4c state
  int heading_level = 0;
  std::string heading_text;
  std::string h1;
  std::string last_heading;
  bool in_template_section = false;
  bool under_request_heading = false;  // see code_block
  bool tab_heading = false;            // the heading being read is a tab marker, "# [HTTP](#tab/http)"
  bool in_code = false, in_html = false, in_table = false, in_cell = false;
  code_block code;
  std::string html;
  std::string code_text;  // reused across blocks: growing a fresh string line by line cost more than the copy
  std::size_t html_line = 0;
  table tbl;
  std::string cell;
  std::size_t last_line = 1;
  std::optional<annotation> pending;
  // The base statement is read from paragraphs: `phrase` once a text run ended with "Inherits from", `link`
  // inside the link that follows it.
  enum class base_read { none, phrase, link };
  bool in_paragraph = false;
  base_read base_at = base_read::none;
  std::string base_text, base_href;

  // results
  std::vector<code_block> blocks;
  std::vector<table> tables;
  bool resource_page = false;
  std::string resource_type;  // from a blockType "resource" annotation
  std::string base;           // the first "Inherits from [x](...)" of the page's paragraphs: "x"

  bool in_doc(const char* p) const { return p >= doc.data() && p < doc.data() + doc.size(); }

  // md4c reports positions in document order, so newlines are counted forward from the last position asked
  // about (from the start again should one ever go back): one pass over the page instead of a table of line
  // starts built up front.
  std::size_t line_of(const char* p) {
    if (p < doc.data() || p > doc.data() + doc.size()) return last_line;
    if (!counted_to || p < counted_to) {
      counted_to = doc.data();
      counted_line = 1;
    }
    counted_line += count_newlines(counted_to, p);
    counted_to = p;
    last_line = counted_line;
    return last_line;
  }

  void diag(std::size_t line, severity s, std::string code_id, std::string msg) {
    out.diagnostics.push_back({std::string(file), line, s, std::move(code_id), std::move(msg)});
  }

  void on_html_done() {
    std::string_view h = html;
    std::size_t pos = 0;
    // Lines are counted on from the previous comment: a block of 80,000 comment lines counted each one's
    // line from the block's start (11 s).
    std::size_t comment_line = html_line, counted = 0;
    while ((pos = h.find("<!--", pos)) != std::string_view::npos) {
      std::size_t end = h.find("-->", pos + 4);
      comment_line += count_newlines(h.data() + counted, h.data() + pos);
      counted = pos;
      if (end == std::string_view::npos) {
        if (trim(h.substr(pos + 4)).starts_with("{"))
          diag(comment_line, severity::error, "unterminated-comment",
               "annotation comment '<!--' is never closed with '-->'; the rest of the page is inside it");
        return;
      }
      std::string_view body = trim(h.substr(pos + 4, end - pos - 4));
      pos = end + 3;
      if (!body.starts_with("{")) continue;
      parse_annotation(body, comment_line);
    }
  }

  void parse_annotation(std::string_view body, std::size_t line) {
    // The value lives only in this call: a stack arena spares a malloc/free per node.
    unsigned char arena[4096];
    boost::json::monotonic_resource mr(arena, sizeof arena);
    boost::system::error_code ec;
    boost::json::parse_options po;
    po.max_depth = 16;
    boost::json::value v = boost::json::parse(body, ec, &mr, po);
    if (ec) {
      po.allow_trailing_commas = true;
      po.allow_comments = true;
      std::string fixed = quote_bare_keys(body);
      v = boost::json::parse(fixed, ec, &mr, po);
      if (ec) {
        diag(line, severity::error, "invalid-annotation",
             "annotation is not JSON even when read leniently (" + ec.message() + "); ignored");
        return;
      }
      diag(line, severity::warning, "lenient-annotation",
           "annotation is not strict JSON (trailing comma or unquoted key); read leniently");
    }
    auto* o = v.if_object();
    if (!o) return;
    annotation a;
    a.line = line;
    for (auto& [k, val] : *o) {
      if (iequals(k, "blockType")) {
        if (auto* s = val.if_string()) a.block_type = to_lower(*s);
      } else if (iequals(k, "name")) {
        if (auto* s = val.if_string()) a.name = std::string(*s);
      } else if (iequals(k, "truncated")) {
        a.truncated = truthy(val);
      } else if (iequals(k, "@odata.type")) {
        if (auto* s = val.if_string()) a.odata_type = std::string(*s);
      } else if (iequals(k, "isCollection")) {
        a.is_collection = truthy(val);
      } else if (iequals(k, "expectError")) {
        a.expect_error = truthy(val);
      } else if (iequals(k, "optionalProperties")) {
        a.optional_properties = string_list(val);
      } else if (iequals(k, "nullableProperties")) {
        a.nullable_properties = string_list(val);
      }
    }
    static const std::set<std::string, std::less<>> known{"request", "response", "resource",    "ignored",
                                                          "example", "enum",     "enumeration", "property"};
    if (a.block_type.empty()) return;  // other tooling comments (e.g. "type": "#page.annotation")
    if (!known.contains(a.block_type))
      diag(line, severity::warning, "unknown-block-type", "unknown blockType '" + a.block_type + "'");
    if (a.block_type == "resource") {
      resource_page = true;
      if (resource_type.empty() && !a.odata_type.empty()) resource_type = a.odata_type;
    }
    pending = std::move(a);
  }

  static int enter_block(MD_BLOCKTYPE type, void* detail, void* ud) {
    auto& w = *static_cast<page_walker*>(ud);
    switch (type) {
      case MD_BLOCK_H:
        w.heading_level = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
        w.heading_text.clear();
        w.anchor_text.clear();
        w.tab_heading = false;
        break;
      case MD_BLOCK_CODE: {
        auto* d = static_cast<MD_BLOCK_CODE_DETAIL*>(detail);
        w.in_code = true;
        w.code = {};
        w.code_text.clear();
        w.code.info = std::string(trim(std::string_view(d->info.text ? d->info.text : "", d->info.size)));
        // The info string is on the fence line, unless md4c made its own copy (entities, escapes).
        if (d->info.text && d->info.size && w.in_doc(d->info.text)) w.code.line = w.line_of(d->info.text) + 1;
        break;
      }
      case MD_BLOCK_P:
        w.in_paragraph = true;
        w.base_at = base_read::none;
        break;
      case MD_BLOCK_HTML:
        w.in_html = true;
        w.html.clear();
        w.html_line = 0;
        break;
      case MD_BLOCK_TABLE:
        w.in_table = true;
        w.tbl = {};
        w.tbl.heading = w.last_heading;
        break;
      case MD_BLOCK_TR:
        if (w.in_table && w.tbl.rows.size() == 1 && !w.tbl.skip)
          // Most tables (permissions, methods, headers, ...) say nothing about types: once the header shows
          // that, their cells are not collected (a tenth of the corpus's extraction time went into them).
          w.tbl.skip =
              !is_property_table(w.tbl.rows.front()) &&
              (w.tbl.rows.front().empty() ||
               !(iequals(trim(w.tbl.rows.front()[0]), "Member") ||
                 (iequals(trim(w.tbl.rows.front()[0]), "Value") && iends_with(w.tbl.heading, " values"))));
        if (w.in_table && !w.tbl.skip) {
          w.tbl.rows.emplace_back();
          if (w.tbl.rows.size() > 1)
            w.tbl.rows.back().reserve(w.tbl.rows.front().size());  // one allocation a row
          w.tbl.row_lines.push_back(0);
        }
        break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
        w.in_cell = w.in_table && !w.tbl.skip;
        w.cell.clear();
        break;
      default:
        break;
    }
    return 0;
  }

  static int leave_block(MD_BLOCKTYPE type, void* /*detail*/, void* ud) {
    auto& w = *static_cast<page_walker*>(ud);
    switch (type) {
      case MD_BLOCK_H: {
        std::string_view t = trim(w.heading_text);
        if (w.heading_level == 1 && w.h1.empty()) w.h1 = std::string(t);
        if (w.outline) detail::add_heading_anchor(*w.outline, w.anchor_text);
        w.last_heading.assign(t);
        if (w.heading_level <= 2)
          w.in_template_section = iequals(t, "HTTP request") || iequals(t, "HTTP requests");
        // Any heading but a tab marker ends a level-3+ "HTTP request" section; one of those begins it.
        if (!w.tab_heading)
          w.under_request_heading =
              w.heading_level >= 3 && (iequals(t, "HTTP request") || iequals(t, "HTTP requests"));
        w.heading_level = 0;
        break;
      }
      case MD_BLOCK_CODE:
        w.in_code = false;
        if (w.code.line == 0) w.code.line = w.last_line;
        w.code.note = std::move(w.pending);
        w.pending.reset();
        w.code.in_template_section = w.in_template_section;
        w.code.under_request_heading = w.under_request_heading;
        w.code.text.assign(w.code_text);
        w.blocks.push_back(std::move(w.code));
        break;
      case MD_BLOCK_P:
        w.in_paragraph = false;
        w.base_at = base_read::none;
        break;
      case MD_BLOCK_HTML:
        w.in_html = false;
        w.on_html_done();
        if (w.outline) detail::add_html_anchors(*w.outline, w.html);
        break;
      case MD_BLOCK_TABLE:
        w.in_table = false;
        if (!w.tbl.rows.empty()) {
          w.tbl.line =
              w.tbl.row_lines.empty() || w.tbl.row_lines.front() == 0 ? w.last_line : w.tbl.row_lines.front();
          w.tables.push_back(std::move(w.tbl));
        }
        break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
        if (w.in_cell && !w.tbl.rows.empty()) w.tbl.rows.back().emplace_back(trim(w.cell));
        w.in_cell = false;
        break;
      default:
        break;
    }
    return 0;
  }

  // Cells keep code spans and bold as markers: enum members are written as `a` or **a**. A span opens and
  // closes with the same marker, so one function serves both ends.
  void mark_span(MD_SPANTYPE type) {
    if (in_cell && type == MD_SPAN_CODE) cell += '`';
    if (in_cell && type == MD_SPAN_STRONG) cell += "**";
  }

  static int enter_span(MD_SPANTYPE type, void* detail, void* ud) {
    auto& w = *static_cast<page_walker*>(ud);
    w.mark_span(type);
    if (w.outline && type == MD_SPAN_A) {
      const MD_ATTRIBUTE& href = static_cast<MD_SPAN_A_DETAIL*>(detail)->href;
      if (href.text != nullptr && href.size > 0)
        // A destination md4c rewrote (escapes, entities) is not in the page: the link's text gives the line.
        w.outline->links.push_back(
            {std::string(href.text, href.size), w.in_doc(href.text) ? w.line_of(href.text) : 0});
    }
    if (w.heading_level > 0 && type == MD_SPAN_A) {
      const MD_ATTRIBUTE& href = static_cast<MD_SPAN_A_DETAIL*>(detail)->href;
      if (href.text != nullptr && std::string_view(href.text, href.size).starts_with("#tab/"))
        w.tab_heading = true;
    }
    if (w.base_at == base_read::phrase) {
      if (type == MD_SPAN_A) {
        const MD_ATTRIBUTE& href = static_cast<MD_SPAN_A_DETAIL*>(detail)->href;
        w.base_at = base_read::link;
        w.base_text.clear();
        w.base_href.assign(href.text ? href.text : "", href.size);
      } else if (type != MD_SPAN_STRONG && type != MD_SPAN_EM) {
        w.base_at = base_read::none;
      }
    }
    return 0;
  }

  static int leave_span(MD_SPANTYPE type, void* /*detail*/, void* ud) {
    auto& w = *static_cast<page_walker*>(ud);
    w.mark_span(type);
    if (w.base_at == base_read::link && type == MD_SPAN_A) w.take_base();
    return 0;
  }

  // One text run of a paragraph while the page's base is not yet known.
  void read_base(MD_TEXTTYPE type, std::string_view s) {
    if (base_at == base_read::link) {
      base_text.append(s);
      return;
    }
    if (base_at == base_read::phrase) {
      // "Inherits from" at a line's end, "the" or "base class" before the link.
      if (type == MD_TEXT_SOFTBR || (type == MD_TEXT_NORMAL && strip_base_fillers(s).empty())) return;
      base_at = base_read::none;
    }
    if (type == MD_TEXT_NORMAL && ends_with_base_phrase(s)) base_at = base_read::phrase;
  }

  // The link after "Inherits from" has ended: its text names the base ("[identity](identity.md)"), else, when
  // the text is no type name ("[Conditional Access Session Control](conditionalaccesssessioncontrol.md)"),
  // the page it links to.
  void take_base() {
    base_at = base_read::none;
    std::string_view name = trim(base_text);
    if (!is_type_name(name)) name = link_stem(base_href);
    if (is_type_name(name)) base.assign(name);
  }

  static int text(MD_TEXTTYPE type, const MD_CHAR* t, MD_SIZE size, void* ud) {
    auto& w = *static_cast<page_walker*>(ud);
    std::string_view s(t, size);
    if (w.in_code) {
      // Without an info string, the block's first line is counted back from its first text taken from the
      // page (md4c hands over indentation, line ends and NUL replacements from strings of its own).
      if (w.code.line == 0 && type == MD_TEXT_CODE && w.in_doc(t))
        w.code.line =
            w.line_of(t) - static_cast<std::size_t>(std::count(w.code_text.begin(), w.code_text.end(), '\n'));
      if (type == MD_TEXT_NULLCHAR) return 0;
      w.code_text.append(s);
      return 0;
    }
    if (w.in_html) {
      if (w.html_line == 0) w.html_line = w.line_of(t);
      w.html.append(s);
      return 0;
    }
    // Table rows need their line; prose does not, and a lookup per text run would cost a tenth of the parse.
    if (w.in_cell && !w.tbl.row_lines.empty() && w.tbl.row_lines.back() == 0)
      w.tbl.row_lines.back() = w.line_of(t);
    if (w.outline && !w.outline->links.empty() && w.outline->links.back().line == 0)
      w.outline->links.back().line = w.in_doc(t) ? w.line_of(t) : w.last_line;
    if (type == MD_TEXT_HTML) {
      if (w.outline) detail::add_html_anchors(*w.outline, s);
      // An inline comment inside a paragraph (`text <!-- {...} -->`) is an annotation too.
      if (s.starts_with("<!--")) {
        std::size_t keep = w.html_line;
        std::string keep_html = std::move(w.html);
        w.html = std::string(s);
        w.html_line = w.line_of(t);
        w.on_html_done();
        w.html = std::move(keep_html);
        w.html_line = keep;
      }
      return 0;
    }
    if (w.heading_level) {
      w.heading_text.append(s);
      if (w.outline) {
        if (type != MD_TEXT_ENTITY)
          w.anchor_text.append(s);
        else if (s == "&amp;")
          w.anchor_text += '&';
        else if (s == "&lt;")
          w.anchor_text += '<';
        else if (s == "&gt;")
          w.anchor_text += '>';
      }
    } else if (w.in_paragraph) {
      if (w.base.empty()) w.read_base(type, s);
    } else if (w.in_cell) {
      if (type == MD_TEXT_ENTITY) {
        if (s == "&lt;")
          w.cell += '<';
        else if (s == "&gt;")
          w.cell += '>';
        else if (s == "&amp;")
          w.cell += '&';
        else if (s == "&#124;" || s == "&vert;")
          w.cell += '|';
        else
          w.cell.append(s);
      } else {
        w.cell.append(s);
      }
    }
    return 0;
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Property tables.

// hay.find(needle) != npos, found through needle[at] (a rare byte): memchr skips ahead over the common
// letters and spaces that a plain find stops at.
bool contains_around(std::string_view hay, char rare, std::string_view needle, std::size_t at) {
  for (std::size_t p = hay.find(rare, at); p != std::string_view::npos; p = hay.find(rare, p + 1))
    if (hay.substr(p - at).starts_with(needle)) return true;
  return false;
}

// icontains(hay, needle) through needle[at] (a rare letter), in either case.
bool icontains_around(std::string_view hay, std::string_view needle, std::size_t at) {
  const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(needle[at])));
  const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(needle[at])));
  for (char rare : {lower, upper})
    for (std::size_t p = hay.find(rare, at); p != std::string_view::npos; p = hay.find(rare, p + 1))
      if (p - at + needle.size() <= hay.size() && iequals(hay.substr(p - at, needle.size()), needle))
        return true;
  return false;
}

// Members marked as `a` or **a**: they survive any punctuation around them. The first mark that finds any
// wins.
std::vector<std::string> marked_members(std::string_view list) {
  std::vector<std::string> out;
  for (std::string_view mark : {std::string_view("`"), std::string_view("**")}) {
    std::size_t p = 0;
    while ((p = list.find(mark, p)) != std::string_view::npos) {
      std::size_t e = list.find(mark, p + mark.size());
      if (e == std::string_view::npos) break;
      std::string_view m = trim(list.substr(p + mark.size(), e - p - mark.size()));
      if (!m.empty() && m.size() < 100) out.emplace_back(m);
      p = e + mark.size();
    }
    if (!out.empty()) return out;
  }
  return out;
}

// Bare list: "everyone, organization, and unknownFutureValue." up to the sentence end.
std::vector<std::string> listed_members(std::string_view list) {
  std::vector<std::string> out;
  std::size_t end = list.find(". ");
  if (end == std::string_view::npos) end = list.size();
  list = list.substr(0, end);
  std::string token;
  auto flush = [&] {
    std::string_view tk = trim(token);
    while (!tk.empty() && (tk.front() == '\'' || tk.front() == '"')) tk.remove_prefix(1);
    while (!tk.empty() && (tk.back() == '\'' || tk.back() == '"' || tk.back() == '.')) tk.remove_suffix(1);
    if (tk.starts_with("and ")) tk.remove_prefix(4);
    if (tk.starts_with("or ")) tk.remove_prefix(3);
    bool ident = !tk.empty() && std::all_of(tk.begin(), tk.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
    if (ident) out.emplace_back(tk);
    token.clear();
  };
  for (char c : list) {
    if (c == ',')
      flush();
    else
      token += c;
  }
  flush();
  if (out.size() < 2) out.clear();  // one word is more likely prose than a list
  return out;
}

// `rest` starts at "Possible values ...": the members follow its colon, or its " are " or " is ".
// The list ends with its sentence: a '.' outside a code span (members may hold dots: `microsoft.graph.x`).
// What follows is prose ("Supports `$filter` (`eq`, `ne`, `NOT`, `in`)"), not members.
std::string_view first_sentence(std::string_view s) {
  bool in_code = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '`') in_code = !in_code;
    if (in_code || s[i] != '.') continue;
    // "e.g. app roles" goes on: a sentence ends where the next one starts, with a capital, a tag or bold.
    std::size_t next = i + 1;
    while (next < s.size() && s[next] == ' ') ++next;
    if (next == s.size() || s[next] == '<' || s[next] == '*' ||
        (next > i + 1 && std::isupper(static_cast<unsigned char>(s[next]))))
      return s.substr(0, i);
  }
  return s;
}

std::vector<std::string> members_after_phrase(std::string_view rest) {
  if (auto colon = rest.find_first_of(":"); colon != std::string_view::npos && colon < 40)
    rest = rest.substr(colon + 1);
  else if (auto are = ifind(rest, " are "); are != std::string_view::npos && are < 40)
    rest = rest.substr(are + 5);
  else if (auto is = ifind(rest, " is "); is != std::string_view::npos && is < 40)
    rest = rest.substr(is + 4);
  rest = first_sentence(rest);
  if (auto marked = marked_members(rest); !marked.empty()) return marked;
  return listed_members(rest);
}

// Intune form: "0 - `Not Ready`" / "1 - `Ready`".
std::vector<std::string> numbered_members(std::string_view desc) {
  std::vector<std::string> out;
  std::size_t p = 0;
  while ((p = desc.find(" - `", p)) != std::string_view::npos) {
    std::size_t d = p;
    while (d > 0 && std::isdigit(static_cast<unsigned char>(desc[d - 1]))) --d;
    std::size_t e = desc.find('`', p + 4);
    if (d == p || e == std::string_view::npos) {
      p += 4;
      continue;
    }
    out.emplace_back(desc.substr(p + 4, e - p - 4));
    p = e + 1;
  }
  return out;
}

std::vector<std::string> enum_members(std::string_view desc) {
  // Every description cell passes through here and few list members: all three phrases contain "alues" and
  // the Intune form " - `"; without either there is nothing to find.
  if (!contains_around(desc, 'u', "alues", 2) && !contains_around(desc, 'U', "ALUES", 2) &&
      !contains_around(desc, '`', " - `", 3))
    return {};
  const std::string lower = to_lower(desc);
  std::size_t at = lower.find("possible values");
  if (at == std::string_view::npos) at = lower.find("supported values are");
  if (at == std::string_view::npos) at = lower.find("the values are");
  if (at != std::string_view::npos) return members_after_phrase(desc.substr(at));
  return numbered_members(desc);
}

// Cells keep code spans and bold as markers (page_walker::mark_span); names and types are read without them.
void strip_markers(std::string& s) {
  s.erase(std::remove(s.begin(), s.end(), '`'), s.end());
  // Pairs of '*' from the left, in one pass: erasing them one at a time moved the rest of the cell each time.
  std::size_t to = 0;
  for (std::size_t from = 0; from < s.size(); ++from) {
    if (s[from] == '*' && from + 1 < s.size() && s[from + 1] == '*') {
      ++from;
      continue;
    }
    s[to++] = s[from];
  }
  s.resize(to);
}

// "String collection" -> "Collection(String)"; "[x](../resources/x.md) (optional)" -> "x".
std::string normalize_type(std::string_view t, bool& optional_marker) {
  std::string s(trim(t));
  auto strip = [&](std::string_view suffix) {
    if (iends_with(s, suffix)) {
      s = std::string(trim(std::string_view(s).substr(0, s.size() - suffix.size())));
      return true;
    }
    return false;
  };
  if (strip("(optional)")) optional_marker = true;
  if (istarts_with(s, "(optional)")) {  // "(Optional) String"
    optional_marker = true;
    s = std::string(trim(std::string_view(s).substr(10)));
  }
  strip_markers(s);
  if (strip(" collection"))
    s = "Collection(" + s + ")";
  else if (istarts_with(s, "collection of ") && s.size() > 14)  // "Collection of String"
    s = "Collection(" + std::string(trim(std::string_view(s).substr(14))) + ")";
  return s;
}

bool is_property_table(const std::vector<std::string>& header) {
  if (header.size() < 2) return false;
  std::string first = to_lower(trim(header[0]));
  bool name_col = first == "property" || first == "name" || first == "parameter" || first == "property name";
  return name_col && icontains(header[1], "type");
}

std::vector<property> table_properties(const table& t) {
  std::vector<property> props;
  for (std::size_t r = 1; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    if (row.size() < 2) continue;
    std::string name(trim(row[0]));
    strip_markers(name);
    name = std::string(trim(name));
    if (name.empty() || name.find(' ') != std::string::npos) continue;
    property p;
    p.name = name;
    if (r < t.row_lines.size()) p.line = t.row_lines[r];
    bool optional_marker = false;
    p.type = normalize_type(row[1], optional_marker);
    std::string_view desc = row.size() > 2 ? std::string_view(row[2]) : std::string_view();
    p.enum_values = enum_members(desc);
    p.required = !optional_marker && (desc.find("Required.") != std::string_view::npos ||
                                      desc.starts_with("Required") || icontains(row[1], "required"));
    p.not_nullable = icontains(desc, "not nullable") || icontains(desc, "non-nullable");
    p.nullable = icontains_around(desc, "nullable", 5) && !p.not_nullable;
    props.push_back(std::move(p));
  }
  return props;
}

void merge_property(property& into, const property& p) {
  if (into.enum_values.empty()) into.enum_values = p.enum_values;
  into.required = into.required || p.required;
  into.nullable = into.nullable || p.nullable;
  into.not_nullable = !into.nullable && (into.not_nullable || p.not_nullable);
}

void merge_properties(std::vector<property>& into, const std::vector<property>& from) {
  // Tables of a few dozen rows (nearly all) are merged by comparing names; long ones through an index, since
  // a search per row made a table of 80,000 rows take 17 s.
  if ((into.size() + from.size()) * from.size() <= 4096) {
    for (const auto& p : from) {
      auto it = std::find_if(into.begin(), into.end(), [&](const property& q) { return q.name == p.name; });
      if (it == into.end())
        into.push_back(p);
      else
        merge_property(*it, p);
    }
    return;
  }
  into.reserve(into.size() + from.size());  // no reallocation below: the index's names stay in place
  std::unordered_map<std::string_view, std::size_t> at;
  at.reserve(into.size() + from.size());
  for (std::size_t i = 0; i < into.size(); ++i) at.emplace(into[i].name, i);  // the first of a name, as above
  for (const auto& p : from) {
    auto [it, fresh] = at.emplace(p.name, into.size());
    if (fresh)
      into.push_back(p);
    else
      merge_property(into[it->second], p);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// URLs.

struct url_info {
  std::string version;
  std::string broken;  // why the URL is not a URL, "" when fine
};

url_info inspect_url(std::string_view url) {
  url_info u;
  std::string_view path = url;
  if (auto scheme = path.find("://"); scheme != std::string_view::npos) {
    std::size_t slash = path.find('/', scheme + 3);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string_view first = path.substr(0, std::min(path.find('/'), path.find('?')));
  if (first == "v1.0" || first == "beta") u.version = std::string(first);
  if (url.find("**") != std::string_view::npos ||
      (url.find(' ') != std::string_view::npos && icontains(url, " not found"))) {
    u.broken = "the documented URL is a generator leftover, not a URL";
    return u;
  }
  // Spaces are fine inside {placeholders} and the query string, not in the path itself.
  std::string_view before_query = url.substr(0, url.find('?'));
  if (before_query.find(' ') == std::string_view::npos && before_query.find('\t') == std::string_view::npos)
    return u;  // the usual case
  int depth = 0;
  for (char c : before_query) {
    if (c == '{')
      ++depth;
    else if (c == '}')
      depth = std::max(0, depth - 1);
    else if ((c == ' ' || c == '\t') && depth == 0) {
      u.broken = "the documented URL has a space in its path";
      return u;
    }
  }
  return u;
}

// std::filesystem::path::stem() without building a path (and splitting it into components) per page.
std::string page_name(std::string_view file) {
  std::string_view name = file.substr(file.rfind('/') + 1);
  if (name == "." || name == "..") return std::string(name);
  std::size_t dot = name.rfind('.');
  return std::string(dot == std::string_view::npos || dot == 0 ? name : name.substr(0, dot));
}

// path::extension() == ".md" on a path's text: a leading dot (".md") is a hidden file, not an extension.
bool has_md_extension(std::string_view file) {
  std::string_view name = file.substr(file.rfind('/') + 1);
  return name.size() > 3 && name.ends_with(".md");
}

std::string strip_hash(std::string_view s) {
  while (!s.empty() && s.front() == '#') s.remove_prefix(1);
  return std::string(trim(s));
}

std::string resource_name_from_title(std::string_view h1) {
  std::string_view t = trim(h1);
  std::size_t rt = ifind(t, " resource type");
  if (rt == std::string_view::npos) rt = ifind(t, " complex type");
  if (rt == std::string_view::npos) rt = ifind(t, " resource");
  if (rt != std::string_view::npos) t = trim(t.substr(0, rt));
  if (t.find(' ') != std::string_view::npos) return {};
  return std::string(t);
}

// ---------------------------------------------------------------------------------------------------------------
// The page's types: a resource page's property tables define its type, "Member" tables define enum types.

bool is_resource_page(const page_walker& w) {
  return w.resource_page || w.file.find("/resources/") != std::string_view::npos ||
         w.file.starts_with("resources/") || icontains(w.h1, "resource type");
}

// Which tables describe the page's type, by their heading in lower case: on a resource page the one under
// "Properties" (tables under "Properties of a ... definition" describe nested structures); on an API page not
// the header, query, path or permission tables.
bool describes_page_type(std::string_view heading, bool resource_page, bool has_properties_heading) {
  if (resource_page) return !has_properties_heading || heading == "properties";
  return heading.find("header") == std::string_view::npos &&
         heading.find("query") == std::string_view::npos &&
         heading.find("path parameter") == std::string_view::npos &&
         heading.find("permission") == std::string_view::npos;
}

// A resource page defines a type; an API page documents its examples' properties. `first_table_line` is the
// line of the first table read, 0 when none.
std::vector<property> read_property_tables(const page_walker& w, bool resource_page,
                                           std::size_t& first_table_line) {
  std::vector<property> page_props;
  bool has_properties_heading = false;
  if (resource_page)
    for (const auto& t : w.tables)
      has_properties_heading |= is_property_table(t.rows.front()) && iequals(trim(t.heading), "Properties");
  for (const auto& t : w.tables) {
    if (!is_property_table(t.rows.front())) continue;
    std::string heading = to_lower(t.heading);
    if (!describes_page_type(heading, resource_page, has_properties_heading)) continue;
    if (!first_table_line) first_table_line = t.line;
    auto props = table_properties(t);
    for (auto& p : props) p.source = std::string(w.file);
    // "Required." in a request-body table is a requirement on the request, not on the response.
    if (!resource_page && heading.find("request") != std::string::npos)
      for (auto& p : props) p.required = false;
    merge_properties(page_props, props);
  }
  return page_props;
}

// The type is the one the resource annotation names, else the one the title names, else the page's own name.
// Its base is the one the page's "Inherits from" names (the first page to name one, for a type on several).
void define_resource_type(page_walker& w, const std::string& page, const std::vector<property>& page_props,
                          std::size_t first_table_line) {
  std::string name =
      !w.resource_type.empty() ? simple_type_name(w.resource_type) : resource_name_from_title(w.h1);
  if (name.empty()) name = page;
  std::string key = simple_type_name(name);
  if (page_props.empty() && w.base.empty() && w.out.types.contains(key)) return;
  auto& td = w.out.types[key];
  if (td.name.empty()) {
    td.name = !w.resource_type.empty() ? strip_hash(w.resource_type) : name;
    td.file = std::string(w.file);
    td.line = first_table_line ? first_table_line : 1;
  }
  if (td.base.empty() && !w.base.empty() && !same_type(w.base, td.name)) td.base = w.base;
  merge_properties(td.properties, page_props);
}

// The enum type a "Member" table lists: under "### x values" (enums.md) or on an "x enum type" page (Intune);
// empty when the table names none.
std::string_view enum_type_name(const table& t, std::string_view h1) {
  std::string_view name = trim(t.heading);
  if (iends_with(name, " values"))
    name = trim(name.substr(0, name.size() - 7));
  else if (std::size_t et = ifind(h1, " enum type"); et != std::string_view::npos)
    name = trim(h1.substr(0, et));
  else
    return {};
  if (name.find(' ') != std::string_view::npos) return {};
  return name;
}

void define_enum_types(page_walker& w) {
  for (const auto& t : w.tables) {
    // "Member | Value | Description" (enums.md) or "Value | Description" (the other common convention).
    if (t.rows.size() < 2) continue;
    const std::string_view first = trim(t.rows.front()[0]);
    if (!iequals(first, "Member") && !iequals(first, "Value")) continue;
    std::string_view name = enum_type_name(t, w.h1);
    if (name.empty()) continue;
    auto& td = w.out.types[simple_type_name(name)];
    if (td.name.empty()) {
      td.name = std::string(name);
      td.file = std::string(w.file);
      td.line = t.line;
    }
    // Members already listed are found through a set: a search per row made long tables quadratic.
    std::unordered_set<std::string> listed(td.members.begin(), td.members.end());
    for (std::size_t r = 1; r < t.rows.size(); ++r) {
      std::string m(trim(t.rows[r][0]));
      m.erase(std::remove(m.begin(), m.end(), '`'), m.end());
      if (!m.empty() && listed.insert(m).second) td.members.push_back(std::move(m));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Code blocks: request and response examples, and the endpoint templates of the "HTTP request" section.

struct example {
  http_block http;
  std::size_t line = 0;  // line of the request/status line in the file
  std::size_t body_line = 0;
  std::optional<annotation> note;
  bool paired = false;
  bool ignored = false;  // annotated "ignored" outside the templates: an example the doc tooling skips
  bool under_request_heading = false;  // an annotated request under a level-3+ "HTTP request" heading
};

struct page_examples {
  std::vector<std::string> templates;  // "GET /users/{id}", one per request line of the template blocks
  std::vector<example> requests, responses;
};

bool is_http_fence(std::string_view info) {
  std::string i = to_lower(info);
  return i == "http" || i.empty() || i == "msgraph-interactive" || i.starts_with("http ");
}

// "https://Graph.microsoft.com:443/v1.0/me" -> "Graph.microsoft.com"; "" for a relative URL.
std::string_view url_host(std::string_view url) {
  url = trim(url);
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos || scheme > 8) return {};
  std::string_view rest = url.substr(scheme + 3);
  std::size_t end = rest.find_first_of("/:?#");
  return rest.substr(0, end);
}

// How many lines of a block are request lines ("GET /users/{id}").
std::size_t request_lines(std::string_view text) {
  std::size_t n = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view l = trim(text.substr(pos, nl == std::string_view::npos ? nl : nl - pos));
    auto sp = l.find(' ');
    if (sp != std::string_view::npos && detail::is_http_method(l.substr(0, sp))) ++n;
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return n;
}

// Templates often list several lines (one per route): each request line is kept.
void add_template_lines(std::string_view text, std::vector<std::string>& templates) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view l = trim(text.substr(pos, nl == std::string_view::npos ? nl : nl - pos));
    auto sp = l.find(' ');
    if (sp != std::string_view::npos && detail::is_http_method(l.substr(0, sp)))
      templates.push_back(std::string(l.substr(0, sp)) + " " + std::string(trim(l.substr(sp + 1))));
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
}

page_examples collect_examples(page_walker& w) {
  page_examples found;
  for (const auto& b : w.blocks) {
    std::string bt = b.note ? b.note->block_type : "";
    if (bt == "resource" || bt == "example" || bt == "enum" || bt == "enumeration" || bt == "property")
      continue;
    bool http_fence = is_http_fence(b.info);
    bool annotated = bt == "request" || bt == "response";
    if (!http_fence && !annotated) continue;
    http_block hb = detail::parse_http_block(b.text);
    if (hb.kind == block_kind::none) {
      if (annotated && http_fence)
        w.diag(b.line, severity::warning, "unparsed-http-block",
               "block annotated as " + bt + " has no request line or status line");
      continue;
    }
    // Templates: blocks of the "## HTTP request" section; blocks under a level-3+ "HTTP request" heading that
    // are not annotated as examples and show relative URLs or several request lines (a page's example
    // section may head its one absolute example URL so); unannotated blocks listing several request lines
    // (one per route, a URL template with [optional] parts), which no single response answers.
    const bool several = hb.kind == block_kind::request && request_lines(b.text) > 1;
    // A block annotated as a request in the "## HTTP request" section is an example as well as the section's
    // template (site-getbypath.md's only request): the annotation says so.
    if (b.in_template_section && bt == "request" && hb.kind == block_kind::request && !several)
      add_template_lines(b.text, found.templates);
    else if (b.in_template_section ||
             (b.under_request_heading && !annotated && (several || url_host(hb.url).empty())) ||
             (!b.note && several)) {
      if (hb.kind == block_kind::request) add_template_lines(b.text, found.templates);
      continue;
    }
    example e;
    e.line = b.line + hb.first_line;
    e.body_line = b.line + hb.body_line;
    e.http = std::move(hb);
    e.note = b.note;
    e.ignored = bt == "ignored";
    e.under_request_heading = b.under_request_heading;
    if (bt == "request" && e.http.kind != block_kind::request)
      w.diag(e.line, severity::warning, "block-type-mismatch", "annotated as request but holds a response");
    if (bt == "response" && e.http.kind != block_kind::response)
      w.diag(e.line, severity::warning, "block-type-mismatch", "annotated as response but holds a request");
    (e.http.kind == block_kind::request ? found.requests : found.responses).push_back(std::move(e));
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: a response and the request it answers.

bool looks_like_json(std::string_view body) {
  body = trim(body);
  return body.starts_with("{") || body.starts_with("[");
}

bool declares_json(const header_list& headers) {
  const header* ct = find_header(headers, "Content-Type");
  return ct && icontains(ct->value, "json");
}

void fill_body(page_walker& w, const example& e, std::string& body, std::optional<boost::json::value>& json) {
  body = e.http.body;
  if (body.empty()) return;
  std::string_view b = trim(body);
  if (!looks_like_json(b) && !(declares_json(e.http.headers) && !b.empty() &&
                               (b.front() == '"' || std::isdigit(static_cast<unsigned char>(b.front())))))
    return;  // text, XML, binary placeholders: kept as text
  auto r = parse_documented_json(body, w.opts.max_json_depth);
  if (r.value) {
    json = std::move(r.value);
    // The parsed value is the body from here on; keeping the text too doubled the memory of large suites.
    body.clear();
    body.shrink_to_fit();
    if (!r.repairs.empty()) {
      std::string what;
      for (auto& x : r.repairs) what += (what.empty() ? "" : ", ") + x;
      w.diag(e.body_line, severity::warning, "json-repaired",
             "documented JSON body is not strict JSON; repaired: " + what);
    }
    return;
  }
  std::size_t line = r.error_line ? e.body_line + r.error_line - 1 : e.body_line;
  w.diag(line, severity::error, "invalid-json-body",
         "documented JSON body cannot be parsed (" + r.error + "); kept as text");
}

std::string body_odata_type(const boost::json::value& v, bool& collection) {
  if (auto* o = v.if_object()) {
    if (auto* t = o->if_contains("@odata.type"))
      if (auto* s = t->if_string()) return std::string(*s);
    if (auto* val = o->if_contains("value"))
      if (auto* a = val->if_array()) {
        collection = true;
        for (auto& item : *a)
          if (auto* io = item.if_object())
            if (auto* t = io->if_contains("@odata.type"))
              if (auto* s = t->if_string()) return std::string(*s);
      }
  }
  return {};
}

// The API version a folder's name is: "v1.0" or "beta" (the docs' own layout, api-reference/beta/api/x.md);
// "" else.
std::string_view version_of_folder(std::string_view name) {
  for (std::string_view v : {"v1.0", "beta"})
    if (iequals(name, v)) return v;
  return {};
}

// The version the folders of a page's path name, the nearest first; a relative path is read under the
// working directory, so `cd beta && conform run api` finds it too.
std::string folder_version(std::string_view file) {
  static const std::string cwd = [] {
    std::error_code ec;
    std::string d = std::filesystem::current_path(ec).string();
    return ec ? std::string() : d;
  }();
  std::string path(file);
  if (path.empty() || path.front() != '/') path = cwd + "/" + path;
  std::string_view dir(path);
  dir = dir.substr(0, dir.rfind('/') == std::string_view::npos ? 0 : dir.rfind('/'));
  while (!dir.empty()) {
    const std::size_t slash = dir.rfind('/');
    if (std::string_view v = version_of_folder(slash == std::string_view::npos ? dir : dir.substr(slash + 1));
        !v.empty())
      return std::string(v);
    if (slash == std::string_view::npos) break;
    dir = dir.substr(0, slash);
  }
  return {};
}

// The version relative URLs on a page take: its folder's, else that of the page's first request that names
// one, else the default (--default-version).
std::string page_version(std::string_view file, const std::vector<example>& requests, const options& opts) {
  if (std::string v = folder_version(file); !v.empty()) return v;
  for (const auto& r : requests)
    if (auto u = inspect_url(r.http.url); !u.version.empty()) return u.version;
  return opts.default_version;
}

// A named response pairs with the request of that name (the last unpaired one, else the last); otherwise with
// the closest unpaired request before it. Asked for the page's responses in order, it finds each request
// without scanning the page's requests again (a page of 20,000 examples took 30 s), so it keeps, by name, the
// requests that may still be unpaired, and a stack of the unpaired requests before the last response asked
// about. Paired is never undone, so paired requests are dropped from both when met.
class request_matcher {
 public:
  explicit request_matcher(std::vector<example>& requests) : requests_(requests) {
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (i > 0 && requests[i].line <= requests[i - 1].line) in_order_ = false;
      if (const auto& n = requests[i].note; n && !n->name.empty()) {
        named& k = by_name_[n->name];
        k.unpaired.push_back(i);
        k.last = i;
      }
    }
  }

  // nullptr when there is none.
  example* request_for(const example& resp) {
    if (resp.note && !resp.note->name.empty())
      if (auto it = by_name_.find(resp.note->name); it != by_name_.end()) {
        named& k = it->second;
        while (!k.unpaired.empty() && requests_[k.unpaired.back()].paired) k.unpaired.pop_back();
        return &requests_[k.unpaired.empty() ? k.last : k.unpaired.back()];
      }
    if (!in_order_ || resp.line < last_response_line_) return closest_by_scan(resp);
    const std::size_t previous_response = last_response_line_;
    last_response_line_ = resp.line;
    while (next_ < requests_.size() && requests_[next_].line < resp.line) before_.push_back(next_++);
    while (!before_.empty() && requests_[before_.back()].paired) before_.pop_back();
    if (before_.empty()) return nullptr;
    // An `ignored` request (a variant the docs' tooling skips, onlinemeeting-get.md's second form of a URL)
    // between an annotated request and its response: the response answers the annotated one, found among the
    // requests since the previous response.
    if (requests_[before_.back()].ignored)
      for (auto it = before_.rbegin(); it != before_.rend() && requests_[*it].line > previous_response;
           ++it) {
        example& r = requests_[*it];
        if (!r.paired && !r.ignored && r.note && r.note->block_type == "request") {
          displaced_ = &requests_[before_.back()];
          return &r;
        }
      }
    return &requests_[before_.back()];
  }

  // The request the last request_for would have chosen by closeness alone, when an annotated one was chosen
  // over an ignored one (nullptr otherwise): fixture ids stay those the closest request gave.
  const example* displaced() const { return displaced_; }
  void clear_displaced() { displaced_ = nullptr; }

 private:
  struct named {
    std::vector<std::size_t> unpaired;  // in page order; the paired ones at its end are dropped when met
    std::size_t last = 0;
  };

  // For requests or responses out of page order, which md4c does not produce.
  example* closest_by_scan(const example& resp) {
    example* req = nullptr;
    for (auto& r : requests_)
      if (r.line < resp.line && !r.paired) req = &r;
    return req;
  }

  std::vector<example>& requests_;
  std::unordered_map<std::string_view, named> by_name_;
  bool in_order_ = true;
  std::size_t next_ = 0;             // requests_[next_] is the first not yet on before_
  std::vector<std::size_t> before_;  // requests before the last response, unpaired ones on top
  std::size_t last_response_line_ = 0;
  example* displaced_ = nullptr;
};

// "<page>/<example name>", the name from the request's annotation, else the response's, else the example's
// number on the page; made unique on the page with "-2", "-3", ... `tried` keeps, by name, the suffix last
// given: ids are never taken back, so the search goes on from there instead of from "-2" every time (a page
// of 20,000 examples of one name tried 200 million ids).
std::string fixture_id(const std::string& page, const example& req, const example& resp,
                       std::size_t example_no, std::set<std::string>& ids,
                       std::unordered_map<std::string, int>& tried) {
  std::string name = req.note && !req.note->name.empty()     ? req.note->name
                     : resp.note && !resp.note->name.empty() ? resp.note->name
                                                             : "example-" + std::to_string(example_no);
  std::string id = page + "/" + name;
  if (ids.contains(id)) {
    int& n = tried.try_emplace(name, 2).first->second;
    for (id = page + "/" + name + "-" + std::to_string(n); ids.contains(id);)
      id = page + "/" + name + "-" + std::to_string(++n);
  }
  ids.insert(id);
  return id;
}

void fill_request(page_walker& w, const example& req, request_example& r) {
  r.method = req.http.method;
  r.url = req.http.url;
  r.headers = req.http.headers;
  r.line = req.line;
  r.body_line = req.body_line;
  fill_body(w, req, r.body, r.json);
}

void fill_response(page_walker& w, example& resp, response_example& r) {
  r.status = resp.http.status;
  r.reason = resp.http.reason;
  r.headers = resp.http.headers;
  r.line = resp.line;
  r.body_line = resp.body_line;
  if ((resp.http.status == 204 || resp.http.status == 304) && !trim(resp.http.body).empty()) {
    // HTTP forbids a body here: no server can send it, so it cannot be part of the contract.
    w.diag(resp.body_line, severity::warning, "body-not-allowed",
           "a " + std::to_string(resp.http.status) + " response has no body; the documented body is ignored");
    resp.http.body.clear();
  }
  fill_body(w, resp, r.body, r.json);
}

// Edit distance, bounded: `limit + 1` as soon as it is certainly above `limit` (hosts are short).
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diag + (std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                                         std::tolower(static_cast<unsigned char>(b[j - 1]))
                                     ? 0
                                     : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// A host that is not the API's but looks like it: "graph.microsft.com", or "https://graph/microsoft.com/..."
// (a '/' typed for a '.'). "" when the host is Graph's or unrelated.
std::string look_alike_host(std::string_view url) {
  static constexpr std::string_view api = "graph.microsoft.com";
  std::string_view host = url_host(url);
  if (host.empty() || iequals(host, api)) return {};
  std::string_view rest = trim(url).substr(trim(url).find("://") + 3 + host.size());
  std::string joined(host);
  if (!rest.empty() && rest.front() == '/') {
    std::string_view seg = rest.substr(1, rest.find_first_of("/?#", 1) - 1);
    joined += "." + std::string(seg);
  }
  for (std::string_view candidate : {host, std::string_view(joined)})
    if (iequals(candidate, api) || edit_distance(candidate, api, 2) <= 2)
      return std::string(candidate == host ? host : joined);
  return {};
}

// The fixture's version, and whether it can be sent as documented: a broken URL is a documentation error, a
// request body meant as JSON that does not parse cannot be replayed.
void judge_request(page_walker& w, fixture& f, const std::string& page_version) {
  if (std::string like = look_alike_host(f.request.url); !like.empty())
    w.diag(f.line, severity::warning, "look-alike-host",
           "the example URL's host \"" + std::string(url_host(f.request.url)) + "\" is not the API's (" +
               "graph.microsoft.com) but looks like it: " + f.request.url);
  auto u = inspect_url(f.request.url);
  f.version = u.version.empty() ? page_version : u.version;
  if (!u.broken.empty()) {
    f.runnable = false;
    f.not_runnable_reason = u.broken + ": " + f.request.url;
    w.diag(f.line, severity::error, "broken-url", f.not_runnable_reason);
  } else if (!f.request.body.empty() && !f.request.json &&
             (looks_like_json(f.request.body) || declares_json(f.request.headers))) {
    f.runnable = false;
    f.not_runnable_reason = "the documented request body is not valid JSON";
  }
}

void apply_response_annotation(const annotation& note, fixture& f) {
  f.response.truncated = note.truncated;
  f.response.is_collection = note.is_collection;
  f.expect_error = note.expect_error;
  f.optional_properties = note.optional_properties;
  f.nullable_properties = note.nullable_properties;
}

// The @odata.type the response is held to: the annotation's and the example body's, which should agree. A
// body naming another type is said here, as odata-type-mismatch; link() takes back those where it names a
// type derived from the annotation's, which is known only once every resource page is in.
void settle_odata_type(page_walker& w, const example& resp, fixture& f) {
  std::string declared = resp.note ? strip_hash(resp.note->odata_type) : std::string();
  if (const type_ref t = read_type(declared); t.collection) {
    declared = std::string(t.element);
    f.response.is_collection = true;
  }
  bool body_collection = false;
  std::string shown = f.response.json ? strip_hash(body_odata_type(*f.response.json, body_collection)) : "";
  if (!declared.empty() && !shown.empty() && !same_type(declared, shown) && !body_collection)
    w.diag(resp.line, severity::warning, "odata-type-mismatch",
           "annotation says @odata.type '" + declared + "' but the example body says '" + shown + "'");
  // The body's spelling is what a server sends; the annotation is often lower-cased by tooling.
  if (!declared.empty() && !shown.empty() && same_type(declared, shown))
    f.response.odata_type = shown;
  else if (!declared.empty())
    f.response.odata_type = declared;
  else if (!body_collection)
    f.response.odata_type = shown;
}

// `page_props` are the page's own property tables, which every fixture of the page is held to.
void pair_into_fixtures(page_walker& w, const std::string& page, page_examples& examples,
                        const std::vector<property>& page_props) {
  std::string version = page_version(w.file, examples.requests, w.opts);
  std::set<std::string> ids;
  std::unordered_map<std::string, int> tried;
  request_matcher matcher(examples.requests);
  std::size_t example_no = 0;
  for (auto& resp : examples.responses) {
    matcher.clear_displaced();
    example* req = matcher.request_for(resp);
    if (!req) {
      // A request before it was answered already: this is another answer to it (alternate responses, or the
      // 200 a documented 302 redirect leads to), not a response without a request.
      const bool alternate = std::any_of(examples.requests.begin(), examples.requests.end(),
                                         [&](const example& r) { return r.paired && r.line < resp.line; });
      if (!resp.ignored && !alternate)
        w.diag(resp.line, severity::warning, "unpaired-response",
               "response example has no request example before it; not a fixture");
      continue;
    }
    req->paired = true;
    fixture f;
    f.page = page;
    f.file = std::string(w.file);
    f.line = req->line;
    f.id =
        fixture_id(page, matcher.displaced() ? *matcher.displaced() : *req, resp, ++example_no, ids, tried);
    fill_request(w, *req, f.request);
    fill_response(w, resp, f.response);
    judge_request(w, f, version);
    if (resp.note) apply_response_annotation(*resp.note, f);
    settle_odata_type(w, resp, f);
    if (f.response.status >= 400) f.expect_error = true;
    f.properties = page_props;
    f.endpoint_templates = examples.templates;
    w.out.fixtures.push_back(std::move(f));
  }
  // The API's hosts: Graph's, and those of the page's answered requests. A request to another host (a
  // notification or callback POST to a partner's endpoint, https://bot.contoso.com/api/calls) is not an API
  // call the page owes a response for.
  std::set<std::string, std::less<>> api_hosts{"graph.microsoft.com"};
  for (const auto& r : examples.requests)
    if (r.paired)
      if (auto h = url_host(r.http.url); !h.empty()) api_hosts.insert(to_lower(h));
  for (const auto& r : examples.requests) {
    if (r.paired || r.ignored || r.under_request_heading) continue;
    if (auto h = url_host(r.http.url); !h.empty() && !api_hosts.contains(to_lower(h))) continue;
    w.diag(r.line, severity::warning, "unpaired-request",
           "request example has no response example; not a fixture");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pages on disk.

struct page_file {
  std::string path;
  bool walked = false;  // found by a directory walk as a regular file
};

// Files named (whatever their extension) and the *.md files below directories, each directory's sorted.
// Paths that do not exist go to `missing`.
std::vector<page_file> list_pages(const std::vector<std::string>& paths, std::vector<std::string>& missing) {
  namespace fs = std::filesystem;
  std::vector<page_file> pages;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
           !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec) && has_md_extension(it->path().native()))
          found.push_back(it->path().native());
      std::sort(found.begin(), found.end());
      for (auto& f : found) pages.push_back({std::move(f), true});
    } else if (fs::exists(p, ec)) {
      pages.push_back({p, false});
    } else {
      missing.push_back(p);
    }
  }
  return pages;
}

// nullopt for anything but a regular file (a pipe has no size to measure ahead).
std::optional<std::uintmax_t> regular_file_size(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<std::uintmax_t>(st.st_size);
}

// POSIX reads into one reused buffer (an ifstream per file cost more than reading the bytes). Sorted paths
// come directory by directory, so each page is opened relative to its directory's descriptor, and a regular
// file from a walk ends at the first short read: three system calls a page (files named on the command line
// may be pipes, which are read to the end).
class page_reader {
 public:
  explicit page_reader(std::size_t max_bytes) : max_bytes_(max_bytes) {}
  ~page_reader() {
    if (dir_fd_ >= 0) ::close(dir_fd_);
  }
  page_reader(const page_reader&) = delete;
  page_reader& operator=(const page_reader&) = delete;

  // The page's bytes, valid until the next read; nullopt, with a diagnostic in `out`, when it cannot be read.
  std::optional<std::string_view> read(const page_file& page, fixture_set& out) {
    const std::string& f = page.path;
    int fd = open(f);
    if (fd < 0) {
      unreadable(f, out);
      return std::nullopt;
    }
    std::size_t got = 0;
    outcome result = read_all(fd, page.walked, got);
    if (got > max_bytes_) result = outcome::too_large;
    if (result == outcome::too_large)
      out.diagnostics.push_back({f, 0, severity::error, "file-too-large",
                                 "file is " + std::to_string(regular_file_size(fd).value_or(got)) +
                                     " bytes, over the limit of " + std::to_string(max_bytes_)});
    else if (result == outcome::failed)
      unreadable(f, out);
    ::close(fd);
    if (result != outcome::read) return std::nullopt;
    // md4c 0.4.8 may look a few bytes past the end of a page: they are zeros, not the end of an earlier page.
    if (buf_.size() < got + 16) buf_.resize(got + 16);
    std::memset(buf_.data() + got, 0, 16);
    return std::string_view(buf_.data(), got);
  }

 private:
  enum class outcome { read, failed, too_large };

  int open(const std::string& f) {
    std::size_t slash = f.rfind('/');
    std::string_view dir = slash == std::string::npos ? std::string_view(".")
                           : slash == 0               ? std::string_view("/")
                                                      : std::string_view(f).substr(0, slash);
    if (dir_fd_ < 0 || dir != dir_path_) {
      if (dir_fd_ >= 0) ::close(dir_fd_);
      dir_path_.assign(dir);
      dir_fd_ = ::open(dir_path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    return dir_fd_ >= 0 ? ::openat(dir_fd_, f.c_str() + (slash == std::string::npos ? 0 : slash + 1),
                                   O_RDONLY | O_CLOEXEC)
                        : ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
  }

  // Reads into buf_, `got` bytes so far.
  outcome read_all(int fd, bool walked, std::size_t& got) {
    for (;;) {
      if (got == buf_.size()) {
        std::optional<std::uintmax_t> size;
        if (got > max_bytes_ || (got >= (1u << 20) && (size = regular_file_size(fd)) && *size > max_bytes_))
          return outcome::too_large;  // a large regular file is measured before it is read
        buf_.resize(buf_.size() * 2);
      }
      ssize_t n = ::read(fd, buf_.data() + got, buf_.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return outcome::failed;  // EISDIR for a directory named as a file
      got += static_cast<std::size_t>(n);
      if (n == 0 || (walked && got < buf_.size())) return outcome::read;
    }
  }

  static void unreadable(const std::string& f, fixture_set& out) {
    out.diagnostics.push_back({f, 0, severity::error, "unreadable-file", "cannot read the file"});
  }

  std::size_t max_bytes_;
  std::string buf_ = std::string(1 << 16, '\0');
  std::string dir_path_;  // the directory dir_fd_ is open on
  int dir_fd_ = -1;
};

}  // namespace

namespace {

// What only lint asks for: the front matter, and the JSON blocks of a resource page (its type's shape, which
// tooling and readers take as JSON).
void lint_page(page_walker& w, std::string_view text, bool resource_page) {
  for (auto& p : detail::check_front_matter(text))
    w.diag(p.line, severity::error, "invalid-front-matter", "YAML front matter does not parse: " + p.message);
  if (!resource_page) return;
  for (const code_block& b : w.blocks) {
    // A block annotated "ignored" is one the docs' own tooling is told to skip.
    if (!iequals(b.info, "json") || trim(b.text).empty() || (b.note && b.note->block_type == "ignored"))
      continue;
    auto r = parse_documented_json(b.text, w.opts.max_json_depth);
    if (r.value) continue;
    // A member shown alone ("body": {...}) is a fragment of an object, as the prose around it says.
    if (trim(b.text).front() == '"' && parse_documented_json("{" + b.text + "}", w.opts.max_json_depth).value)
      continue;
    w.diag(r.error_line ? b.line + r.error_line - 1 : b.line, severity::error, "invalid-json-body",
           "JSON block of a resource page cannot be parsed (" + r.error + ")");
  }
}

// `text` is followed by at least 16 zero bytes (see extract_text).
void extract_padded(std::string_view file, std::string_view text, fixture_set& out, const options& opts,
                    detail::page_outline* outline = nullptr) {
  ++out.files_read;
  out.bytes_read += text.size();
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  page_walker w(file, text, opts, out);
  if (outline) outline->file.assign(file);
  w.outline = outline;
  if (!w.walk()) {
    w.diag(1, severity::error, "unparsable-markdown", "the markdown parser gave up on this page");
    return;
  }
  if (w.pending && w.pending->block_type != "resource")
    w.diag(w.pending->line, severity::warning, "dangling-annotation",
           "annotation '" + w.pending->block_type + "' is not followed by a code block");

  std::string page = page_name(file);
  bool resource_page = is_resource_page(w);
  if (opts.lint_checks) lint_page(w, text, resource_page);
  std::size_t first_table_line = 0;
  std::vector<property> page_props = read_property_tables(w, resource_page, first_table_line);
  if (resource_page) {
    define_resource_type(w, page, page_props, first_table_line);
    page_props.clear();  // the tables are the type's: its examples get them through that type (properties_of)
  }
  define_enum_types(w);
  page_examples examples = collect_examples(w);
  pair_into_fixtures(w, page, examples, page_props);
}

}  // namespace

void extract_text(std::string_view file, std::string_view text, fixture_set& out, const options& opts) {
  // md4c 0.4.8 reads a few bytes past the end of its input (not instrumented, so no sanitizer sees it): what
  // follows a caller's page may be anything, and garbage there sent md4c to a wild address (found by the
  // fuzz_extract target). A copy followed by zeros makes it read zeros, as pages read from files do.
  thread_local std::string padded;
  padded.assign(text);
  padded.append(16, '\0');
  extract_padded(file, std::string_view(padded.data(), text.size()), out, opts);
}

namespace {

// An example body naming a type derived from the annotated one is no mismatch: OData allows an instance of a
// derived type wherever its base is declared. settle_odata_type said every disagreement while reading pages,
// before the resource pages that say what derives from what were all in; those where the body's type is
// derived from the annotation's (fixture's response.odata_type) are taken back here, in one look at each
// diagnostic and each fixture.
void drop_derived_type_mismatches(fixture_set& set) {
  constexpr std::string_view code = "odata-type-mismatch";
  using where = std::pair<std::string_view, std::size_t>;  // a response example's file and status line
  std::set<where> said;
  for (const auto& d : set.diagnostics)
    if (d.code == code) said.emplace(d.file, d.line);
  if (said.empty()) return;
  std::set<where> derived;  // views of the fixtures' file names, which stay put
  for (const auto& f : set.fixtures) {
    if (!f.response.json || f.response.odata_type.empty() || !said.contains(where(f.file, f.response.line)))
      continue;
    bool collection = false;
    std::string shown = strip_hash(body_odata_type(*f.response.json, collection));
    if (!collection && !shown.empty() && derives_from(set, shown, f.response.odata_type))
      derived.emplace(f.file, f.response.line);
  }
  if (derived.empty()) return;
  std::erase_if(set.diagnostics, [&](const diagnostic& d) {
    return d.code == code && derived.contains(where(d.file, d.line));
  });
}

}  // namespace

// The API version an example URL names differs from its page's (the version most of the page's examples
// name), or, on a page whose examples all agree, from the documentation set's when nearly every example of
// the set (9 in 10) names one version: "/v1.0/" on a beta page, "/beta/" in a v1.0 tree.
void check_url_versions(fixture_set& set) {
  struct page_count {
    std::map<std::string, std::size_t, std::less<>> versions;
  };
  std::map<std::string_view, page_count, std::less<>> pages;
  std::map<std::string, std::size_t, std::less<>> all;
  std::size_t named = 0;
  for (const fixture& f : set.fixtures) {
    std::string v = inspect_url(f.request.url).version;
    if (v.empty()) continue;
    ++pages[f.file].versions[v];
    ++all[v];
    ++named;
  }
  auto majority = [](const std::map<std::string, std::size_t, std::less<>>& counts) {
    std::pair<std::string, std::size_t> best{"", 0};
    for (const auto& [v, n] : counts)
      if (n > best.second) best = {v, n};
    return best;
  };
  const auto [set_version, set_count] = majority(all);
  const bool set_agrees = named > 0 && set_count * 10 >= named * 9;
  for (const fixture& f : set.fixtures) {
    std::string v = inspect_url(f.request.url).version;
    if (v.empty()) continue;
    const page_count& page = pages[f.file];
    std::string expected;
    std::string whose;
    const auto [page_version, n] = majority(page.versions);
    std::size_t total = 0;
    for (const auto& kv : page.versions) total += kv.second;
    if (page.versions.size() > 1 && n * 2 > total) {
      expected = page_version;
      whose = "the page's other examples";
    } else if (set_agrees) {  // one version on the page, or a tie
      expected = set_version;
      whose = std::to_string(set_count) + " of the documentation set's " + std::to_string(named) +
              " example URLs";
    }
    if (!expected.empty() && v != expected)
      set.diagnostics.push_back({f.file, f.line, severity::warning, "url-version-mismatch",
                                 "the example URL names API version " + v + " where " + whose + " name " +
                                     expected + ": " + f.request.url});
  }
}

void link(fixture_set& set) {
  drop_derived_type_mismatches(set);
  check_url_versions(set);
  // A property typed by an enum page gets that page's members, unless its own table listed some.
  auto fill_members = [&](std::vector<property>& props) {
    for (auto& p : props) {
      if (!p.enum_values.empty()) continue;
      const type_def* t = set.find_type(p.type);
      if (t && !t->members.empty()) p.enum_values = t->members;
    }
  };
  for (auto& [name, t] : set.types) fill_members(t.properties);
  for (auto& f : set.fixtures) fill_members(f.properties);
  // Only pages with tables of their own get a merged copy; the others share their type's list
  // (properties_of).
  for (auto& f : set.fixtures) {
    if (f.response.odata_type.empty() || f.properties.empty()) continue;
    if (const type_def* t = set.find_type(f.response.odata_type))
      merge_properties(f.properties, t->properties);
  }
}

void extract_paths(const std::vector<std::string>& paths, fixture_set& out, std::vector<std::string>& missing,
                   const options& opts) {
  page_reader reader(opts.max_file_bytes);
  std::vector<detail::page_outline> outlines;
  for (const auto& page : list_pages(paths, missing))
    if (auto text = reader.read(page, out))
      extract_padded(page.path, *text, out, opts, opts.lint_checks ? &outlines.emplace_back() : nullptr);
  if (opts.lint_checks) {
    // The docs tree: the directories named, and the folder of each page named.
    std::vector<std::string> roots;
    for (const auto& p : paths) {
      std::error_code ec;
      roots.push_back(std::filesystem::is_directory(p, ec) ? p
                                                           : std::filesystem::path(p).parent_path().string());
      if (roots.back().empty()) roots.back() = ".";
    }
    roots.insert(roots.end(), opts.docs_roots.begin(), opts.docs_roots.end());
    detail::check_links(outlines, roots, out);
  }
  link(out);
  // v1.0 and beta trees with the same page names: ids stay unique.
  disambiguate_pages(out);
  out.fixtures.shrink_to_fit();  // growth leaves up to half the capacity unused, for the whole run
}

}  // namespace conform::extract
