// Most of md4c's time on documentation pages goes into per-line work and inline parsing: every table cell and
// every paragraph is scanned for emphasis, links and code spans. Extraction reads no paragraph text, no cell
// of a table whose header shows it is neither a property nor a member table, and no code md4c need parse, so
// md4c parses a copy of the page built to give it exactly the same blocks (the rules below follow md4c
// 0.4.8's block scanner, md_analyze_line, with MD_FLAG_TABLES | MD_FLAG_NOINDENTEDCODEBLOCKS):
//   - a paragraph line becomes its container marks and indentation plus "x" (still paragraph text, held by
//   the
//     same containers), a continuation line is cut, and a top-level paragraph may be cut whole;
//   - a body row of a skipped top-level table becomes "|" (still a row), or all rows are cut when they all
//   can;
//   - a code block keeps its lines up to the first with text; the rest is cut and its text handed over.
// Cut lines are recorded as line shifts. The scanner tracks code fences, HTML blocks and tables only where it
// can be exact; wherever it could disagree with md4c it stops thinning for the rest of the page (an unchanged
// line is always right) or leaves the page as it is.
#include "extract/thin.hpp"

#include "model/fixture.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace conform::extract::detail {
namespace {

constexpr auto npos = std::string_view::npos;

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::size_t indent_of(std::string_view l) {
  std::size_t i = 0;
  while (i < l.size() && is_space(l[i])) ++i;
  return i;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::size_t find_ci(std::string_view s, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= s.size(); ++i)
    if (starts_with_ci(s.substr(i), needle)) return i;
  return npos;
}

// What follows whitespace, block quote marks and list markers: where a block inside containers would begin.
std::string_view past_containers(std::string_view l) {
  std::size_t i = 0;
  for (;;) {
    while (i < l.size() && is_space(l[i])) ++i;
    if (i >= l.size()) break;
    char c = l[i];
    if (c == '>') {
      ++i;
      continue;
    }
    if ((c == '-' || c == '+' || c == '*') && (i + 1 == l.size() || is_space(l[i + 1]))) {
      ++i;
      continue;
    }
    if (is_digit(c)) {
      std::size_t j = i;
      while (j < l.size() && j - i < 10 && is_digit(l[j])) ++j;
      if (j < l.size() && (l[j] == '.' || l[j] == ')') && (j + 1 == l.size() || is_space(l[j + 1]))) {
        i = j + 1;
        continue;
      }
    }
    break;
  }
  return l.substr(i);
}

// The fence length when `s` opens a code fence (md_is_opening_code_fence), else 0.
std::size_t opening_fence(std::string_view s) {
  if (s.empty() || (s[0] != '`' && s[0] != '~')) return 0;
  std::size_t n = 0;
  while (n < s.size() && s[n] == s[0]) ++n;
  if (n < 3) return 0;
  if (s[0] == '`' && s.find('`', n) != npos)
    return 0;  // a backtick in the info string: inline code, not a fence
  return n;
}

// md_is_closing_code_fence after the line's indentation.
bool closes_fence(std::string_view l, std::size_t indent, char fence_char, std::size_t fence_len) {
  std::size_t i = indent, run = 0;
  while (i < l.size() && l[i] == fence_char) ++i, ++run;
  if (run < fence_len) return false;
  while (i < l.size() && l[i] == ' ') ++i;
  return i == l.size();
}

// md_is_table_underline.
bool is_table_underline(std::string_view s) {
  auto ws = [&](std::size_t i) { return s[i] == ' ' || s[i] == '\t' || s[i] == '\v' || s[i] == '\f'; };
  std::size_t i = 0;
  bool pipe = false;
  if (i < s.size() && s[i] == '|') {
    pipe = true;
    ++i;
    while (i < s.size() && ws(i)) ++i;
  }
  for (;;) {
    std::size_t begin = i;
    if (i < s.size() && s[i] == ':') ++i;
    while (i < s.size() && s[i] == '-') ++i;
    if (i < s.size() && s[i] == ':') ++i;
    if (i - begin < 3) return false;
    bool delimited = false;
    while (i < s.size() && ws(i)) ++i;
    if (i < s.size() && s[i] == '|') {
      delimited = pipe = true;
      ++i;
      while (i < s.size() && ws(i)) ++i;
    }
    if (i >= s.size()) break;
    if (!delimited) return false;
  }
  return pipe;
}

// A line that may underline the paragraph above it (setext heading or table): that paragraph is kept whole.
bool may_underline(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c != '=' && c != '-' && c != ':' && c != '|' && !is_space(c)) return false;
  return true;
}

// md4c's HTML block types 1 to 5, the ones that end at a marker rather than at a blank line
// (md_is_html_block_start_condition); 0 for any other line starting with '<'.
int marker_html_type(std::string_view s) {
  std::string_view rest = s.substr(1);
  for (std::string_view tag : {"script", "pre", "style"})
    if (starts_with_ci(rest, tag)) return 1;
  if (rest.starts_with("!--")) return 2;
  if (rest.starts_with("?")) return 3;
  if (rest.size() >= 2 && rest[0] == '!' && rest[1] >= 'A' && rest[1] <= 'Z') return 4;
  if (rest.starts_with("![CDATA[")) return 5;
  return 0;
}

// md_is_html_block_end_condition for types 1 to 5 on the line [from, to) of `doc`. md4c's md_line_contains
// does not see a marker that ends exactly at the end of the document.
bool ends_html(std::string_view doc, std::size_t from, std::size_t to, int type) {
  std::string_view l = doc.substr(from, to - from);
  if (type == 1) {
    for (std::string_view end : {"</script>", "</style>", "</pre>"})
      if (find_ci(l, end) != npos) return true;
    return false;
  }
  std::string_view marker = type == 2 ? "-->" : type == 3 ? "?>" : type == 4 ? ">" : "]]>";
  for (std::size_t p = l.find(marker); p != npos; p = l.find(marker, p + 1))
    if (from + p + marker.size() < doc.size()) return true;
  return false;
}

// md_is_atxheader_line at column 0.
bool is_atx_heading(std::string_view l) {
  std::size_t n = 0;
  while (n < l.size() && l[n] == '#') ++n;
  return n >= 1 && n <= 6 && (n == l.size() || is_space(l[n]));
}

// A line of '-' and trailing blanks: a level-2 setext underline or a thematic break.
bool dashes_only(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && s[i] == '-') ++i;
  if (i == 0) return false;
  while (i < s.size() && is_space(s[i])) ++i;
  return i == s.size();
}

// Whether the first non-blank line from `from` on is an ATX heading at column 0. The walker reads a heading's
// text only as the page title (level 1), to know whether code blocks are URL templates (level 1 or 2, reset
// by the next such heading) and as the heading of the tables below it, so a level-2 heading followed only by
// blank lines and then an ATX heading is never read.
bool atx_heading_follows(std::string_view doc, std::size_t from) {
  while (from < doc.size()) {
    std::size_t e = doc.find('\n', from);
    std::string_view l = doc.substr(from, (e == npos ? doc.size() : e) - from);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (indent_of(l) != l.size()) return is_atx_heading(l) && !l.starts_with("###");
    if (e == npos) break;
    from = e + 1;
  }
  return false;
}

// Whether the first non-blank line from `from` on could continue an open list item: indented, or starting
// with container marks (see the blank-line case in thin_markdown).
bool list_line_follows(std::string_view doc, std::size_t from) {
  while (from < doc.size()) {
    std::size_t e = doc.find('\n', from);
    std::string_view l = doc.substr(from, (e == npos ? doc.size() : e) - from);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    std::size_t i = indent_of(l);
    if (i != l.size()) return i > 0 || past_containers(l).data() != l.data() || l[0] == '>';
    if (e == npos) break;
    from = e + 1;
  }
  return false;
}

// A line, after its container marks, that is a whole block by itself: an ATX heading, or a thematic break or
// setext underline (md4c has no leaf block open after it).
bool single_line_block(std::string_view s) {
  if (is_atx_heading(s)) return true;
  if (s.empty() || (s[0] != '-' && s[0] != '_' && s[0] != '*' && s[0] != '=')) return false;
  for (char c : s)
    if (c != s[0] && !is_space(c)) return false;
  return true;
}

// Whether md4c may have no leaf block open after this line (s: the line after its container marks): a
// single-line block, a line of marks only (an empty list item, a setext underline "-", a break "* * *"), or a
// code fence (a closing fence becomes a blank line in md4c). Saying yes too often only thins less.
bool ends_leaf_block(std::string_view l, std::string_view s) {
  std::string_view raw = l.substr(indent_of(l));
  if (s.empty() || single_line_block(s) || single_line_block(raw)) return true;
  std::size_t n = 0;
  while (n < s.size() && (s[n] == '`' || s[n] == '~') && s[n] == s[0]) ++n;
  return n >= 3;
}

// Whether, from `from` on, md4c may take a line's offset for a block type (see the blank-line case in
// thin_markdown): a blank line (or a line of quote marks) after a blank line or a single-line block, followed
// by a line that could continue a list item.
bool offset_read_ahead(std::string_view doc, std::size_t from) {
  bool after_block_end = false;
  while (from < doc.size()) {
    std::size_t e = doc.find('\n', from);
    std::size_t next = e == npos ? doc.size() : e + 1;
    std::string_view l = doc.substr(from, (e == npos ? doc.size() : e) - from);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    std::string_view s = past_containers(l);
    bool blankish = indent_of(l) == l.size() || (s.empty() && l.find('>') != npos);
    if (blankish && after_block_end && list_line_follows(doc, next)) return true;
    after_block_end = blankish || ends_leaf_block(l, s);
    from = next;
  }
  return false;
}

// One header cell as the walker compares it, with every emphasis character dropped: that can only make a
// header look more like a property table than md4c's text would, never less.
std::string header_cell(std::string_view c) {
  std::string out = to_lower(c);
  std::erase_if(out, [](char ch) { return ch == '*' || ch == '_'; });
  return std::string(trim(out));
}

// Whether the walker certainly skips the body of a table with this header row (a line starting with '|'):
// neither a property table (Property/Name/Parameter then a Type column) nor a Member table. Escapes,
// entities, code spans, links and inline HTML could make md4c's cell text differ from the raw text: such
// headers are kept.
bool certainly_skipped(std::string_view header) {
  for (char c : header)
    if (c == '\\' || c == '`' || c == '&' || c == '<' || c == '[') return false;
  // md4c drops a cell with nothing at all between its pipes ("||"), which moves the later cells left.
  if (header.find("||") != npos) return false;
  std::string_view rest = header.substr(1);
  std::size_t p1 = rest.find('|');
  std::string first = header_cell(rest.substr(0, p1));
  if (first == "member") return false;
  bool name_column =
      first == "property" || first == "name" || first == "parameter" || first == "property name";
  if (!name_column) return true;
  if (p1 == npos) return true;
  std::string_view after = rest.substr(p1 + 1);
  return header_cell(after.substr(0, after.find('|'))).find("type") == std::string::npos;
}

// Whether a line starting with '[' may open a link reference definition ("[label]: ..."): a label holds no
// unescaped bracket and may continue on the next line.
bool maybe_link_definition(std::string_view s) {
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '\\') return true;
    if (s[i] == '[') return false;
    if (s[i] == ']') return i + 1 < s.size() && s[i + 1] == ':';
  }
  return true;
}

bool has_letter(std::string_view s) {
  for (char c : s)
    if (is_letter(c)) return true;
  return false;
}

// Whether what follows a line's container marks is certainly paragraph text once fences, HTML, ATX headings
// and underlines are ruled out: no heading, table row, thematic break or link definition starts this way.
bool paragraph_text(std::string_view s) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '#':
    case '|':
    case '=':
      return false;
    case '*':
    case '_':
    case '-':
    case '+':
      return has_letter(s);  // not a thematic break (list markers were taken off already)
    case '[':
      return !maybe_link_definition(s);
    default:
      return true;
  }
}

// An HTML comment opening anywhere in the line.
bool has_comment(std::string_view l) {
  for (const char *p = l.data(), *end = l.data() + l.size();
       (p = static_cast<const char*>(std::memchr(p, '<', static_cast<std::size_t>(end - p)))); ++p)
    if (end - p >= 4 && p[1] == '!' && p[2] == '-' && p[3] == '-') return true;
  return false;
}

bool thinnable_row(std::string_view l) {
  return !l.empty() && l[0] == '|' && l.find('<') == npos;
}

enum class state { normal, fence, html_marker, until_blank, table };

// A code block's content lines as md4c gives them to the walker (md_process_verbatim_block_contents for a
// fence opened at column 0): indentation as spaces (tabs to the next multiple of four), the rest up to the
// line end, and a '\n' after every line. NUL bytes stay: md4c 0.4.8's md_text_with_null_replacement reports
// each as MD_TEXT_NULLCHAR (which the walker skips) and then starts the next text chunk at it.
void append_code_text(std::string_view content, std::string& out) {
  auto absent = [&](char c) { return std::memchr(content.data(), c, content.size()) == nullptr; };
  if (absent('\t') && absent('\r')) {
    out.append(content);
    if (!content.empty() && content.back() != '\n') out += '\n';
    return;
  }
  std::size_t pos = 0;
  while (pos < content.size()) {
    std::size_t nl = content.find('\n', pos);
    std::string_view l = content.substr(pos, (nl == npos ? content.size() : nl) - pos);
    pos = nl == npos ? content.size() : nl + 1;
    if (std::size_t cr = l.find('\r'); cr != npos) l = l.substr(0, cr);
    std::size_t width = 0, i = 0;
    for (; i < l.size() && is_space(l[i]); ++i)
      width = l[i] == '\t' ? (width + 4) & ~std::size_t{3} : width + 1;
    out.append(width, ' ');
    out.append(l.substr(i));
    out += '\n';
  }
}

}  // namespace

std::size_t thinned_page::page_line(std::size_t line) const {
  auto it = std::upper_bound(shifts.begin(), shifts.end(), line,
                             [](std::size_t l, const line_shift& s) { return l < s.first; });
  return it == shifts.begin() ? line : line + std::prev(it)->removed;
}

bool thin_markdown(std::string_view doc, std::string& buffer, thinned_page& page) {
  page.shifts.clear();
  page.code_texts.clear();
  // md4c counts vertical tabs and form feeds as whitespace in table syntax (and the walker trims them from
  // cells) where the scanner's rules do not: such a page is parsed as it is.
  if (std::memchr(doc.data(), '\v', doc.size()) || std::memchr(doc.data(), '\f', doc.size())) return false;
  // md4c ends a line at a lone carriage return too; line numbers here count '\n' only.
  for (const char* p = doc.data(); (p = static_cast<const char*>(std::memchr(
                                        p, '\r', static_cast<std::size_t>(doc.data() + doc.size() - p))));
       ++p)
    if (p + 1 == doc.data() + doc.size() || p[1] != '\n') return false;

  // The thinned page is never longer than the page (every stand-in is shorter than its line), so it is
  // written through a pointer into a buffer that only grows across pages, with 16 bytes to spare for the
  // caller to zero after the text (see thin.hpp).
  if (buffer.size() < doc.size() + 16) buffer.resize(doc.size() + 16);
  char* const begin = buffer.data();
  char* w = begin;
  bool changed = false;
  std::size_t kept_from = 0;  // kept lines are copied in runs: doc[kept_from, current line) is not yet in out
  auto flush = [&](std::size_t upto) {
    if (upto == kept_from) return;
    std::memcpy(w, doc.data() + kept_from, upto - kept_from);
    w += upto - kept_from;
    kept_from = upto;
  };

  state st = state::normal;
  char fence_char = 0;
  std::size_t fence_len = 0;
  int html_type = 0;
  bool thin_rows = false, empty_rows = false;
  bool boundary = true;         // the previous line ended every block (blank line, start, heading, fence end)
  bool html_ended = false;      // ... and it was the last line of an HTML block of type 1-5
  bool header_certain = false;  // the previous line is a top-level '|' line right after a boundary
  std::string_view header;
  bool keep_para = false;    // the current paragraph holds an HTML comment or a link definition: kept whole
  std::size_t para_in = 0;   // where the lines since the last boundary start in doc
  std::size_t para_out = 0;  // ... and in out, once one of them was replaced
  bool para_replaced = false;
  bool prose = false;           // this line is paragraph text, replaced or cut
  bool top_level = true;        // no container (list item, block quote) can be open in md4c before this line
  bool para_first_cut = false;  // the region's paragraph was cut whole, first line too
  bool block_end = true;        // this line leaves no leaf block open (blank line, heading, break, block end)

  std::size_t pos = 0, next = 0;  // the current line and the one after it
  bool newline = false;           // the current line ends with '\n'
  auto replace = [&](std::string_view indent, std::string_view stand_in) {
    flush(pos);
    if (!indent.empty())
      std::memcpy(w, indent.data(), indent.size());  // (memcpy from a null view is undefined)
    w += indent.size();
    if (!stand_in.empty()) std::memcpy(w, stand_in.data(), stand_in.size());
    w += stand_in.size();
    if (newline) *w++ = '\n';
    kept_from = next;
    changed = true;
  };
  // Cut lines (md4c never sees them) are counted so that the walker can map md4c's lines back to the page's.
  std::size_t line_no = 0, removed = 0;           // the current line's number in doc; lines cut so far
  bool shift_pending = false;                     // lines were cut since the last line kept
  std::size_t para_removed = 0, para_shifts = 0;  // both as they were where the current region starts
  auto cut = [&] {
    flush(pos);
    kept_from = next;
    ++removed;
    shift_pending = changed = true;
  };
  auto new_region = [&] {  // the next line starts a new paragraph region
    para_in = next;
    para_replaced = para_first_cut = false;
    para_removed = removed;
    para_shifts = page.shifts.size();
  };
  auto at_blank_line = [&] {  // every block but containers ends: back to the normal state, a new region
    st = state::normal;
    boundary = block_end = true;
    html_ended = keep_para = false;
    new_region();
  };
  auto restore_region = [&] {  // the lines since the last boundary, as they were
    if (!para_replaced) return;
    w = begin + para_out;
    kept_from = para_in;
    removed = para_removed;
    page.shifts.resize(para_shifts);
    shift_pending = false;
    para_replaced = para_first_cut = false;
  };
  // Code fences: the content lines after the first one with text are cut (md4c has the same block, and the
  // same line for it, from the lines kept); the walker takes the whole text from page.code_texts.
  std::size_t fences = 0;         // code blocks opened so far, as md4c counts them
  std::size_t content_begin = 0;  // the current fence's first content line
  bool text_seen = false, cut_in_fence = false;
  auto end_fence = [&](std::size_t content_end) {
    if (!cut_in_fence) return;
    page.code_texts.push_back({fences - 1, {}});
    append_code_text(doc.substr(content_begin, content_end - content_begin), page.code_texts.back().text);
  };
  auto finish = [&] {
    if (st == state::fence) end_fence(doc.size());
    if (!changed) return false;
    flush(doc.size());
    page.text = std::string_view(begin, static_cast<std::size_t>(w - begin));
    return true;
  };
  // Thinning stops here: the rest goes to md4c as it is, each offset moved by what was thinned before. Where
  // md4c may read an offset as a block type in the rest, the move must be a multiple of 256, or the page is
  // parsed as it is.
  auto give_up = [&] {
    std::size_t moved = kept_from - static_cast<std::size_t>(w - begin);  // doc[kept_from] lands at w
    if (moved % 256 != 0 && offset_read_ahead(doc, pos)) return false;
    return finish();
  };

  for (; pos < doc.size(); pos = next) {
    const char* nlp = static_cast<const char*>(std::memchr(doc.data() + pos, '\n', doc.size() - pos));
    newline = nlp != nullptr;
    std::size_t end = nlp ? static_cast<std::size_t>(nlp - doc.data()) : doc.size();
    next = nlp ? end + 1 : end;
    std::string_view l = doc.substr(pos, end - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    const std::size_t ind = indent_of(l);
    const bool blank = ind == l.size();

    ++line_no;
    const bool after_block_end = std::exchange(block_end, false);  // the line before left no leaf block open
    if (st == state::fence && text_seen && !closes_fence(l, ind, fence_char, fence_len)) {
      cut();
      cut_in_fence = true;
      continue;
    }
    if (shift_pending) {
      page.shifts.push_back({line_no - removed, removed});
      shift_pending = false;
    }
    const bool was_header_certain = header_certain;
    header_certain = false;
    const bool prose_before = prose;  // the line before was paragraph text, replaced or cut
    prose = false;
    // A paragraph line becomes its container marks and indentation plus "x", so the same containers hold it
    // and the paragraph stays open (or lazy) exactly as before; a continuation line right after another is
    // cut.
    auto thin_prose = [&](std::string_view marks, bool whole) {
      if (!para_replaced) para_out = static_cast<std::size_t>(w - begin) + (para_in - kept_from);
      if (whole || (prose_before && marks.size() == ind))
        cut();
      else
        replace(marks, "x");
      para_first_cut = para_first_cut || whole;
      para_replaced = true;
      prose = true;
    };

    switch (st) {
      case state::fence:
        if (closes_fence(l, ind, fence_char, fence_len)) {  // md4c turns the closing fence into a blank line
          end_fence(pos);
          st = state::normal;
          boundary = block_end = true;
          new_region();
        } else if (!blank) {
          text_seen = true;  // the first text md4c hands over from the page: the walker dates the block by it
        }
        break;

      case state::html_marker:
        if (ends_html(doc, pos, pos + l.size(), html_type)) {
          st = state::normal;
          boundary = true;
          html_ended = true;
          new_region();
        }
        break;

      case state::until_blank: {
        // An HTML block of type 6/7, a paragraph it might be instead, or a table md4c may or may not have
        // started: all end at the next blank line, unless something inside opens a block that runs past it.
        if (blank && !top_level && after_block_end && list_line_follows(doc, next)) return false;
        block_end = true;  // whatever it is, it is not known to keep a leaf block open
        if (blank) {
          at_blank_line();
          break;
        }
        std::string_view s = past_containers(l);
        if (s.data() != l.data() + ind) top_level = false;
        if (opening_fence(s)) return give_up();
        if (!s.empty() && s[0] == '<') {
          std::size_t at = static_cast<std::size_t>(s.data() - doc.data());
          int t = marker_html_type(s);
          if (t && !ends_html(doc, at, pos + l.size(), t)) return give_up();
        }
        break;
      }

      case state::table:
        // A top-level table: every line up to the blank line is a row, except one that starts a container
        // or is a thematic break, which md4c checks first.
        if (blank) {
          at_blank_line();  // (no offset guard: a certain table is top-level, no container is open)
        } else if (l[0] == '|') {
          if (empty_rows)
            cut();  // the table then ends at its header, as it did at the blank line
          else if (thin_rows && thinnable_row(l))
            replace({}, "|");
        } else {
          char c = l[ind];
          if (c == '-' || c == '_' || c == '*' || c == '+' || c == '>' || is_digit(c)) return give_up();
        }
        break;

      case state::normal: {
        if (blank) {
          // md4c 0.4.8 checks, at a blank line inside a list item after a block ended, whether the item is
          // still empty by reading its block stack's last bytes as a block header: after a paragraph they are
          // the last line's offsets, so the answer depends on where lines start in the text, and it decides
          // whether the next line, if indented, stays in the item. Offsets move when lines are thinned, so a
          // page where that can happen (a blank line, a container possibly open, an indented or marked line
          // next) is parsed as it is.
          if (!top_level && after_block_end && list_line_follows(doc, next)) return false;
          at_blank_line();
          break;
        }
        const bool was_boundary = boundary;
        // md4c joins HTML lines that follow one another into one block: a paragraph between an HTML block
        // that ended on the line before and one that starts on the line after must stay, or their lines would
        // be counted from the first block's start.
        const bool after_html = std::exchange(html_ended, false);
        boundary = false;
        if (is_letter(l[ind]) || static_cast<unsigned char>(l[ind]) >= 0x80) {
          // Most lines: paragraph text, nothing but a paragraph starts with a letter. A paragraph that starts
          // at column 0 after a boundary with no container open is cut whole: it closes nothing and opens
          // nothing (should a line follow that it would have kept from starting a block of its own, such as
          // "2. x" or a type 7 HTML tag, the region is put back first).
          if (has_comment(l)) {
            restore_region();
            keep_para = true;
          } else if (!keep_para) {
            thin_prose(l.substr(0, ind), ind == 0 && was_boundary && !after_html && top_level);
          }
          if (ind == 0 && was_boundary)
            top_level = true;  // a new paragraph at column 0 closes every container
          break;
        }
        std::string_view s = past_containers(l);
        const bool col0 = s.data() == l.data();
        // A line of block quote marks only is a blank line inside the quote (see the blank-line case above).
        if (s.empty() && l.find('>') != std::string_view::npos) {
          if (after_block_end && list_line_follows(doc, next)) return false;
          block_end = true;
        }
        if (ends_leaf_block(l, s)) block_end = true;
        // A code fence, an ATX heading or an HTML block of type 1-5 at column 0 ends a paragraph whether it
        // is there or not; anything else puts a paragraph cut whole back.
        if (para_first_cut &&
            !(col0 && (opening_fence(s) || is_atx_heading(l) || (s[0] == '<' && marker_html_type(s)))))
          restore_region();
        if (s.data() != l.data() + ind)
          top_level = false;  // container marks: a list item or quote may be open from here on
        else if (col0 && (was_boundary || opening_fence(s) || is_atx_heading(l)))
          top_level = true;
        if (std::size_t n = opening_fence(s)) {
          // At column 0 the fence is certainly top-level (no list item or quote can hold the line), so it
          // closes at the first closing fence. Indented, it may sit in a list item that a less indented line
          // ends, and the fence with it.
          if (!col0) return give_up();
          st = state::fence;
          fence_char = s[0];
          fence_len = n;
          ++fences;
          content_begin = next;
          text_seen = cut_in_fence = false;
          break;
        }
        if (!s.empty() && s[0] == '<') {
          std::size_t at = static_cast<std::size_t>(s.data() - doc.data());
          int t = marker_html_type(s);
          bool ended = t && ends_html(doc, at, pos + l.size(), t);
          // Inside a container a type 1-5 block may end early (with the container) or run past a blank line.
          if (!col0 && t && !ended) return give_up();
          if (col0 && t) {
            // Types 1-5 interrupt whatever came before and end at their marker: md4c agrees line for line.
            if (ended) {
              boundary = true;
              html_ended = true;
              new_region();
            } else {
              st = state::html_marker;
              html_type = t;
            }
          } else {
            // Type 6 or 7, or paragraph text after all: the paragraph above may go on through here.
            restore_region();
            st = state::until_blank;
          }
          break;
        }
        if (col0 && is_atx_heading(l)) {
          boundary = true;
          new_region();
          break;
        }
        if (may_underline(s) || may_underline(l.substr(ind))) {
          // Setext heading or table underline: the paragraph above is its text or header, so it is kept -
          // unless it is a level-2 heading whose text nobody reads before an ATX heading replaces it (the
          // page metadata block between two '---' lines that starts most pages).
          if (!(dashes_only(l.substr(ind)) && atx_heading_follows(doc, next))) restore_region();
          if (is_table_underline(s)) {
            if (was_header_certain && col0) {
              st = state::table;
              thin_rows = certainly_skipped(header);
              empty_rows = false;
              if (thin_rows) {  // every row up to the blank line can go: the table may end right here
                empty_rows = true;
                for (std::size_t p = next; p < doc.size();) {
                  std::size_t e = doc.find('\n', p);
                  std::string_view r = doc.substr(p, (e == npos ? doc.size() : e) - p);
                  if (!r.empty() && r.back() == '\r') r.remove_suffix(1);
                  if (indent_of(r) == r.size()) break;
                  if (!thinnable_row(r)) {
                    empty_rows = false;
                    break;
                  }
                  p = e == npos ? doc.size() : e + 1;
                }
              }
            } else {
              st = state::until_blank;
            }
          }
          new_region();
          break;
        }
        if (col0 && l[0] == '|' && was_boundary) {
          header_certain = true;
          header = l;
        }
        if (has_comment(l) || (!s.empty() && s[0] == '[' && maybe_link_definition(s))) {
          // An inline HTML comment is read as an annotation, and code spans or links spanning lines could
          // hide or reveal one; a link reference definition's title may span lines. Such a paragraph is kept
          // whole.
          restore_region();
          keep_para = true;
        } else if (!keep_para && paragraph_text(s)) {
          thin_prose(l.substr(0, static_cast<std::size_t>(s.data() - l.data())), false);
        }
        break;
      }
    }
  }
  return finish();
}

}  // namespace conform::extract::detail
