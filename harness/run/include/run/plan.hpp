// conform::run plan — documented examples ordered and chained as a live service needs them, before anything
// is sent (issue 11). Each URL is read as a resource path; a POST that creates an item produces its id for
// every later fixture addressing an item of that collection (the documented placeholder or the documented
// literal id in that position), a list GET discovers an existing one when nothing creates it (so read-only
// runs work); per resource: create -> reads -> nested resources -> actions -> updates -> delete.
//   input : POST /groups (201), GET /groups/{id}, PATCH /groups/{id}, DELETE /groups/{id}, GET /groups
//   output: steps in order [POST /groups (create), GET /groups/{id} ({id} <- capture /id of the POST), GET
//   /groups
//           (list), PATCH ..., DELETE ...]
// The idea is RESTler's producer-consumer inference (Atlidakis et al., ICSE 2019), applied to documented
// examples instead of a grammar.
#pragma once

#include "model/fixture.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conform::run {

// One path segment of a documented URL.
struct path_segment {
  enum class kind { name, item, other };
  std::string text;        // as documented: "groups", "{id}", "b320ee12-...", "$ref", "microsoft.graph.group"
  kind what = kind::name;  // name: a collection, navigation, singleton or operation; item: a key
  std::string placeholder;  // the placeholder text when the key is one ("{id}", "{group-id}"), else ""
};

// A documented URL read as a resource path: the version segment and the query are dropped, key syntax is
// split
// ("groups('x')" -> "groups", "x"). `item_keys[i]` is the generalized path up to and including the i-th key
// ("/groups/*", "/groups/*/members/*"); `key` generalizes every key of the whole path.
struct resource_path {
  std::vector<path_segment> segments;
  std::vector<std::string> item_keys;
  std::vector<std::size_t> item_at;  // segment index of each key
  std::string key;                   // "/groups/*/members"
  bool ends_with_item() const {
    return !segments.empty() && segments.back().what == path_segment::kind::item;
  }
};
resource_path read_resource_path(std::string_view url);

// What a fixture does to its resource, from its method and path (and, for POST, the documented status).
enum class step_role { create, read, list, action, update, remove, other };
std::string_view to_string(step_role r);  // "create", "read", "list", "action", "update", "delete", "other"
step_role role_of(const fixture& f, const resource_path& p);

// Where the value of one key position comes from.
struct binding {
  std::size_t segment = 0;  // in the fixture's resource path
  std::string documented;   // "{id}" or the documented literal id
  enum class source { variable, capture, discovery, literal } from = source::literal;
  std::string variable;      // source::variable: the bound name
  std::size_t producer = 0;  // capture/discovery: index of the producing fixture in fixture_set::fixtures
  std::string pointer;       // capture: "/id"; discovery: "/value/0/id"
};
std::string_view to_string(binding::source s);  // "variable", "capture", "discovery", "literal"

struct step {
  std::size_t fixture = 0;  // index in fixture_set::fixtures
  step_role role = step_role::other;
  resource_path path;
  std::vector<binding> bindings;
  std::vector<std::size_t> depends_on;  // producers this step needs (skipped when one failed)
};

struct plan {
  std::vector<step> steps;  // in the order to send
};

// Orders and chains `selected` (indexes into set.fixtures). `variables` are explicit bindings (--var, suite):
// they always win over a capture. Chains are by top-level resource ("/groups/*"); steps of one chain keep
// their relative order, chains keep the order of their first fixture.
plan make_plan(const fixture_set& set, const std::vector<std::size_t>& selected,
               const std::map<std::string, std::string, std::less<>>& variables);

// The plan for people (`conform run --plan`): one line per step, then where each key's value comes from.
//   "3. GET /v1.0/groups/{id}  read  group-get/get_group
//       {id} <- capture /id of group-post-groups/create_group"
std::string plan_text(const fixture_set& set, const plan& p);

}  // namespace conform::run
