// conform::check — compares a server's response with a fixture's expectation; no I/O.
//   input : fixture{response.status=201, properties=[status: enum NotStarted|Running]}, http_response{201,
//   {"status":"Bogus"}} output: [check_result{status, passed}, ..., check_result{enum, failed,
//   pointer="/status", expected="one of NotStarted, Running", actual="\"Bogus\""}]
#pragma once

#include "model/exchange.hpp"
#include "model/fixture.hpp"
#include "model/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace conform::check {

// How @odata.type is held. `odata` (the default) is OData JSON's own rule (JSON Format 4.01 §4.5.3): a
// present @odata.type must name the declared type or a type derived from it; an absent one is fine when the
// instance is of the declared type and a failure when it cannot be (the declared type is abstract, or the
// docs show a derived type there). The declared type is what $metadata says the URL returns, else what the
// docs name. `required`: every instance the docs type must carry it; `if-present`: only a present one is
// compared.
enum class odata_type_mode { required, if_present, odata };

struct options {
  odata_type_mode odata_type = odata_type_mode::odata;
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

// Why an answer that passed its checks gave them nothing to check, or "" when it did: an OData collection
// with no items ({"value": []}, with or without "@odata.count": 0) or a `/$count` answering 0. `url` is the
// request URL as sent (its path decides whether the body is a count). Hostile bodies are fine: a body that is
// not JSON, or too deep, is simply not an empty collection.
std::string nothing_checked(std::string_view url, const http_response& r, const options& opts = {});

// The documented response example held to its own contract, with the body checks check_response applies to a
// server's answer (odata-type, required-property, property-type, enum, unexpected-property): where the docs
// contradict themselves. `contract` is set.contract_for(f). Empty when the example has no JSON body.
std::vector<check_result> check_documented_response(const fixture& f, const fixture_set& contract,
                                                    const options& opts = {});
// The documented request body against the page's request table (and the type the body names): property-type
// and enum results (null always valid: a request may clear a property). Empty when there is nothing to hold
// it to.
std::vector<check_result> check_documented_request(const fixture& f, const fixture_set& contract,
                                                   const options& opts = {});

}  // namespace conform::check
