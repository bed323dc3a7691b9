// URL -> resource, one segment at a time over a small state (what the path addresses so far). Each segment
// costs a few hash lookups in the document's indexes; the only scans are over one type's own properties and
// its overloads.
#include "csdl/resolve.hpp"
#include "detail.hpp"

#include <algorithm>

namespace conform::csdl {

std::string_view to_string(resource_kind k) {
  switch (k) {
    case resource_kind::entity:
      return "entity";
    case resource_kind::collection:
      return "collection";
    case resource_kind::property:
      return "property";
    case resource_kind::complex:
      return "complex";
    case resource_kind::primitive:
      return "primitive";
    case resource_kind::count:
      return "count";
    case resource_kind::value:
      return "value";
    case resource_kind::ref:
      return "ref";
    case resource_kind::action_void:
      return "action-void";
    case resource_kind::unresolved:
      return "unresolved";
  }
  return "unresolved";
}

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool is_version(std::string_view s) {
  if (s == "beta") return true;
  // v1.0, v2, v4.01: the service root's version segment
  if (s.size() < 2 || (s[0] != 'v' && s[0] != 'V')) return false;
  return std::all_of(s.begin() + 1, s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; }) &&
         s[1] >= '0' && s[1] <= '9';
}

// A segment read as name + optional parenthesised part: "users('x')" -> {"users", "'x'", true}.
struct segment {
  std::string_view text;
  std::string_view name;
  std::string_view args;
  bool parens = false;
};

segment split_segment(std::string_view s) {
  segment out{s, s, {}, false};
  if (s.empty() || s.back() != ')' || s.front() == '(' || s.front() == '{' || s.front() == '\'') return out;
  const auto open = s.find('(');
  if (open == std::string_view::npos) return out;
  out.name = s.substr(0, open);
  out.args = s.substr(open + 1, s.size() - open - 2);
  out.parens = true;
  return out;
}

// Parameter names written in a call's arguments: "startDateTime='a',endDateTime='b'" -> both names.
std::vector<std::string_view> argument_names(std::string_view args) {
  std::vector<std::string_view> out;
  int depth = 0;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= args.size(); ++i) {
    const char c = i < args.size() ? args[i] : ',';
    if (c == '\'') quoted = !quoted;
    if (quoted) continue;
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (c == ',' && depth == 0) {
      std::string_view part = args.substr(start, i - start);
      if (auto eq = part.find('='); eq != std::string_view::npos) {
        std::string_view name = part.substr(0, eq);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        out.push_back(name);
      }
      start = i + 1;
    }
  }
  return out;
}

bool iequal(std::string_view a, std::string_view b) {
  return detail::lower(a) == detail::lower(b);
}

// What the path addresses so far.
struct state {
  bool root = true;
  resource_kind kind = resource_kind::unresolved;
  const structured_type* type = nullptr;  // entity, collection, complex
  std::string primitive;                  // property, primitive, value: the Edm or enum type
  bool collection = false;
  std::string entity_set;
  // The NavigationPropertyBindings in force and the path from their entity set to here ("", "cast/",
  // "complexProperty/", "containedNavigation/"), so a navigation finds its binding.
  const std::vector<navigation_binding>* bindings = nullptr;
  std::string binding_path;
};

class resolver {
 public:
  resolver(const document& doc, std::string_view url) : doc_(doc), url_(url) {}

  resolution run() {
    const std::vector<std::string> segments = path_segments(url_);
    if (segments.empty()) return fail("the service root (no resource path)");
    for (index_ = 0; index_ < segments.size(); ++index_) {
      const std::string& text = segments[index_];
      if (text == "..." && !s_.root) {
        // "/childFolders/{id}/.../messages": the docs' way of saying "as deep as you like"; the levels are
        // alike, so skipping them leaves the same type.
        note("'...' skipped (any depth of the same navigation)");
        continue;
      }
      segment seg = split_segment(text);
      if (!s_.root && !seg.parens && text.size() > 1 && text.back() == ':') {
        // Graph's path-based addressing: /drive/root:/folder/file.txt:/content, /items/{parent-id}:/{name}:,
        // /sites/{hostname}:/{path}. The segment before the colon addresses an item (a navigation or a key);
        // the path below it an item of the same type. The path ends at a segment ending in ':' or with the
        // URL. (A colon inside a key, "19:abc@thread.v2", is just part of the key.)
        seg = split_segment(seg.text.substr(0, text.size() - 1));
        if (!next(seg)) return std::move(out_);
        if (s_.kind != resource_kind::entity)
          return fail("'" + text + "' (segment " + std::to_string(index_ + 1) +
                      "): path-based addressing below something that is not one entity");
        while (index_ + 1 < segments.size())
          if (segments[++index_].back() == ':') break;
        note("'" + text + "' path-based addressing read as one " + s_.type->qualified);
        s_.entity_set.clear();  // the item is somewhere below; bindings no longer know its path
        s_.bindings = nullptr;
        continue;
      }
      if (!(s_.root ? first(seg) : next(seg))) return std::move(out_);
    }
    out_.kind = s_.kind;
    out_.is_collection = s_.collection;
    out_.entity_set = s_.entity_set;
    switch (s_.kind) {
      case resource_kind::entity:
      case resource_kind::collection:
      case resource_kind::complex:
      case resource_kind::ref:
        out_.type = s_.type != nullptr ? s_.type->qualified : std::string();
        break;
      case resource_kind::action_void:
        out_.type.clear();
        break;
      default:
        out_.type = s_.primitive;
    }
    return std::move(out_);
  }

 private:
  resolution fail(std::string reason) {
    resolution r;
    r.reason = std::move(reason);
    r.notes = std::move(out_.notes);
    return r;
  }

  bool failed(const segment& seg, std::string why) {
    out_ = fail("'" + std::string(seg.text) + "' (segment " + std::to_string(index_ + 1) + "): " + why);
    return false;
  }

  void note(std::string n) { out_.notes.push_back(std::move(n)); }

  void note_case(std::string_view written, std::string_view declared) {
    if (written != declared)
      note("'" + std::string(written) + "' matched '" + std::string(declared) + "' ignoring case");
  }

  void enter_entities(const structured_type* t, bool collection, std::string set,
                      const std::vector<navigation_binding>* bindings) {
    s_.root = false;
    s_.kind = collection ? resource_kind::collection : resource_kind::entity;
    s_.type = t;
    s_.collection = collection;
    s_.entity_set = std::move(set);
    s_.bindings = bindings;
    s_.binding_path.clear();
  }

  // The first segment: an entity set, a singleton or an operation import.
  bool first(const segment& seg) {
    if (const entity_set* es = doc_.find_entity_set(seg.name)) {
      note_case(seg.name, es->name);
      const structured_type* t = doc_.find_structured(es->entity_type);
      if (t == nullptr)
        return failed(seg, "entity set of " + es->entity_type + ", which the document does not declare");
      enter_entities(t, true, es->name, &es->bindings);
      return !seg.parens || key(seg);
    }
    if (const singleton* sg = doc_.find_singleton(seg.name)) {
      note_case(seg.name, sg->name);
      const structured_type* t = doc_.find_structured(sg->type);
      if (t == nullptr)
        return failed(seg, "singleton of " + sg->type + ", which the document does not declare");
      enter_entities(t, false, sg->name, &sg->bindings);
      if (seg.parens) return failed(seg, "a singleton takes no key");
      return true;
    }
    if (const operation_import* imp = doc_.find_import(seg.name)) {
      const operation* op = doc_.find_operation(imp->operation);
      if (op == nullptr)
        return failed(seg, "import of " + imp->operation + ", which the document does not declare");
      s_.root = false;
      return apply(seg, *op, imp->entity_set);
    }
    if (!seg.name.empty() && seg.name.front() == '$')
      return failed(seg, "not a resource path (" + std::string(seg.name) + ")");
    return failed(seg, "no entity set, singleton or operation import of that name");
  }

  bool next(const segment& seg) {
    const std::string_view name = seg.name;
    switch (s_.kind) {
      case resource_kind::count:
      case resource_kind::value:
      case resource_kind::ref:
      case resource_kind::action_void:
        return failed(seg, "nothing can follow " + std::string(to_string(s_.kind)) + " (" + previous_ + ")");
      default:
        break;
    }
    previous_ = std::string(seg.text);
    if (name == "$count") return count(seg);
    if (name == "$ref") return ref(seg);
    if (name == "$value") return value(seg);
    if (!name.empty() && name.front() == '$') return failed(seg, "unknown system segment");
    if (s_.kind == resource_kind::property || s_.kind == resource_kind::primitive) {
      if (const auto* op = bound(seg)) return apply(seg, *op, "");
      return failed(seg, "a " + s_.primitive + " value has no segments below it");
    }
    if (s_.type == nullptr) return failed(seg, "no type to read it against");
    if (name.find('.') != std::string_view::npos) {
      if (const structured_type* cast = doc_.find_structured(name)) return type_cast(seg, *cast);
    }
    if (!s_.collection) {
      if (const property* p = doc_.find_property(*s_.type, name)) return member(seg, *p);
    }
    if (const operation* op = bound(seg)) return apply(seg, *op, "");
    if (s_.collection) {
      if (s_.kind == resource_kind::collection) return key(seg);
      return failed(seg, "a collection of " + s_.type->qualified + " has no keys");
    }
    if (const property* p = derived_member(name)) return member(seg, *p);
    return failed(seg, "no property, navigation or bound operation '" + std::string(name) + "' on " +
                           s_.type->qualified);
  }

  // A key selects one entity of a collection: "{id}", "8a6b...", "'x'", "users('x')" (parens on the segment).
  bool key(const segment& seg) {
    if (s_.kind != resource_kind::collection)
      return failed(seg, "a key on something that is not a collection");
    s_.kind = resource_kind::entity;
    s_.collection = false;
    return true;
  }

  bool count(const segment& seg) {
    if (!s_.collection) return failed(seg, "$count on a single value");
    s_.kind = resource_kind::count;
    s_.primitive = "Edm.Int32";
    s_.collection = false;
    s_.entity_set.clear();  // a number, not entities
    return true;
  }

  bool ref(const segment& seg) {
    if (s_.kind != resource_kind::entity && s_.kind != resource_kind::collection)
      return failed(seg, "$ref on something that is not an entity");
    s_.kind = resource_kind::ref;
    return true;
  }

  bool value(const segment& seg) {
    if (s_.kind == resource_kind::entity) {
      bool stream = false;
      for (const structured_type* t : doc_.base_chain(s_.type->qualified)) stream = stream || t->has_stream;
      // Graph documents $value on entities the CSDL gives no stream (a message's MIME content): the request
      // is real, so it resolves, with a note.
      if (!stream) note("$value on " + s_.type->qualified + ", which has no stream (HasStream)");
      s_.kind = resource_kind::value;
      s_.primitive = "Edm.Stream";
      s_.entity_set.clear();
      return true;
    }
    if ((s_.kind == resource_kind::property || s_.kind == resource_kind::primitive) && !s_.collection) {
      s_.kind = resource_kind::value;
      return true;
    }
    return failed(seg, "$value on a " + std::string(to_string(s_.kind)));
  }

  bool type_cast(const segment& seg, const structured_type& cast) {
    if (cast.kind != s_.type->kind || !(doc_.derives_from(cast.qualified, s_.type->qualified) ||
                                        doc_.derives_from(s_.type->qualified, cast.qualified)))
      return failed(seg, "cast to " + cast.qualified + ", which is not derived from " + s_.type->qualified);
    if (cast.qualified != seg.name && doc_.qualify(seg.name) != cast.qualified)
      note("'" + std::string(seg.name) + "' read as " + cast.qualified);
    s_.binding_path += cast.qualified + "/";
    s_.type = &cast;
    return !seg.parens || key(seg);
  }

  // A property or navigation property of the current single entity or complex value.
  bool member(const segment& seg, const property& p) {
    note_case(seg.name, p.name);
    if (p.navigation) {
      const structured_type* target = doc_.find_structured(p.type.name);
      if (target == nullptr)
        return failed(seg, "navigation to " + p.type.name + ", which the document does not declare");
      const std::string path = s_.binding_path + p.name;
      if (p.contains_target) {
        // Contained entities have no entity set of their own; bindings below them keep the container's path.
        const auto* bindings = s_.bindings;
        std::string binding_path = path + "/";
        enter_entities(target, p.type.collection, "", bindings);
        s_.binding_path = std::move(binding_path);
      } else {
        std::string set;
        const std::vector<navigation_binding>* bindings = nullptr;
        if (s_.bindings != nullptr)
          for (const navigation_binding& b : *s_.bindings)
            if (b.path == path) {
              set = b.target;
              if (const entity_set* es = doc_.find_entity_set(b.target)) bindings = &es->bindings;
            }
        enter_entities(target, p.type.collection, std::move(set), bindings);
      }
      return !seg.parens || key(seg);
    }
    s_.binding_path += p.name + "/";
    s_.collection = p.type.collection;
    s_.entity_set.clear();
    if (p.type.name == "Edm.Stream") {
      s_.kind = resource_kind::value;
      s_.primitive = p.type.name;
      return true;
    }
    if (const structured_type* complex =
            is_primitive(p.type.name) ? nullptr : doc_.find_structured(p.type.name)) {
      s_.kind = resource_kind::complex;
      s_.type = complex;
    } else {
      s_.kind = resource_kind::property;
      s_.type = nullptr;
      s_.primitive = p.type.name;
    }
    if (seg.parens) return failed(seg, "a property takes no key or arguments");
    return true;
  }

  // Graph's docs address members of a derived type without the cast OData asks for
  // (/sites/{id}/items/{id}/versions: items are baseItems, versions a driveItem's): the name is looked up in
  // the derived types, breadth first; the first found wins, with a note naming the others that declare it.
  const property* derived_member(std::string_view name) {
    std::vector<const structured_type*> queue = doc_.derived_types(s_.type->qualified);
    const property* found = nullptr;
    const structured_type* owner = nullptr;
    std::string others;
    for (std::size_t i = 0; i < queue.size() && i < max_derived; ++i) {
      for (const property& p : queue[i]->properties)
        if (p.name == name) {
          if (found == nullptr) {
            found = &p;
            owner = queue[i];
          } else {
            others += (others.empty() ? "" : ", ") + queue[i]->qualified;
          }
        }
      for (const structured_type* d : doc_.derived_types(queue[i]->qualified)) queue.push_back(d);
    }
    if (found == nullptr) return nullptr;
    note("'" + found->name + "' is declared on " + owner->qualified + ", derived from " + s_.type->qualified +
         " (OData asks for a cast segment)" + (others.empty() ? "" : "; also declared on " + others));
    s_.binding_path += owner->qualified + "/";
    s_.type = owner;
    return found;
  }

  // A bound operation callable here: on the current type or a base, on a collection of it when the state is
  // one.
  const operation* bound(const segment& seg) {
    std::vector<const structured_type*> chain;
    std::string primitive_binding;
    if (s_.type != nullptr && s_.kind != resource_kind::property && s_.kind != resource_kind::primitive)
      chain = doc_.base_chain(s_.type->qualified);
    for (const structured_type* t : chain) {
      const std::vector<const operation*> ops = doc_.bound_operations(t->qualified, s_.collection, seg.name);
      if (!ops.empty()) return pick(seg, ops);
    }
    if (chain.empty() && !s_.primitive.empty()) {
      const std::vector<const operation*> ops = doc_.bound_operations(s_.primitive, s_.collection, seg.name);
      if (!ops.empty()) return pick(seg, ops);
    }
    return nullptr;
  }

  // Among overloads, the one whose parameters name every argument written; else the first.
  const operation* pick(const segment& seg, const std::vector<const operation*>& ops) {
    const operation* chosen = ops.front();
    if (ops.size() > 1 && seg.parens) {
      const std::vector<std::string_view> given = argument_names(seg.args);
      for (const operation* op : ops) {
        const bool all = std::all_of(given.begin(), given.end(), [&](std::string_view a) {
          return std::any_of(op->parameters.begin(), op->parameters.end(),
                             [&](const parameter& p) { return iequal(p.name, a); });
        });
        if (all) {
          chosen = op;
          break;
        }
      }
    }
    std::string_view simple =
        seg.name.substr(seg.name.rfind('.') == std::string_view::npos ? 0 : seg.name.rfind('.') + 1);
    note_case(simple, chosen->name);
    return chosen;
  }

  // The state after calling `op`: its return type, or nothing for an action without one.
  bool apply(const segment& seg, const operation& op, std::string_view import_set) {
    if (op.kind == operation_kind::function && !seg.parens)
      note("function '" + op.name + "' called without parentheses");
    if (op.kind == operation_kind::action && seg.parens && !seg.args.empty())
      return failed(seg, "an action takes its parameters in the body, not the URL");
    std::string set(import_set);
    if (set.empty() && op.binding() != nullptr && op.entity_set_path == op.binding()->name)
      set = s_.entity_set;
    s_.root = false;
    s_.entity_set.clear();
    s_.bindings = nullptr;
    s_.binding_path.clear();
    if (!op.return_type) {
      s_.kind = resource_kind::action_void;
      s_.type = nullptr;
      s_.collection = false;
      return true;
    }
    const type_name& r = *op.return_type;
    s_.collection = r.collection;
    if (const structured_type* t = is_primitive(r.name) ? nullptr : doc_.find_structured(r.name)) {
      s_.type = t;
      if (t->kind == type_kind::entity) {
        s_.kind = r.collection ? resource_kind::collection : resource_kind::entity;
        s_.entity_set = set;
        if (const entity_set* es = doc_.find_entity_set(set)) s_.bindings = &es->bindings;
      } else {
        s_.kind = resource_kind::complex;
      }
      return true;
    }
    if (!is_primitive(r.name) && doc_.find_enum(r.name) == nullptr)
      return failed(seg, op.name + " returns " + r.name + ", which the document does not declare");
    s_.type = nullptr;
    // A report function returning Edm.Stream answers with raw bytes (CSV), like a stream property.
    s_.kind = r.name == "Edm.Stream" ? resource_kind::value : resource_kind::primitive;
    s_.primitive = r.name;
    return true;
  }

  // Graph has 2,961 structured types; a BaseType cycle in a hostile document must still end.
  static constexpr std::size_t max_derived = 8192;

  const document& doc_;
  std::string_view url_;
  std::size_t index_ = 0;
  state s_;
  std::string previous_;
  resolution out_;
};

}  // namespace

std::vector<std::string> path_segments(std::string_view url) {
  // Leading and trailing space, then scheme and authority.
  while (!url.empty() && (url.front() == ' ' || url.front() == '\t')) url.remove_prefix(1);
  while (!url.empty() && (url.back() == ' ' || url.back() == '\t' || url.back() == '\r'))
    url.remove_suffix(1);
  if (auto scheme = url.find("://"); scheme != std::string_view::npos && scheme < url.find('/')) {
    const auto path = url.find('/', scheme + 3);
    url = path == std::string_view::npos ? std::string_view() : url.substr(path);
  }
  std::vector<std::string> out;
  int depth = 0;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= url.size(); ++i) {
    const char c = i < url.size() ? url[i] : '/';
    const bool end = i == url.size() || (!quoted && depth == 0 && (c == '?' || c == '#'));
    if (!end) {
      if (c == '\'') quoted = !quoted;
      if (!quoted && (c == '(' || c == '{')) ++depth;
      if (!quoted && (c == ')' || c == '}') && depth > 0) --depth;
      if (c != '/' || quoted || depth > 0) continue;
    }
    if (i > start) out.push_back(percent_decode(url.substr(start, i - start)));
    start = i + 1;
    if (end) break;
  }
  if (!out.empty() && is_version(out.front())) out.erase(out.begin());
  return out;
}

resolution resolve(const document& doc, std::string_view url) {
  return resolver(doc, url).run();
}

}  // namespace conform::csdl
