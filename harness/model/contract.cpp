#include "model/contract.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <utility>

namespace conform {

namespace json = boost::json;

namespace {

constexpr std::size_t max_shown = 200;  // expected/actual are for humans; a whole body would drown the report

std::string_view strip_edm(std::string_view type) {
  type = trim(type);
  if (istarts_with(type, "edm.")) type.remove_prefix(4);
  return type;
}

// Canonical names (placeholder_type's answers) and the spellings type columns use.
value_kind kind_of_word(std::string_view t) {
  static const std::pair<std::string_view, value_kind> kinds[] = {
      {"String", value_kind::string},
      {"Binary", value_kind::binary},
      {"Stream", value_kind::string},
      {"Int16", value_kind::number},
      {"Int32", value_kind::number},
      {"Int64", value_kind::number},
      {"Double", value_kind::number},
      {"Single", value_kind::number},
      {"Decimal", value_kind::number},
      {"Byte", value_kind::number},
      {"SByte", value_kind::number},
      {"Int", value_kind::number},
      {"Integer", value_kind::number},
      {"Long", value_kind::number},
      {"Float", value_kind::number},
      {"Number", value_kind::number},
      {"Boolean", value_kind::boolean},
      {"Bool", value_kind::boolean},
      {"Guid", value_kind::guid},
      {"Date", value_kind::date},
      {"DateTimeOffset", value_kind::timestamp},
      {"DateTime", value_kind::timestamp},
      {"Timestamp", value_kind::timestamp},
      {"Duration", value_kind::duration},
      {"TimeOfDay", value_kind::time_of_day},
      {"Json", value_kind::any},
      {"Untyped", value_kind::any},  // Edm.Untyped / Graph's Json: any JSON value
  };
  for (const auto& [n, k] : kinds)
    if (iequals(n, t)) return k;
  return value_kind::unknown;
}

// Called for every checked property: the usual names are compared without building a copy.
value_kind kind_of_name(std::string_view element) {
  std::string_view t = strip_edm(element);
  if (value_kind k = kind_of_word(t); k != value_kind::unknown) return k;
  // Graph's CSDL declares microsoft.graph.Json, an empty complex type standing for any JSON value.
  if (iends_with(t, ".json")) return value_kind::any;
  if (t.find('(') != std::string_view::npos)
    return kind_of_word(placeholder_type(t));  // "String (timestamp)"
  return value_kind::unknown;
}

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

// How a kind is written, for messages: "number", "timestamp", "ISO 8601 duration".
std::string_view wire_form(value_kind k) {
  switch (k) {
    case value_kind::duration:
      return "ISO 8601 duration";
    case value_kind::time_of_day:
      return "HH:MM:SS";
    default:
      return to_string(k);
  }
}

bool is_numeric_text(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  bool digit = false, dot = false;
  for (char c : s) {
    if (c >= '0' && c <= '9')
      digit = true;
    else if (c == '.' && !dot)
      dot = true;
    else
      return false;
  }
  return digit;
}

const json::value* find_key(const json::object& o, std::string_view key) {
  if (auto it = o.find(key); it != o.end()) return &it->value();
  return nullptr;
}

const property* find_in(const std::vector<property>& props, std::string_view name) {
  for (const property& p : props)
    if (p.name == name) return &p;
  for (const property& p : props)
    if (iequals(p.name, name)) return &p;
  return nullptr;
}

const type_def* odata_type_of(const fixture_set& set, const json::value& v) {
  if (!v.is_object()) return nullptr;
  if (const json::value* t = find_key(v.get_object(), "@odata.type"); t != nullptr && t->is_string())
    return documented_type(set, std::string_view(t->get_string()));
  return nullptr;
}

// Whether to build a result at all: past the budget it is only counted.
bool keep(const validate_options& opts, check_id id, check_outcome o = check_outcome::failed) {
  return opts.budget == nullptr || opts.budget->take(id, o);
}

void fail(std::vector<check_result>& out, const validate_options& opts, check_id id,
          const std::string& pointer, std::string expected, const json::value& actual, std::string message) {
  if (!keep(opts, id)) return;
  out.push_back(
      {id, check_outcome::failed, pointer, std::move(expected), compact(actual), std::move(message)});
}

// "one of a, b, c" shortened, built from at most as many members as it shows.
std::string one_of(const std::vector<std::string>& members) {
  std::string expected = "one of ";
  for (std::size_t i = 0; i < members.size() && expected.size() <= max_shown; ++i)
    expected += (i ? ", " : "") + members[i];
  return shorten(expected);
}

void check_members(const json::value& v, const std::vector<std::string>& members, const std::string& pointer,
                   const validate_options& opts, std::vector<check_result>& out) {
  if (!v.is_string()) return;  // shape failure already reported
  if (opts.enums_seen != nullptr) ++*opts.enums_seen;
  std::string expected;  // built for the first failure only: most values are members
  match_members(v.get_string(), members, [&](const member_match& m) {
    if (m.exact) return;
    if (m.member != nullptr) {
      const check_outcome o = opts.strict_enums ? check_outcome::failed : check_outcome::note;
      if (!keep(opts, check_id::enum_value, o)) return;
      out.push_back({check_id::enum_value, o, pointer, *m.member, compact(v),
                     "\"" + shorten(m.part) + "\" differs from the documented member \"" + *m.member +
                         "\" only in case"});
      return;
    }
    if (!keep(opts, check_id::enum_value)) return;
    if (expected.empty()) expected = one_of(members);
    out.push_back({check_id::enum_value, check_outcome::failed, pointer, expected, compact(v),
                   "\"" + shorten(m.part) + "\" is not a documented member at " + pointer});
  });
}

}  // namespace

std::string_view to_string(value_kind k) {
  switch (k) {
    case value_kind::unknown:
      return "unknown";
    case value_kind::string:
      return "string";
    case value_kind::number:
      return "number";
    case value_kind::boolean:
      return "boolean";
    case value_kind::timestamp:
      return "timestamp";
    case value_kind::date:
      return "date";
    case value_kind::time_of_day:
      return "time of day";
    case value_kind::duration:
      return "duration";
    case value_kind::guid:
      return "guid";
    case value_kind::binary:
      return "base64url";
    case value_kind::any:
      return "any";
  }
  return "unknown";
}

type_ref read_type(std::string_view documented) {
  type_ref t;
  std::string_view s = trim(documented);
  if (s.size() > 11 && istarts_with(s, "collection(") && s.back() == ')') {
    t.collection = true;
    s = trim(s.substr(11, s.size() - 12));
  }
  t.element = s;
  t.name = strip_edm(s);
  t.kind = kind_of_name(s);
  return t;
}

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

bool is_time_of_day(std::string_view s) {
  int h = 0, m = 0, sec = 0;
  if (s.size() < 5 || !digits(s, 0, 2, h) || s[2] != ':' || !digits(s, 3, 2, m) || h > 23 || m > 59)
    return false;
  if (s.size() == 5) return true;
  if (s[5] != ':' || !digits(s, 6, 2, sec) || sec > 59) return false;
  if (s.size() == 8) return true;
  if (s[8] != '.' || s.size() == 9) return false;
  return std::all_of(s.begin() + 9, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_duration(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size() || (s[i] != 'P' && s[i] != 'p')) return false;
  ++i;
  bool any = false, time = false, fraction_seen = false;
  std::string_view units = "DdWwYyMm";  // before T: OData writes days; Y/M/W are accepted as ISO 8601 allows
  while (i < s.size()) {
    if (s[i] == 'T' || s[i] == 't') {
      if (time) return false;
      time = true;
      units = "HhMmSs";
      ++i;
      if (i >= s.size()) return false;  // "P1DT" names no time
      continue;
    }
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    bool fraction = false;
    if (i < s.size() && s[i] == '.') {
      fraction = true;
      ++i;
      std::size_t f = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == f) return false;
    }
    if (i == start || i >= s.size() || units.find(s[i]) == std::string_view::npos) return false;
    if (fraction && (fraction_seen || (s[i] != 'S' && s[i] != 's'))) return false;
    fraction_seen = fraction_seen || fraction;
    ++i;
    any = true;
  }
  return any;
}

bool is_base64url(std::string_view s) {
  std::size_t n = s.size();
  while (n > 0 && s[n - 1] == '=') --n;
  if (s.size() - n > 2) return false;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '+' && c != '/') return false;
  }
  return n % 4 != 1;  // no base64 text leaves a single character in its last group
}

bool matches(const json::value& v, value_kind kind) {
  switch (kind) {
    case value_kind::string:
      return v.is_string();
    case value_kind::time_of_day:
      return v.is_string() && is_time_of_day(v.get_string());
    case value_kind::duration:
      return v.is_string() && is_duration(v.get_string());
    case value_kind::binary:
      return v.is_string() && is_base64url(v.get_string());
    case value_kind::number:
      return v.is_number();
    case value_kind::boolean:
      return v.is_bool();
    case value_kind::timestamp:
      return v.is_string() && is_timestamp(v.get_string());
    case value_kind::date:
      return v.is_string() && is_date(v.get_string());
    case value_kind::guid:
      return v.is_string() && is_guid(v.get_string());
    case value_kind::unknown:
    case value_kind::any:
      return true;
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

void match_members(std::string_view value, const std::vector<std::string>& members,
                   const std::function<void(const member_match&)>& each) {
  // Flag enums serialise as "a,b": every member must be documented.
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    member_match m;
    m.part = trim(value.substr(start, comma == std::string_view::npos ? value.npos : comma - start));
    for (const std::string& d : members)
      if (d == m.part) {
        m.member = &d;
        m.exact = true;
        break;
      }
    if (!m.exact)
      for (const std::string& d : members)
        if (iequals(d, m.part)) m.member = &d;
    each(m);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

const property* property_scope::find(std::string_view name) const {
  if (table != nullptr)
    if (const property* p = find_in(*table, name)) return p;
  if (type != nullptr) return find_in(type->properties, name);
  return nullptr;
}

bool derives_from(const fixture_set& set, std::string_view type, std::string_view base) {
  if (same_type(type, base)) return true;
  const type_def* target = set.find_type(base);  // the same type under another name ("graph.user")
  const type_def* t = set.find_type(type);
  // A base chain is short (Graph's deepest is 5); the bound only stops a cycle in hostile docs.
  for (int hops = 0; t != nullptr && hops < 64; ++hops) {
    if (t == target) return true;
    if (t->base.empty()) return false;
    if (same_type(t->base, base)) return true;
    t = set.find_type(t->base);
  }
  return false;
}

const type_def* documented_type(const fixture_set& set, std::string_view name) {
  if (trim(name).empty()) return nullptr;
  const type_def* t = set.find_type(name);
  // A page without properties (an enum page, "Json") says nothing about the value's shape.
  return t == nullptr || t->properties.empty() ? nullptr : t;
}

property_scope scope_of(const fixture_set& set, const json::value& v, const property* declared) {
  property_scope s;
  s.type = odata_type_of(set, v);
  if (s.type == nullptr && declared != nullptr)
    s.type = documented_type(set, read_type(declared->type).element);
  return s;
}

property_scope response_scope(const fixture& f, const fixture_set& set, const json::value& body) {
  property_scope s;
  s.table = &set.properties_of(f);
  if (s.table->empty()) s.table = nullptr;
  s.type = documented_type(set, read_type(f.response.odata_type).element);
  // With $metadata: the type the URL returns, when the docs name none.
  if (s.type == nullptr && f.resolved && !f.resolved->type.empty())
    s.type = documented_type(set, f.resolved->type);
  if (s.type == nullptr) s.type = odata_type_of(set, body);
  return s;
}

property_scope request_scope(const fixture& f, const fixture_set& set, const json::value& body) {
  property_scope s;
  s.table = &set.properties_of(f);
  if (s.table->empty()) s.table = nullptr;
  s.type = odata_type_of(set, body);
  if (s.type == nullptr) s.type = documented_type(set, read_type(f.response.odata_type).element);
  return s;
}

std::string shorten(std::string_view s) {
  if (s.size() <= max_shown) return std::string(s);
  std::size_t cut = max_shown;
  // Never cut a UTF-8 sequence in half: reports must stay valid text.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  std::string out;
  out.reserve(cut + 3);
  out.append(s.substr(0, cut)).append("...");
  return out;
}

std::string compact(const json::value& v) {
  // The serialiser is resumable: one buffer's worth is read, past what shorten keeps (it needs the byte after
  // the cut to see whether one was made), and the rest of the value is never serialised.
  char buf[max_shown + 8];
  json::serializer sr;
  sr.reset(&v);
  std::string_view head = sr.read(buf, sizeof buf);
  return shorten(head);
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

std::string pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  if (key.find_first_of("~/") == std::string_view::npos) return out.append(key);
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string pointer_child(std::string_view pointer, std::string_view key) {
  std::string out;
  out.reserve(pointer.size() + 1 + key.size());
  out.append(pointer).push_back('/');
  if (key.find_first_of("~/") == std::string_view::npos) return out.append(key);
  return out.append(pointer_token(key));
}

std::string pointer_child(std::string_view pointer, std::size_t index) {
  std::string out;
  out.reserve(pointer.size() + 21);
  out.append(pointer).push_back('/');
  out.append(std::to_string(index));
  return out;
}

void attribute_failures(std::vector<check_result>& out, std::size_t from, const property& p) {
  if (p.source.empty()) return;
  for (std::size_t i = from; i < out.size(); ++i)
    if (out[i].contract.empty() && out[i].outcome == check_outcome::failed) out[i].contract = contract_of(p);
}

bool listed_nullable(const std::vector<std::string>* names, std::string_view pointer) {
  if (names == nullptr) return false;
  std::string_view name = pointer;
  if (auto slash = name.rfind('/'); slash != std::string_view::npos) name = name.substr(slash + 1);
  for (const auto& n : *names) {
    std::string_view nv = n;
    if (iequals(nv, name) || nv == pointer || (!pointer.empty() && nv == pointer.substr(1))) return true;
  }
  return false;
}

void validate_value(const json::value& v, const property& p, const fixture_set& set,
                    const std::string& pointer, const validate_options& opts,
                    std::vector<check_result>& out) {
  validate_typed(v, p.type, &p.enum_values, p.nullable, set, pointer, opts, 0, out);
}

void validate_typed(const json::value& v, std::string_view type, const std::vector<std::string>* members,
                    bool nullable, const fixture_set& set, const std::string& pointer,
                    const validate_options& opts, std::size_t depth, std::vector<check_result>& out) {
  if (depth > opts.max_depth) return;
  if (v.is_null()) {
    if (opts.null_always_valid || nullable || listed_nullable(opts.nullable_names, pointer)) return;
    fail(out, opts, check_id::property_type, pointer, std::string(type), v,
         pointer + " is null but is not documented as nullable (" + std::string(type) + ")");
    return;
  }
  const type_ref t = read_type(type);
  if (t.collection) {
    if (!v.is_array()) {
      fail(out, opts, check_id::property_type, pointer, std::string(type), v,
           pointer + " should be an array (" + std::string(type) + "), got " + std::string(kind_name(v)));
      return;
    }
    const auto& arr = v.get_array();
    for (std::size_t i = 0; i < arr.size(); ++i)
      validate_typed(arr[i], t.element, members, false, set, pointer_child(pointer, i), opts, depth + 1, out);
    return;
  }
  const bool enumerated = members != nullptr && !members->empty();
  if (t.kind != value_kind::unknown) {
    // IEEE754Compatible=true: Int64 and Decimal travel as strings, so JavaScript clients keep every digit.
    if (opts.ieee754_compatible && v.is_string() &&
        (iequals(t.name, "Int64") || iequals(t.name, "Decimal")) && is_numeric_text(v.get_string()))
      return;
    // OData JSON writes the IEEE 754 specials of Double and Single as strings.
    if (v.is_string() && (iequals(t.name, "Double") || iequals(t.name, "Single")) &&
        (v.get_string() == "INF" || v.get_string() == "-INF" || v.get_string() == "NaN"))
      return;
    if (!matches(v, t.kind)) {
      fail(out, opts, check_id::property_type, pointer, std::string(t.name), v,
           pointer + " should be " + std::string(t.name) + " (" + std::string(wire_form(t.kind)) + "), got " +
               (v.is_string() ? "\"" + shorten(v.get_string()) + "\"" : std::string(kind_name(v))));
      return;
    }
    if (enumerated) check_members(v, *members, pointer, opts, out);
    return;
  }
  if (enumerated) {
    // A documented enum type (e.g. operationStatus): members serialise as strings.
    if (!v.is_string()) {
      fail(out, opts, check_id::property_type, pointer, std::string(type), v,
           pointer + " should be a " + std::string(type) + " member (string), got " +
               std::string(kind_name(v)));
      return;
    }
    // Only a flags enum combines members ("a,b"); $metadata says which are not.
    if (v.get_string().find(',') != json::string::npos)
      if (const type_def* e = set.find_type(t.element); e != nullptr && e->from_metadata && !e->flags) {
        if (keep(opts, check_id::enum_value))
          out.push_back({check_id::enum_value, check_outcome::failed, pointer,
                         "one member of " + std::string(type), compact(v),
                         pointer + " combines members, but " + std::string(type) + " is not a flags enum"});
        return;
      }
    check_members(v, *members, pointer, opts, out);
    return;
  }
  if (const type_def* declared = documented_type(set, t.element)) {
    if (!v.is_object()) {
      fail(out, opts, check_id::property_type, pointer, std::string(type), v,
           pointer + " should be an object (" + std::string(type) + "), got " + std::string(kind_name(v)));
      return;
    }
    const type_def* own = odata_type_of(set, v);
    validate_members(v.get_object(), property_scope{nullptr, own != nullptr ? own : declared}, set, pointer,
                     opts, depth + 1, out);
    return;
  }
  if ((opts.unresolved == nullptr || opts.unresolved->insert(to_lower(type)).second) &&
      keep(opts, check_id::property_type, check_outcome::note))
    out.push_back({check_id::property_type, check_outcome::note, pointer, std::string(type), "",
                   "type \"" + std::string(type) + "\" is not documented in the contract; " + pointer +
                       " was not checked"});
}

void validate_members(const json::object& v, const property_scope& scope, const fixture_set& set,
                      const std::string& pointer, const validate_options& opts, std::size_t depth,
                      std::vector<check_result>& out) {
  if (depth > opts.max_depth) return;
  auto each = [&](const std::vector<property>& props, const std::vector<property>* before) {
    for (const property& p : props) {
      if (before != nullptr && find_in(*before, p.name) != nullptr) continue;  // the table said it first
      const json::value* a = find_key(v, p.name);
      if (a == nullptr) continue;  // absence is the required-property check's business
      const std::size_t from = out.size();
      validate_typed(*a, p.type, &p.enum_values, p.nullable, set, pointer_child(pointer, p.name), opts, depth,
                     out);
      attribute_failures(out, from, p);
    }
  };
  if (scope.table != nullptr) each(*scope.table, nullptr);
  if (scope.type != nullptr) each(scope.type->properties, scope.table);
}

std::optional<json::value> sample_value(value_kind kind, const sample_env& env) {
  switch (kind) {
    case value_kind::number:
      return json::value(
          std::int64_t{0});  // an integer is a valid Double too, and serialises as "0" not "0E0"
    case value_kind::boolean:
      return json::value(false);
    case value_kind::timestamp:
      return json::value(env.now);
    case value_kind::date:
      return json::value(env.now.substr(0, 10));
    case value_kind::time_of_day:
      return json::value(env.now.size() >= 19 ? env.now.substr(11, 8) : std::string("00:00:00"));
    case value_kind::duration:
      return json::value("PT1H");
    case value_kind::guid:
      if (env.new_guid) return json::value(env.new_guid());
      return std::nullopt;
    case value_kind::binary:
      return json::value("AAAA");  // three zero bytes
    case value_kind::string:
    case value_kind::unknown:
    case value_kind::any:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace conform
