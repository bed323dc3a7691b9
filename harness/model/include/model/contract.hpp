// conform::model contract — what a documented type means, in one place for check, run, mock and extract.
//   input : property{name="status", type="Collection(Edm.Int32)"}, value [1, "2"]
//   output: read_type(...) == {element="Edm.Int32", collection=true, kind=number};
//           validate_value(...) -> [check_result{property-type, failed, pointer="/status/1",
//           expected="Int32"}]
// The docs are the first source of types (property tables, resource pages, enum pages: fixture_set::types); a
// second source (the CSDL) plugs in behind fixture_set::find_type and property_scope, so nothing else
// changes.
#pragma once

#include "model/fixture.hpp"
#include "model/result.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace conform {

// What a value of a documented primitive type looks like on the wire. `unknown` is everything that is not a
// primitive: a complex type, an enum type, an undocumented name.
enum class value_kind {
  unknown,
  string,
  number,
  boolean,
  timestamp,
  date,
  time_of_day,
  duration,
  guid,
  binary,
  any
};
std::string_view to_string(value_kind k);  // "string", "number", "boolean", "timestamp", ...

// A documented type name read once.
struct type_ref {
  std::string_view
      element;  // without "Collection(...)" and surrounding space: "Edm.Int32", "microsoft.graph.user"
  std::string_view name;  // element without an "Edm." prefix: "Int32" (what messages show)
  bool collection = false;
  value_kind kind = value_kind::unknown;  // of the element
};
// "Collection(Edm.Int32)" -> {"Edm.Int32", "Int32", true, number}; "String" -> {"String", "String", false,
// string}; "DateTimeOffset" -> timestamp; "Json"/"Untyped" -> any; case and "Edm." ignored. `documented` must
// outlive it.
type_ref read_type(std::string_view documented);

// Wire forms.
bool is_timestamp(std::string_view s);  // ISO 8601 date-time with seconds optional, offset or Z
bool is_date(std::string_view s);       // YYYY-MM-DD
bool is_guid(std::string_view s);
bool is_time_of_day(std::string_view s);  // HH:MM[:SS[.fffffff]]
bool is_duration(std::string_view s);     // ISO 8601 duration as OData writes it: [-]P[nD][T[nH][nM][n[.n]S]]
bool is_base64url(std::string_view s);    // Edm.Binary: base64url (or base64), padding optional
// Whether `v` has the JSON shape of `kind` (unknown and any accept everything).
bool matches(const boost::json::value& v, value_kind kind);

// Documented placeholder values such as "String", "String (timestamp)", "Int32", "Boolean": the type they
// name
// ("DateTimeOffset"), or "" when the string is a real value.
std::string placeholder_type(std::string_view s);

// One comma-separated part of a (flag) enum value against the documented members.
struct member_match {
  std::string_view part;                // trimmed
  const std::string* member = nullptr;  // the documented member, exact or differing only in case; null: none
  bool exact = false;
};
// Called once per part, in order: a value may hold millions of parts, so they are not collected.
void match_members(std::string_view value, const std::vector<std::string>& members,
                   const std::function<void(const member_match&)>& each);

// Where the members of a JSON object are documented: the page's own table and/or a named type. One lookup
// order for every module: the table first (the page documents this very example), then the type; exact names
// before names differing in case ("Id" in a table, "id" on the wire).
struct property_scope {
  const std::vector<property>* table = nullptr;
  const type_def* type = nullptr;

  const property* find(std::string_view name) const;
  bool empty() const { return table == nullptr && type == nullptr; }
};

// Whether documented type `type` is `base` or derives from it, through the bases the docs ("Inherits from")
// or $metadata (BaseType) name. Names compare as same_type does.
bool derives_from(const fixture_set& set, std::string_view type, std::string_view base);

// A documented type that says something about a value's shape (has properties), or nullptr.
const type_def* documented_type(const fixture_set& set, std::string_view name);
// The scope of an object value: the type its own "@odata.type" names when documented (a derived type is more
// specific), else the declared element type of the property that holds it.
property_scope scope_of(const fixture_set& set, const boost::json::value& v, const property* declared);
// The scope of a fixture's documented response body (or of each item of a collection): the page's table
// (fixture_set::properties_of) and the type the docs name, else the body's own "@odata.type".
property_scope response_scope(const fixture& f, const fixture_set& set, const boost::json::value& body);
// The scope of a fixture's request body: the page's table and the type the body names, else the response's.
property_scope request_scope(const fixture& f, const fixture_set& set, const boost::json::value& body);

// Text for humans in check results: at most 200 bytes, never cutting a UTF-8 sequence ("..." marks a cut);
// a JSON value serialised and shortened; the JSON kind of a value ("string", "number", "object", ...). Only
// what is kept is copied, and compact serialises no more of the value than it keeps: a check may report on a
// megabyte value thousands of times.
std::string shorten(std::string_view s);
std::string compact(const boost::json::value& v);
std::string_view kind_name(const boost::json::value& v);

// RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1"), and a child pointer built from one.
std::string pointer_token(std::string_view key);
std::string pointer_child(std::string_view pointer, std::string_view key);
std::string pointer_child(std::string_view pointer, std::size_t index);

// How strictly validate_value reads the contract.
struct validate_options {
  bool strict_enums = false;       // members differing only in case fail (else a note)
  bool null_always_valid = false;  // requests: null clears a property whatever its nullability
  std::size_t max_depth = 64;      // hostile nesting must not exhaust the stack
  // Names or pointers a page lists as nullable beside its table ("nullable_properties" of a fixture).
  const std::vector<std::string>* nullable_names = nullptr;
  std::size_t* enums_seen = nullptr;            // counts enum values compared, when set
  std::set<std::string>* unresolved = nullptr;  // undocumented type names already noted (each noted once)
  result_budget* budget = nullptr;              // failures and notes kept per check (all when null)
  // The response's Content-Type says IEEE754Compatible=true: Int64 and Decimal values come as strings.
  bool ieee754_compatible = false;
};

// Names the contract (contract_of(p)) on the failures appended to `out` from index `from` on that have none:
// they came from checking a value against property p.
void attribute_failures(std::vector<check_result>& out, std::size_t from, const property& p);

// Whether a page lists the property at `pointer` as nullable.
bool listed_nullable(const std::vector<std::string>* names, std::string_view pointer);

// A value against the contract of the property holding it: nullability, Collection(...), primitive shape,
// enum members, and the members of a documented complex type, recursively. Failures (property-type, enum) and
// notes (enum case, undocumented type) are appended with JSON pointers below `pointer`.
void validate_value(const boost::json::value& v, const property& p, const fixture_set& set,
                    const std::string& pointer, const validate_options& opts, std::vector<check_result>& out);
// The same for a value whose declared type is `type` with `members` (e.g. one item of a collection).
void validate_typed(const boost::json::value& v, std::string_view type,
                    const std::vector<std::string>* members, bool nullable, const fixture_set& set,
                    const std::string& pointer, const validate_options& opts, std::size_t depth,
                    std::vector<check_result>& out);
// Every documented member of `v` present in the object (absence is not this function's business).
void validate_members(const boost::json::object& v, const property_scope& scope, const fixture_set& set,
                      const std::string& pointer, const validate_options& opts, std::size_t depth,
                      std::vector<check_result>& out);

// A valid value of a primitive kind, for a server answering or a request being sent: 0, false, `now` (and
// its date and time of day), "PT1H", a fresh GUID; nullopt for strings, unknown and any.
struct sample_env {
  std::string now;  // "2026-11-25T11:00:00Z"
  std::function<std::string()> new_guid;
};
std::optional<boost::json::value> sample_value(value_kind kind, const sample_env& env);

}  // namespace conform
