// Thinning must never change what extraction finds: every test compares extraction of the thinned page with
// extraction of the page as it is (md4c over every line), on hand-written traps, on random pages built from
// the constructs where md4c's block structure is subtle, and on the whole corpus.
#include "extract/thin.hpp"
#include "extract/extract.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace conform::extract {
namespace {

// Everything extraction produces for these pages: the extract document plus the types from resource pages.
std::string snapshot(const std::vector<std::pair<std::string, std::string>>& pages, bool thin) {
  fixture_set set;
  options opts;
  opts.thin = thin;
  for (const auto& [file, text] : pages) extract_text(file, text, set, opts);
  link(set);
  std::string s = to_json_text(set);
  for (const auto& [key, t] : set.types) {
    s += "\ntype " + key + " " + t.name + " " + t.file + ":" + std::to_string(t.line) + " members";
    for (const auto& m : t.members) s += " " + m;
    for (const auto& p : t.properties) {
      s += "\n  " + p.name + " " + p.type + (p.required ? " required" : "") + (p.nullable ? " nullable" : "");
      for (const auto& e : p.enum_values) s += " " + e;
    }
  }
  return s;
}

std::string snapshot(std::string_view file, std::string_view text, bool thin) {
  return snapshot({{std::string(file), std::string(text)}}, thin);
}

std::size_t lines(std::string_view s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::string thinned(std::string_view doc) {
  std::string buffer;
  detail::thinned_page page;
  return std::string(detail::thin_markdown(doc, buffer, page) ? page.text : doc);
}

TEST(Thin, ReplacesProseAndCutsSkippedTableRows) {
  std::string doc =
      "# Title\n"
      "\n"
      "Some prose that md4c would scan for links [x](y.md) and *emphasis*.\n"
      "  More of the same paragraph.\n"
      "\n"
      "- **Note:** a list item\n"
      "> [!INCLUDE [note](../includes/note.md)]\n"
      "\n"
      "| Permission type | Permissions |\n"
      "|:--|:--|\n"
      "| Delegated | User.Read |\n"
      "| Application | User.Read.All |\n"
      "\n"
      "| Property | Type | Description |\n"
      "|:--|:--|:--|\n"
      "| id | String | The id. |\n";
  std::string buffer;
  detail::thinned_page page;
  ASSERT_TRUE(detail::thin_markdown(doc, buffer, page));
  EXPECT_EQ(page.text,
            "# Title\n"
            "\n"
            "\n"
            "- x\n"
            "> x\n"
            "\n"
            "| Permission type | Permissions |\n"
            "|:--|:--|\n"
            "\n"
            "| Property | Type | Description |\n"
            "|:--|:--|:--|\n"
            "| id | String | The id. |\n");
  // the top-level paragraph (after a heading, no container open) and the two rows were cut; a list item and a
  // quote keep their marks; md4c's lines map back to the page's
  EXPECT_EQ(page.page_line(2), 2u);
  EXPECT_EQ(page.page_line(3), 5u);
  EXPECT_EQ(page.page_line(4), 6u);
  EXPECT_EQ(page.page_line(8), 10u);
  EXPECT_EQ(page.page_line(9), 13u);
  EXPECT_EQ(page.page_line(12), 16u);
}

TEST(Thin, KeepsWhatExtractionReads) {
  // Code blocks, annotations (block and inline), headings, setext headings, link definitions and a table
  // whose header is the last line of a paragraph region.
  std::string doc =
      "Intro line\n"
      "Setext title\n"
      "============\n"
      "\n"
      "text with an inline <!-- { \"blockType\": \"ignored\" } --> comment\n"
      "continued\n"
      "\n"
      "[ref]: https://example.com 'title\n"
      "spanning lines'\n"
      "\n"
      "```http\n"
      "GET https://graph.microsoft.com/v1.0/me\n"
      "Plain words inside a fence\n"
      "```\n";
  std::string without_code = doc;
  without_code.erase(without_code.find("Plain words inside a fence\n"), 27);
  EXPECT_EQ(thinned(doc), without_code);  // code after the first line: the walker takes it from the thinner
}

TEST(Thin, CutsCodeAfterItsFirstLineAndGivesItsTextAndLines) {
  std::string doc = std::string(
                        "Prose\n"
                        "```\n"
                        "\n"
                        "  first line\r\n"
                        "\tsecond\r\n"
                        "   \n"
                        "third") +
                    std::string("\0", 1) + "x\n```\nafter\n";
  std::string buffer;
  detail::thinned_page page;
  ASSERT_TRUE(detail::thin_markdown(doc, buffer, page));
  // "Prose" and "after" are paragraphs cut whole (the fence after "Prose" ends it either way)
  EXPECT_EQ(page.text, "```\n\n  first line\r\n```\n");
  ASSERT_EQ(page.code_texts.size(), 1u);
  EXPECT_EQ(page.code_texts[0].block, 0u);
  // (md4c 0.4.8 hands a NUL byte over inside the text after reporting it as MD_TEXT_NULLCHAR)
  EXPECT_EQ(page.code_texts[0].text, std::string("\n  first line\n    second\n   \nthird") + '\0' + "x\n");
  EXPECT_EQ(page.page_line(1), 2u);  // the opening fence
  EXPECT_EQ(page.page_line(3), 4u);  // the first content line with text
  EXPECT_EQ(page.page_line(4), 8u);  // the closing fence
}

TEST(Thin, CodeWithNulExtractsTheSame) {
  // md4c 0.4.8 reports a NUL byte in code as MD_TEXT_NULLCHAR and then hands it over with the next text
  // chunk.
  std::string doc = std::string("```http\nGET https://graph.microsoft.com/v1.0/me\nX-H: a") + '\0' +
                    "b\n```\n```http\nHTTP/1.1 200 OK\n```\n";
  EXPECT_EQ(snapshot("api/nul.md", doc, true), snapshot("api/nul.md", doc, false));
}

TEST(Thin, GivesUpAtAnIndentedFence) {
  std::string doc =
      "Prose one\n"
      "\n"
      "1. Step\n"
      "   ```http\n"
      "   GET /me\n"
      "```\n"
      "Words that md4c may see in a fence\n";
  EXPECT_EQ(thinned(doc), "\n1. x\n" + doc.substr(doc.find("   ```")));
}

TEST(Thin, GivesUpOnALoneCarriageReturn) {
  std::string buffer;
  detail::thinned_page page;
  EXPECT_FALSE(detail::thin_markdown("Prose\rmore prose\n\nOther words\n", buffer, page));
}

// Hand-written traps, each compared thinned against unthinned.
const char* const traps[] = {
    // a table header right after prose is paragraph text, not a table
    "prose\n| Name | Value |\n|---|---|\n| a | b |\n",
    // a table after a heading without a blank line
    "## Permissions\n| Permission type | Permissions |\n|---|---|\n| Delegated | User.Read |\nlazy "
    "row\n\nafter\n",
    // rows that are not pipes, a thematic break and a list inside a table
    "\n| Name | Description |\n|---|---|\n| a | b |\n---\nprose\n",
    "\n| Name | Description |\n|---|---|\n| a | b |\n- item\n```http\nGET /x\n```\n",
    "\n| Member | Value |\n|---|---|\n| one | 1 |\n| two | 2 |\n",
    "# x enum type\n\n| Member | Value |\n|---|---|\n| one | 1 |\n",
    // header cells with markup that may or may not make a property table
    "\n| **Property** | Type | Description |\n|---|---|---|\n| id | String | Possible values are: `a`, `b`. "
    "|\n",
    "\n| *Property* | *Type* | Description |\n|---|---|---|\n| id | String | Required. |\n",
    "\n| [Property](x.md) | Type |\n|---|---|\n| id | String |\n",
    "\n| Prop&#101;rty | Type |\n|---|---|\n| id | String |\n",
    "\n| `Property` | Type |\n|---|---|\n| id | String |\n",
    "\n| Property \\| x | Type |\n|---|---|\n| id | String |\n",
    // an inline comment in a table row of a skipped table
    "\n| Name | Description |\n|---|---|\n| a | <!-- { \"blockType\": \"request\" } --> |\n```http\nGET "
    "/a\n```\n",
    // HTML blocks of every kind, with fences and blank lines inside
    "<div>\nprose in html\n```http\nGET /a\n```\n</div>\n\nafter\n",
    "<!-- {\n  \"blockType\": \"request\"\n}\n-->\n```http\nGET /me\n```\n",
    "<!-- a\n\nprose inside a comment\n\n```http\nGET /no\n```\n-->\nprose\n",
    "<pre>\n\nprose\n\n```http\nGET /no\n```\n</pre>\n",
    "<span>inline\n```http\nGET /a\n```\n",
    "prose\n<img src=\"x\"/>\nmore\n\n```http\nGET /a\n```\n",
    "- <!-- inside\n  a list\n\n  -->\n```http\nGET /a\n```\n",
    "> <!-- quoted\n> comment -->\n\nprose\n",
    // inline comments split by code spans across lines
    "`code starts\n<!-- { \"blockType\": \"request\" } -->` ends\n```http\nGET /a\n```\n",
    "word `span\n<b>x</b> <!-- { \"blockType\": \"request\" } -->` more\n```http\nGET /a\n```\n",
    "prose <!-- { \"blockType\":\n\"request\" } --> tail\n```http\nGET /a\n```\n",
    // lists, lazy lines and fences at their edges
    "- item\nlazy\n```http\nGET /a\n```\n",
    "1. step\n\n   text in the item\nlazy text\n    ```http\n    GET /a\n    ```\n",
    "- item\n\nTop-level prose\n\n    ```http\n    GET /a\n    ```\n",
    "> quote\nlazy\n\n```http\nGET /a\n```\n",
    // setext underlines and tables after several paragraph lines
    "one\ntwo\nthree\n---\n",
    "one\ntwo\n=====\n",
    "one\n|---|---|\n",
    "one\ntwo | three\n|---|---|\n",
    // fences: lengths, tildes, backticks in the info string, unclosed
    "````http\nGET /a\n```\nstill code\n````\nprose\n",
    "~~~http\nGET /a\n```\n~~~\nprose\n",
    "``` not a `fence`\nprose\n```http\nGET /a\n```\n",
    "```http\nGET /a\nprose never closed\n",
    // link reference definitions used by a table cell
    "[t]: ../resources/user.md 'the\nuser'\n\n| Property | Type |\n|---|---|\n| manager | [user][t] |\n",
    "- [t]: x.md 'a\n  b'\n\n| Property | Type |\n|---|---|\n| id | [t] |\n",
    // code blocks: tabs, NUL bytes, CRLF, blank and whitespace-only lines, no info string, unclosed at the
    // end
    "<!-- { \"blockType\": \"request\" } -->\n```\n\n\tGET /a\r\n  Host: x\r\n\r\n   \n{\"a\": 1}\n```\n"
    "```http\nHTTP/1.1 200 OK\n```\n",
    "```\n   \n\nGET /b\nAccept: x\n```\n```http\nHTTP/1.1 204 No Content\n\n\n```\n",
    "```http\nGET /c\n\n{\n  \"a\": [1,\n  2,]\n}\n```\n~~~http\nHTTP/1.1 200 OK\n\n{\"b\": 2}",
    "```http\n```\n```\n\n\n```\n```json\none\ntwo\n```\n",
    // cut paragraph lines put back when the paragraph turns out to be read: the lines after it stay right
    "one\ntwo\nthree\nfour\n---\n\n<!-- {\"blockType\": \"request\"} -->\n```http\nGET /a\n```\n"
    "```http\nHTTP/1.1 200 OK\n```\n",
    "text\nmore\nstill <!-- x -->\n\n```http\nGET /a\n```\n```http\nHTTP/1.1 204 No Content\n```\n",
    "a\nb\nc\n| x | y |\n|---|---|\n\n```http\nGET /a\n```\n```http\nHTTP/1.1 204 No Content\n```\n",
    "a\nb\nc\n<div>\nd\n\n```http\nGET /a\n```\n```http\nHTTP/1.1 204 No Content\n```\n",
    // a paragraph cut whole, then a line it would have kept from starting a block of its own
    "# H\n\nprose\n2. not a list\n\n```http\nGET /a\n```\n```http\nHTTP/1.1 204 No Content\n```\n",
    "# H\n\nprose\n<span>\n```http\nGET /a\n```\n```http\nHTTP/1.1 204 No Content\n```\n",
    "# H\n\nprose\n[a]: /x\n\n| Property | Type |\n|---|---|\n| m | [u][a] |\n",
    "# H\n\nprose\n-\n  ```http\n  GET /a\n  ```\n",
    "- item\n\nprose at column 0\n\n  indented after\n\n| Member | V |\n|---|---|\n| a | 1 |\n",
    "> quote\n\nprose\n> again\n\n```http\nGET /a\n```\n```http\nHTTP/1.1 204 No Content\n```\n",
    // a paragraph between two HTML blocks keeps them apart (md4c joins HTML lines that follow one another)
    "<!DOCTYPE x>\nword\n<pre>\ntext\n<!-- { \"blockType\": \"response\" } -->\n</pre>\n",
    "<!-- a -->\nword\nmore\n<!-- b -->\n<!-- { \"blockType\": \"request\" } -->\nprose\n",
    // md4c reads line offsets as a block header at a blank line in a list item ("* x\nfoo" puts "foo" at
    // offset 4,
    // MD_BLOCK_LI): where the fence below belongs depends on the offsets, which thinning moves
    "* star item\n| Name | Description |\n\n\n   ```http\n<!-- {\n",
    "* x\nfoo\n\n\n   ```http\n<!-- {\n",
    // ... and inside a quote, where the lazy line lands on offset 260 (4 modulo 256) only unthinned
    "> - "
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "\n> foo\n>\n>\n>    ```http\n> <!-- {\n",
    // ... and after the thinner gave up (the indented fence), where the rest is moved by the paragraph cut
    // before
    "Prose line that is cut whole before the page gives up\n\n   ```http\n   ```\n\n* "
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "\nfoo\n\n\n   ```http\n<!-- {\n",
    // found in review (each changed the extraction before its fix)
    // a table header cell ending in a vertical tab (md4c whitespace, trimmed by the walker)
    "# user resource type\n\n| Property\v | Type | Description |\n|---|---|---|\n| id | String "
    "| Required. |\n",
    // a table underline with a vertical tab
    "# user resource type\n\n| Property | Type |\n|---|\v---|\n| id | String |\nname | String\n",
    // an HTML line and a setext underline inside a list item, then a blank line
    "Prose line\n\n- item\n  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "a\n  <span>\n  ---\n\n   ```http\n<!-- {\n",
    // a level-2 setext heading whose text matters: a level-3 heading does not reset URL templates
    " HTTP request\n---\n\n### Example\n\n```http\nGET https://graph.microsoft.com/v1.0/users/{"
    "id}\n```\n",
    // setext underline "-" inside a list item
    "Prose line\n\n- itemmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"
    "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"
    "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"
    "\n  aa\n  -\n\n   ```http\n<!-- {\n",
    // a thematic break "* * *" inside a list item
    "Prose line\n\n- itemmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"
    "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"
    "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm\n  * * *\n"
    "\n   ```http\n<!-- {\n",
    // a closing fence inside a list item, after the thinner gave up
    "Prose line\n\n- item\n   ```http\n   GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaa\n   ```\n\n   ```http\n<!-- {\n",
    // an empty header cell ("||"), which md4c drops, moving the later cells left (second review)
    "| Property || Type |\n|--- | ---|\n| id | String |\n",
    "## Properties\n\n| Property || Type | Description |\n|---|---|---|\n| id | String | Possible values "
    "are: `a`, `b`. "
    "Required. |\n",
    "|| Property | Type |\n|--- | ---|\n| id | String |\n",
    "# color enum type\n\n||Member | Value |\n|---|---|\n| red | 0 |\n| blue | 1 |\n",
    // empty, whitespace only, no final newline
    "",
    "   \n\t\n",
    "prose without newline",
    "\n| Name | Description |\n|---|---|\n| a | b |",
};

TEST(Thin, TrapsExtractTheSameThinnedOrNot) {
  for (const char* t : traps) {
    SCOPED_TRACE(t);
    EXPECT_EQ(snapshot("api/trap.md", t, true), snapshot("api/trap.md", t, false));
    EXPECT_EQ(snapshot("resources/trap.md", t, true), snapshot("resources/trap.md", t, false));
  }
}

// Random pages from the lines where md4c's block structure is subtle: every page must extract the same
// thinned or not, and thinning must actually happen on most of them.
TEST(Thin, RandomPagesExtractTheSameThinnedOrNot) {
  const std::vector<std::string> pieces = {
      "",
      "",
      "Plain prose line with [a link](../resources/user.md) and `code`.",
      "  indented prose",
      "    deeply indented prose",
      "lazy prose",
      "# Heading",
      "## Properties",
      "### Request",
      "===",
      "---",
      "***",
      "- list item",
      "* star item",
      "1. ordered item",
      "2) other ordered",
      "> quoted",
      "> ```http",
      "   ```http",
      "    ```",
      "```http",
      "```",
      "````",
      "~~~",
      "``` with `backticks`",
      "GET https://graph.microsoft.com/v1.0/users/{id}",
      "HTTP/1.1 200 OK",
      "Content-type: application/json",
      "{ \"@odata.type\": \"#microsoft.graph.user\", \"id\": \"1\" }",
      "<!-- { \"blockType\": \"request\", \"name\": \"r\" } -->",
      "<!-- { \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.user\" } -->",
      "<!-- {",
      "\"blockType\": \"response\"",
      "} -->",
      "-->",
      "text <!-- inline",
      "<div>",
      "</div>",
      "<br/>",
      "<pre>",
      "</pre>",
      "<?php",
      "?>",
      "<!DOCTYPE x>",
      "| Property | Type | Description |",
      "| Name | Description |",
      "| Member | Value |",
      "| Permission type | Permissions |",
      "|:---|:---|:---|",
      "|---|---|",
      "--- | ---",
      "| id | String | Possible values are: `a`, `b`. Required. |",
      "| status | operationStatus | Nullable. |",
      "| a | b |",
      "| x | <!-- { \"blockType\": \"ignored\" } --> |",
      "Property | Type",
      "[ref]: ../resources/user.md",
      "'title",
      "end'",
      "| manager | [user][ref] |",
      "\t\ttabbed prose",
      "word\r",
      "> [!NOTE]",
      "> text in a quote",
      "- **Bold** item",
      "**Note:** bold start",
      "[!INCLUDE [a](b.md)]",
      "* * *",
      "-dash start",
      "_under_ score",
      "[multi",
      "line]: ../resources/user.md",
      "2019 was a year",
      "1.5 GB",
      "#hashtag",
      "| Property | Type |",
      "|---|---|",
      "| manager | [user][line] |",
      "\tGET https://graph.microsoft.com/v1.0/me",
      "  Accept: application/json",
      "   ",
      "~~~",
      "```json",
      "HTTP/1.1 201 Created",
      "-",
      "  -",
      "- - -",
      "  ---",
      "  * * *",
      "<span>",
      "  <span>",
      "   ```",
      "  aa",
      "  GET /a",
      "random-length",  // a line of 1 to 300 letters: md4c reads some line offsets as block types
  };
  // CONFORM_THIN_FUZZ="SEED PAGES" runs another seed or more pages (for a longer hunt than ctest's).
  unsigned seed = 20261201;
  int pages = 20000;
  if (const char* env = std::getenv("CONFORM_THIN_FUZZ")) std::sscanf(env, "%u %d", &seed, &pages);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(1, 40);
  std::uniform_int_distribution<std::size_t> letters(1, 300);
  int thinned_pages = 0, cut_pages = 0;
  for (int i = 0; i < pages; ++i) {
    std::string doc;
    for (int n = length(rng); n > 0; --n) {
      const std::string& piece = pieces[pick(rng)];
      doc += piece == "random-length" ? std::string(letters(rng), 'a') : piece;
      doc += '\n';
    }
    std::string buffer;
    detail::thinned_page page;
    bool thin = detail::thin_markdown(doc, buffer, page);
    thinned_pages += thin;
    if (thin) {
      std::size_t cut = page.shifts.empty() ? 0 : page.shifts.back().removed;
      if (!page.code_texts.empty() || !page.shifts.empty()) ++cut_pages;
      // (lines cut at the very end of the page need no shift: no line of the thinned page follows them)
      ASSERT_LE(lines(page.text) + cut, lines(doc) + 1) << doc;  // + 1: a last line without '\n' was cut
    }
    const char* file = i % 2 ? "resources/page.md" : "api/page.md";
    ASSERT_EQ(snapshot(file, doc, true), snapshot(file, doc, false)) << doc;
  }
  EXPECT_GT(thinned_pages, pages * 3 / 10);  // many pages hold an indented fence, where thinning stops
  EXPECT_GT(cut_pages, pages / 20);
}

TEST(Thin, CorpusExtractsTheSameThinnedOrNot) {
  namespace fs = std::filesystem;
  fs::path root = fs::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0";
  if (!fs::exists(root))
    GTEST_SKIP() << "corpus not found at " << root << " (needs ../shared beside the repo)";
  auto all = [&](bool thin) {
    fixture_set set;
    std::vector<std::string> missing;
    options opts;
    opts.thin = thin;
    extract_paths({root.string()}, set, missing, opts);
    return to_json_text(set);
  };
  std::string thin = all(true), plain = all(false);
  EXPECT_GT(plain.size(), 1000000u);
  EXPECT_EQ(thin, plain);
  // and thinning does take lines away from md4c on real pages
  std::size_t pages = 0, thinned_pages = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().extension() != ".md") continue;
    std::string doc;
    {
      std::FILE* f = std::fopen(e.path().c_str(), "rb");
      ASSERT_NE(f, nullptr);
      char buf[65536];
      for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) doc.append(buf, n);
      std::fclose(f);
    }
    std::string buffer;
    detail::thinned_page page;
    ++pages;
    thinned_pages += detail::thin_markdown(doc, buffer, page);
  }
  EXPECT_GT(thinned_pages, pages * 9 / 10);
}

}  // namespace
}  // namespace conform::extract
