// conform::mock internals shared by the routing, synthesis and fault code; not part of the public API.
//   input : "https://graph.microsoft.com/beta/calls/{callId}/items('{id}')?$top=1"
//   output: segments [beta] [calls] [*] [items('*')] and query [("$top","1")]
#pragma once

#include "mock/reference_server.hpp"
#include "model/contract.hpp"
#include "model/fixture.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conform::mock::detail {

// One piece of a path segment: literal text, or a placeholder that matches one or more characters.
struct token {
  bool wildcard = false;
  std::string text;  // percent-decoded literal; empty for wildcards
};

struct segment_pattern {
  std::vector<token> tokens;
  bool is_literal() const { return tokens.size() == 1 && !tokens.front().wildcard; }
  bool is_wildcard() const { return tokens.size() == 1 && tokens.front().wildcard; }
};

struct route {
  std::string method;
  std::vector<segment_pattern> segments;
  std::string key;                    // canonical "METHOD /a/{}/b('{}')" used to merge identical routes
  int literal_segments = 0;           // specificity, compared first
  int partial_segments = 0;           // segments like items('{id}')
  std::size_t literal_chars = 0;      // last tie breaker
  std::vector<std::size_t> fixtures;  // indices into fixture_set::fixtures, document order
};

using query_list = std::vector<std::pair<std::string, std::string>>;

std::string percent_decode(std::string_view s, bool plus_is_space = false);
// Path of a documented URL or request target: scheme and host stripped, query and fragment cut off. In
// documented URLs a '?' inside {...} belongs to the placeholder; a request target has no placeholders to
// protect.
std::string_view url_path(std::string_view url, bool documented = true);
std::string_view url_query(std::string_view url, bool documented = true);  // after '?', "" when none
query_list parse_query(std::string_view query);

// Splits a documented path into patterns ('/' inside {...} does not split); empty segments are dropped.
std::vector<segment_pattern> parse_path_pattern(std::string_view path);
// Splits a request path into percent-decoded segments; empty segments are dropped.
std::vector<std::string> split_request_path(std::string_view path);

bool match_segment(const segment_pattern& p, std::string_view text);
bool match_route(const route& r, const std::vector<std::string>& segments);

// Every route whose path matches a request, found by walking the request's own segments, so the cost does not
// grow with the number of routes: a trie on path segments whose nodes hold literal children (hashed, compared
// case-insensitively), one placeholder child and a short list of pattern children like items('{}'). Gives
// exactly what match_route over every route gives.
class route_index {
 public:
  route_index();
  explicit route_index(const std::vector<route>& routes);
  ~route_index();
  route_index(route_index&&) noexcept;
  route_index& operator=(route_index&&) noexcept;

  // Indices into the routes given to the constructor of every route matching `segments`, ascending (the
  // routes' own order, most specific first in the server). `visited` counts the trie nodes walked.
  std::vector<std::size_t> find(const std::vector<std::string>& segments,
                                std::size_t* visited = nullptr) const;
  std::size_t node_count() const;

 private:
  struct node;
  void walk(std::uint32_t n, const std::vector<std::string>& segments, std::size_t depth,
            std::vector<std::size_t>& out, std::size_t& visited) const;
  std::vector<node> nodes_;
};

// Route for one fixture, or an empty-segment route when the URL has no usable path.
route make_route(const fixture& f);

std::uint64_t fnv1a(std::uint64_t seed, std::string_view a, std::string_view b);

// Whether the documented body is a collection ({"value": [...]}): flagged by the docs, or nothing but
// "value".
bool is_collection_body(const fixture& f, const boost::json::object& body);
// The object the body's property-level faults bend: the body itself, or value[0] of a collection.
boost::json::object* fault_target(const fixture& f, boost::json::value& body, std::string& pointer_prefix);

bool is_annotation(std::string_view key);  // "@odata.type", "name@odata.nextLink"

// An OData error answer: {"error": {"code": code, "message": message}} with its reason phrase.
reply odata_error(int status, std::string_view code, std::string message);

// Makes the documented example real: placeholder values -> valid values of their documented type,
// '#'-prefixed @odata.type. `next_guid` yields fresh GUIDs.
struct synth_env {
  const fixture_set& set;
  std::string now;  // "2026-11-25T11:00:00Z"
  std::string (*make_guid)(const void* ctx);
  const void* guid_ctx;
  std::vector<repair>* repairs = nullptr;  // when set, every change made is said here (with its pointer)
};
void synthesize(boost::json::value& v, const property_scope& scope, const synth_env& env,
                const std::string& pointer = {});
void synthesize_body(const fixture& f, boost::json::value& body, const synth_env& env);

std::string utc_now();
std::string format_guid(std::uint64_t hi, std::uint64_t lo);

// Applies one body-independent or JSON-level fault; returns the X-Conform-Fault header value.
struct fault_input {
  const fixture& f;
  const fixture_set& set;
  const options& opts;
};
std::string apply_json_fault(fault_kind kind, const fault_input& in, boost::json::value& body);
std::string apply_text_fault(fault_kind kind, const fault_input& in, std::string& body);
bool is_text_fault(fault_kind kind);
bool is_json_fault(fault_kind kind);
int faulted_status(int documented);

}  // namespace conform::mock::detail
