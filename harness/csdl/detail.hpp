// Helpers shared by the csdl sources; not part of the module's interface.
#pragma once

#include <string>
#include <string_view>

namespace conform::csdl::detail {

// ASCII lower case: the spelling the case-insensitive indexes are keyed by.
std::string lower(std::string_view s);

// "Collection(microsoft.graph.user)" -> "microsoft.graph.user" with collection = true; other names trimmed of
// a leading '#' and surrounding spaces, collection = false.
std::string_view strip_collection(std::string_view written, bool& collection);

// Key of the bound-operation index: the binding type, whether it is a collection of it, and the operation's
// simple name in lower case (overloads share a key; exact case is compared on the candidates).
std::string bound_key(std::string_view binding_type, bool collection, std::string_view name);

}  // namespace conform::csdl::detail
