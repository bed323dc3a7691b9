// The lookups of a parsed document: hash indexes by name, built once by the parser, so a lookup never scans
// the document's thousands of types.
#include "csdl/csdl.hpp"
#include "detail.hpp"

#include <algorithm>

namespace conform::csdl {

namespace detail {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view strip_collection(std::string_view s, bool& collection) {
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
  };
  s = trim(s);
  if (!s.empty() && s.front() == '#') s.remove_prefix(1);
  collection = false;
  constexpr std::string_view open = "Collection(";
  if (s.size() > open.size() && s.substr(0, open.size()) == open && s.back() == ')') {
    collection = true;
    s = trim(s.substr(open.size(), s.size() - open.size() - 1));
  }
  return s;
}

std::string bound_key(std::string_view binding_type, bool collection, std::string_view name) {
  std::string key(binding_type);
  key += collection ? "|*|" : "|1|";
  key += lower(name);
  return key;
}

}  // namespace detail

namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto low = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return low(x) == low(y);
         });
}

// Base chains are short (Graph's deepest is 5); a cycle in a hostile document must still end.
constexpr std::size_t max_chain = 64;

}  // namespace

std::string type_name::text() const {
  return collection ? "Collection(" + name + ")" : name;
}

bool is_primitive(std::string_view qualified) {
  return qualified.substr(0, 4) == "Edm.";
}

std::size_t document::line_of(std::size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<std::size_t>(it - line_starts_.begin());
}

const document::type_slot* document::find_slot(std::string_view name) const {
  bool collection = false;
  name = detail::strip_collection(name, collection);
  if (name.empty()) return nullptr;
  if (auto it = types_.find(name); it != types_.end()) return &it->second;
  const auto dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    if (auto a = aliases_.find(name.substr(0, dot)); a != aliases_.end()) {
      std::string q = a->second + std::string(name.substr(dot));
      if (auto it = types_.find(q); it != types_.end()) return &it->second;
    }
  } else if (auto it = simple_types_.find(name); it != simple_types_.end()) {
    return &it->second;
  }
  // Ignoring case: "User", "Microsoft.Graph.User"; an alias in another case is not worth a second rewrite.
  if (auto it = lower_types_.find(detail::lower(name)); it != lower_types_.end()) return &it->second;
  if (dot != std::string_view::npos) {
    if (auto a = aliases_.find(name.substr(0, dot)); a != aliases_.end())
      if (auto it = lower_types_.find(detail::lower(a->second + std::string(name.substr(dot))));
          it != lower_types_.end())
        return &it->second;
  }
  return nullptr;
}

std::string document::qualify(std::string_view name) const {
  bool collection = false;
  std::string_view s = detail::strip_collection(name, collection);
  if (is_primitive(s)) return std::string(s);
  const type_slot* slot = find_slot(s);
  if (slot == nullptr) return {};
  return slot->is_enum ? enums_[slot->at].qualified : structured_[slot->at].qualified;
}

const structured_type* document::find_structured(std::string_view name) const {
  const type_slot* slot = find_slot(name);
  return slot != nullptr && !slot->is_enum ? &structured_[slot->at] : nullptr;
}

const enum_type* document::find_enum(std::string_view name) const {
  const type_slot* slot = find_slot(name);
  return slot != nullptr && slot->is_enum ? &enums_[slot->at] : nullptr;
}

const std::vector<enum_member>* document::members(std::string_view enum_name) const {
  const enum_type* e = find_enum(enum_name);
  return e != nullptr ? &e->members : nullptr;
}

std::vector<const structured_type*> document::base_chain(std::string_view name) const {
  std::vector<const structured_type*> chain;
  for (const structured_type* t = find_structured(name); t != nullptr && chain.size() < max_chain;
       t = t->base_type.empty() ? nullptr : find_structured(t->base_type)) {
    if (std::find(chain.begin(), chain.end(), t) != chain.end()) break;  // a cycle
    chain.push_back(t);
  }
  return chain;
}

bool document::derives_from(std::string_view type, std::string_view base) const {
  const structured_type* b = find_structured(base);
  if (b == nullptr) return false;
  for (const structured_type* t : base_chain(type))
    if (t == b) return true;
  return false;
}

std::vector<const structured_type*> document::derived_types(std::string_view name) const {
  std::vector<const structured_type*> out;
  const structured_type* t = find_structured(name);
  if (t == nullptr) return out;
  if (auto it = derived_.find(t->qualified); it != derived_.end())
    for (std::size_t i : it->second) out.push_back(&structured_[i]);
  return out;
}

std::vector<const property*> document::all_properties(const structured_type& t) const {
  std::vector<const structured_type*> chain = base_chain(t.qualified);
  if (chain.empty() || chain.front() != &t) chain.insert(chain.begin(), &t);  // a type of another document
  std::vector<const property*> out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it)
    for (const property& p : (*it)->properties) out.push_back(&p);
  return out;
}

const property* document::find_property(const structured_type& t, std::string_view name) const {
  std::vector<const structured_type*> chain = base_chain(t.qualified);
  if (chain.empty() || chain.front() != &t) chain.insert(chain.begin(), &t);
  // A type's own properties are a few dozen at most: a scan per type on the chain costs less than hashing.
  for (const structured_type* c : chain)
    for (const property& p : c->properties)
      if (p.name == name) return &p;
  for (const structured_type* c : chain)
    for (const property& p : c->properties)
      if (iequal(p.name, name)) return &p;
  return nullptr;
}

bool document::is_navigation(const structured_type& t, std::string_view name) const {
  const property* p = find_property(t, name);
  return p != nullptr && p->navigation;
}

const entity_set* document::find_entity_set(std::string_view name) const {
  if (auto it = entity_sets_.find(name); it != entity_sets_.end()) return &container_.entity_sets[it->second];
  if (auto it = lower_entity_sets_.find(detail::lower(name)); it != lower_entity_sets_.end())
    return &container_.entity_sets[it->second];
  return nullptr;
}

const singleton* document::find_singleton(std::string_view name) const {
  if (auto it = singletons_.find(name); it != singletons_.end()) return &container_.singletons[it->second];
  if (auto it = lower_singletons_.find(detail::lower(name)); it != lower_singletons_.end())
    return &container_.singletons[it->second];
  return nullptr;
}

const operation_import* document::find_import(std::string_view name) const {
  auto it = imports_.find(name);
  return it != imports_.end() ? &container_.imports[it->second] : nullptr;
}

const operation* document::find_operation(std::string_view qualified) const {
  auto it = unbound_.find(qualified);
  return it != unbound_.end() ? &operations_[it->second] : nullptr;
}

std::vector<const operation*> document::bound_operations(std::string_view binding_type, bool collection,
                                                         std::string_view name) const {
  std::vector<const operation*> out;
  std::string_view simple = name;
  std::string name_space;
  if (auto dot = name.rfind('.'); dot != std::string_view::npos) {
    simple = name.substr(dot + 1);
    name_space = std::string(name.substr(0, dot));
    if (auto a = aliases_.find(name_space); a != aliases_.end()) name_space = a->second;
  }
  auto it = bound_.find(detail::bound_key(binding_type, collection, simple));
  if (it == bound_.end()) return out;
  auto in_namespace = [&](const operation& op) {
    return name_space.empty() || (op.qualified.size() == name_space.size() + 1 + op.name.size() &&
                                  op.qualified.compare(0, name_space.size(), name_space) == 0);
  };
  for (std::size_t i : it->second)  // exact spelling first
    if (operations_[i].name == simple && in_namespace(operations_[i])) out.push_back(&operations_[i]);
  if (out.empty())
    for (std::size_t i : it->second)
      if (in_namespace(operations_[i])) out.push_back(&operations_[i]);
  return out;
}

}  // namespace conform::csdl
