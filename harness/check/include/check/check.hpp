// conform::check — compares a server's response with a fixture's expectation; no I/O.
//   input : fixture{response.status=201, properties=[status: enum NotStarted|Running]}, http_response{201,
//   {"status":"Bogus"}} output: [check_result{status, passed}, ..., check_result{enum, failed,
//   pointer="/status", expected="one of NotStarted, Running", actual="\"Bogus\""}]
#pragma once

#include "model/exchange.hpp"
#include "model/fixture.hpp"
#include "model/result.hpp"

#include <cstddef>
#include <vector>

namespace conform::check {

enum class odata_type_mode { required, if_present };

struct options {
  odata_type_mode odata_type = odata_type_mode::required;
  bool strict_enums = false;       // enum members compared case-sensitively
  bool strict_properties = false;  // undocumented properties fail (non-truncated examples only)
  std::size_t max_depth = 64;      // JSON nesting limit: a hostile body must not exhaust the stack
  bool null_always_valid = false;  // null passes whatever the documented nullability
};

// Runs every check in order (status, content-type, json, odata-type, required-property, property-type, enum,
// unexpected-property). When status fails, the body checks are reported as skipped with a reason. What a
// documented type means comes from model/contract.hpp, the one reading shared with run and mock.
std::vector<check_result> check_response(const fixture& f, const fixture_set& contract,
                                         const http_response& r, const options& opts = {});

}  // namespace conform::check
