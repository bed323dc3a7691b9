// conform::csdl — an OData V4 CSDL document ($metadata) as plain data, with the lookups the checks need.
//   input : <Schema Namespace="microsoft.graph" Alias="graph"><EntityType Name="user">
//           <Property Name="accountEnabled" Type="Edm.Boolean"/></EntityType>...
//   output: parse(xml).doc->find_structured("graph.user") -> {qualified="microsoft.graph.user",
//           properties=[{accountEnabled, {Edm.Boolean}, nullable=true}]}
// Every type name in the data is qualified with its namespace (aliases resolved), so names compare as
// strings. URL resolution is in csdl/resolve.hpp, the bridge to the docs' contract in csdl/bridge.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace conform::csdl {

// A type as a property, parameter or return type names it.
struct type_name {
  std::string name;  // qualified: "Edm.String", "microsoft.graph.user"
  bool collection = false;

  std::string text() const;  // "Collection(microsoft.graph.user)", "Edm.String"
  bool operator==(const type_name&) const = default;
};

// A structural Property or a NavigationProperty of a structured type.
struct property {
  std::string name;
  type_name type;
  bool nullable = true;  // CSDL's default when Nullable is absent
  bool navigation = false;
  bool contains_target = false;  // navigation only: the targets live inside the parent (no entity set)
  std::string partner;           // navigation only: the inverse navigation property, "" when none
  // Structural facets as written, "" when absent (MaxLength may be "max").
  std::string max_length, precision, scale, default_value;
  std::size_t line = 0;
};

enum class type_kind { entity, complex };

// An EntityType or a ComplexType.
struct structured_type {
  type_kind kind = type_kind::entity;
  std::string name;       // "user"
  std::string qualified;  // "microsoft.graph.user"
  std::string base_type;  // qualified, "" when none
  bool abstract = false;
  bool open_type = false;
  bool has_stream = false;
  std::vector<std::string> key;  // PropertyRef names declared here (a derived type inherits its base's)
  std::vector<property>
      properties;  // declared here, in document order; inherited ones: document::all_properties
  std::size_t line = 0;
};

struct enum_member {
  std::string name;
  std::int64_t value = 0;  // written or implied (the previous member's + 1, from 0)
};

struct enum_type {
  std::string name;
  std::string qualified;
  std::string underlying_type = "Edm.Int32";
  bool is_flags = false;  // a value may combine members, comma-separated in JSON
  std::vector<enum_member> members;
  std::size_t line = 0;
};

struct parameter {
  std::string name;
  type_name type;
  bool nullable = true;
};

enum class operation_kind { function, action };

// A Function or an Action. When bound, parameters[0] is the binding parameter (the type it is called on).
struct operation {
  operation_kind kind = operation_kind::function;
  std::string name;
  std::string qualified;
  bool is_bound = false;
  bool is_composable = false;
  std::vector<parameter> parameters;
  std::optional<type_name> return_type;  // absent: an action that returns nothing
  bool return_nullable = true;
  std::string entity_set_path;
  std::size_t line = 0;

  const parameter* binding() const { return is_bound && !parameters.empty() ? &parameters.front() : nullptr; }
};

struct navigation_binding {
  std::string path;    // "manager", "microsoft.graph.agentIdentityBlueprint/sponsors"
  std::string target;  // "directoryObjects", "policies/appManagementPolicies"
};

struct entity_set {
  std::string name;
  std::string entity_type;  // qualified
  std::vector<navigation_binding> bindings;
  std::size_t line = 0;
};

struct singleton {
  std::string name;
  std::string type;  // qualified
  std::vector<navigation_binding> bindings;
  std::size_t line = 0;
};

// A FunctionImport or ActionImport: an unbound operation callable from the service root.
struct operation_import {
  std::string name;
  std::string operation;   // qualified name of the Function or Action
  std::string entity_set;  // "" when none
  operation_kind kind = operation_kind::function;
};

struct entity_container {
  std::string name;
  std::vector<entity_set> entity_sets;
  std::vector<singleton> singletons;
  std::vector<operation_import> imports;
};

struct schema {
  std::string name_space;  // "microsoft.graph"
  std::string alias;       // "graph", "" when none
};

// A parsed CSDL document with its lookups. Built by parse(); read-only afterwards (the lookups index the
// data). Pointers it returns stay valid as long as the document lives, also across a move.
class document {
 public:
  const std::string& source() const { return source_; }  // as given to parse/load, for messages
  const std::vector<schema>& schemas() const { return schemas_; }
  const std::vector<enum_type>& enum_types() const { return enums_; }
  const std::vector<structured_type>& structured_types() const { return structured_; }
  const std::vector<operation>& operations() const { return operations_; }
  const entity_container& container() const { return container_; }

  // A type name as a document or a person writes it, qualified: alias replaced ("graph.user" ->
  // "microsoft.graph.user"), a simple name looked up ("user" -> "microsoft.graph.user"), "Edm.*" kept,
  // "Collection(...)" and a leading '#' dropped. "" when the name is not a type of this document.
  std::string qualify(std::string_view name) const;

  // Lookups by qualified name, alias-qualified name or simple name; exact spelling first, then ignoring case
  // ("User" in a doc table). A simple name declared in several schemas is the first schema's (microsoft.graph
  // before microsoft.graph.security).
  const structured_type* find_structured(std::string_view name) const;
  const enum_type* find_enum(std::string_view name) const;
  // Members of an enum type, or nullptr when `name` is not one.
  const std::vector<enum_member>* members(std::string_view enum_name) const;

  // The type itself, then its base, its base's base... (a base missing from the document ends the chain).
  std::vector<const structured_type*> base_chain(std::string_view name) const;
  // Whether `type` is `base` or derives from it.
  bool derives_from(std::string_view type, std::string_view base) const;
  // Types that name `name` as their BaseType (direct subtypes only).
  std::vector<const structured_type*> derived_types(std::string_view name) const;

  // Every property of a structured type, inherited ones first (the root base's first).
  std::vector<const property*> all_properties(const structured_type& t) const;
  // A property declared on `t` or a base: exact name first, then ignoring case; nullptr when none.
  const property* find_property(const structured_type& t, std::string_view name) const;
  bool is_navigation(const structured_type& t, std::string_view name) const;

  const entity_set* find_entity_set(std::string_view name) const;
  const singleton* find_singleton(std::string_view name) const;
  const operation_import* find_import(std::string_view name) const;
  // The first overload of an unbound operation (a FunctionImport's or ActionImport's), by qualified name.
  const operation* find_operation(std::string_view qualified) const;

  // Operations bound to `binding_type` (qualified; a collection of it when `collection`) named `name`
  // (simple, or qualified with the namespace or alias), overloads in document order. The caller walks the
  // base chain.
  std::vector<const operation*> bound_operations(std::string_view binding_type, bool collection,
                                                 std::string_view name) const;

  // Line of a byte offset in the source text (1-based).
  std::size_t line_of(std::size_t offset) const;

 private:
  friend class builder;

  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  template <class T>
  using index = std::unordered_map<std::string, T, string_hash, std::equal_to<>>;

  // A name's slot: which vector and where.
  struct type_slot {
    bool is_enum = false;
    std::size_t at = 0;
  };
  const type_slot* find_slot(std::string_view name) const;

  std::string source_;
  std::vector<schema> schemas_;
  std::vector<enum_type> enums_;
  std::vector<structured_type> structured_;
  std::vector<operation> operations_;
  entity_container container_;
  std::vector<std::size_t> line_starts_;

  index<std::string> aliases_;               // alias -> namespace (schemas and edmx:Include)
  index<type_slot> types_;                   // qualified name -> slot
  index<type_slot> simple_types_;            // simple name -> slot (first schema wins)
  index<type_slot> lower_types_;             // lower-case qualified and simple names -> slot
  index<std::vector<std::size_t>> derived_;  // qualified base -> direct subtypes
  index<std::vector<std::size_t>> bound_;    // binding key (see bound_key) -> operations
  index<std::size_t> unbound_;               // qualified name -> first unbound overload
  index<std::size_t> entity_sets_, singletons_, imports_;
  index<std::size_t> lower_entity_sets_, lower_singletons_;
};

// Parse outcome: a document, or why there is none.
struct parse_result {
  std::optional<document> doc;
  std::string error;           // when !doc: what is wrong, e.g. "not a CSDL document: root element <html>"
  std::size_t error_line = 0;  // 1-based, 0 when unknown
};

// Parses CSDL XML (edmx:Edmx > edmx:DataServices > Schema...). Never throws for bad input: a document that is
// not XML or not CSDL is a parse_result with an error. `source` names the document in messages.
parse_result parse(std::string_view xml, std::string_view source = "");
// Reads and parses a file; a file that cannot be read is an error too.
parse_result load(const std::filesystem::path& file);

// Whether a qualified name is an Edm primitive ("Edm.String", "Edm.Int32", ...; any "Edm." name).
bool is_primitive(std::string_view qualified);

}  // namespace conform::csdl
