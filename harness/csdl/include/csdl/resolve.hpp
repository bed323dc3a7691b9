// conform::csdl resolve — what a request URL addresses, read segment by segment against a CSDL document.
//   input : "https://graph.microsoft.com/v1.0/users/{id}/manager", "/me/mailFolders('inbox')/messages/$count"
//   output: {entity, "microsoft.graph.directoryObject", entity_set="directoryObjects"},
//           {count, "Edm.Int32"}
// The answer is the resource the path names, whatever the method: a POST to a collection creates one entity
// of that collection's type, which the caller knows from the method. What cannot be resolved is an answer
// too.
#pragma once

#include "csdl/csdl.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace conform::csdl {

enum class resource_kind {
  entity,       // one entity: /users/{id}, /me, /users/{id}/manager
  collection,   // entities: /users, /users/{id}/memberOf, /users/delta()
  property,     // a primitive or enum property addressed by path: /users/{id}/displayName
  complex,      // a complex value (a property or an operation's result): /users/{id}/passwordProfile
  primitive,    // a primitive or enum value an operation returns: /users/{id}/getMemberGroups
  count,        // /$count: a bare integer
  value,        // /$value, or an Edm.Stream property: raw bytes, not JSON
  ref,          // /$ref: entity references
  action_void,  // an action that returns nothing: 204
  unresolved,
};
// "entity", "collection", "property", "complex", "primitive", "count", "value", "ref", "action-void",
// "unresolved".
std::string_view to_string(resource_kind k);

struct resolution {
  resource_kind kind = resource_kind::unresolved;
  // The element type, qualified ("microsoft.graph.user", "Edm.String", an enum's qualified name); "Edm.Int32"
  // for count, "Edm.Stream" for a stream; "" for action_void and unresolved.
  std::string type;
  bool is_collection = false;
  // The entity set (or singleton) the entities belong to, when the container says: "users",
  // "directoryObjects" (users/{id}/manager, through its NavigationPropertyBinding); "" when contained or
  // unknown.
  std::string entity_set;
  // Unresolved: which segment failed and why, e.g. "'foo' (segment 3): no property, navigation or bound
  // operation 'foo' on microsoft.graph.user".
  std::string reason;
  // What resolve allowed that strict OData would not: a name matched ignoring case, a function called without
  // parentheses, $value on an entity without a stream. Empty when the URL is strictly OData.
  std::vector<std::string> notes;
};

// Resolves a URL or a path: "https://host/v1.0/users", "/v1.0/users", "/beta/users", "/users" and "users"
// alike; the query (?...) and fragment are ignored; keys may be written /users/{id}, /users('{id}'),
// /users/8a6b..., /users/{id | userPrincipalName}. Cost: a few hash lookups per segment.
resolution resolve(const document& doc, std::string_view url);

// The path segments resolve() reads: version segment dropped, query cut, percent-escapes decoded, '/' inside
// parentheses, quotes and braces kept ("range(address='A1:B2')"). Exposed for tests and reports.
std::vector<std::string> path_segments(std::string_view url);

}  // namespace conform::csdl
