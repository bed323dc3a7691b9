// The docs' contract and the CSDL side by side: types converted once per version (csdl/bridge.hpp), each
// documented property compared with the CSDL's once, each fixture's URL resolved once. Nothing here runs per
// exchange: the checks read the result as they read the docs.
#include "csdl/apply.hpp"

#include "csdl/bridge.hpp"
#include "csdl/resolve.hpp"
#include "model/contract.hpp"

#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace conform::csdl {

namespace {

// Said once per place: a page's table is shared by all its examples.
class disagreements {
 public:
  explicit disagreements(std::vector<diagnostic>& out) : out_(out) {}

  void add(const std::string& file, std::size_t line, std::string code, std::string message) {
    if (!seen_.emplace(file, line, code, message).second) return;
    out_.push_back({file, line, severity::warning, std::move(code), std::move(message)});
  }

 private:
  std::vector<diagnostic>& out_;
  std::set<std::tuple<std::string, std::size_t, std::string, std::string>> seen_;
};

bool icontains_json(std::string_view s) {
  return to_lower(s).find("json") != std::string::npos;
}

bool is_string_type(std::string_view csdl_type) {
  const type_ref t = read_type(csdl_type);
  return t.kind == value_kind::string;
}

// Whether the docs' type and the CSDL's agree closely enough that a server honouring one honours the other:
// the same primitive shape (any number for any number, a string for the string forms, Json for anything),
// or the same named type. "String" for an enum or a Guid is the docs being loose, not a contradiction.
bool compatible(const document& doc, std::string_view docs_type, const std::string& csdl_type) {
  const type_ref d = read_type(docs_type), c = read_type(csdl_type);
  if (d.kind == value_kind::any || d.element.empty()) return true;
  if (d.collection != c.collection) return false;
  const bool c_enum = c.kind == value_kind::unknown && doc.find_enum(c.element) != nullptr;
  const bool d_stringy = d.kind == value_kind::string || d.kind == value_kind::guid ||
                         d.kind == value_kind::date || d.kind == value_kind::timestamp ||
                         d.kind == value_kind::duration || d.kind == value_kind::time_of_day ||
                         d.kind == value_kind::binary;
  if (iequals(simple_type_name(c.element), "json") || istarts_with(d.element, "untyped") ||
      icontains_json(d.element))
    return true;  // "Untyped JSON object" and microsoft.graph.Json both mean any JSON
  if (d.kind == value_kind::unknown && c.kind == value_kind::string &&
      doc.find_structured(d.element) == nullptr)
    return true;  // "Url", an enum the property's strings come from: strings on the wire either way
  if (d.kind != value_kind::unknown) {
    if (c.kind == value_kind::unknown) return c_enum && d.kind == value_kind::string;
    if (d.kind == c.kind) return true;
    if (c.kind == value_kind::any) return true;
    // The string forms: a docs "String" for a Guid, a Date, a Duration...
    return d.kind == value_kind::string && d_stringy && c.kind != value_kind::number &&
           c.kind != value_kind::boolean;
  }
  // A named type in the docs: the CSDL's of the same simple name, or a primitive the docs spell oddly.
  if (c.kind != value_kind::unknown) return false;
  return iequals(simple_type_name(d.element), simple_type_name(c.element));
}

// Documented members the CSDL's list lacks: none at all, or only in another case ("notStarted" for
// "NotStarted": a server sends the CSDL's spelling).
struct member_diff {
  std::vector<std::string> unknown, other_case;
  bool empty() const { return unknown.empty() && other_case.empty(); }
};
member_diff diff_members(const std::vector<std::string>& docs, const std::vector<std::string>& csdl) {
  member_diff d;
  for (const std::string& m : docs) {
    bool exact = false, folded = false;
    for (const std::string& c : csdl) {
      exact = exact || c == m;
      folded = folded || iequals(c, m);
    }
    if (!exact) (folded ? d.other_case : d.unknown).push_back(m);
  }
  return d;
}

std::string members_text(const std::vector<std::string>& members) {
  std::string s;
  for (std::size_t i = 0; i < members.size() && s.size() < 160; ++i) s += (i ? ", " : "") + members[i];
  return shorten(s);
}

// "a, b that are not members; c, d spelled otherwise"
std::string describe(const member_diff& d) {
  std::string s;
  if (!d.unknown.empty()) s = members_text(d.unknown) + " that are not members";
  if (!d.other_case.empty())
    s += (s.empty() ? "" : "; ") + members_text(d.other_case) + " that differ in case from the members";
  return s;
}

struct comparer {
  const document& doc;
  disagreements& said;
  std::size_t reconciled = 0;

  // Compares a documented property with the CSDL's (converted) one, says where they differ, then makes the
  // documented one read as the CSDL does. Returns the lines said, for the fixture's notes.
  void reconcile(conform::property& p, const conform::property& c, const std::string& owner,
                 std::vector<std::string>* notes) {
    const std::string file = p.source;
    const std::size_t line = p.line;
    auto say = [&](const char* code, std::string message) {
      if (notes != nullptr) notes->push_back(message);
      if (!file.empty()) said.add(file, line, code, std::move(message));
    };
    if (p.name != c.name)
      say("csdl-name-case", "the docs spell " + owner + " property \"" + p.name +
                                "\"; the CSDL and the wire say \"" + c.name + "\"");
    if (!compatible(doc, p.type, c.type))
      say("csdl-type-mismatch", "the docs type " + owner + "." + c.name + " as " + p.type +
                                    "; the CSDL says " + c.type + " (" + c.source + ")");
    if (!c.enum_values.empty() && !p.enum_values.empty())
      if (member_diff d = diff_members(p.enum_values, c.enum_values); !d.empty())
        say("csdl-enum-mismatch", "the docs list " + owner + "." + c.name + " member(s) " + describe(d) +
                                      " of the CSDL's " + std::string(read_type(c.type).element) + " (" +
                                      members_text(c.enum_values) + ")");
    // The CSDL decides; the docs' members stay where the CSDL says only "a string".
    std::vector<std::string> members = !c.enum_values.empty()   ? c.enum_values
                                       : is_string_type(c.type) ? std::move(p.enum_values)
                                                                : std::vector<std::string>{};
    const bool required = p.required;
    p = c;
    p.enum_values = std::move(members);
    p.required = required;
    ++reconciled;
  }

  // A resource page's type against the CSDL type of its name.
  void compare_type(type_def& docs, const type_def& csdl, std::vector<std::string>* notes) {
    for (conform::property& p : docs.properties) {
      if (p.name.starts_with("@")) continue;  // "@odata.type" rows document an annotation, not a property
      const conform::property* c = find(csdl, p.name);
      if (c == nullptr) {
        if (!p.source.empty())
          said.add(p.source, p.line, "csdl-unknown-property",
                   "the docs document " + docs.name + "." + p.name + ", which the CSDL's " + csdl.qualified +
                       " does not have (nor a base type)");
        continue;
      }
      conform::property copy = p;
      reconcile(copy, *c, docs.name, notes);
    }
  }

  // The one lookup order of the contract: exact name, then ignoring case.
  static const conform::property* find(const type_def& t, std::string_view name) {
    return property_scope{nullptr, &t}.find(name);
  }
};

// The documented types overlaid with the CSDL's: what the checks of this version read.
// Disagreements of a documented type, by the CSDL type's qualified name: notes for every example typed by it.
using type_notes = std::unordered_map<std::string, std::vector<std::string>>;

std::shared_ptr<fixture_set> build_contract(const fixture_set& set, const document& doc, comparer& cmp,
                                            disagreements& said, type_notes& notes) {
  auto contract = std::make_shared<fixture_set>();
  contract->types = set.types;
  for (const schema& s : doc.schemas())
    if (!s.alias.empty()) contract->namespace_aliases[s.alias] = s.name_space;
  // Which CSDL type each documented type is: by the name the docs give it, qualified when they qualify it
  // ("microsoft.graph.callRecords.deviceInfo" is not microsoft.graph.deviceInfo).
  std::unordered_map<const void*, std::pair<std::string, const type_def*>> docs_of;
  std::unordered_set<std::string> matched;  // documented type keys the CSDL defines
  for (const auto& [key, t] : set.types) {
    if (t.from_metadata) continue;
    const void* c = doc.find_structured(t.name);
    if (c == nullptr) c = doc.find_enum(t.name);
    if (c == nullptr) continue;
    matched.insert(key);
    docs_of.try_emplace(c, key, &t);
  }
  for (const structured_type& st : doc.structured_types()) {
    type_def t = to_type_def(doc, st);
    std::string simple = to_lower(st.name);
    bool keyed = doc.find_structured(st.name) == &st;  // microsoft.graph's, when simple names repeat
    if (auto it = docs_of.find(&st); it != docs_of.end()) {
      const auto& [key, docs_type] = it->second;
      type_def docs = *docs_type;
      cmp.compare_type(docs, t, &notes[st.qualified]);
      for (const conform::property& p : docs.properties) {
        if (p.name.starts_with("@")) continue;
        const conform::property* c = comparer::find(t, p.name);
        if (c == nullptr) {
          t.properties.push_back(p);  // only the docs name it: still their contract
        } else if (is_string_type(c->type) && c->enum_values.empty() && !p.enum_values.empty()) {
          t.properties[static_cast<std::size_t>(c - t.properties.data())].enum_values = p.enum_values;
        }
      }
      simple = key;  // the docs' own key keeps meaning the type they meant
      keyed = true;
    }
    if (keyed) contract->types[simple] = t;
    contract->types[to_lower(st.qualified)] = std::move(t);
  }
  for (const enum_type& e : doc.enum_types()) {
    type_def t = to_type_def(doc, e);
    std::string simple = to_lower(e.name);
    bool keyed = doc.find_enum(e.name) == &e;
    if (auto it = docs_of.find(&e); it != docs_of.end()) {
      const auto& [key, docs_type] = it->second;
      if (member_diff d = diff_members(docs_type->members, t.members); !d.empty())
        said.add(docs_type->file, docs_type->line, "csdl-enum-mismatch",
                 "the docs list " + e.name + " member(s) " + describe(d) + " of the CSDL's " + e.qualified +
                     " (" + members_text(t.members) + ")");
      simple = key;
      keyed = true;
    }
    if (keyed) contract->types[simple] = t;
    contract->types[to_lower(e.qualified)] = std::move(t);
  }
  // A resource page documenting a type the CSDL does not define.
  for (const auto& [key, t] : set.types)
    if (!t.from_metadata && !t.properties.empty() && t.members.empty() && !matched.contains(key) &&
        doc.find_structured(t.name) == nullptr && doc.find_enum(t.name) == nullptr && !t.file.empty())
      said.add(t.file, t.line, "csdl-unknown-type",
               "the docs document type " + t.name + ", which the CSDL does not define");
  return contract;
}

bool applies(const fixture& f, std::string_view version, const fixture_set& set) {
  if (!version.empty()) return f.version == version;
  // Metadata for every version leaves alone the fixtures a version of their own was given.
  return f.version.empty() || !set.metadata.contains(f.version);
}

}  // namespace

apply_summary apply_metadata(fixture_set& set, const document& doc, std::string_view version,
                             std::vector<diagnostic>& out) {
  apply_summary summary;
  disagreements said(out);
  comparer cmp{doc, said};
  type_notes notes;
  std::shared_ptr<fixture_set> contract = build_contract(set, doc, cmp, said, notes);

  for (fixture& f : set.fixtures) {
    if (!applies(f, version, set)) continue;
    ++summary.fixtures;
    const resolution r = resolve(doc, f.request.url);
    f.resolved =
        resolved_resource{std::string(to_string(r.kind)), r.type, r.is_collection, r.entity_set, r.reason};
    if (r.kind == resource_kind::unresolved) {
      ++summary.unresolved;
      f.contract_notes.push_back("the URL does not resolve against $metadata (" + r.reason +
                                 "); only the docs' contract applies");
      continue;
    }
    ++summary.resolved;
    for (const std::string& n : r.notes) f.contract_notes.push_back("$metadata: " + n);

    // The type the example is an instance of: the docs' when it is the URL's or derives from it (more
    // specific), else the URL's.
    const structured_type* url_type = r.kind == resource_kind::entity ||
                                              r.kind == resource_kind::collection ||
                                              r.kind == resource_kind::complex
                                          ? doc.find_structured(r.type)
                                          : nullptr;
    const structured_type* instance = url_type;
    const std::string docs_name(read_type(f.response.odata_type).element);
    if (!docs_name.empty()) {
      const structured_type* named = doc.find_structured(docs_name);
      if (named == nullptr && doc.find_enum(docs_name) == nullptr &&
          read_type(docs_name).kind == value_kind::unknown) {
        std::string m = "the docs name the response type " + docs_name + ", which the CSDL does not define";
        f.contract_notes.push_back(m);
        said.add(f.file, f.response.line, "csdl-unknown-type", std::move(m));
      } else if (named != nullptr && url_type != nullptr && f.request.method != "DELETE") {
        if (doc.derives_from(named->qualified, url_type->qualified)) {
          instance = named;
        } else if (!doc.derives_from(url_type->qualified, named->qualified)) {
          std::string m = "the docs name the response type " + named->qualified + "; the CSDL says " +
                          f.request.url + " returns " + url_type->qualified;
          f.contract_notes.push_back(m);
          said.add(f.file, f.response.line, "csdl-type-mismatch", std::move(m));
        }
      }
    }
    if (instance == nullptr) continue;
    if (f.properties.empty()) {  // the example is typed by its type's page: that page's disagreements
      if (auto it = notes.find(instance->qualified); it != notes.end())
        f.contract_notes.insert(f.contract_notes.end(), it->second.begin(), it->second.end());
      continue;
    }
    const type_def& t = contract->types.at(to_lower(instance->qualified));
    for (conform::property& p : f.properties)
      if (const conform::property* c = comparer::find(t, p.name); c != nullptr && c->from_metadata)
        cmp.reconcile(p, *c, instance->name, &f.contract_notes);
  }
  summary.reconciled = cmp.reconciled;
  set.metadata[std::string(version)] = std::move(contract);
  return summary;
}

}  // namespace conform::csdl
