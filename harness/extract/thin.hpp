// Thinning a page before md4c parses it: the lines extraction never reads (paragraph text, the body rows of
// tables that are neither property nor member tables) are replaced by stand-ins that leave md4c's block
// structure exactly as it was.
//   input : "Some prose.\n\n| Permission type | Permissions |\n|:--|:--|\n| Delegated | User.Read |\n"
//   output: "x\n\n| Permission type | Permissions |\n|:--|:--|\n\n"   (same lines, same line numbers)
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace conform::extract::detail {

// Writes the thinned page into `out` (same number of lines as `doc`, every kept line byte for byte) and
// returns true, or returns false when there was nothing to thin (then `out` is unspecified and `doc` is
// parsed as it is). Whatever the scanner cannot be sure of (an indented code fence, an HTML block whose end
// md4c may see elsewhere, a lone carriage return) stops thinning for the rest of the page: a kept line is
// always safe.
std::optional<std::string_view> thin_markdown(std::string_view doc, std::string& buffer);

}  // namespace conform::extract::detail
