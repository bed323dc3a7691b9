#include "csdl/bridge.hpp"

namespace conform::csdl {

conform::property to_property(const document& doc, const property& p) {
  conform::property out;
  out.name = p.name;
  out.type = p.type.text();
  out.nullable = p.nullable;
  out.navigation = p.navigation;
  if (!p.navigation && !is_primitive(p.type.name))
    if (const enum_type* e = doc.find_enum(p.type.name))
      for (const enum_member& m : e->members) out.enum_values.push_back(m.name);
  return out;
}

type_def to_type_def(const document& doc, const structured_type& t) {
  type_def out;
  out.name = t.name;
  out.file = doc.source();
  out.line = t.line;
  for (const property* p : doc.all_properties(t)) out.properties.push_back(to_property(doc, *p));
  return out;
}

type_def to_type_def(const document& doc, const enum_type& e) {
  type_def out;
  out.name = e.name;
  out.file = doc.source();
  out.line = e.line;
  for (const enum_member& m : e.members) out.members.push_back(m.name);
  return out;
}

}  // namespace conform::csdl
