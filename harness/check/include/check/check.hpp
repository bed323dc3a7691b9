// conform::check — compares a server's response with a fixture's expectation; no I/O.
//   input : fixture{response.status=201, properties=[status: enum NotStarted|Running]}, http_response{201,
//   {"status":"Bogus"}} output: [check_result{status, passed}, ..., check_result{enum, failed,
//   pointer="/status", expected="one of NotStarted, Running", actual="\"Bogus\""}]
#pragma once

#include "model/exchange.hpp"
#include "model/fixture.hpp"
#include "model/result.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace conform::check {

enum class odata_type_mode { required, if_present };

struct options {
  odata_type_mode odata_type = odata_type_mode::required;
  bool strict_enums = false;       // enum members compared case-sensitively
  bool strict_properties = false;  // undocumented properties fail (non-truncated examples only)
  std::size_t max_depth = 64;      // JSON nesting limit: a hostile body must not exhaust the stack
  bool null_always_valid = false;  // requests: null clears a property, whatever its nullability in responses
};

// Runs every check in order (status, content-type, json, odata-type, required-property, property-type, enum,
// unexpected-property). When status fails, the body checks are reported as skipped with a reason.
std::vector<check_result> check_response(const fixture& f, const fixture_set& contract,
                                         const http_response& r, const options& opts = {});

// Shape check of one JSON value against a documented type name ("String", "DateTimeOffset", "Int32",
// "Collection(X)", a complex type name resolved through `contract`, ...). Appends failures (property-type or
// enum) with JSON pointers below `pointer`. Used by check_response and by the reference server to validate
// requests.
void validate_value(const boost::json::value& v, const property& p, const fixture_set& contract,
                    const std::string& pointer, const options& opts, std::vector<check_result>& out);

// Type names.
bool is_timestamp(std::string_view s);  // ISO 8601 date-time with offset or Z
bool is_guid(std::string_view s);
// Documented placeholder strings such as "String", "String (timestamp)", "Int32", "Boolean": the type they
// name, or "" when the string is a real value.
std::string placeholder_type(std::string_view s);
bool is_date(std::string_view s);  // YYYY-MM-DD
// "application/json", "application/problem+json", "application/json; odata.metadata=minimal" -> true.
bool is_json_media_type(std::string_view content_type);
// RFC 6901 escaping of one reference token: "~" -> "~0", "/" -> "~1".
std::string pointer_token(std::string_view key);

}  // namespace conform::check
