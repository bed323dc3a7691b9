#include "csdl/bridge.hpp"

namespace conform::csdl {

conform::property to_property(const document& doc, const structured_type& owner, const property& p) {
  conform::property out;
  out.name = p.name;
  out.type = p.type.text();
  out.nullable = p.nullable;
  out.not_nullable = !p.nullable;  // CSDL Nullable="false" says it outright
  out.navigation = p.navigation;
  out.source = owner.qualified + "." + p.name + ": " + out.type;
  out.line = p.line;
  out.from_metadata = true;
  if (!p.navigation && !is_primitive(p.type.name))
    if (const enum_type* e = doc.find_enum(p.type.name))
      for (const enum_member& m : e->members) out.enum_values.push_back(m.name);
  return out;
}

type_def to_type_def(const document& doc, const structured_type& t) {
  type_def out;
  out.name = t.name;
  out.qualified = t.qualified;
  out.base = t.base_type;
  out.abstract = t.abstract;
  // A type derived from an open type is open too (OData CSDL 4.01 §6.3).
  for (const structured_type* level : doc.base_chain(t.qualified)) out.open = out.open || level->open_type;
  out.from_metadata = true;
  out.file = doc.source();
  out.line = t.line;
  // Inherited properties first (document::all_properties' order), each named after the type that declares
  // it: that is where the CSDL says so.
  std::vector<const structured_type*> chain = doc.base_chain(t.qualified);
  if (chain.empty() || chain.front() != &t) chain.insert(chain.begin(), &t);
  for (auto level = chain.rbegin(); level != chain.rend(); ++level)
    for (const property& p : (*level)->properties) out.properties.push_back(to_property(doc, **level, p));
  return out;
}

type_def to_type_def(const document& doc, const enum_type& e) {
  type_def out;
  out.name = e.name;
  out.qualified = e.qualified;
  out.flags = e.is_flags;
  out.from_metadata = true;
  out.file = doc.source();
  out.line = e.line;
  for (const enum_member& m : e.members) out.members.push_back(m.name);
  return out;
}

}  // namespace conform::csdl
