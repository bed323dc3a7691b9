// Extraction stays linear in the page: each page below is a shape that once made a step quadratic (20,000
// property rows took 0.6 s, 80,000 took 17 s; 80,000 comment lines 9 s). Timings are not asserted as such: at
// these sizes the quadratic steps take minutes and the linear ones a fraction of a second, so the page is
// extracted in a child process given a generous limit above a floor measured in the same run (a prose page of
// the same size), and killed when it overruns instead of holding the test for minutes.
#include "extract/extract.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace conform::extract {
namespace {

using clock_type = std::chrono::steady_clock;

enum class child { passed, failed, overran };

// Runs `work` in a child process (its gtest expectations print there), killed after `limit`.
child run_in_child(clock_type::duration limit, const std::function<void()>& work) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    work();
    std::fflush(nullptr);
    ::_exit(::testing::Test::HasFailure() ? 1 : 0);
  }
  if (pid < 0) return child::failed;
  const auto deadline = clock_type::now() + limit;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (clock_type::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return child::overran;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? child::passed : child::failed;
}

fixture_set extract(const std::string& text) {
  fixture_set set;
  extract_text("api/long.md", text, set);
  link(set);
  return set;
}

clock_type::duration time_of(const std::function<void()>& work) {
  auto t0 = clock_type::now();
  work();
  return clock_type::now() - t0;
}

std::string repeat(std::string_view head, std::size_t n,
                   const std::function<std::string(std::size_t)>& line) {
  std::string out(head);
  for (std::size_t i = 0; i < n; ++i) out += line(i);
  return out;
}

const std::string pair_of_examples =
    "<!-- { \"blockType\": \"request\", \"name\": \"same\" } -->\n```http\nGET "
    "https://graph.microsoft.com/v1.0/me\n```\n\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 "
    "204 No Content\n```\n\n";

struct shape {
  const char* name;
  std::function<std::string()> page;
  std::function<void(const fixture_set&)> expect;  // the page is still read as it was
};

std::vector<shape> shapes() {
  return {
      {"CommentLines",  // one HTML block of comments: each comment's line was counted from the block's start
       [] { return repeat("# page\n\n", 400000, [](std::size_t) { return "<!-- -->\n"; }); },
       [](const fixture_set& s) { EXPECT_TRUE(s.diagnostics.empty()); }},
      {"PropertyRows",  // merged into the page's properties by a search per row
       [] {
         return repeat("# long\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n",
                       250000,
                       [](std::size_t i) {
                         return "| p" + std::to_string(i) + " | String | Possible values are: `a`, `b`. |\n";
                       }) +
                "\n```http\nGET /v1.0/x\n```\n```http\nHTTP/1.1 204 No Content\n```\n";
       },
       [](const fixture_set& s) {
         ASSERT_EQ(s.fixtures.size(), 1u);
         EXPECT_EQ(s.fixtures[0].properties.size(), 250000u);
       }},
      {"MemberRows",  // each member looked up among the members before it
       [] {
         return repeat("# x\n\n### color values\n\n| Member | Value | Description |\n|:--|:--|:--|\n", 400000,
                       [](std::size_t i) { return "| m" + std::to_string(i) + " | 1 | d |\n"; });
       },
       [](const fixture_set& s) {
         const type_def* t = s.find_type("color");
         ASSERT_NE(t, nullptr);
         EXPECT_EQ(t->members.size(), 400000u);
       }},
      {"ExamplesOfOneName",  // "-2", "-3", ... tried from 2 for each id, and every request scanned per
                             // response
       [] { return repeat("# x\n\n", 60000, [](std::size_t) { return pair_of_examples; }); },
       [](const fixture_set& s) {
         ASSERT_EQ(s.fixtures.size(), 60000u);
         EXPECT_EQ(s.fixtures[0].id, "long/same");
         EXPECT_EQ(s.fixtures[1].id, "long/same-2");
         EXPECT_EQ(s.fixtures.back().id, "long/same-60000");
         EXPECT_EQ(s.fixtures.back().line, s.fixtures.back().response.line - 5);  // its own request
       }},
      {"RequestsThenResponses",  // every request scanned for the closest unpaired one, per response
       [] {
         return repeat(
                    "# x\n\n", 200000,
                    [](std::size_t) { return "```http\nGET https://graph.microsoft.com/v1.0/me\n```\n\n"; }) +
                repeat("", 200000, [](std::size_t) { return "```http\nHTTP/1.1 204 No Content\n```\n\n"; });
       },
       [](const fixture_set& s) {
         ASSERT_EQ(s.fixtures.size(), 200000u);
         EXPECT_EQ(s.fixtures[0].line, 200000u * 4);  // the closest request before the first response
         EXPECT_EQ(s.fixtures.back().line, 4u);
       }},
      {"LongBareWordInAnAnnotation",  // the rest of the word rescanned from each of its letters
       [] { return "# x\n\n<!-- { blockType: " + std::string(1000000, 'a') + " } -->\n"; },
       [](const fixture_set& s) { EXPECT_FALSE(s.diagnostics.empty()); }},
      {"AsterisksInATypeCell",  // "**" erased one pair at a time, moving the rest of the cell each time
       [] {
         return "# x\n\n| Property | Type | Description |\n|:--|:--|:--|\n| p | " +
                std::string(8000001, '*') +
                "String | d |\n\n```http\nGET /v1.0/x\n```\n```http\nHTTP/1.1 204 No Content\n```\n";
       },
       [](const fixture_set& s) {
         ASSERT_EQ(s.fixtures.size(), 1u);
         ASSERT_EQ(s.fixtures[0].properties.size(), 1u);
         EXPECT_EQ(s.fixtures[0].properties[0].type, "*String");
       }},
      {"ExamplesOfADerivedType",  // odata-type-mismatch said per example, taken back in link() for derived
                                  // types
       [] {
         return repeat("# a resource type\n\nInherits from [b](b.md).\n\n", 100000, [](std::size_t i) {
           return std::string(
                      "```http\nGET /v1.0/x\n```\n<!-- {\"blockType\":\"response\",\"@odata.type\":\"") +
                  (i % 2 ? "c" : "b") +
                  "\"} -->\n```http\nHTTP/1.1 200 OK\n\n{\"@odata.type\": \"#microsoft.graph.a\"}\n```\n\n";
         });
       },
       [](const fixture_set& s) {
         ASSERT_EQ(s.fixtures.size(), 100000u);
         const type_def* a = s.find_type("a");
         ASSERT_NE(a, nullptr);
         EXPECT_EQ(a->base, "b");
         std::size_t mismatches = 0;
         for (const auto& d : s.diagnostics) mismatches += d.code == "odata-type-mismatch";
         EXPECT_EQ(mismatches, 50000u);  // only the examples annotated c, which a does not derive from
       }},
      {"InheritsPhraseRepeated",  // the phrase and the words allowed before a link, in one paragraph
       [] {
         return repeat("# a resource type\n\n", 200000,
                       [](std::size_t) { return "Inherits from the the\n"; }) +
                "[b](b.md).\n";
       },
       [](const fixture_set& s) {
         const type_def* a = s.find_type("a");
         ASSERT_NE(a, nullptr);
         EXPECT_EQ(a->base, "b");  // the last phrase is right before the link
       }},
  };
}

void PrintTo(const shape& s, std::ostream* os) {
  *os << s.name;
}

class Linear : public ::testing::TestWithParam<shape> {};

// Extracted within 20 s plus 20 times the floor, and read as before.
TEST_P(Linear, LongPageIsExtractedWithinAFewFloorTimes) {
  const std::string page = GetParam().page();
  // The floor: md4c and the walk over prose of the same size, which no step can avoid.
  const std::string prose =
      repeat("# page\n\n", page.size() / 16, [](std::size_t) { return "some prose here\n"; });
  const auto floor = time_of([&] { extract(prose); });
  const auto limit = std::chrono::seconds(20) + 20 * floor;
  child outcome = run_in_child(limit, [&] { GetParam().expect(extract(page)); });
  EXPECT_NE(outcome, child::overran) << page.size() << " bytes not extracted within "
                                     << std::chrono::duration_cast<std::chrono::milliseconds>(limit).count()
                                     << " ms (floor "
                                     << std::chrono::duration_cast<std::chrono::milliseconds>(floor).count()
                                     << " ms)";
  EXPECT_NE(outcome, child::failed) << "the page is not read as before (see the child's failures above)";
}

INSTANTIATE_TEST_SUITE_P(Shapes, Linear, ::testing::ValuesIn(shapes()),
                         [](const ::testing::TestParamInfo<shape>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace conform::extract
