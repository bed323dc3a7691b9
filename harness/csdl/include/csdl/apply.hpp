// conform::csdl apply — the docs' contract with $metadata behind it: the CSDL decides each check where it
// says something, the docs decide the rest, and every disagreement is said.
//   input : fixtures of user-get.md (table row "| Manufacturer | String |", GET /users/{id}), v1.0 CSDL
//   output: fixture.resolved={entity, microsoft.graph.user, entity_set=users}; the row renamed "manufacturer"
//           and typed as the CSDL types it; fixture.contract_notes=["docs spell Manufacturer; the CSDL ..."];
//           diagnostics [{user-get.md:42, warning, csdl-name-case, ...}];
//           set.metadata["v1.0"] = the documented types overlaid with the CSDL's.
#pragma once

#include "csdl/csdl.hpp"
#include "model/fixture.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace conform::csdl {

struct apply_summary {
  std::size_t fixtures = 0;    // fixtures of the version
  std::size_t resolved = 0;    // whose URL resolved to a type
  std::size_t unresolved = 0;  // whose URL did not (docs-only checks for those)
  std::size_t reconciled = 0;  // table properties the CSDL now types
};

// Applies `doc` to the fixtures of `version` ("" = every fixture not already given metadata of its own
// version): resolves each request URL (fixture::resolved), retypes the page's table rows the CSDL knows
// (name spelled as the CSDL does, type, nullability, enum members, navigation; "required" stays the docs'),
// and stores the contract for that version in set.metadata: every documented type, with the CSDL's type of
// the same name in its place (the docs' enum lists kept where the CSDL says only Edm.String, properties only
// the docs name kept after the CSDL's), plus every CSDL type under its qualified name.
// Disagreements go to `out` as warnings at the doc's file:line, once each: csdl-type-mismatch,
// csdl-unknown-property (a resource page's property the CSDL type does not have), csdl-name-case,
// csdl-enum-mismatch, csdl-unknown-type (a type the docs name that the CSDL does not define); the fixtures
// they concern keep them as contract_notes, which a run reports as notes.
apply_summary apply_metadata(fixture_set& set, const document& doc, std::string_view version,
                             std::vector<diagnostic>& out);

}  // namespace conform::csdl
