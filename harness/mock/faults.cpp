#include "detail.hpp"

#include <boost/json/serialize.hpp>

namespace conform::mock::detail {

namespace json = boost::json;

namespace {

constexpr std::string_view bogus_enum = "conformBogusValue";
constexpr std::string_view bogus_type = "#microsoft.graph.conformBogusType";
constexpr std::string_view padding_key = "conformPadding";

std::string header_value(fault_kind kind, std::string_view pointer) {
  std::string out(to_string(kind));
  out += ' ';
  out += pointer;
  return out;
}

std::string not_applicable(fault_kind kind) {
  return std::string(to_string(kind)) + " (not applicable)";
}

// A scalar of the wrong JSON type; string <-> number so that the documented type can no longer be met.
json::value bent(const json::value& v) {
  if (v.is_string()) return json::value(std::int64_t{42});
  if (v.is_number() || v.is_bool() || v.is_null()) return json::value(json::serialize(v));
  return json::value(std::int64_t{42});
}

bool is_scalar(const json::value& v) {
  return v.is_string() || v.is_number() || v.is_bool();
}

struct picker {
  std::uint64_t hash;
  template <class T>
  const T* pick(const std::vector<T>& items) const {
    return items.empty() ? nullptr : &items[hash % items.size()];
  }
};

std::string wrong_type(const picker& pk, json::object& target, const std::string& prefix) {
  std::vector<std::string> keys;
  for (auto& m : target)
    if (!is_annotation(m.key()) && is_scalar(m.value())) keys.emplace_back(m.key());
  const std::string* key = pk.pick(keys);
  if (key == nullptr) return {};
  json::value& v = target[*key];
  v = bent(v);
  return header_value(fault_kind::wrong_type, prefix + "/" + pointer_token(*key));
}

std::string wrong_type_fallback(fault_kind wanted, const picker& pk, json::object& target,
                                const std::string& prefix) {
  std::string h = wrong_type(pk, target, prefix);
  if (h.empty()) return not_applicable(wanted);
  return h + " (" + std::string(to_string(wanted)) + " fallback)";
}

struct leaf {
  json::value* value;
  std::string pointer;
};

void collect_leaves(json::value& v, const std::string& pointer, int depth, std::vector<leaf>& out) {
  if (depth > 32 || out.size() > 1024) return;
  if (v.is_object()) {
    for (auto& m : v.get_object()) {
      if (is_annotation(m.key())) continue;
      std::string p = pointer + "/" + pointer_token(m.key());
      if (is_scalar(m.value()))
        out.push_back({&m.value(), p});
      else
        collect_leaves(m.value(), p, depth + 1, out);
    }
  } else if (v.is_array()) {
    std::size_t i = 0;
    for (json::value& e : v.get_array()) {
      // Scalars directly in an array belong to a collection property, not to a complex value.
      if (!is_scalar(e)) collect_leaves(e, pointer + "/" + std::to_string(i), depth + 1, out);
      ++i;
    }
  }
}

}  // namespace

bool is_text_fault(fault_kind kind) {
  return kind == fault_kind::malformed_json || kind == fault_kind::huge_body;
}

bool is_json_fault(fault_kind kind) {
  switch (kind) {
    case fault_kind::drop_property:
    case fault_kind::wrong_type:
    case fault_kind::bad_enum:
    case fault_kind::bad_timestamp:
    case fault_kind::odata_type:
    case fault_kind::no_odata_type:
    case fault_kind::nested:
      return true;
    default:
      return false;
  }
}

int faulted_status(int documented) {
  switch (documented) {
    case 200:
      return 202;
    case 201:
      return 200;
    case 202:
      return 200;
    case 204:
      return 200;
    case 400:
      return 409;
    case 500:
      return 503;
    default:
      break;
  }
  if (documented >= 400 && documented < 500) return 400;
  if (documented >= 500) return 500;
  return 200;
}

std::string apply_json_fault(fault_kind kind, const fault_input& in, json::value& body) {
  picker pk{fnv1a(in.opts.seed, in.f.id, to_string(kind))};
  std::string prefix;
  json::object* target = fault_target(in.f, body, prefix);
  if (target == nullptr) return not_applicable(kind);
  const property_scope scope = response_scope(in.f, in.set, body);

  switch (kind) {
    case fault_kind::drop_property: {
      // Prefer what the contract demands, so the check that should notice has something to notice.
      std::vector<std::string> required, documented, any;
      for (auto& m : *target) {
        if (is_annotation(m.key())) continue;
        const property* p = scope.find(m.key());
        if (p != nullptr && p->required) required.emplace_back(m.key());
        if (p != nullptr) documented.emplace_back(m.key());
        any.emplace_back(m.key());
      }
      const std::string* key = !required.empty()     ? pk.pick(required)
                               : !documented.empty() ? pk.pick(documented)
                                                     : pk.pick(any);
      if (key == nullptr) return not_applicable(kind);
      std::string pointer = prefix + "/" + pointer_token(*key);
      target->erase(*key);
      return header_value(kind, pointer);
    }
    case fault_kind::wrong_type: {
      std::string h = wrong_type(pk, *target, prefix);
      return h.empty() ? not_applicable(kind) : h;
    }
    case fault_kind::bad_enum: {
      std::vector<std::string> keys;
      for (auto& m : *target) {
        const property* p = is_annotation(m.key()) ? nullptr : scope.find(m.key());
        if (p != nullptr && !p->enum_values.empty() && m.value().is_string()) keys.emplace_back(m.key());
      }
      const std::string* key = pk.pick(keys);
      if (key == nullptr) return wrong_type_fallback(kind, pk, *target, prefix);
      (*target)[*key] = bogus_enum;
      return header_value(kind, prefix + "/" + pointer_token(*key));
    }
    case fault_kind::bad_timestamp: {
      std::vector<std::string> keys;
      for (auto& m : *target) {
        if (is_annotation(m.key()) || !m.value().is_string()) continue;
        const property* p = scope.find(m.key());
        if ((p != nullptr && read_type(p->type).kind == value_kind::timestamp) || is_timestamp(m.value().get_string()))
          keys.emplace_back(m.key());
      }
      const std::string* key = pk.pick(keys);
      if (key == nullptr) return wrong_type_fallback(kind, pk, *target, prefix);
      (*target)[*key] = "not-a-timestamp";
      return header_value(kind, prefix + "/" + pointer_token(*key));
    }
    case fault_kind::odata_type:
      (*target)["@odata.type"] = bogus_type;
      return header_value(kind, prefix + "/@odata.type");
    case fault_kind::no_odata_type:
      target->erase("@odata.type");
      return header_value(kind, prefix + "/@odata.type");
    case fault_kind::nested: {
      std::vector<leaf> leaves;
      for (auto& m : *target) {
        if (is_annotation(m.key()) || is_scalar(m.value())) continue;
        collect_leaves(m.value(), prefix + "/" + pointer_token(m.key()), 1, leaves);
      }
      const leaf* l = pk.pick(leaves);
      if (l == nullptr) return wrong_type_fallback(kind, pk, *target, prefix);
      *l->value = bent(*l->value);
      return header_value(kind, l->pointer);
    }
    default:
      return not_applicable(kind);
  }
}

std::string apply_text_fault(fault_kind kind, const fault_input& in, std::string& body) {
  if (kind == fault_kind::malformed_json) {
    // Half of a JSON text is never JSON; a body too short to halve still needs to be broken.
    if (body.size() >= 2)
      body.resize(body.size() / 2);
    else
      body = "{";
    return header_value(kind, "");
  }
  if (kind == fault_kind::huge_body) {
    std::string head, tail = "\"}";
    if (body.size() >= 2 && body.front() == '{' && body.back() == '}') {
      head = body.substr(0, body.size() - 1);
      bool empty_object = head.find_first_not_of(" \t\r\n", 1) == std::string::npos;
      head += empty_object ? "\"" : ",\"";
    } else {
      head = "{\"";
    }
    head += padding_key;
    head += "\":\"";
    std::size_t want = in.opts.huge_body_bytes;
    std::size_t fixed = head.size() + tail.size();
    body = std::move(head);
    body.append(want > fixed ? want - fixed : 0, 'a');
    body += tail;
    return header_value(kind, "/" + std::string(padding_key));
  }
  return not_applicable(kind);
}

}  // namespace conform::mock::detail
