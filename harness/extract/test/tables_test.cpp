// Property and enum tables of real Graph resource pages (test/data/resources/, copied unchanged from the v1.0
// corpus with a line of origin): what is read as an enum's members, and what is not.
#include "extract/extract.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace conform::extract {
namespace {

namespace fs = std::filesystem;
const fs::path data = fs::path(CONFORM_SOURCE_DIR) / "harness" / "extract" / "test" / "data";

fixture_set read(const std::vector<std::string>& pages) {
  fixture_set set;
  std::vector<std::string> missing;
  extract_paths(pages, set, missing);
  EXPECT_TRUE(missing.empty());
  return set;
}

const property* find_property(const fixture_set& set, std::string_view type, std::string_view name) {
  const type_def* t = set.find_type(type);
  if (t == nullptr) return nullptr;
  for (const property& p : t->properties)
    if (p.name == name) return &p;
  return nullptr;
}

// signin.md: "The possible values are: `none`, ..., and `unknownFutureValue`. The value `hidden` means ...
// Supports `$filter` (`eq` operator only)." The list ends with its sentence: `$filter` and `eq` are not
// members (they were, and made "eq" pass as a risk level).
TEST(Tables, EnumMembersEndWithTheirSentence) {
  const fixture_set set = read({(data / "resources" / "signin.md").string()});
  const property* p = find_property(set, "signIn", "riskLevelDuringSignIn");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->enum_values,
            (std::vector<std::string>{"none", "low", "medium", "high", "hidden", "unknownFutureValue"}));
  // Every list on the page: no filter operator is ever a member.
  for (const property& q : set.find_type("signIn")->properties)
    for (const std::string& m : q.enum_values) {
      EXPECT_NE(m, "$filter") << q.name;
      EXPECT_NE(m, "eq") << q.name;
    }
}

// lobbyBypassSettings.md: "### lobbyBypassScope values" followed by a `Value | Description` table, the other
// common convention beside enums.md's `Member | Value | Description`.
TEST(Tables, ValueDescriptionTableUnderAnEnumHeadingIsAnEnum) {
  const fixture_set set = read({(data / "resources" / "lobbyBypassSettings.md").string()});
  const type_def* e = set.find_type("lobbyBypassScope");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->members, (std::vector<std::string>{"organizer", "organization", "organizationAndFederated",
                                                  "everyone", "unknownFutureValue"}));
}

}  // namespace
}  // namespace conform::extract
