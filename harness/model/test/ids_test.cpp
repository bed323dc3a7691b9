// Fixture ids unique when several doc trees give the same page names (disambiguate_pages).
#include "model/fixture.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace conform {
namespace {

fixture on(std::string file, std::string page, std::string name, std::string version) {
  fixture f;
  f.file = std::move(file);
  f.page = std::move(page);
  f.id = f.page + "/" + name;
  f.version = std::move(version);
  return f;
}

std::vector<std::string> ids_of(const fixture_set& set) {
  std::vector<std::string> ids;
  for (const fixture& f : set.fixtures) ids.push_back(f.id);
  return ids;
}

TEST(DisambiguatePages, OneTreeKeepsItsIds) {
  fixture_set set;
  set.fixtures = {on("docs/v1.0/api/user-get.md", "user-get", "get_user", "v1.0"),
                  on("docs/v1.0/api/user-get.md", "user-get", "get_me", "v1.0"),
                  on("docs/v1.0/api/group-get.md", "group-get", "get_group", "v1.0")};
  disambiguate_pages(set);
  EXPECT_EQ(ids_of(set),
            (std::vector<std::string>{"user-get/get_user", "user-get/get_me", "group-get/get_group"}));
  EXPECT_EQ(set.fixtures[0].page, "user-get");
}

TEST(DisambiguatePages, TwoVersionsOfAPageArePrefixedWithTheirVersionOnly) {
  fixture_set set;
  set.fixtures = {on("graph/v1.0/api/user-get.md", "user-get", "get_user", "v1.0"),
                  on("graph/v1.0/api/only-v1.md", "only-v1", "x", "v1.0"),
                  on("graph/beta/api/user-get.md", "user-get", "get_user", "beta"),
                  on("graph/beta/api/user-get.md", "user-get", "get_beta_only", "beta")};
  disambiguate_pages(set);
  EXPECT_EQ(ids_of(set), (std::vector<std::string>{"v1.0/user-get/get_user", "only-v1/x",
                                                   "beta/user-get/get_user", "beta/user-get/get_beta_only"}));
  EXPECT_EQ(set.fixtures[2].page, "beta/user-get") << "the JUnit classname too, so suites do not merge";
  // Stable: the same set gives the same ids, in whatever order the trees were read.
  fixture_set reversed;
  reversed.fixtures = {on("graph/beta/api/user-get.md", "user-get", "get_user", "beta"),
                       on("graph/v1.0/api/user-get.md", "user-get", "get_user", "v1.0")};
  disambiguate_pages(reversed);
  EXPECT_EQ(ids_of(reversed), (std::vector<std::string>{"beta/user-get/get_user", "v1.0/user-get/get_user"}));
  // The version folder decides before what the examples' URLs say (a beta tree whose examples say v1.0).
  fixture_set folders;
  folders.fixtures = {on("t/v1.0/api/user-get.md", "user-get", "get_user", "v1.0"),
                      on("t/beta/api/user-get.md", "user-get", "get_user", "v1.0")};
  disambiguate_pages(folders);
  EXPECT_EQ(ids_of(folders), (std::vector<std::string>{"v1.0/user-get/get_user", "beta/user-get/get_user"}));
}

TEST(DisambiguatePages, SameVersionTellsTreesApartByDirectory) {
  fixture_set set;
  set.fixtures = {on("/a/team-one/api/user-get.md", "user-get", "get_user", "v1.0"),
                  on("/a/team-two/api/user-get.md", "user-get", "get_user", "v1.0"),
                  on("/a/user-get.md", "user-get", "get_user", "")};
  disambiguate_pages(set);
  EXPECT_EQ(ids_of(set),
            (std::vector<std::string>{"team-one/api/user-get/get_user", "team-two/api/user-get/get_user",
                                      "/a/user-get.md/user-get/get_user"}));
  const std::vector<std::string> ids = ids_of(set);
  const std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), 3u);
}

}  // namespace
}  // namespace conform
