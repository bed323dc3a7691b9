#include "detail.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>

namespace conform::mock::detail {

namespace json = boost::json;

namespace {

// Says one change, when the caller asked to hear of them.
void said(const synth_env& env, std::string code, const std::string& pointer, std::string message) {
  if (env.repairs != nullptr) env.repairs->push_back({std::move(code), pointer, std::move(message)});
}

std::string child(const synth_env& env, const std::string& pointer, std::string_view key) {
  return env.repairs != nullptr ? pointer_child(pointer, key) : std::string();
}
std::string child(const synth_env& env, const std::string& pointer, std::size_t i) {
  return env.repairs != nullptr ? pointer_child(pointer, i) : std::string();
}

std::string shown(const json::value& v) {
  return compact(v);
}

sample_env samples(const synth_env& env) {
  return {env.now, [&env] { return env.make_guid(env.guid_ctx); }};
}

// A valid value for a placeholder string, or nullopt when the documented text should stay as it is.
std::optional<json::value> real_value(std::string_view text, std::string_view key, const property* p,
                                      const synth_env& env) {
  std::string ph = placeholder_type(text);
  if (ph.empty()) return std::nullopt;
  if (p != nullptr && !p->enum_values.empty()) return json::value(p->enum_values.front());
  // The table's type wins, except that a plain "String" column says less than "String (timestamp)".
  value_kind kind = p != nullptr ? read_type(p->type).kind : value_kind::unknown;
  if (p == nullptr || kind == value_kind::string || read_type(p->type).element.empty())
    kind = read_type(ph).kind;
  if (kind == value_kind::string && iequals(key, "id")) kind = value_kind::guid;
  return sample_value(kind, samples(env));
}

// Whether `v` fails validation as a value of `p` at its own level (nested objects are synthesized member by
// member, so their members' failures are not this value's).
bool invalid_for(const json::value& v, const property& p, const synth_env& env) {
  if (v.is_null()) return false;  // nullability is the docs' statement, not a value to repair
  std::vector<check_result> found;
  validate_value(v, p, env.set, "", validate_options{}, found);
  for (const check_result& c : found)
    if (c.outcome == check_outcome::failed && (c.pointer.empty() || v.is_array())) return true;
  return false;
}

// The lint code of what `v` contradicts: a member list (example-enum) or a type (example-type).
std::string contradiction_code(const json::value& v, const property& p, const synth_env& env) {
  std::vector<check_result> found;
  validate_value(v, p, env.set, "", validate_options{}, found);
  for (const check_result& c : found)
    if (c.outcome == check_outcome::failed && c.check == check_id::enum_value) return "example-enum";
  return "example-type";
}

// A valid value of the documented type of `p` (one element's type for collections); nullopt when the type
// says nothing a generated value could satisfy better than the documented one.
std::optional<json::value> generated_for(std::string_view key, const property& p, const synth_env& env) {
  const type_ref t = read_type(p.type);
  // Members listed for a primitive ("true, false" for a Boolean) are its values, not strings to send.
  if (!p.enum_values.empty() && (t.kind == value_kind::string || t.kind == value_kind::unknown))
    return json::value(p.enum_values.front());
  if (auto v = sample_value(t.kind, samples(env))) return v;
  if (t.kind == value_kind::string) return json::value(std::string(key) + " value");
  if (env.set.find_type(t.element) != nullptr) return json::value(json::object{});
  return std::nullopt;
}

// A documented example value that its own documented type rejects (docs disagreeing with themselves:
// "Applied" for an enum without that member, "datetime-value" for a DateTimeOffset) becomes a generated valid
// value.
void repair(std::string_view key, json::value& v, const property& p, const synth_env& env,
            const std::string& pointer) {
  if (!invalid_for(v, p, env)) return;
  const type_ref t = read_type(p.type);
  if (t.collection) {
    // One item documented where the type says a collection of them: the collection holding that item.
    if (!v.is_array()) {
      said(env, "example-type", pointer,
           pointer + " should be an array (" + p.type + "); served as an array holding " + shown(v));
      v = json::array{std::move(v)};
    }
    property item = p;
    item.type = std::string(t.element);
    json::array& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i)
      if (invalid_for(a[i], item, env))
        if (auto r = generated_for(key, item, env)) {
          if (env.repairs != nullptr) {
            const std::string at = pointer_child(pointer, i);
            said(env, contradiction_code(a[i], item, env), at,
                 at + " " + shown(a[i]) + " contradicts its type " + item.type + "; served as " + shown(*r));
          }
          a[i] = std::move(*r);
        }
    return;
  }
  if (auto r = generated_for(key, p, env)) {
    if (env.repairs != nullptr)
      said(env, contradiction_code(v, p, env), pointer,
           pointer + " " + shown(v) + " contradicts its type " + p.type + "; served as " + shown(*r));
    v = std::move(*r);
  }
}

void fix_odata_type(json::object& o, const synth_env& env, const std::string& pointer) {
  auto it = o.find("@odata.type");
  if (it == o.end() || !it->value().is_string()) return;
  json::string& s = it->value().get_string();
  if (!s.empty() && s.front() != '#') {
    if (env.repairs != nullptr) {
      const std::string at = pointer_child(pointer, "@odata.type");
      said(env, "example-odata-type", at,
           at + " \"" + std::string(s) + "\" lacks its '#'; served as \"#" + std::string(s) + "\"");
    }
    s.insert(std::size_t{0}, 1, '#');
  }
}

// "TextBox" where the docs list "textBox": a real server spells its members one way, the documented way (flag
// enums "a,b" member by member).
void documented_spelling(json::value& v, const property& p, const synth_env& env,
                         const std::string& pointer) {
  if (!v.is_string() || p.enum_values.empty()) return;
  std::string_view s = v.get_string();
  std::string out;
  bool changed = false;
  for (std::size_t start = 0; start <= s.size();) {
    std::size_t comma = s.find(',', start);
    std::string_view part = s.substr(start, comma == std::string_view::npos ? s.npos : comma - start);
    std::size_t lead = part.find_first_not_of(' ');
    std::string_view word = lead == std::string_view::npos ? std::string_view() : part.substr(lead);
    while (!word.empty() && word.back() == ' ') word.remove_suffix(1);
    std::string spelled(part);
    if (std::find(p.enum_values.begin(), p.enum_values.end(), word) == p.enum_values.end())
      for (const std::string& m : p.enum_values)
        if (iequals(m, word)) {
          spelled = std::string(part.substr(0, lead)) + m;
          changed = true;
          break;
        }
    out += (start == 0 ? "" : ",") + spelled;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (changed) {
    if (env.repairs != nullptr)
      said(env, "example-enum", pointer,
           pointer + " " + shown(v) + " differs from the documented member in case; served as \"" + out +
               "\"");
    v = json::value(out);
  }
}

// A placeholder string made a real value, said as example-placeholder-value.
void fill_placeholder(json::value& v, std::string_view key, const property* p, const synth_env& env,
                      const std::string& pointer) {
  auto r = real_value(v.get_string(), key, p, env);
  if (!r) return;
  if (env.repairs != nullptr)
    said(env, "example-placeholder-value", pointer,
         pointer + " is the placeholder " + shown(v) + "; served as " + shown(*r));
  v = std::move(*r);
}

void synthesize_member(std::string_view key, json::value& v, const property* p, const synth_env& env,
                       const std::string& pointer) {
  if (v.is_string()) {
    fill_placeholder(v, key, p, env, pointer);
    if (p != nullptr) documented_spelling(v, *p, env, pointer);
  } else if (v.is_object()) {
    synthesize(v, scope_of(env.set, v, p), env, pointer);
  } else if (v.is_array()) {
    json::array& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      json::value& e = a[i];
      if (e.is_object())
        synthesize(e, scope_of(env.set, e, p), env, child(env, pointer, i));
      else if (e.is_string()) {
        const std::string at = child(env, pointer, i);
        fill_placeholder(e, key, p, env, at);
        if (p != nullptr) documented_spelling(e, *p, env, at);
      }
    }
  }
  if (p != nullptr) repair(key, v, *p, env, pointer);  // nested objects were repaired member by member above
}

}  // namespace

bool is_annotation(std::string_view key) {
  return key.find('@') != std::string_view::npos;
}

void synthesize(json::value& v, const property_scope& scope, const synth_env& env,
                const std::string& pointer) {
  if (!v.is_object()) return;
  json::object& o = v.get_object();
  fix_odata_type(o, env, pointer);
  for (auto& member : o) {
    std::string_view key = member.key();
    if (is_annotation(key)) continue;
    synthesize_member(key, member.value(), scope.find(key), env, child(env, pointer, key));
  }
}

// A property the table calls required but the example leaves out: a real server following the table sends it.
static void add_required(const fixture& f, json::value& v, const synth_env& env, const std::string& pointer) {
  if (!v.is_object()) return;
  const std::vector<property>* table = &env.set.properties_of(f);
  json::object& o = v.get_object();
  for (const property& p : *table) {
    if (!p.required || o.contains(p.name)) continue;
    if (std::any_of(f.optional_properties.begin(), f.optional_properties.end(),
                    [&p](const std::string& n) { return iequals(n, p.name); }))
      continue;
    json::value added;
    if (read_type(p.type).collection)
      added = json::array{};
    else if (auto g = generated_for(p.name, p, env))
      added = std::move(*g);
    else
      added = json::object{};  // a type the contract does not describe: an object says the least
    if (env.repairs != nullptr) {
      const std::string at = pointer_child(pointer, p.name);
      said(env, "example-missing-property", at,
           "required property " + at + " (from the property table) is missing; served as " + shown(added));
    }
    o[p.name] = std::move(added);
  }
}

bool is_collection_body(const fixture& f, const json::object& body) {
  if (f.response.is_collection || iequals(f.response.odata_type.substr(0, 11), "collection(")) return true;
  // Like the checks: a body of nothing but "value" (and annotations) is a collection whatever the docs say.
  return std::all_of(body.begin(), body.end(), [](const json::key_value_pair& kv) {
    return is_annotation(kv.key()) || kv.key() == "value";
  });
}

void synthesize_body(const fixture& f, json::value& body, const synth_env& env) {
  const property_scope scope = response_scope(f, env.set, body);
  // The docs name the type (annotation) even where the example leaves "@odata.type" out; a real server states
  // it, so the answer does too.
  std::string named(read_type(f.response.odata_type).element);
  if (!named.empty() && named.front() != '#') named.insert(named.begin(), '#');
  auto name_type = [&named, &env](json::value& v, const std::string& pointer) {
    if (!named.empty() && v.is_object() && !v.get_object().contains("@odata.type")) {
      if (env.repairs != nullptr) {
        const std::string at = pointer_child(pointer, "@odata.type");
        said(env, "example-odata-type", at,
             at + " is absent though the annotation names the type; served as \"" + named + "\"");
      }
      v.get_object()["@odata.type"] = named;
    }
  };
  if (!body.is_object()) {
    if (body.is_array()) {
      json::array& a = body.get_array();
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string at = child(env, "", i);
        name_type(a[i], at);
        synthesize(a[i], scope, env, at);
      }
    }
    return;
  }
  json::object& o = body.get_object();
  auto value = o.find("value");
  bool collection = value != o.end() && value->value().is_array() && is_collection_body(f, o);
  if (!collection) {
    name_type(body, "");
    synthesize(body, scope, env, "");
    add_required(f, body, env, "");
    return;
  }
  fix_odata_type(o, env, "");
  json::array& items = value->value().get_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string at = child(env, "/value", i);
    name_type(items[i], at);
    synthesize(items[i], scope, env, at);
    add_required(f, items[i], env, at);
  }
}

boost::json::object* fault_target(const fixture& f, json::value& body, std::string& pointer_prefix) {
  pointer_prefix.clear();
  if (!body.is_object()) return nullptr;
  json::object& o = body.get_object();
  auto value = o.find("value");
  if (value != o.end() && value->value().is_array() && is_collection_body(f, o)) {
    json::array& a = value->value().get_array();
    if (!a.empty() && a.front().is_object()) {
      pointer_prefix = "/value/0";
      return &a.front().get_object();
    }
  }
  return &o;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string format_guid(std::uint64_t hi, std::uint64_t lo) {
  // Version 4, variant 1 bits, so strict GUID validators accept it.
  hi = (hi & 0xffffffffffff0fffull) | 0x0000000000004000ull;
  lo = (lo & 0x3fffffffffffffffull) | 0x8000000000000000ull;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffull));
  return buf;
}

}  // namespace conform::mock::detail
