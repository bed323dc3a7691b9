// YAML front matter at the top of a page ("---" ... "---"), checked for what keeps a YAML reader (the docs
// build) from parsing it. Docs pages use a flat mapping of scalars; what is checked is that subset.
//   input : "---\ntitle: Get a user: beta\n---\n"
//   output: {2, "mapping values are not allowed here: the value holds ': ' (quote it)"}
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace conform::extract::detail {

struct front_matter_problem {
  std::size_t line = 0;  // in the page, 1-based
  std::string message;
};

// Empty when the page has no front matter (it does not start with "---") or its front matter reads as YAML.
std::vector<front_matter_problem> check_front_matter(std::string_view page);

}  // namespace conform::extract::detail
