// conform::model — fixtures, expectations and results as plain data (no I/O, no Beast).
//   input : a doc page's "### Request" / "### Response" pair, as extracted by conform::extract
//   output: fixture{id="create-user/create_user", request{POST, "https://graph.microsoft.com/v1.0/users"},
//   response{201}}
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace conform {

// note: a finding teams may choose to hide or raise (example-placeholder-value); it never fails a command.
enum class severity { warning, error, note };
std::string_view to_string(severity s);

// A problem in the documentation itself: extraction reports it and goes on.
struct diagnostic {
  std::string file;
  std::size_t line = 0;
  severity level = severity::warning;
  std::string code;  // stable, kebab-case, e.g. "invalid-json-body"
  std::string message;
};

struct header {
  std::string name;
  std::string value;
};
using header_list = std::vector<header>;

// Case-insensitive header lookup; nullptr when absent.
const header* find_header(const header_list& headers, std::string_view name);

// One documented property of a type: from a property table or a resource page.
struct property {
  std::string name;
  std::string type;                      // as documented: "String", "Collection(String)", "resultInfo", ...
  std::vector<std::string> enum_values;  // documented members; empty when none
  bool required = false;
  bool nullable = false;
  bool not_nullable = false;  // the docs say so ("Not nullable.") rather than only not saying "Nullable"
  bool navigation = false;    // a CSDL navigation property: OData returns it only under $expand
  // Where the contract says so, for messages: the doc file of a table row (with `line`), or for a property
  // from $metadata its CSDL reading, "microsoft.graph.user.accountEnabled: Edm.Boolean" (line in the CSDL).
  std::string source;
  std::size_t line = 0;
  bool from_metadata = false;
};

// "user.md:42" or "microsoft.graph.user.accountEnabled: Edm.Boolean"; "" when the property carries no source.
std::string contract_of(const property& p);

// The documented contract of one named type (resource page or API-page table).
struct type_def {
  std::string name;  // as documented, e.g. "commsOperation"
  std::vector<property> properties;
  std::string file;
  std::size_t line = 0;
  std::vector<std::string> members;  // an enum type's members ("Member" tables); empty for other types
  std::string base;       // the type it derives from ("Inherits from", CSDL BaseType), qualified when known
  std::string qualified;  // "microsoft.graph.user" when $metadata says; "" for a docs-only type
  bool abstract = false;  // no instance is of this type itself: it names a derived one (CSDL Abstract)
  bool open = false;      // instances may carry properties no one declared (CSDL OpenType)
  bool flags = true;  // an enum value may combine members "a,b"; false for a CSDL EnumType without IsFlags
  bool from_metadata = false;
};

// What a request URL returns, read against $metadata (csdl::resolve): set only when metadata is given.
struct resolved_resource {
  std::string kind;  // "entity", "collection", "property", "complex", "primitive", "count", "value", "ref",
                     // "action-void", "unresolved"
  std::string type;  // qualified element type: "microsoft.graph.user", "Edm.String"; "" when unresolved
  bool collection = false;
  std::string entity_set;  // "users", "directoryObjects"; "" when contained or unknown
  std::string reason;      // unresolved: which segment failed and why
};

struct request_example {
  std::string method;
  std::string url;  // as documented, placeholders kept
  header_list headers;
  std::string body;                        // documented text when it is not JSON (empty when `json` is set)
  std::optional<boost::json::value> json;  // parsed (possibly repaired) body when it is JSON
  std::size_t line = 0;                    // line of the request line
  std::size_t body_line = 0;               // line of the body's first line (0: no body)
};

struct response_example {
  int status = 0;
  std::string reason;
  header_list headers;
  std::string body;  // documented text when it is not JSON (empty when `json` is set)
  std::optional<boost::json::value> json;
  bool truncated = false;
  bool is_collection = false;
  std::string
      odata_type;  // without '#', e.g. "microsoft.graph.user"; may be "Collection(microsoft.graph.user)"
  std::size_t line = 0;       // line of the status line
  std::size_t body_line = 0;  // line of the body's first line (0: no body)
};

struct fixture {
  std::string id;    // stable, unique, readable: "<page>/<example name>"
  std::string page;  // doc page file name without extension (JUnit classname)
  std::string file;  // doc file as given
  std::size_t line = 0;
  std::string version;  // "v1.0", "beta", or "" when unknown
  bool runnable = true;
  std::string not_runnable_reason;
  bool expect_error = false;
  request_example request;
  response_example response;
  std::vector<property> properties;  // the page's own tables (+ its type's); see fixture_set::properties_of
  std::vector<std::string> optional_properties;
  std::vector<std::string> nullable_properties;
  std::vector<std::string> endpoint_templates;  // the page's "## HTTP request" URL templates
  std::optional<resolved_resource> resolved;    // with --metadata: what the URL returns
  // With --metadata: where the docs and the CSDL disagree for this example (the CSDL decides the checks);
  // a run reports each as a note of the case.
  std::vector<std::string> contract_notes;
};

struct fixture_set {
  std::vector<fixture> fixtures;
  std::vector<diagnostic> diagnostics;
  // Documented types by lower-case simple name ("resultinfo"), from resource pages and API tables.
  std::map<std::string, type_def, std::less<>> types;
  std::size_t files_read = 0;
  std::size_t bytes_read = 0;

  // Contracts read from $metadata, by API version ("v1.0"; "" for every version): documented types overlaid
  // with the CSDL's. Empty without --metadata.
  std::map<std::string, std::shared_ptr<const fixture_set>, std::less<>> metadata;
  // In a contract read from $metadata: schema alias -> namespace ("graph" -> "microsoft.graph"), so
  // "#graph.user" finds microsoft.graph.user.
  std::map<std::string, std::string, std::less<>> namespace_aliases;

  // Accepts "microsoft.graph.X", "#X", any case; a qualified name is looked up as such first (a CSDL type of
  // another namespace with a simple name microsoft.graph also uses).
  const type_def* find_type(std::string_view name) const;
  // The contract a fixture is checked against: its version's $metadata contract, else the one for every
  // version, else this set's documented types.
  const fixture_set& contract_for(const fixture& f) const;
  // The documented contract of a fixture's response: its own table (merged with its type's) when the page has
  // one, else its type's properties, shared rather than copied into every fixture of that type.
  const std::vector<property>& properties_of(const fixture& f) const;
};

// "#microsoft.graph.User" -> "user"; "Collection(microsoft.graph.user)" -> "user".
std::string simple_type_name(std::string_view odata_type);
// Case-insensitive comparison of two type names ignoring '#' and namespace prefixes.
bool same_type(std::string_view a, std::string_view b);
// Type names, asked whether a name is the same type (same_type) as any of them in one lookup: a response of
// thousands of items, each naming its type, is compared with every type a documented example shows.
class type_name_set {
 public:
  void insert(std::string_view name);
  bool contains_same_type(std::string_view name) const;

 private:
  std::set<std::string, std::less<>> names_;               // as same_type compares them
  std::set<std::string, std::less<>> simple_qualified_;    // simple names of those with a namespace
  std::set<std::string, std::less<>> simple_unqualified_;  // simple names of those without
};
std::string to_lower(std::string_view s);
// Without leading and trailing ASCII white space (space, tab, CR, LF, VT, FF).
std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
// ASCII case-insensitive prefix and suffix tests.
bool istarts_with(std::string_view s, std::string_view prefix);
bool iends_with(std::string_view s, std::string_view suffix);

// Whether a documented URL segment after a collection is a literal key of the docs' tenant ("b320ee12-...",
// "jdoe@contoso.com", "19:...@thread.v2", "contoso.com", "B2X_1_Partner") rather than a name: operations
// ("delta()"), casts ("microsoft.graph.user"), $-segments and navigation names, camelCase ones with a digit
// too ("b2xUserFlows", "oauth2PermissionGrants"), are not keys.
bool looks_like_key(std::string_view segment);

// The glob walk with a single backtrack point, linear in practice even for hostile patterns like "*a*a*a*b"
// (naive recursion is exponential): `star(i)` says pattern element i matches any run of characters,
// `one(i, t)` whether element i matches text character t. glob_match and the reference server's path patterns
// are both this walk.
template <class Star, class One>
bool glob_walk(std::size_t pattern_size, std::size_t text_size, Star star, One one) {
  std::size_t g = 0, t = 0, back = static_cast<std::size_t>(-1), mark = 0;
  while (t < text_size) {
    if (g < pattern_size && !star(g) && one(g, t)) {
      ++g;
      ++t;
    } else if (g < pattern_size && star(g)) {
      back = g++;
      mark = t;
    } else if (back != static_cast<std::size_t>(-1)) {
      g = back + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (g < pattern_size && star(g)) ++g;
  return g == pattern_size;
}

// Shell-style glob on whole strings: '*' any run of characters (also '/'), '?' exactly one. Case-sensitive.
// Selects fixtures by id (run --filter, serve --fault KIND@GLOB, suite waivers).
bool glob_match(std::string_view glob, std::string_view text);

// Fixture ids (and pages, the JUnit classnames) unique within a set read from several doc trees: pages are
// named by file name, so v1.0/api/user-get.md and beta/api/user-get.md both gave "user-get/get_user". Only
// pages whose name two or more files give are renamed, all of those files' fixtures alike, "<prefix>/<page>"
// and "<prefix>/<page>/<name>": the prefix is the version folder in the file's path ("beta", "v1.0") when
// those files' folders all differ, else the version their examples say when those all differ
// ("beta/user-get/get_user"), else the file's directory below the one the files share ("docs-b/api/x/y").
// A set read from one tree keeps its ids (they are a contract); the same trees give the same ids every run.
void disambiguate_pages(fixture_set& set);

// Request header naming the fixture a client replays; the reference server picks that example among those
// documented on the same route.
inline constexpr std::string_view fixture_header = "X-Conform-Fixture";
// Sent by the runner on its GET after a DELETE it made (run plan): a reference server without state answers
// that GET 404 when it was answered the DELETE, so the run's delete check holds against it.
inline constexpr std::string_view after_delete_header = "X-Conform-After-Delete";

// conform's version, from CMake's project(VERSION).
std::string_view version() noexcept;

}  // namespace conform
