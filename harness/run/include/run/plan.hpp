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
#include <functional>
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
  // Where the key's text is in the documented URL (quotes of "users('x')" excluded), so a captured value can
  // take its place; npos for other segments.
  std::size_t at = std::string::npos;
  std::size_t length = 0;
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
// `templates`: the page's "## HTTP request" lines ("GET /identityProviders/{id}"); a literal where an aligned
// template has a placeholder is a key even when it does not look like one ("Amazon-OAuth").
resource_path read_resource_path(std::string_view url, const std::vector<std::string>& templates = {});

// What a fixture does to its resource, from its method and path (and, for POST, the documented status).
enum class step_role { create, read, list, action, update, remove, other };
std::string_view to_string(step_role r);  // "create", "read", "list", "action", "update", "delete", "other"
step_role role_of(const fixture& f, const resource_path& p);

// An explicit capture (suite "captures"), for what inference cannot see: the value at `pointer` of the
// response of the first fixture whose id matches `from` binds the placeholder named `as` in every fixture
// that uses it (URL, headers or body).
struct capture_rule {
  std::string from;     // fixture-id glob
  std::string pointer;  // JSON pointer into the response body: "/id"
  std::string as;       // placeholder name: "groupId" binds {groupId}
};

// Where the value of one key position (or, for an explicit capture, one placeholder name) comes from.
struct binding {
  static constexpr std::size_t no_segment = std::string::npos;
  std::size_t segment = 0;  // in the fixture's resource path; no_segment: the placeholder `variable` anywhere
  std::string documented;   // "{id}" or the documented literal id
  // parent: a key above a captured or discovered one takes what that key's producer sent there (a channel
  // made under team A is found under A, whatever team the consumer's page documents).
  enum class source { variable, capture, discovery, literal, parent } from = source::literal;
  std::string variable;  // source::variable: the bound name; an explicit capture: the name it binds
  std::size_t producer =
      0;                // capture/discovery/parent: index of the producing fixture in fixture_set::fixtures
  std::string pointer;  // capture: "/id"; discovery: "/value/0/id"
  std::size_t parent_item = 0;  // parent: which key of the producer's URL (0: its first)
  // capture by a delete whose producer's item an earlier delete removes: the producer's request is sent again
  // for this step, and the key is that new item's (each delete deletes its own).
  bool fresh = false;
};
std::string_view to_string(binding::source s);  // "variable", "capture", "discovery", "literal", "parent"
// Whether the binding's value comes from another fixture's exchange (capture, discovery or parent): the step
// waits for that producer.
bool from_producer(const binding& b);

struct step {
  std::size_t fixture = 0;  // index in fixture_set::fixtures
  step_role role = step_role::other;
  resource_path path;
  std::vector<binding> bindings;
  std::vector<std::size_t> depends_on;  // producers this step needs (skipped when one failed)
  std::size_t group = 0;                // index into plan::groups
  // Said on the case: the item bound is documented as another type than this page documents (no create of
  // that type runs), so a type check of the answer is about the plan's choice as much as the server.
  std::string note;
};

// Steps that may run at the same time: one phase (create, reads, ...) of one resource, or of one nested
// collection under it. A group starts once every group it comes `after` has finished, so independent
// resources run concurrently and one resource's steps keep their order.
struct step_group {
  std::size_t first = 0, end = 0;  // steps [first, end)
  std::vector<std::size_t> after;  // groups that must finish first
};

struct plan {
  std::vector<step> steps;  // in the order to send
  std::vector<step_group> groups;
};

struct plan_inputs {
  // Whether a variable of this name is bound for this fixture (--var, suite variables, a scope's): explicit
  // bindings always win over captures. Null: none is.
  std::function<bool(std::size_t fixture, std::string_view name)> bound;
  std::vector<capture_rule> captures;
};

// Orders and chains `selected` (indexes into set.fixtures). Chains are by top-level resource ("/groups/*");
// steps of one chain keep their relative order, chains keep the order of their first fixture. A producer is
// always planned before its consumers (a key whose only producer would come later stays as documented).
plan make_plan(const fixture_set& set, const std::vector<std::size_t>& selected, const plan_inputs& in);
// The same with one set of variables for every fixture.
plan make_plan(const fixture_set& set, const std::vector<std::size_t>& selected,
               const std::map<std::string, std::string, std::less<>>& variables);

// The fixture's documented URL with each key position bound by a capture or discovery replaced by its value
// (`values[n]` for `bindings[n]`; an empty value leaves that key as documented).
std::string bind_url(std::string_view documented, const step& s, const std::vector<std::string>& values);

// The plan for people (`conform run --plan`): one line per step, then where each key's value comes from.
//   "3. GET /v1.0/groups/{id}  read  group-get/get_group
//       {id} <- capture /id of group-post-groups/create_group"
std::string plan_text(const fixture_set& set, const plan& p);

}  // namespace conform::run
