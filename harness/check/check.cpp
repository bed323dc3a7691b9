#include "check/check.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <set>
#include <string>
#include <utility>

namespace conform::check {

namespace json = boost::json;

namespace {

constexpr std::size_t max_shown = 200;  // expected/actual are for humans; a whole body would drown the report

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string shorten(std::string s) {
  if (s.size() <= max_shown) return s;
  std::size_t cut = max_shown;
  // Never cut a UTF-8 sequence in half: reports must stay valid text.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  s += "...";
  return s;
}

std::string compact(const json::value& v) {
  return shorten(json::serialize(v));
}

std::string_view kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "number";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
  }
  return "unknown";
}

bool is_control_key(std::string_view key) {
  return key.find('@') != std::string_view::npos;
}

// Pointers are built for every property of every checked body: one allocation each, escaping inline.
void append_token(std::string& out, std::string_view key) {
  if (key.find_first_of("~/") == std::string_view::npos) {
    out.append(key);
    return;
  }
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
}
std::string child(const std::string& pointer, std::string_view key) {
  std::string out;
  out.reserve(pointer.size() + 1 + key.size());
  out.append(pointer).push_back('/');
  append_token(out, key);
  return out;
}
std::string child(const std::string& pointer, std::size_t index) {
  std::string out;
  out.reserve(pointer.size() + 21);
  out.append(pointer).push_back('/');
  out.append(std::to_string(index));
  return out;
}

// "Collection(X)" -> "X"; anything else -> "".
std::string_view collection_item(std::string_view type) {
  type = trim(type);
  if (istarts_with(type, "collection(") && type.back() == ')') return trim(type.substr(11, type.size() - 12));
  return {};
}

std::string_view strip_edm(std::string_view type) {
  type = trim(type);
  if (istarts_with(type, "edm.")) type.remove_prefix(4);
  return type;
}

const property* find_property(const std::vector<property>* props, std::string_view name) {
  if (props == nullptr) return nullptr;
  for (const auto& p : *props)
    if (p.name == name) return &p;
  // Tables sometimes capitalise differently from the JSON ("Id" vs "id").
  for (const auto& p : *props)
    if (iequals(p.name, name)) return &p;
  return nullptr;
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

// Every key any documented item shows: what counts as documented when looking for undocumented properties,
// and what a value is typed against. A key documented as null in some item (or with values of different
// kinds) is typed by the table alone and may be null.
json::value any_shape(const json::array& items, std::size_t depth) {
  if (items.empty() ||
      !std::all_of(items.begin(), items.end(), [](const json::value& v) { return v.is_object(); }))
    return shared_shape(items, depth);
  json::object out;
  std::set<std::string, std::less<>> open;  // keys still typed by a documented value
  for (const json::value& v : items)
    for (const auto& kv : v.get_object()) {
      auto it = out.find(kv.key());
      if (it == out.end()) {
        out[kv.key()] = kv.value();
        if (!kv.value().is_null()) open.emplace(kv.key());
        continue;
      }
      if (!open.contains(kv.key())) continue;
      json::value& slot = it->value();
      bool numbers = slot.is_number() && kv.value().is_number();
      if (kv.value().kind() != slot.kind() && !numbers) {
        slot = nullptr;
        open.erase(std::string(kv.key()));
      } else if (depth > 0 && slot.is_object()) {
        slot = any_shape(json::array{slot, kv.value()}, depth - 1);
      } else if (depth > 0 && slot.is_array()) {
        json::array all = slot.get_array();
        for (const json::value& e : kv.value().get_array()) all.push_back(e);
        slot = all.empty() ? json::value(json::array{}) : json::value(json::array{any_shape(all, depth - 1)});
      }
    }
  return out;
}

// Expected JSON shape of a primitive Edm type; empty `kind` when the name is not primitive.
struct primitive {
  std::string_view kind;  // "string", "number", "boolean", "timestamp", "date", "guid"
};

primitive primitive_of(std::string_view type) {
  // Called for every checked property: compares without building a lower-cased copy.
  const std::string_view t = strip_edm(type);
  auto is = [t](std::initializer_list<std::string_view> names) {
    return std::any_of(names.begin(), names.end(), [t](std::string_view n) { return iequals(t, n); });
  };
  if (is({"string", "binary", "stream", "duration", "timeofday"})) return {"string"};
  if (is({"json", "untyped"})) return {"any"};  // Edm.Untyped / Graph's Json: any JSON value
  if (is({"datetimeoffset", "datetime"})) return {"timestamp"};
  if (is({"date"})) return {"date"};
  if (is({"guid"})) return {"guid"};
  if (is({"boolean"})) return {"boolean"};
  if (is({"int16", "int32", "int64", "double", "single", "decimal", "byte", "sbyte"})) return {"number"};
  return {};
}

bool shape_matches(const json::value& v, std::string_view kind) {
  if (kind == "string") return v.is_string();
  if (kind == "number") return v.is_number();
  if (kind == "boolean") return v.is_bool();
  if (kind == "timestamp") return v.is_string() && is_timestamp(v.get_string());
  if (kind == "date") return v.is_string() && is_date(v.get_string());
  if (kind == "guid") return v.is_string() && is_guid(v.get_string());
  return true;
}

// Walks a response value next to what the docs say about it (table properties and/or the example value) and
// collects property-type and enum results.
struct walker {
  const fixture* f = nullptr;
  const fixture_set& contract;
  const options& opts;
  std::vector<check_result>& out;
  std::set<std::string> unresolved;  // each unknown type noted once
  std::size_t enums_seen = 0;

  void fail(check_id id, const std::string& pointer, std::string expected, const json::value& actual,
            std::string message) {
    out.push_back(
        {id, check_outcome::failed, pointer, std::move(expected), compact(actual), std::move(message)});
  }

  bool listed_nullable(const std::string& pointer) const {
    if (f == nullptr) return false;
    std::string_view name = pointer;
    if (auto slash = name.rfind('/'); slash != std::string_view::npos) name = name.substr(slash + 1);
    for (const auto& n : f->nullable_properties) {
      std::string_view nv = n;
      if (iequals(nv, name) || nv == pointer ||
          (!pointer.empty() && nv == std::string_view(pointer).substr(1)))
        return true;
    }
    return false;
  }

  const std::vector<property>* type_properties(std::string_view type_name) const {
    if (type_name.empty()) return nullptr;
    const type_def* t = contract.find_type(type_name);
    // A page without properties (an enum page, "Json") says nothing about the value's shape.
    return t == nullptr || t->properties.empty() ? nullptr : &t->properties;
  }

  // Contract of a nested object that has no table type: the example's (or the response's) @odata.type.
  const std::vector<property>* props_from_odata_type(const json::object* doc,
                                                     const json::object& actual) const {
    for (const json::object* o : {doc, &actual}) {
      if (o == nullptr) continue;
      if (const json::value* t = find_key(*o, "@odata.type"); t != nullptr && t->is_string())
        if (auto* p = type_properties(std::string_view(t->get_string()))) return p;
    }
    return nullptr;
  }

  void check_enum(const json::value& v, const std::vector<std::string>& members, const std::string& pointer) {
    if (!v.is_string()) return;  // shape failure already reported
    ++enums_seen;
    std::string_view s = v.get_string();
    // Flag enums serialise as "a,b": every member must be documented.
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t comma = s.find(',', start);
      std::string_view part = trim(s.substr(start, comma == std::string_view::npos ? s.npos : comma - start));
      bool exact = std::find(members.begin(), members.end(), part) != members.end();
      const std::string* folded = nullptr;
      if (!exact)
        for (const auto& m : members)
          if (iequals(m, part)) folded = &m;
      if (!exact && folded != nullptr) {
        std::string msg = "\"" + std::string(part) + "\" differs from the documented member \"" + *folded +
                          "\" only in case";
        if (opts.strict_enums)
          fail(check_id::enum_value, pointer, *folded, v, msg);
        else
          out.push_back({check_id::enum_value, check_outcome::note, pointer, *folded, compact(v), msg});
      } else if (!exact) {
        std::string expected = "one of ";  // built only for a failure: most values are members
        for (std::size_t i = 0; i < members.size(); ++i) expected += (i ? ", " : "") + members[i];
        fail(check_id::enum_value, pointer, shorten(expected), v,
             "\"" + std::string(part) + "\" is not a documented member at " + pointer);
      }
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }

  // A value against a documented type name.
  void typed(const json::value& v, std::string_view type, const std::vector<std::string>* members,
             bool nullable, const json::value* doc, const std::string& pointer, std::size_t depth) {
    if (depth > opts.max_depth) return;
    if (v.is_null()) {
      if (opts.null_always_valid || nullable || listed_nullable(pointer) ||
          (doc != nullptr && doc->is_null()))
        return;
      fail(check_id::property_type, pointer, std::string(type), v,
           pointer + " is null but is not documented as nullable (" + std::string(type) + ")");
      return;
    }
    if (std::string_view item = collection_item(type); !item.empty()) {
      if (!v.is_array()) {
        fail(check_id::property_type, pointer, std::string(type), v,
             pointer + " should be an array (" + std::string(type) + "), got " + std::string(kind_name(v)));
        return;
      }
      json::value shared;
      if (doc != nullptr && doc->is_array() && !doc->get_array().empty())
        shared = any_shape(doc->get_array(), opts.max_depth);
      const json::value* item_doc = shared.is_null() ? nullptr : &shared;
      const auto& arr = v.get_array();
      for (std::size_t i = 0; i < arr.size(); ++i)
        typed(arr[i], item, members, false, item_doc, child(pointer, i), depth + 1);
      return;
    }
    if (auto prim = primitive_of(type); !prim.kind.empty()) {
      if (!shape_matches(v, prim.kind)) {
        fail(check_id::property_type, pointer, std::string(strip_edm(type)), v,
             pointer + " should be " + std::string(strip_edm(type)) + " (" + std::string(prim.kind) +
                 "), got " + std::string(kind_name(v)));
        return;
      }
      if (members != nullptr && !members->empty()) check_enum(v, *members, pointer);
      return;
    }
    if (members != nullptr && !members->empty()) {
      // A documented enum type (e.g. operationStatus): members serialise as strings.
      if (!v.is_string()) {
        fail(check_id::property_type, pointer, std::string(type), v,
             pointer + " should be a " + std::string(type) + " member (string), got " +
                 std::string(kind_name(v)));
        return;
      }
      check_enum(v, *members, pointer);
      return;
    }
    const json::object* doc_obj = (doc != nullptr && doc->is_object()) ? &doc->get_object() : nullptr;
    if (auto* props = type_properties(type)) {
      if (!v.is_object()) {
        fail(check_id::property_type, pointer, std::string(type), v,
             pointer + " should be an object (" + std::string(type) + "), got " + std::string(kind_name(v)));
        return;
      }
      object(v.get_object(), doc_obj, props, pointer, depth + 1);
      return;
    }
    if (doc != nullptr && !doc->is_null()) {
      inferred(v, *doc, pointer, depth);
      return;
    }
    if (unresolved.insert(to_lower(type)).second)
      out.push_back({check_id::property_type, check_outcome::note, pointer, std::string(type), "",
                     "type \"" + std::string(type) + "\" is not documented in the contract; " + pointer +
                         " was not checked"});
  }

  // A value whose only documentation is the example value.
  void inferred(const json::value& v, const json::value& doc, const std::string& pointer, std::size_t depth) {
    if (depth > opts.max_depth || doc.is_null()) return;  // an example null says nothing about the type
    switch (doc.kind()) {
      case json::kind::string: {
        std::string_view s = doc.get_string();
        std::string ph = placeholder_type(s);
        if (ph.empty()) ph = is_timestamp(s) ? "DateTimeOffset" : "String";
        typed(v, ph, nullptr, false, nullptr, pointer, depth);
        return;
      }
      case json::kind::bool_:
        typed(v, "Boolean", nullptr, false, nullptr, pointer, depth);
        return;
      case json::kind::int64:
      case json::kind::uint64:
      case json::kind::double_:
        typed(v, "Double", nullptr, false, nullptr, pointer, depth);
        return;
      default:
        break;
    }
    if (v.is_null()) {
      if (listed_nullable(pointer)) return;
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
      object(v.get_object(), &doc.get_object(), props_from_odata_type(&doc.get_object(), v.get_object()),
             pointer, depth + 1);
      return;
    }
    if (doc.is_array()) {
      if (!v.is_array()) {
        fail(check_id::property_type, pointer, "array", v,
             pointer + " should be an array, got " + std::string(kind_name(v)));
        return;
      }
      if (doc.get_array().empty()) return;
      json::value shared = any_shape(doc.get_array(), opts.max_depth);
      const auto& arr = v.get_array();
      for (std::size_t i = 0; i < arr.size(); ++i) inferred(arr[i], shared, child(pointer, i), depth + 1);
    }
  }

  void object(const json::object& v, const json::object* doc, const std::vector<property>* props,
              const std::string& pointer, std::size_t depth) {
    if (depth > opts.max_depth) return;
    if (props != nullptr)
      for (const auto& p : *props) {
        const json::value* a = find_key(v, p.name);
        if (a == nullptr) continue;  // absence is the required-property check's business
        const json::value* d = doc != nullptr ? find_key(*doc, p.name) : nullptr;
        typed(*a, p.type, &p.enum_values, p.nullable, d, child(pointer, p.name), depth);
      }
    if (doc != nullptr)
      for (const auto& kv : *doc) {
        if (is_control_key(kv.key()) || find_property(props, kv.key()) != nullptr) continue;
        const json::value* a = find_key(v, kv.key());
        if (a == nullptr) continue;
        inferred(*a, kv.value(), child(pointer, kv.key()), depth);
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

void required_walk(const fixture& f, const json::object& actual, const json::object* doc,
                   const std::vector<property>* table, const std::string& pointer, std::size_t depth,
                   std::size_t max_depth, std::vector<check_result>& out) {
  if (depth > max_depth) return;
  if (doc != nullptr)
    for (const auto& kv : *doc) {
      if (is_control_key(kv.key())) continue;
      std::string p = child(pointer, kv.key());
      if (exempt(f, kv.key(), p)) continue;
      const json::value* a = find_key(actual, kv.key());
      if (a == nullptr) {
        out.push_back({check_id::required_property, check_outcome::failed, p, "present", "missing",
                       "documented property " + p + " is missing"});
        continue;
      }
      if (kv.value().is_object() && a->is_object()) {
        required_walk(f, a->get_object(), &kv.value().get_object(), nullptr, p, depth + 1, max_depth, out);
      } else if (kv.value().is_array() && a->is_array() && !kv.value().get_array().empty()) {
        json::value shared = shared_shape(kv.value().get_array(), max_depth);
        if (!shared.is_object()) continue;
        const auto& arr = a->get_array();
        for (std::size_t i = 0; i < arr.size(); ++i)
          if (arr[i].is_object())
            required_walk(f, arr[i].get_object(), &shared.get_object(), nullptr, child(p, i), depth + 1,
                          max_depth, out);
      }
    }
  if (table != nullptr)
    for (const auto& prop : *table) {
      if (!prop.required) continue;
      if (doc != nullptr && find_key(*doc, prop.name) != nullptr) continue;  // reported above
      std::string p = child(pointer, prop.name);
      if (exempt(f, prop.name, p) || find_key(actual, prop.name) != nullptr) continue;
      out.push_back({check_id::required_property, check_outcome::failed, p, "present", "missing",
                     "required property " + p + " (from the property table) is missing"});
    }
}

void unexpected_walk(const walker& w, const json::object& actual, const json::object* doc,
                     const std::vector<property>* props, const std::string& pointer, std::size_t depth,
                     std::vector<std::string>& found) {
  if (depth > w.opts.max_depth) return;
  for (const auto& kv : actual) {
    if (is_control_key(kv.key())) continue;
    std::string p = child(pointer, kv.key());
    const json::value* d = doc != nullptr ? find_key(*doc, kv.key()) : nullptr;
    const property* prop = find_property(props, kv.key());
    if (d == nullptr && prop == nullptr) {
      found.push_back(p);
      continue;
    }
    std::string_view type = prop != nullptr ? std::string_view(prop->type) : std::string_view();
    const json::value& a = kv.value();
    if (a.is_object()) {
      const json::object* cdoc = (d != nullptr && d->is_object()) ? &d->get_object() : nullptr;
      const auto* cprops = w.type_properties(type);
      if (cprops == nullptr) cprops = w.props_from_odata_type(cdoc, a.get_object());
      if (cdoc != nullptr || cprops != nullptr)
        unexpected_walk(w, a.get_object(), cdoc, cprops, p, depth + 1, found);
    } else if (a.is_array()) {
      json::value merged;
      if (d != nullptr && d->is_array()) merged = any_shape(d->get_array(), w.opts.max_depth);
      const json::object* cdoc =
          (merged.is_object() && !merged.get_object().empty()) ? &merged.get_object() : nullptr;
      const auto* cprops = w.type_properties(collection_item(type));
      if (cdoc == nullptr && cprops == nullptr) continue;
      const auto& arr = a.get_array();
      for (std::size_t i = 0; i < arr.size(); ++i)
        if (arr[i].is_object())
          unexpected_walk(w, arr[i].get_object(), cdoc, cprops, child(p, i), depth + 1, found);
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

}  // namespace

std::string pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  append_token(out, key);
  return out;
}

bool is_json_media_type(std::string_view content_type) {
  std::string_view media = trim(content_type.substr(0, content_type.find(';')));
  std::string m = to_lower(media);
  if (m == "application/json") return true;
  auto slash = m.find('/');
  if (slash == std::string::npos) return false;
  return m.size() > 5 && m.compare(m.size() - 5, 5, "+json") == 0;
}

namespace {
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& value) {
  if (pos + n > s.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}
bool date_at(std::string_view s) {
  int y = 0, m = 0, d = 0;
  return s.size() >= 10 && digits(s, 0, 4, y) && s[4] == '-' && digits(s, 5, 2, m) && s[7] == '-' &&
         digits(s, 8, 2, d) && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}
}  // namespace

bool is_date(std::string_view s) {
  return s.size() == 10 && date_at(s);
}

bool is_timestamp(std::string_view s) {
  if (s.size() < 17 || !date_at(s) || (s[10] != 'T' && s[10] != 't')) return false;
  int h = 0, mi = 0, sec = 0;
  if (!digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || h > 24 || mi > 59) return false;
  std::size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, sec) || sec > 60) return false;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      std::size_t start = ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
      if (pos == start) return false;
    }
  }
  std::string_view zone = s.substr(pos);
  if (zone == "Z" || zone == "z") return true;
  if (zone.size() < 5 || (zone[0] != '+' && zone[0] != '-')) return false;
  int oh = 0, om = 0;
  if (zone.size() == 6) return digits(zone, 1, 2, oh) && zone[3] == ':' && digits(zone, 4, 2, om) && oh <= 23;
  if (zone.size() == 5) return digits(zone, 1, 2, oh) && digits(zone, 3, 2, om) && oh <= 23;
  return false;
}

bool is_guid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string placeholder_type(std::string_view s) {
  s = trim(s);
  std::string_view base = s, qualifier;
  if (auto open = s.find('('); open != std::string_view::npos && s.back() == ')') {
    base = trim(s.substr(0, open));
    qualifier = trim(s.substr(open + 1, s.size() - open - 2));
  }
  if (base.empty() || base.size() > 20) return "";
  std::string b = to_lower(strip_edm(base));
  std::string q = to_lower(qualifier);
  q.erase(std::remove(q.begin(), q.end(), ' '), q.end());
  if (b == "string") {
    if (q == "timestamp" || q == "datetime" || q == "datetimeoffset") return "DateTimeOffset";
    if (q == "date") return "Date";
    if (q == "duration") return "Duration";
    if (q == "guid") return "Guid";
    if (q == "timeofday") return "TimeOfDay";
    return "String";  // identifier, url, binary, etag, hex... are all strings on the wire
  }
  static const std::pair<std::string_view, std::string_view> names[] = {
      {"int16", "Int16"},
      {"int32", "Int32"},
      {"int64", "Int64"},
      {"int", "Int32"},
      {"integer", "Int32"},
      {"double", "Double"},
      {"single", "Single"},
      {"decimal", "Decimal"},
      {"number", "Double"},
      {"byte", "Byte"},
      {"boolean", "Boolean"},
      {"bool", "Boolean"},
      {"guid", "Guid"},
      {"date", "Date"},
      {"datetimeoffset", "DateTimeOffset"},
      {"timestamp", "DateTimeOffset"},
      {"duration", "Duration"},
      {"binary", "Binary"},
      {"stream", "Stream"},
      {"timeofday", "TimeOfDay"},
  };
  for (const auto& [key, name] : names)
    if (b == key) return std::string(name);
  return "";
}

void validate_value(const json::value& v, const property& p, const fixture_set& contract,
                    const std::string& pointer, const options& opts, std::vector<check_result>& out) {
  walker w{nullptr, contract, opts, out, {}, 0};
  w.typed(v, p.type, &p.enum_values, p.nullable, nullptr, pointer, 0);
}

std::vector<check_result> check_response(const fixture& f, const fixture_set& contract,
                                         const http_response& r, const options& opts) {
  std::vector<check_result> out;
  out.reserve(8);  // one result per check in the usual case
  const std::string status_expected = std::to_string(f.response.status);
  if (f.response.status == 0) {
    push_passed(out, check_id::status, "no documented status code");
  } else if (r.status != f.response.status) {
    out.push_back({check_id::status, check_outcome::failed, "", status_expected, std::to_string(r.status),
                   "expected status " + status_expected + ", got " + std::to_string(r.status)});
    skip_rest(out,
              {check_id::content_type, check_id::json, check_id::odata_type, check_id::required_property,
               check_id::property_type, check_id::enum_value, check_id::unexpected_property},
              "status check failed");
    return out;
  } else {
    push_passed(out, check_id::status, "status " + status_expected);
  }

  // A documented body that is not JSON (204, binary downloads) leaves nothing for the body checks to compare.
  if (!f.response.json) return out;
  const json::value& doc = *f.response.json;

  if (const header* ct = find_header(r.headers, "Content-Type"); ct == nullptr) {
    out.push_back({check_id::content_type, check_outcome::failed, "", "application/json", "",
                   "missing Content-Type header; the docs show a JSON body"});
  } else if (!is_json_media_type(ct->value)) {
    out.push_back({check_id::content_type, check_outcome::failed, "", "application/json", shorten(ct->value),
                   "Content-Type \"" + shorten(ct->value) + "\" is not a JSON media type"});
  } else {
    push_passed(out, check_id::content_type, "Content-Type " + shorten(ct->value));
  }

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
    return out;
  }
  push_passed(out, check_id::json, "body parses as JSON");

  const std::string& otype = f.response.odata_type;
  const bool collection_type = !collection_item(otype).empty();
  const json::object* doc_obj = doc.is_object() ? &doc.get_object() : nullptr;
  const json::value* doc_value = doc_obj != nullptr ? find_key(*doc_obj, "value") : nullptr;
  bool collection = false;
  if (doc_value != nullptr && doc_value->is_array()) {
    bool only_value = true;
    for (const auto& kv : *doc_obj)
      if (!is_control_key(kv.key()) && kv.key() != "value") only_value = false;
    collection = f.response.is_collection || collection_type || only_value;
  }
  const json::object* actual_obj = actual.is_object() ? &actual.get_object() : nullptr;

  // odata-type
  if (!otype.empty()) {
    std::size_t before = out.size();
    std::string expected = collection_type ? std::string(collection_item(otype)) : otype;
    // The docs often name a base type and show a derived one (conversationMember / aadUserConversationMember,
    // directoryObject / group): a type the documented example itself shows at that place is documented too.
    std::vector<std::string_view> shown;
    auto note_shown = [&shown](const json::value& v) {
      if (!v.is_object()) return;
      if (const json::value* t = find_key(v.get_object(), "@odata.type"); t != nullptr && t->is_string())
        shown.push_back(t->get_string());
    };
    if (doc_value != nullptr && doc_value->is_array() &&
        (collection || collection_type || f.response.is_collection))
      for (const json::value& item : doc_value->get_array()) note_shown(item);
    else
      note_shown(doc);
    auto documented = [&](std::string_view t) {
      if (same_type(t, expected)) return true;
      return std::any_of(shown.begin(), shown.end(), [t](std::string_view s) { return same_type(t, s); });
    };
    auto check_one = [&](const json::object& o, const std::string& base, bool must) {
      const json::value* t = find_key(o, "@odata.type");
      std::string p = child(base, "@odata.type");
      if (t == nullptr) {
        if (must && opts.odata_type == odata_type_mode::required)
          out.push_back({check_id::odata_type, check_outcome::failed, p, expected, "missing",
                         "@odata.type is missing; the docs name " + expected});
        return;
      }
      if (!t->is_string() || !documented(t->get_string()))
        out.push_back({check_id::odata_type, check_outcome::failed, p, expected, compact(*t),
                       "@odata.type " + compact(*t) + " does not name the documented type " + expected});
    };
    if (collection || collection_type || f.response.is_collection) {
      const json::value* items = actual_obj != nullptr ? find_key(*actual_obj, "value") : nullptr;
      if (items != nullptr && items->is_array()) {
        const auto& arr = items->get_array();
        for (std::size_t i = 0; i < arr.size(); ++i)
          if (arr[i].is_object()) check_one(arr[i].get_object(), child("/value", i), false);
      }
    } else if (actual_obj == nullptr) {
      out.push_back({check_id::odata_type, check_outcome::failed, "", expected, compact(actual),
                     "body is not an object, so it carries no @odata.type"});
    } else {
      check_one(*actual_obj, "", true);
    }
    if (!has_failure(out, before, check_id::odata_type))
      push_passed(out, check_id::odata_type, "@odata.type names " + expected);
  }

  // Pairs of (actual object, its pointer) that the documented example item describes.
  std::vector<std::pair<const json::object*, std::string>> targets;
  const json::object* doc_item = nullptr;
  const std::vector<property>* table = f.properties.empty() ? nullptr : &f.properties;
  walker w{&f, contract, opts, out, {}, 0};
  if (table == nullptr && !otype.empty()) table = w.type_properties(otype);  // resource page as fallback

  std::vector<check_result> shape;  // property-type and enum results, split apart below
  walker sw{&f, contract, opts, shape, {}, 0};
  std::vector<check_result> required;
  json::value shared_item;  // owns what doc_item points to for collections
  if (collection) {
    shared_item = shared_shape(doc_value->get_array(), opts.max_depth);
    if (shared_item.is_object()) doc_item = &shared_item.get_object();
    const json::value* items = actual_obj != nullptr ? find_key(*actual_obj, "value") : nullptr;
    if (items == nullptr || !items->is_array()) {
      required.push_back({check_id::required_property, check_outcome::failed, "/value", "array",
                          items == nullptr ? "missing" : compact(*items),
                          "collection response has no \"value\" array"});
    } else {
      const auto& arr = items->get_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        std::string p = child("/value", i);
        if (arr[i].is_object())
          targets.emplace_back(&arr[i].get_object(), p);
        else if (doc_item != nullptr)
          sw.fail(check_id::property_type, p, "object", arr[i],
                  p + " should be an object, got " + std::string(kind_name(arr[i])));
      }
    }
  } else if (doc_obj != nullptr) {
    doc_item = doc_obj;
    if (actual_obj != nullptr) {
      targets.emplace_back(actual_obj, "");
    } else {
      required.push_back({check_id::required_property, check_outcome::failed, "", "object", compact(actual),
                          "body is not a JSON object"});
      sw.fail(check_id::property_type, "", "object", actual,
              "body should be an object, got " + std::string(kind_name(actual)));
    }
  } else {
    sw.inferred(actual, doc, "", 0);
  }

  json::value any_item;  // for collections, every key some documented item shows is documented
  const json::object* documented_keys = doc_item;
  if (collection) {
    any_item = any_shape(doc_value->get_array(), opts.max_depth);
    documented_keys =
        any_item.is_object() && !any_item.get_object().empty() ? &any_item.get_object() : nullptr;
  }
  for (const auto& [obj, p] : targets) {
    required_walk(f, *obj, doc_item, table, p, 0, opts.max_depth, required);
    sw.object(*obj, documented_keys, table, p, 0);
  }

  out.insert(out.end(), required.begin(), required.end());
  if (!has_failure(required, 0, check_id::required_property))
    push_passed(out, check_id::required_property, "every documented property is present");

  for (const auto& c : shape)
    if (c.check == check_id::property_type) out.push_back(c);
  if (!has_failure(shape, 0, check_id::property_type))
    push_passed(out, check_id::property_type, "documented properties have their documented types");
  for (const auto& c : shape)
    if (c.check == check_id::enum_value) out.push_back(c);
  if (!has_failure(shape, 0, check_id::enum_value))
    push_passed(out, check_id::enum_value,
                sw.enums_seen == 0 ? "no enum-valued property present"
                                   : std::to_string(sw.enums_seen) + " enum value(s) are documented members");

  std::vector<std::string> found;
  for (const auto& [obj, p] : targets) unexpected_walk(w, *obj, documented_keys, table, p, 0, found);
  if (found.empty()) {
    push_passed(out, check_id::unexpected_property, "no undocumented properties");
  } else if (opts.strict_properties && !f.response.truncated) {
    for (const auto& p : found)
      out.push_back({check_id::unexpected_property, check_outcome::failed, p, "absent", "present",
                     "property " + p + " is not documented"});
  } else {
    std::string list;
    for (const auto& p : found) list += (list.empty() ? "" : ", ") + p;
    out.push_back({check_id::unexpected_property, check_outcome::note, "", "", shorten(list),
                   std::to_string(found.size()) + " undocumented propert" +
                       (found.size() == 1 ? "y" : "ies") + ": " + shorten(list)});
  }
  return out;
}

}  // namespace conform::check
