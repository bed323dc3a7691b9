// Thinning a page before md4c parses it: the lines extraction never reads (paragraph text, the body rows of
// tables that are neither property nor member tables, code block content after its first line with text,
// which the walker takes from here instead) are replaced or cut so that md4c builds exactly the same blocks.
//   input : "Some prose.\n\n| Permission type | Permissions |\n|:--|:--|\n| Delegated | User.Read |\n"
//   output: "x\n\n| Permission type | Permissions |\n|:--|:--|\n\n"   (line numbers mapped back by `shifts`)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace conform::extract::detail {

// What md4c parses instead of a page, and what the walker needs to read it as the page.
struct thinned_page {
  std::string_view text;  // the page with the lines extraction never reads replaced or cut
  // Where lines were cut: from line `first` (1-based) of `text` on, `removed` page lines lie before it.
  struct line_shift {
    std::size_t first;
    std::size_t removed;
  };
  std::vector<line_shift> shifts;
  // Code blocks whose content was cut: the `block`-th code block md4c reports (0-based) has this text, as
  // md4c gives it (indentation as spaces, '\n' after each line).
  struct code_text {
    std::size_t block;
    std::string text;
  };
  std::vector<code_text> code_texts;

  // The page's line for line `line` (1-based) of `text`.
  std::size_t page_line(std::size_t line) const;
};

// Fills `page` and returns true when something was thinned; `page.text` starts `buffer`, which only
// grows so that one buffer serves every page, and is followed there by at least 16 more bytes (md4c 0.4.8 may
// look a few bytes past the end of what it is given: the caller zeroes them, as extract_paths does after each
// page it reads). Returns false when there was nothing to thin (`doc` is parsed
// as it is). Kept lines are kept byte for byte. Whatever the scanner cannot be sure of (an indented code
// fence, an HTML block whose end md4c may see elsewhere, a lone carriage return) stops thinning for the rest
// of the page.
bool thin_markdown(std::string_view doc, std::string& buffer, thinned_page& page);

}  // namespace conform::extract::detail
