#include "check/check.hpp"

#include "model/contract.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

namespace conform::check {

namespace json = boost::json;

namespace {

bool is_control_key(std::string_view key) {
  return key.find('@') != std::string_view::npos;
}

const json::value* find_key(const json::object& o, std::string_view key) {
  if (auto it = o.find(key); it != o.end()) return &it->value();
  return nullptr;
}

// What every item of a documented array promises. Examples list heterogeneous items (a user and a group, a
// tab with and without configuration), so an actual item is held to the keys that ALL documented items share;
// a key whose documented values disagree in kind, or are null in some item, only promises presence. Real
// servers return their own items in their own order, so comparing item i with documented item i would be
// wrong. `depth` bounds the recursion on hostile documents.
json::value shared_shape(const json::array& items, std::size_t depth);

json::value shared_value(const std::vector<const json::value*>& values, std::size_t depth) {
  if (values.empty()) return nullptr;
  const json::value& first = *values.front();
  bool same_kind = true, any_null = false;
  for (const json::value* v : values) {
    any_null = any_null || v->is_null();
    bool number = v->is_number() && first.is_number();
    if (v->kind() != first.kind() && !number) same_kind = false;
  }
  if (any_null || !same_kind) return nullptr;
  if (depth == 0) return first;
  if (first.is_object()) {
    json::array objects;
    for (const json::value* v : values) objects.push_back(*v);
    return shared_shape(objects, depth);
  }
  if (first.is_array()) {
    json::array all;
    for (const json::value* v : values)
      for (const json::value& e : v->get_array()) all.push_back(e);
    if (all.empty()) return json::array{};
    return json::array{shared_shape(all, depth - 1)};
  }
  return first;
}

json::value shared_shape(const json::array& items, std::size_t depth) {
  if (items.empty()) return nullptr;
  if (items.size() == 1 || depth == 0) return items.front();
  std::vector<const json::value*> all;
  for (const json::value& v : items) all.push_back(&v);
  if (!items.front().is_object()) return shared_value(all, depth - 1);
  for (const json::value& v : items)
    if (!v.is_object()) return nullptr;  // objects mixed with scalars: nothing shared to promise
  json::object out;
  for (const auto& kv : items.front().get_object()) {
    std::vector<const json::value*> values;
    for (const json::value& v : items)
      if (auto it = v.get_object().find(kv.key()); it != v.get_object().end()) values.push_back(&it->value());
    if (values.size() == items.size()) out[kv.key()] = shared_value(values, depth - 1);
  }
  return out;
}

bool all_objects(const json::array& items) {
  return std::all_of(items.begin(), items.end(), [](const json::value& v) { return v.is_object(); });
}

json::value any_shape(const json::array& items, std::size_t depth);

// Folds one more documented item into the keys seen so far, in place: rebuilding the union for each item
// made documented items that each show a key of their own quadratic. A key documented as null, or with
// values of different kinds, stays null (typed by the table alone, and may be null).
void fold_item(json::object& seen, const json::object& item, std::size_t depth) {
  for (const auto& kv : item) {
    auto it = seen.find(kv.key());
    if (it == seen.end()) {
      seen.emplace(kv.key(), kv.value());
      continue;
    }
    json::value& slot = it->value();
    if (slot.is_null()) continue;
    bool numbers = slot.is_number() && kv.value().is_number();
    if (kv.value().kind() != slot.kind() && !numbers) {
      slot = nullptr;
    } else if (depth > 0 && slot.is_object()) {
      fold_item(slot.get_object(), kv.value().get_object(), depth - 1);
    } else if (depth > 0 && slot.is_array()) {
      // Items of all the arrays documented here, shaped as one array: [shape] once folded.
      json::array& have = slot.get_array();
      const json::array& more = kv.value().get_array();
      if (have.empty() && more.empty()) continue;
      if (!all_objects(have) || !all_objects(more)) {
        json::array all = have;
        for (const json::value& e : more) all.push_back(e);
        slot = json::array{any_shape(all, depth - 1)};
        continue;
      }
      if (have.size() != 1)
        have = json::array{have.empty() ? json::value(json::object{}) : any_shape(have, depth - 1)};
      for (const json::value& e : more) fold_item(have.front().get_object(), e.get_object(), depth - 1);
    }
  }
}

// Every key any documented item shows: what counts as documented when looking for undocumented properties,
// and what a value is typed against.
json::value any_shape(const json::array& items, std::size_t depth) {
  if (items.empty() || !all_objects(items)) return shared_shape(items, depth);
  json::object seen;
  for (const json::value& v : items) fold_item(seen, v.get_object(), depth);
  return seen;
}

// The shapes of documented arrays, made once per case: the same documented array describes every item of an
// actual array, and shaping it again for each item made the walk (actual items x documented items).
class shape_cache {
 public:
  explicit shape_cache(std::size_t depth) : depth_(depth) {}
  const json::value& shared(const json::array& items) { return get(shared_, items, &shared_shape); }
  const json::value& any(const json::array& items) { return get(any_, items, &any_shape); }

 private:
  using shapes = std::unordered_map<const json::array*, json::value>;
  // Documented arrays (and the shapes made of them) live as long as the case: their addresses are stable.
  const json::value& get(shapes& made, const json::array& items,
                         json::value (*shape)(const json::array&, std::size_t)) {
    auto it = made.find(&items);
    if (it == made.end()) it = made.emplace(&items, shape(items, depth_)).first;
    return it->second;
  }
  std::size_t depth_;
  shapes shared_, any_;
};

// The top-level names a URL's $expand asks for: "$expand=members($select=id),owners" -> members, owners.
std::vector<std::string> expansions(std::string_view url) {
  std::vector<std::string> names;
  const std::size_t q = url.find('?');
  if (q == std::string_view::npos) return names;
  std::string_view query = url.substr(q + 1);
  std::size_t at = 0;
  while (at < query.size()) {
    std::size_t amp = query.find('&', at);
    std::string_view param = query.substr(at, amp == std::string_view::npos ? query.npos : amp - at);
    at = amp == std::string_view::npos ? query.size() : amp + 1;
    if (!istarts_with(param, "$expand=") && !istarts_with(param, "expand=")) continue;
    param.remove_prefix(param.find('=') + 1);
    int depth = 0;
    std::string name;
    for (char c : param) {
      if (c == '(') ++depth;
      if (c == ')' && depth > 0) --depth;
      if (depth == 0 && c == ',') {
        if (!trim(name).empty()) names.emplace_back(trim(name));
        name.clear();
      } else if (depth == 0 && c != ')') {
        name += c;
      }
    }
    if (!trim(name).empty()) names.emplace_back(trim(name));
  }
  for (std::string& n : names)  // "microsoft.graph.group/members" and "members/$ref" name members
    if (auto slash = n.find('/'); slash != std::string::npos)
      n = n.find('.') < slash ? n.substr(slash + 1) : n.substr(0, slash);
  return names;
}

// Walks a response value next to what the docs say about it: the contract (model::validate_typed, one reading
// of every documented type) and, where the docs show one, the example value, which types what no table does.
struct walker {
  const fixture_set& set;
  const options& opts;
  std::vector<check_result>& out;
  result_budget& budget;
  shape_cache& shapes;
  validate_options contract;
  std::set<std::string> unresolved;  // each unknown type noted once
  std::size_t enums_seen = 0;
  std::vector<std::string> expand;  // top-level $expand names of the request ("*": all)

  walker(const fixture* f, const fixture_set& s, const options& o, std::vector<check_result>& results,
         result_budget& b, shape_cache& sc)
      : set(s), opts(o), out(results), budget(b), shapes(sc) {
    contract.strict_enums = o.strict_enums;
    contract.null_always_valid = o.null_always_valid;
    contract.max_depth = o.max_depth;
    contract.nullable_names = f != nullptr ? &f->nullable_properties : nullptr;
    contract.enums_seen = &enums_seen;
    contract.unresolved = &unresolved;
    contract.budget = &b;
    if (f != nullptr) expand = expansions(f->request.url);
  }

  // A navigation property OData does not return unless the request $expands it: never required.
  bool not_returned(const property* p, std::size_t depth) const {
    if (p == nullptr || !p->navigation) return false;
    if (depth > 0) return true;  // nested $expand is not read: a nested navigation property may be absent
    return std::none_of(expand.begin(), expand.end(),
                        [&](const std::string& e) { return e == "*" || iequals(e, p->name); });
  }

  void fail(check_id id, const std::string& pointer, std::string expected, const json::value& actual,
            std::string message) {
    if (!budget.take(id, check_outcome::failed)) return;
    out.push_back(
        {id, check_outcome::failed, pointer, std::move(expected), compact(actual), std::move(message)});
  }

  void by_contract(const json::value& v, std::string_view type, const std::vector<std::string>* members,
                   bool nullable, const std::string& pointer, std::size_t depth) {
    validate_typed(v, type, members, nullable, set, pointer, contract, depth, out);
  }

  // The scope of a nested object that has no declared type: the actual's own @odata.type, else the example's.
  property_scope example_scope(const json::value* doc, const json::value& actual) const {
    property_scope s = scope_of(set, actual, nullptr);
    if (s.empty() && doc != nullptr) s = scope_of(set, *doc, nullptr);
    return s;
  }

  // A value against its documented type, with the example value beside it when the docs show one.
  void typed(const json::value& v, std::string_view type, const std::vector<std::string>* members,
             bool nullable, const json::value* doc, const std::string& pointer, std::size_t depth) {
    if (depth > opts.max_depth) return;
    if (doc == nullptr || (v.is_null() && !doc->is_null()))
      return by_contract(v, type, members, nullable, pointer, depth);
    if (v.is_null()) return;  // the example itself shows null here
    const type_ref t = read_type(type);
    if (t.collection) {
      if (!v.is_array() || !doc->is_array() || doc->get_array().empty())
        return by_contract(v, type, members, nullable, pointer, depth);
      const json::value& shared = shapes.any(doc->get_array());
      const json::value* item_doc = shared.is_null() ? nullptr : &shared;
      const auto& arr = v.get_array();
      for (std::size_t i = 0; i < arr.size(); ++i)
        typed(arr[i], t.element, members, false, item_doc, pointer_child(pointer, i), depth + 1);
      return;
    }
    if (t.kind != value_kind::unknown || (members != nullptr && !members->empty()))
      return by_contract(v, type, members, nullable, pointer, depth);
    if (const type_def* declared = documented_type(set, t.element)) {
      if (!v.is_object()) return by_contract(v, type, members, nullable, pointer, depth);
      property_scope s = scope_of(set, v, nullptr);
      if (s.empty()) s.type = declared;
      object(v.get_object(), doc->is_object() ? &doc->get_object() : nullptr, s, pointer, depth + 1);
      return;
    }
    inferred(v, *doc, pointer, depth);
  }

  // A value whose only documentation is the example value.
  void inferred(const json::value& v, const json::value& doc, const std::string& pointer, std::size_t depth) {
    if (depth > opts.max_depth || doc.is_null()) return;  // an example null says nothing about the type
    switch (doc.kind()) {
      case json::kind::string: {
        std::string_view s = doc.get_string();
        std::string ph = placeholder_type(s);
        if (ph.empty()) ph = is_timestamp(s) ? "DateTimeOffset" : "String";
        return typed(v, ph, nullptr, false, nullptr, pointer, depth);
      }
      case json::kind::bool_:
        return typed(v, "Boolean", nullptr, false, nullptr, pointer, depth);
      case json::kind::int64:
      case json::kind::uint64:
      case json::kind::double_:
        return typed(v, "Double", nullptr, false, nullptr, pointer, depth);
      default:
        break;
    }
    if (v.is_null()) {
      if (listed_nullable(contract.nullable_names, pointer)) return;
      fail(check_id::property_type, pointer, std::string(kind_name(doc)), v,
           pointer + " is null but the documented example shows " + std::string(kind_name(doc)));
      return;
    }
    if (doc.is_object()) {
      if (!v.is_object()) {
        fail(check_id::property_type, pointer, "object", v,
             pointer + " should be an object, got " + std::string(kind_name(v)));
        return;
      }
      object(v.get_object(), &doc.get_object(), example_scope(&doc, v), pointer, depth + 1);
      return;
    }
    if (doc.is_array()) {
      if (!v.is_array()) {
        fail(check_id::property_type, pointer, "array", v,
             pointer + " should be an array, got " + std::string(kind_name(v)));
        return;
      }
      if (doc.get_array().empty()) return;
      const json::value& shared = shapes.any(doc.get_array());
      const auto& arr = v.get_array();
      for (std::size_t i = 0; i < arr.size(); ++i)
        inferred(arr[i], shared, pointer_child(pointer, i), depth + 1);
    }
  }

  void object(const json::object& v, const json::object* doc, const property_scope& scope,
              const std::string& pointer, std::size_t depth) {
    if (depth > opts.max_depth) return;
    auto each = [&](const std::vector<property>& props, const std::vector<property>* before) {
      for (const auto& p : props) {
        if (before != nullptr && std::any_of(before->begin(), before->end(),
                                             [&p](const property& b) { return iequals(b.name, p.name); }))
          continue;  // the table documented it first
        const json::value* a = find_key(v, p.name);
        if (a == nullptr) continue;  // absence is the required-property check's business
        const json::value* d = doc != nullptr ? find_key(*doc, p.name) : nullptr;
        const std::size_t from = out.size();
        typed(*a, p.type, &p.enum_values, p.nullable, d, pointer_child(pointer, p.name), depth);
        attribute_failures(out, from, p);
      }
    };
    if (scope.table != nullptr) each(*scope.table, nullptr);
    if (scope.type != nullptr) each(scope.type->properties, scope.table);
    if (doc != nullptr)
      for (const auto& kv : *doc) {
        if (is_control_key(kv.key()) || scope.find(kv.key()) != nullptr) continue;
        const json::value* a = find_key(v, kv.key());
        if (a == nullptr) continue;
        inferred(*a, kv.value(), pointer_child(pointer, kv.key()), depth);
      }
  }
};

bool exempt(const fixture& f, std::string_view name, const std::string& pointer) {
  for (const auto& o : f.optional_properties) {
    std::string_view ov = o;
    if (iequals(ov, name) || ov == pointer || (!pointer.empty() && ov == std::string_view(pointer).substr(1)))
      return true;
  }
  return false;
}

// A required property is missing: built only while the budget lasts, counted after.
void missing(result_budget& budget, std::vector<check_result>& out, const std::string& pointer,
             std::string_view what) {
  if (!budget.take(check_id::required_property, check_outcome::failed)) return;
  out.push_back({check_id::required_property, check_outcome::failed, pointer, "present", "missing",
                 std::string(what) + " " + pointer + " is missing"});
}

void required_walk(const fixture& f, const json::object& actual, const json::object* doc,
                   const property_scope& scope, const std::string& pointer, std::size_t depth, walker& w,
                   std::vector<check_result>& out) {
  const std::size_t max_depth = w.opts.max_depth;
  if (depth > max_depth) return;
  if (doc != nullptr)
    for (const auto& kv : *doc) {
      if (is_control_key(kv.key())) continue;
      std::string p = pointer_child(pointer, kv.key());
      if (exempt(f, kv.key(), p)) continue;
      const property* prop = scope.find(kv.key());
      const json::value* a = find_key(actual, kv.key());
      // The contract spells it otherwise ("Manufacturer" in the example, "manufacturer" in the CSDL).
      if (a == nullptr && prop != nullptr && prop->name != kv.key()) a = find_key(actual, prop->name);
      if (a == nullptr) {
        if (!w.not_returned(prop, depth)) missing(w.budget, out, p, "documented property");
        continue;
      }
      if (kv.value().is_object() && a->is_object()) {
        required_walk(f, a->get_object(), &kv.value().get_object(), scope_of(w.set, *a, prop), p, depth + 1,
                      w, out);
      } else if (kv.value().is_array() && a->is_array() && !kv.value().get_array().empty()) {
        const json::value& shared = w.shapes.shared(kv.value().get_array());
        if (!shared.is_object()) continue;
        const auto& arr = a->get_array();
        for (std::size_t i = 0; i < arr.size(); ++i)
          if (arr[i].is_object())
            required_walk(f, arr[i].get_object(), &shared.get_object(), scope_of(w.set, arr[i], prop),
                          pointer_child(p, i), depth + 1, w, out);
      }
    }
  if (scope.table != nullptr)
    for (const auto& prop : *scope.table) {
      if (!prop.required || w.not_returned(&prop, depth)) continue;
      if (doc != nullptr && find_key(*doc, prop.name) != nullptr) continue;  // reported above
      std::string p = pointer_child(pointer, prop.name);
      if (exempt(f, prop.name, p) || find_key(actual, prop.name) != nullptr) continue;
      if (w.budget.take(check_id::required_property, check_outcome::failed))
        out.push_back({check_id::required_property, check_outcome::failed, p, "present", "missing",
                       "required property " + p + " (from the property table) is missing",
                       contract_of(prop)});
    }
}

// Undocumented properties found: how many, and the first ones (as many as a failure list or a note shows).
struct undocumented {
  std::size_t count = 0;
  std::vector<std::string> first;  // at most result_budget::default_keep
  std::string list;                // "p, q, ...", grown only while shorten would show more of it

  void add(std::string pointer) {
    ++count;
    if (list.size() <= 200) list += (list.empty() ? "" : ", ") + pointer;
    if (first.size() < result_budget::default_keep) first.push_back(std::move(pointer));
  }
};

void unexpected_walk(walker& w, const json::object& actual, const json::object* doc,
                     const property_scope& scope, const std::string& pointer, std::size_t depth,
                     undocumented& found) {
  if (depth > w.opts.max_depth) return;
  for (const auto& kv : actual) {
    if (is_control_key(kv.key())) continue;
    std::string p = pointer_child(pointer, kv.key());
    const json::value* d = doc != nullptr ? find_key(*doc, kv.key()) : nullptr;
    const property* prop = scope.find(kv.key());
    if (d == nullptr && prop == nullptr) {
      // An open type's instances may carry properties nobody declared (CSDL OpenType="true").
      if (scope.type == nullptr || !scope.type->open) found.add(std::move(p));
      continue;
    }
    const json::value& a = kv.value();
    if (a.is_object()) {
      const json::object* cdoc = (d != nullptr && d->is_object()) ? &d->get_object() : nullptr;
      property_scope cscope = scope_of(w.set, a, prop);
      if (cscope.empty()) cscope = w.example_scope(d, a);
      if (cdoc != nullptr || !cscope.empty())
        unexpected_walk(w, a.get_object(), cdoc, cscope, p, depth + 1, found);
    } else if (a.is_array()) {
      const json::value* merged = d != nullptr && d->is_array() ? &w.shapes.any(d->get_array()) : nullptr;
      const json::object* cdoc = merged != nullptr && merged->is_object() && !merged->get_object().empty()
                                     ? &merged->get_object()
                                     : nullptr;
      const auto& arr = a.get_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        if (!arr[i].is_object()) continue;
        property_scope cscope = prop != nullptr ? scope_of(w.set, arr[i], prop) : property_scope{};
        if (cdoc != nullptr || !cscope.empty())
          unexpected_walk(w, arr[i].get_object(), cdoc, cscope, pointer_child(p, i), depth + 1, found);
      }
    }
  }
}

void push_passed(std::vector<check_result>& out, check_id id, std::string message) {
  out.push_back({id, check_outcome::passed, "", "", "", std::move(message)});
}

bool has_failure(const std::vector<check_result>& v, std::size_t from, check_id id) {
  for (std::size_t i = from; i < v.size(); ++i)
    if (v[i].check == id && v[i].outcome == check_outcome::failed) return true;
  return false;
}

void skip_rest(std::vector<check_result>& out, std::initializer_list<check_id> ids, const std::string& why) {
  for (check_id id : ids) out.push_back({id, check_outcome::skipped, "", "", "", "skipped: " + why});
}

// What the documented example says about the body, read once for all the body checks.
struct documented_body {
  const json::value& doc;
  const json::object* doc_obj = nullptr;
  const json::value* doc_value = nullptr;  // its "value" member
  std::string odata_type;                  // the element type the docs name ("" when none)
  bool collection_type = false;            // the docs name Collection(...)
  bool collection = false;                 // items are compared, not the body
  json::value shared_item;                 // for collections: what every documented item promises
  json::value any_item;                    // ... and every key some documented item shows

  documented_body(const fixture& f, const json::value& d, std::size_t max_depth) : doc(d) {
    const type_ref t = read_type(f.response.odata_type);
    collection_type = t.collection;
    odata_type = std::string(t.collection ? t.element : trim(f.response.odata_type));
    doc_obj = doc.is_object() ? &doc.get_object() : nullptr;
    doc_value = doc_obj != nullptr ? find_key(*doc_obj, "value") : nullptr;
    if (doc_value != nullptr && doc_value->is_array()) {
      bool only_value = std::all_of(doc_obj->begin(), doc_obj->end(), [](const json::key_value_pair& kv) {
        return is_control_key(kv.key()) || kv.key() == "value";
      });
      collection = f.response.is_collection || collection_type || only_value;
    }
    if (collection) {
      shared_item = shared_shape(doc_value->get_array(), max_depth);
      any_item = any_shape(doc_value->get_array(), max_depth);
    }
  }
  bool items_typed(const fixture& f) const {
    return collection || collection_type || f.response.is_collection;
  }
  const json::object* item() const {
    if (!collection) return doc_obj;
    return shared_item.is_object() ? &shared_item.get_object() : nullptr;
  }
  // Keys that count as documented when looking for undocumented properties.
  const json::object* documented_keys() const {
    if (!collection) return doc_obj;
    return any_item.is_object() && !any_item.get_object().empty() ? &any_item.get_object() : nullptr;
  }
};

// status: when it fails, every body check is skipped and says so (Hurl's order).
bool check_status(const fixture& f, const http_response& r, std::vector<check_result>& out) {
  const std::string expected = std::to_string(f.response.status);
  if (f.response.status == 0) {
    push_passed(out, check_id::status, "no documented status code");
    return true;
  }
  if (r.status != f.response.status) {
    out.push_back({check_id::status, check_outcome::failed, "", expected, std::to_string(r.status),
                   "expected status " + expected + ", got " + std::to_string(r.status)});
    skip_rest(out,
              {check_id::content_type, check_id::json, check_id::odata_type, check_id::required_property,
               check_id::property_type, check_id::enum_value, check_id::unexpected_property},
              "status check failed");
    return false;
  }
  push_passed(out, check_id::status, "status " + expected);
  return true;
}

void check_content_type(const http_response& r, std::vector<check_result>& out) {
  if (const header* ct = find_header(r.headers, "Content-Type"); ct == nullptr) {
    out.push_back({check_id::content_type, check_outcome::failed, "", "application/json", "",
                   "missing Content-Type header; the docs show a JSON body"});
  } else if (!is_json_media_type(ct->value)) {
    out.push_back({check_id::content_type, check_outcome::failed, "", "application/json", shorten(ct->value),
                   "Content-Type \"" + shorten(ct->value) + "\" is not a JSON media type"});
  } else {
    push_passed(out, check_id::content_type, "Content-Type " + shorten(ct->value));
  }
}

// json: the body parses (within the depth limit); when it does not, the checks that read it are skipped.
std::optional<json::value> check_json(const http_response& r, const options& opts,
                                      std::vector<check_result>& out) {
  json::parse_options popts;
  popts.max_depth = opts.max_depth;
  boost::system::error_code ec;
  json::value actual = json::parse(r.body, ec, {}, popts);
  if (ec) {
    out.push_back({check_id::json, check_outcome::failed, "", "JSON", shorten(r.body),
                   "body is not valid JSON: " + ec.message()});
    skip_rest(out,
              {check_id::odata_type, check_id::required_property, check_id::property_type,
               check_id::enum_value, check_id::unexpected_property},
              "body is not JSON");
    return std::nullopt;
  }
  push_passed(out, check_id::json, "body parses as JSON");
  return actual;
}

// The type an instance of the response is declared as: what $metadata says the URL returns (an entity, a
// collection of them, a complex value), else the type the docs name.
std::string declared_type(const fixture& f, const documented_body& b) {
  if (f.resolved && !f.resolved->type.empty() &&
      (f.resolved->kind == "entity" || f.resolved->kind == "collection" || f.resolved->kind == "complex"))
    return f.resolved->type;
  return b.odata_type;
}

// "/v1.0/users/{id}/manager?$select=id" -> "manager"; key and function parentheses dropped.
std::string_view last_segment(std::string_view url) {
  url = url.substr(0, std::min(url.find('?'), url.size()));
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  std::string_view seg = url.substr(url.rfind('/') == std::string_view::npos ? 0 : url.rfind('/') + 1);
  return seg.substr(0, std::min(seg.find('('), seg.size()));
}

// @odata.context, when present, names the entity set, the navigation path or the type the URL returns
// ("$metadata#users/$entity", "#users('1')/memberOf", "#Collection(microsoft.graph.user)").
void check_odata_context(const fixture& f, const json::object& actual, const options& opts,
                         result_budget& budget, std::vector<check_result>& out) {
  if (!f.resolved || f.resolved->type.empty()) return;
  const json::value* ctx = find_key(actual, "@odata.context");
  if (ctx == nullptr || !ctx->is_string()) return;
  std::string_view text = ctx->get_string();
  std::string_view fragment = text.substr(std::min(text.find('#'), text.size()));
  const std::string lower = to_lower(fragment);
  const std::string type = f.resolved->type;
  const std::string names[] = {to_lower(f.resolved->entity_set), to_lower(type), simple_type_name(type),
                               to_lower(last_segment(f.request.url))};
  for (const std::string& n : names)
    if (n.size() > 1 && lower.find(n) != std::string::npos) return;
  const std::string expected = f.resolved->entity_set.empty() ? type : f.resolved->entity_set;
  const check_outcome o = opts.strict_properties ? check_outcome::failed : check_outcome::note;
  if (budget.take(check_id::odata_type, o))
    out.push_back({check_id::odata_type, o, "/@odata.context", expected, shorten(text),
                   "@odata.context " + shorten(text) + " does not name " + expected +
                       ", which $metadata says " + std::string(last_segment(f.request.url)) + " returns"});
}

// Intune's pages document one entity wrapped as {"value": {...}}: the entity is the object inside, in the
// example and in an answer shaped like it.
const json::object* wrapped_entity(const documented_body& b, const json::object& actual) {
  if (b.doc_obj == nullptr || b.doc_value == nullptr || !b.doc_value->is_object()) return nullptr;
  if (find_key(actual, "@odata.type") != nullptr) return nullptr;
  const json::value* v = find_key(actual, "value");
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

void check_odata_type(const fixture& f, const fixture_set& contract, const documented_body& b,
                      const json::value& actual, const options& opts, result_budget& budget,
                      std::vector<check_result>& out) {
  const std::string declared = declared_type(f, b);
  if (declared.empty()) return;
  const std::size_t before = out.size();
  const bool odata = opts.odata_type == odata_type_mode::odata;
  // The docs often name a base type and show a derived one (conversationMember / aadUserConversationMember,
  // directoryObject / group): a type the documented example itself shows at that place is documented too.
  type_name_set documented;
  documented.insert(declared);
  if (!b.odata_type.empty()) documented.insert(b.odata_type);
  std::string derived_shown;  // a type the docs show here that is not the declared one
  auto note_shown = [&](const json::value& v) {
    if (!v.is_object()) return;
    if (const json::value* t = find_key(v.get_object(), "@odata.type"); t != nullptr && t->is_string()) {
      documented.insert(t->get_string());
      if (derived_shown.empty() && !same_type(t->get_string(), declared)) derived_shown = t->get_string();
    }
  };
  const bool items =
      b.items_typed(f) || (f.resolved && f.resolved->collection && f.resolved->kind == "collection");
  if (b.doc_value != nullptr && b.doc_value->is_array() && items)
    for (const json::value& item : b.doc_value->get_array()) note_shown(item);
  else if (b.doc_value != nullptr && b.doc_value->is_object())
    note_shown(*b.doc_value);
  else
    note_shown(b.doc);
  const type_def* declared_def = contract.find_type(declared);
  const bool abstract = declared_def != nullptr && declared_def->abstract;

  auto check_one = [&](const json::object& o, const std::string& base, bool must) {
    const json::value* t = find_key(o, "@odata.type");
    if (t == nullptr) {
      if (odata && (abstract || !derived_shown.empty())) {
        if (budget.take(check_id::odata_type, check_outcome::failed))
          out.push_back({check_id::odata_type, check_outcome::failed, pointer_child(base, "@odata.type"),
                         declared, "missing",
                         "@odata.type is missing; " +
                             (abstract ? "the declared type " + declared +
                                             " is abstract, so an instance must name the type it is"
                                       : "the docs show derived types here (" + shorten(derived_shown) +
                                             "), so an instance must name the type it is")});
      } else if (must && opts.odata_type == odata_type_mode::required &&
                 budget.take(check_id::odata_type, check_outcome::failed)) {
        out.push_back({check_id::odata_type, check_outcome::failed, pointer_child(base, "@odata.type"),
                       declared, "missing", "@odata.type is missing; the docs name " + declared});
      }
      return;
    }
    const bool known = t->is_string() && (documented.contains_same_type(t->get_string()) ||
                                          derives_from(contract, t->get_string(), declared));
    if (!known && budget.take(check_id::odata_type, check_outcome::failed))
      out.push_back({check_id::odata_type, check_outcome::failed, pointer_child(base, "@odata.type"),
                     declared, compact(*t),
                     "@odata.type " + compact(*t) + " names neither the declared type " + declared +
                         " nor a type derived from it"});
  };
  const json::object* actual_obj = actual.is_object() ? &actual.get_object() : nullptr;
  if (items) {
    const json::value* values = actual_obj != nullptr ? find_key(*actual_obj, "value") : nullptr;
    if (values != nullptr && values->is_array()) {
      const auto& arr = values->get_array();
      for (std::size_t i = 0; i < arr.size(); ++i)
        if (arr[i].is_object()) check_one(arr[i].get_object(), pointer_child("/value", i), false);
    }
  } else if (actual_obj == nullptr) {
    if (budget.take(check_id::odata_type, check_outcome::failed))
      out.push_back({check_id::odata_type, check_outcome::failed, "", declared, compact(actual),
                     "body is not an object, so it carries no @odata.type"});
  } else if (const json::object* inner = wrapped_entity(b, *actual_obj)) {
    check_one(*inner, "/value", true);
  } else {
    check_one(*actual_obj, "", true);
  }
  if (actual_obj != nullptr) check_odata_context(f, *actual_obj, opts, budget, out);
  budget.append_dropped(check_id::odata_type, out);
  if (!has_failure(out, before, check_id::odata_type))
    push_passed(out, check_id::odata_type,
                odata ? "@odata.type agrees with " + declared : "@odata.type names " + declared);
}

// The objects of the actual body the documented example (item) describes, with their pointers. A body of the
// wrong shape is reported here, as a missing required "value" array or a body that is not an object.
std::vector<std::pair<const json::object*, std::string>> targets_of(const documented_body& b,
                                                                    const json::value& actual, walker& shape,
                                                                    std::vector<check_result>& required) {
  std::vector<std::pair<const json::object*, std::string>> targets;
  const json::object* actual_obj = actual.is_object() ? &actual.get_object() : nullptr;
  if (b.collection) {
    const json::value* items = actual_obj != nullptr ? find_key(*actual_obj, "value") : nullptr;
    if (items == nullptr || !items->is_array()) {
      if (shape.budget.take(check_id::required_property, check_outcome::failed))
        required.push_back({check_id::required_property, check_outcome::failed, "/value", "array",
                            items == nullptr ? "missing" : compact(*items),
                            "collection response has no \"value\" array"});
      return targets;
    }
    const auto& arr = items->get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = pointer_child("/value", i);
      if (arr[i].is_object())
        targets.emplace_back(&arr[i].get_object(), p);
      else if (b.item() != nullptr)
        shape.fail(check_id::property_type, p, "object", arr[i],
                   p + " should be an object, got " + std::string(kind_name(arr[i])));
    }
  } else if (b.doc_obj != nullptr) {
    if (actual_obj != nullptr) {
      targets.emplace_back(actual_obj, "");
    } else {
      if (shape.budget.take(check_id::required_property, check_outcome::failed))
        required.push_back({check_id::required_property, check_outcome::failed, "", "object", compact(actual),
                            "body is not a JSON object"});
      shape.fail(check_id::property_type, "", "object", actual,
                 "body should be an object, got " + std::string(kind_name(actual)));
    }
  }
  return targets;
}

// An instance naming a type derived from the declared one is held to that type's properties (a user in a
// directoryObject collection has a displayName); an unrelated @odata.type is the odata-type check's business.
property_scope instance_scope(const fixture_set& contract, const property_scope& declared_scope,
                              const json::object& instance, std::string_view declared) {
  const json::value* t = find_key(instance, "@odata.type");
  if (t == nullptr || !t->is_string()) return declared_scope;
  const type_def* own = documented_type(contract, std::string_view(t->get_string()));
  if (own == nullptr ||
      (!declared.empty() && !derives_from(contract, std::string_view(t->get_string()), declared)))
    return declared_scope;
  return property_scope{declared_scope.table, own};
}

// Content-Type: application/json;odata.metadata=minimal;IEEE754Compatible=true
bool ieee754_compatible(const http_response& r) {
  const header* ct = find_header(r.headers, "Content-Type");
  if (ct == nullptr) return false;
  std::string v = to_lower(ct->value);
  v.erase(std::remove(v.begin(), v.end(), ' '), v.end());
  return v.find("ieee754compatible=true") != std::string::npos;
}

void check_unexpected(const fixture& f, walker& w, const documented_body& b, const property_scope& scope,
                      const std::string& declared,
                      const std::vector<std::pair<const json::object*, std::string>>& targets,
                      const options& opts, std::vector<check_result>& out) {
  undocumented found;
  for (const auto& [obj, p] : targets)
    unexpected_walk(w, *obj, b.documented_keys(), instance_scope(w.set, scope, *obj, declared), p, 0, found);
  if (found.count == 0) {
    push_passed(out, check_id::unexpected_property, "no undocumented properties");
  } else if (opts.strict_properties && !f.response.truncated) {
    for (std::size_t i = 0; i < found.count; ++i)
      if (w.budget.take(check_id::unexpected_property, check_outcome::failed) && i < found.first.size())
        out.push_back({check_id::unexpected_property, check_outcome::failed, found.first[i], "absent",
                       "present", "property " + found.first[i] + " is not documented"});
    w.budget.append_dropped(check_id::unexpected_property, out);
  } else {
    out.push_back({check_id::unexpected_property, check_outcome::note, "", "", shorten(found.list),
                   std::to_string(found.count) + " undocumented propert" + (found.count == 1 ? "y" : "ies") +
                       ": " + shorten(found.list)});
  }
}

}  // namespace

namespace {

// The body checks (odata-type, required-property, property-type, enum, unexpected-property) of a JSON body,
// the server's or the documented example itself.
void check_body(const fixture& f, const fixture_set& contract, const json::value& actual_body, bool ieee754,
                const options& opts, std::vector<check_result>& out) {
  const json::value* actual = &actual_body;
  const documented_body b(f, *f.response.json, opts.max_depth);
  result_budget budget;  // failures and notes kept per check in this case
  check_odata_type(f, contract, b, *actual, opts, budget, out);

  // The page's own table (merged with its type's), else its type's: what the documented item promises; with
  // $metadata, the type the URL returns too (every property, navigation ones marked).
  const std::vector<property>& props = contract.properties_of(f);
  const std::string declared = declared_type(f, b);
  const property_scope scope{props.empty() ? nullptr : &props,
                             f.resolved ? documented_type(contract, declared) : nullptr};
  std::vector<check_result> shape;  // property-type and enum results, split apart below
  std::vector<check_result> required;
  shape_cache shapes(opts.max_depth);
  walker w(&f, contract, opts, shape, budget, shapes);
  w.contract.ieee754_compatible = ieee754;
  const auto targets = targets_of(b, *actual, w, required);
  if (!b.collection && b.doc_obj == nullptr) w.inferred(*actual, b.doc, "", 0);
  for (const auto& [obj, p] : targets) {
    const property_scope s = instance_scope(contract, scope, *obj, declared);
    required_walk(f, *obj, b.item(), s, p, 0, w, required);
    w.object(*obj, b.documented_keys(), s, p, 0);
  }

  out.insert(out.end(), required.begin(), required.end());
  budget.append_dropped(check_id::required_property, out);
  if (!has_failure(required, 0, check_id::required_property))
    push_passed(out, check_id::required_property, "every documented property is present");
  for (const auto& c : shape)
    if (c.check == check_id::property_type) out.push_back(c);
  budget.append_dropped(check_id::property_type, out);
  if (!has_failure(shape, 0, check_id::property_type))
    push_passed(out, check_id::property_type, "documented properties have their documented types");
  for (const auto& c : shape)
    if (c.check == check_id::enum_value) out.push_back(c);
  budget.append_dropped(check_id::enum_value, out);
  if (!has_failure(shape, 0, check_id::enum_value))
    push_passed(out, check_id::enum_value,
                w.enums_seen == 0 ? "no enum-valued property present"
                                  : std::to_string(w.enums_seen) + " enum value(s) are documented members");

  check_unexpected(f, w, b, scope, declared, targets, opts, out);
}

}  // namespace

std::vector<check_result> check_response(const fixture& f, const fixture_set& contract,
                                         const http_response& r, const options& opts) {
  std::vector<check_result> out;
  out.reserve(8);  // one result per check in the usual case
  if (!check_status(f, r, out)) return out;
  // A documented body that is not JSON (204, binary downloads) leaves nothing for the body checks to compare.
  if (!f.response.json) return out;
  check_content_type(r, out);
  std::optional<json::value> actual = check_json(r, opts, out);
  if (!actual) return out;
  check_body(f, contract, *actual, ieee754_compatible(r), opts, out);
  return out;
}

std::string nothing_checked(std::string_view url, const http_response& r, const options& opts) {
  if (r.status < 200 || r.status > 299) return "";
  std::string_view path = url.substr(0, url.find_first_of("?#"));
  const bool count = path.ends_with("/$count") || path.ends_with("/%24count");
  if (count) {
    std::string_view body = r.body;
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.remove_prefix(1);
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.remove_suffix(1);
    return body == "0" ? "the $count is 0: nothing was counted" : "";
  }
  // Cheap first: most bodies have no "value" member at all and are not parsed a second time.
  if (r.body.find("\"value\"") == std::string::npos) return "";
  json::parse_options popts;
  popts.max_depth = opts.max_depth;
  boost::system::error_code ec;
  json::value doc = json::parse(r.body, ec, {}, popts);
  if (ec || !doc.is_object()) return "";
  const json::object& o = doc.get_object();
  const json::value* items = o.if_contains("value");
  if (items == nullptr || !items->is_array() || !items->get_array().empty()) return "";
  const json::value* n = o.if_contains("@odata.count");
  if (n != nullptr && n->is_number() && n->to_number<double>() == 0)
    return "an empty collection (\"value\": [], \"@odata.count\": 0): no item was checked";
  return "an empty collection (\"value\": []): no item was checked";
}

std::vector<check_result> check_documented_response(const fixture& f, const fixture_set& contract,
                                                    const options& opts) {
  std::vector<check_result> out;
  if (!f.response.json) return out;
  http_response documented;
  documented.headers = f.response.headers;
  check_body(f, contract, *f.response.json, ieee754_compatible(documented), opts, out);
  return out;
}

std::vector<check_result> check_documented_request(const fixture& f, const fixture_set& contract,
                                                   const options& opts) {
  std::vector<check_result> out;
  if (!f.request.json) return out;
  result_budget budget;
  std::set<std::string> unresolved;
  validate_options vo;
  vo.strict_enums = opts.strict_enums;
  vo.null_always_valid = true;
  vo.max_depth = opts.max_depth;
  vo.budget = &budget;
  vo.unresolved = &unresolved;
  auto one = [&](const json::value& v, const std::string& pointer) {
    if (!v.is_object()) return;
    const property_scope scope = request_scope(f, contract, v);
    if (!scope.empty()) validate_members(v.get_object(), scope, contract, pointer, vo, 0, out);
  };
  const json::value& body = *f.request.json;
  if (const json::array* items = body.if_array()) {
    for (std::size_t i = 0; i < items->size(); ++i) one((*items)[i], pointer_child("", i));
  } else {
    one(body, "");
  }
  budget.append_dropped(check_id::property_type, out);
  budget.append_dropped(check_id::enum_value, out);
  return out;
}

}  // namespace conform::check
