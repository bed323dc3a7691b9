// conform::csdl bridge — a CSDL type as the docs' contract (conform::type_def), so checks read both alike.
//   input : <EntityType Name="user"><Property Name="accountEnabled" Type="Edm.Boolean"/>
//           <NavigationProperty Name="manager" Type="graph.directoryObject"/></EntityType>
//   output: to_type_def(doc, *doc.find_structured("user")) -> type_def{name="user", properties=[
//           {accountEnabled, "Edm.Boolean", nullable}, {manager, "microsoft.graph.directoryObject", nav}]}
// Pure functions of the document: nothing is cached, nothing is registered anywhere.
#pragma once

#include "csdl/csdl.hpp"
#include "model/fixture.hpp"

namespace conform::csdl {

// One property as the contract reads it: `type` is the qualified CSDL name, which conform::read_type reads
// ("Edm.Int32" -> number, "Collection(microsoft.graph.assignedLicense)" -> a collection of a named type);
// an enum-typed property (or a collection of one) carries the enum's members in `enum_values`; `nullable` is
// CSDL's Nullable (true when absent); `navigation` marks a NavigationProperty. `required` stays false: the
// CSDL says what a property is, not that a response must carry it (the documented example decides that).
// `owner` is the type that declares p; source names it: "microsoft.graph.user.accountEnabled: Edm.Boolean".
conform::property to_property(const document& doc, const structured_type& owner, const property& p);

// A structured type with every property, inherited ones first (the order of document::all_properties).
// name is the simple name ("user", as the docs name types), file the document's source, line the type's;
// qualified, base, abstract and open as the CSDL says.
type_def to_type_def(const document& doc, const structured_type& t);

// An enum type: its members in document order, no properties.
type_def to_type_def(const document& doc, const enum_type& e);

}  // namespace conform::csdl
