// conform::mock — the reference server's logic: documented request in, documented response (made real) out.
//   input : fixture{POST .../beta/communications/calls/{callId}/operations -> 201 {"status":"String",...}},
//           http_request{POST "/beta/communications/calls/abc/operations", body={"status":"Running"}}
//   output: reply{201, Content-Type: application/json,
//   {"@odata.type":"#...","status":"Running","id":"<guid>",...}}
#pragma once

#include "model/exchange.hpp"
#include "model/fixture.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace conform::mock {

// Ways the server can deliberately break its answer, so the runner and the checks can be tested end to end.
enum class fault_kind {
  status,
  drop_property,
  wrong_type,
  bad_enum,
  bad_timestamp,
  odata_type,
  no_odata_type,
  content_type,
  malformed_json,
  slow,
  reset,
  huge_body,
  nested
};

// "drop-property" -> fault_kind::drop_property; also accepts '_' and any case. nullopt when unknown.
std::optional<fault_kind> parse_fault_kind(std::string_view s);
std::string_view to_string(fault_kind k);  // kebab-case, the inverse of parse_fault_kind

// --fault KIND[@GLOB]: the fault applies to fixtures whose id matches the glob.
struct fault {
  fault_kind kind = fault_kind::status;
  std::string glob = "*";
};
// "wrong-type@create-user/*" -> fault{wrong_type, "create-user/*"}; nullopt when the kind is unknown.
std::optional<fault> parse_fault(std::string_view spec);

struct options {
  std::vector<fault> faults;
  // Documented responses served exactly as written: no placeholder filled, no value repaired, nothing added,
  // nothing the client sent echoed (a self-replay then shows the docs' own contradictions).
  bool verbatim = false;
  std::uint64_t seed =
      1;  // which property a fault bends is a hash of seed + fixture id: reruns are identical
  std::chrono::milliseconds fault_delay{2000};
  std::size_t huge_body_bytes = 17 * 1024 * 1024;
  // --stateful: what a documented create (POST answered 201) makes is kept under a new id; GET returns it,
  // PATCH/PUT merge into it, DELETE removes it; an id the server never made is 404 (see
  // reference_server::handle). Bounded: creates beyond either limit are refused with 507.
  bool stateful = false;
  std::size_t max_entities = 100'000;
  std::size_t max_entity_bytes = 256 * 1024 * 1024;  // serialised size of everything stored
  std::size_t list_page = 1000;  // stored items per list answer; more follow through @odata.nextLink
};

struct reply {
  http_response response;  // headers carry no Content-Length: the transport computes it from the body
  bool reset = false;      // the transport should drop the connection instead of answering
  std::chrono::milliseconds delay{0};
  std::string fixture_id;  // fixture that answered, "" when none
};

// One change the reference server makes to a documented response before serving it, named with the lint
// code of the contradiction it repairs: example-placeholder-value (a placeholder filled), example-enum (a
// member's case), example-type (a value its type rejects), example-odata-type (@odata.type added or given
// its '#'), example-missing-property (a required table property added).
struct repair {
  std::string code;
  std::string pointer;  // JSON pointer into the documented response body
  std::string message;
};
// Every repair the server makes to `f`'s documented response (what documented_body does without a request
// body); empty under options::verbatim semantics is the caller's business.
std::vector<repair> documented_repairs(const fixture& f, const fixture_set& set);

// Response header describing each fault applied: "<kind> <json-pointer>", e.g. "drop-property /status".
inline constexpr std::string_view fault_header = "X-Conform-Fault";

namespace detail {
struct route;
class route_index;
}  // namespace detail

class reference_server {
 public:
  // Keeps a reference to `fixtures` (it must outlive the server); builds the route table.
  reference_server(const fixture_set& fixtures, options opts);
  ~reference_server();
  reference_server(const reference_server&) = delete;
  reference_server& operator=(const reference_server&) = delete;

  // Distinct method + path patterns served; 0 means nothing is servable.
  std::size_t route_count() const;

  // Never throws. Thread-safe: the mutable state is an atomic counter for fresh GUIDs and, when stateful,
  // the store of created entities behind a mutex.
  //   stateful: POST /v1.0/groups (documented 201) -> 201 {...documented, sent fields, "id": "<new guid>"};
  //   GET /v1.0/groups/<that id> -> the documented GET body with the stored fields over it; GET
  //   /v1.0/groups/b320ee12-... (never created) -> 404 {"error":{"code":"Request_ResourceNotFound",...}}
  reply handle(const http_request& req) const;

  // Entities held now (stateful mode; 0 otherwise).
  std::size_t stored_count() const;

 private:
  struct store;
  reply answer(const http_request& req) const;
  const fixture* choose(const http_request& req, const std::optional<boost::json::value>& body,
                        reply& refusal, const detail::route** chosen_route = nullptr) const;
  // Stateful mode: fits the documented answer (`status`, `doc`, or `text` for a body the docs show as text,
  // such as a $count) to what is stored, and stores what the request creates, changes or deletes; a reply
  // when the request is refused (404, 507) instead.
  std::optional<reply> apply_state(const http_request& req, const detail::route& r, int status,
                                   const std::optional<boost::json::value>& body,
                                   std::optional<boost::json::value>& doc,
                                   std::optional<std::string>& text) const;
  // The fixture the runner names (X-Conform-Fixture) when the request is its documented path with other keys
  // in it: a run plan puts the id a create answered where the docs show a literal one ("/chats/19:abc@..."),
  // and no route is that literal; nullptr otherwise.
  const fixture* named_fixture(const http_request& req, const std::vector<std::string>& segments) const;
  // Stateful mode, when no documented route takes a request: a GET or DELETE of a stored item still meets
  // it (a run deletes what it created even where the docs show no DELETE); nullopt for anything else.
  std::optional<reply> answer_stored(const http_request& req) const;
  // Whether a documented POST on a route matching `segments` answers 201: a collection that creates.
  bool creates_at(const std::vector<std::string>& segments) const;
  std::optional<boost::json::value> documented_body(const fixture& f, std::string_view method, int status,
                                                    const std::optional<boost::json::value>& body) const;

  const fixture_set& fixtures_;
  options opts_;
  std::vector<detail::route> routes_;  // most specific first
  std::unique_ptr<detail::route_index> index_;
  std::vector<char> creates_;  // per route: a POST documented to answer 201 (not $ref)
  // Index into fixtures_.fixtures by fixture id, for the fixture a request names (X-Conform-Fixture).
  std::unordered_map<std::string_view, std::size_t> fixture_by_id_;
  std::uint64_t guid_base_ = 0;
  mutable std::atomic<std::uint64_t> guid_counter_{0};
  std::unique_ptr<store> store_;  // stateful mode only
  // Paths a DELETE was answered 2xx for, one count per DELETE, until the runner's GET after it (marked with
  // after_delete_header) is answered 404; no other request sees them, so a stateless server answers every
  // run alike. The stateful one keeps them too: a documented DELETE of what the store does not hold (a
  // literal id, a collection nobody creates in) is gone for that check as well. Bounded: at tombstone_limit
  // the unchecked ones are forgotten.
  static constexpr std::size_t tombstone_limit = 10'000;
  mutable std::mutex tombstone_mutex_;
  mutable std::unordered_map<std::string, std::size_t> tombstones_;  // path -> DELETEs not yet seen by a GET
};

}  // namespace conform::mock
