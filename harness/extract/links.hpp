// Links between pages: what each page links to and which anchors it offers, then the links checked once every
// page is in (extract options.lint_checks, set by `conform lint`).
//   input : api/user-get.md:12 "[user](../resources/user.md#propertys)", resources/user.md "## Properties"
//   output: diagnostic{"api/user-get.md", 12, warning, "broken-anchor", "... has no heading or anchor
//   'propertys' (did you mean #properties?)"}
#pragma once

#include "model/fixture.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace conform::extract::detail {

struct page_outline {
  std::string file;  // as given
  std::vector<std::string>
      anchors;  // heading ids (GitHub's, de-duplicated "-1", "-2"), <a name|id>, lower case
  struct link_ref {
    std::string href;
    std::size_t line = 0;
  };
  std::vector<link_ref> links;
  std::map<std::string, int, std::less<>> slug_count;  // for numbering repeated headings
};

// GitHub's (and the docs site's) id of a heading: lower case, punctuation dropped, spaces as '-'.
std::string heading_slug(std::string_view text);
// A heading's id on its page, "-1", "-2" ... appended when the same id came before.
void add_heading_anchor(page_outline& page, std::string_view text);
// The ids of `<a name="x">`, `<a id="x">` (any element's id) in a piece of HTML.
void add_html_anchors(page_outline& page, std::string_view html);

// Checks the links of `pages` and appends broken-link, link-case-mismatch and broken-anchor diagnostics. A
// link is checked when it is relative (no scheme, not site-rooted "/graph/..."), resolves inside one of
// `roots` (the directories named, the folders of pages named, options.docs_roots) and into a folder that
// exists: a folder absent from the checkout (includes/ of a partial copy of the docs) is outside what can be
// checked. Anchors of pages that were not read are taken from their text (ATX headings, <a name>).
void check_links(const std::vector<page_outline>& pages, const std::vector<std::string>& roots,
                 fixture_set& out);

}  // namespace conform::extract::detail
