// The real group pages of ../shared/corpus, for the run plan's tests (plan_test, schedule_test).
//   input : nothing (CONFORM_SHARED_DIR)
//   output: the fixtures of group-delete, -update, -get, -list-members, -post-members, -list, -post-groups
#pragma once

#include "extract/extract.hpp"
#include "model/fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace conform::run::test {

inline const std::filesystem::path corpus_api =
    std::filesystem::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0" / "api";

// In an order that would break a live run: delete and update first, create last.
inline fixture_set group_family() {
  fixture_set set;
  std::vector<std::string> missing;
  extract::extract_paths(
      {(corpus_api / "group-delete.md").string(), (corpus_api / "group-update.md").string(),
       (corpus_api / "group-get.md").string(), (corpus_api / "group-list-members.md").string(),
       (corpus_api / "group-post-members.md").string(), (corpus_api / "group-list.md").string(),
       (corpus_api / "group-post-groups.md").string()},
      set, missing);
  EXPECT_TRUE(missing.empty());
  return set;
}

}  // namespace conform::run::test
