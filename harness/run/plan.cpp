// The run plan: read each URL as a resource path, find who produces each key position, order by resource.
// Linear in the fixtures (one pass to read paths, one to index producers, one sort).
#include "run/plan.hpp"

#include "model/contract.hpp"
#include "run/run.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <limits>
#include <tuple>
#include <unordered_map>

namespace conform::run {

namespace {

bool is_version(std::string_view s) {
  if (iequals(s, "beta")) return true;
  return s.size() >= 2 && (s[0] == 'v' || s[0] == 'V') && std::isdigit(static_cast<unsigned char>(s[1]));
}

// Path segments, '/' inside braces, parentheses and quotes kept; query and fragment cut.
std::vector<std::string_view> split_path(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
    std::size_t path = url.find('/', scheme + 3);
    url = path == std::string_view::npos ? std::string_view() : url.substr(path);
  }
  std::vector<std::string_view> out;
  int depth = 0;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= url.size(); ++i) {
    const char c = i < url.size() ? url[i] : '/';
    if (c == '\'' && depth > 0) quoted = !quoted;
    if (!quoted && (c == '{' || c == '(' || c == '<')) ++depth;
    if (!quoted && (c == '}' || c == ')' || c == '>') && depth > 0) --depth;
    if (depth == 0 && !quoted && (c == '?' || c == '#')) {
      if (i > start) out.push_back(trim(url.substr(start, i - start)));
      break;
    }
    if (depth == 0 && !quoted && c == '/') {
      if (i > start) out.push_back(trim(url.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (!out.empty() && is_version(out.front())) out.erase(out.begin());
  return out;
}

bool is_placeholder(std::string_view s) {
  return s.size() > 2 && ((s.front() == '{' && s.back() == '}') || (s.front() == '<' && s.back() == '>'));
}

std::string_view unquote(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') s = s.substr(1, s.size() - 2);
  return s;
}

// "users('x')" -> "users" + key "x"; "users(id='x')" too; "delta()" or "range(address='A1')" is an operation.
// The key is a view into `seg` (so its place in the URL is known).
bool split_key(std::string_view seg, std::string_view& name, std::string_view& key) {
  const std::size_t open = seg.find('(');
  if (open == std::string_view::npos || open == 0 || seg.back() != ')') return false;
  std::string_view inside = seg.substr(open + 1, seg.size() - open - 2);
  if (inside.empty()) return false;
  if (auto eq = inside.find('='); eq != std::string_view::npos) {
    if (!iequals(trim(inside.substr(0, eq)), "id")) return false;
    inside = inside.substr(eq + 1);
  }
  const std::string_view k = unquote(inside);
  if (!is_placeholder(k) && trim(inside).front() != '\'' && !looks_like_key(k)) return false;
  name = seg.substr(0, open);
  key = k;
  return true;
}

std::string generalized(const std::vector<path_segment>& segs, std::size_t upto) {
  std::string out;
  for (std::size_t i = 0; i < upto && i < segs.size(); ++i)
    out += "/" + (segs[i].what == path_segment::kind::item ? std::string("*") : to_lower(segs[i].text));
  return out;
}

// The placeholder's candidate names: "{id | userPrincipalName}" -> id, userPrincipalName.
std::vector<std::string> names_of(std::string_view placeholder) {
  std::vector<std::string> out;
  std::string_view inner = placeholder.substr(1, placeholder.size() - 2);
  std::size_t start = 0;
  while (start <= inner.size()) {
    std::size_t bar = inner.find('|', start);
    std::string_view n = trim(inner.substr(start, bar == std::string_view::npos ? inner.npos : bar - start));
    if (!n.empty()) out.emplace_back(n);
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return out;
}

bool documents_collection(const fixture& f) {
  if (f.response.is_collection || istarts_with(trim(f.response.odata_type), "collection(")) return true;
  if (!f.response.json || !f.response.json->is_object()) return false;
  auto it = f.response.json->get_object().find("value");
  return it != f.response.json->get_object().end() && it->value().is_array();
}

// Within one resource: create, then list (it may discover the item the reads need), reads, nested
// resources (3), actions, updates, anything else, and delete last.
std::size_t phase_of(step_role r) {
  switch (r) {
    case step_role::create:
      return 0;
    case step_role::list:
      return 1;
    case step_role::read:
      return 2;
    case step_role::action:
      return 4;
    case step_role::update:
      return 5;
    case step_role::other:
      return 6;
    case step_role::remove:
      return 9;
  }
  return 6;
}
constexpr std::size_t nested_phase = 3;

}  // namespace

namespace {

// Which segments of an example URL the page's "## HTTP request" templates show as placeholders
// ("GET /identityProviders/{id}" makes "Amazon-OAuth" in /identityProviders/Amazon-OAuth a key): the first
// template with as many segments, whose names agree with the URL's, decides.
std::vector<bool> template_keys(const std::vector<std::string_view>& segs,
                                const std::vector<std::string>& templates) {
  for (const std::string& raw : templates) {
    std::string_view t = trim(raw);
    if (auto sp = t.find(' ');
        sp != std::string_view::npos && std::all_of(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(sp),
                                                    [](char c) { return c >= 'A' && c <= 'Z'; }))
      t = trim(t.substr(sp + 1));
    const std::vector<std::string_view> want = split_path(t);
    if (want.size() != segs.size()) continue;
    std::vector<bool> keys(segs.size(), false);
    bool aligned = true;
    for (std::size_t i = 0; i < want.size() && aligned; ++i) {
      if (is_placeholder(want[i]))
        keys[i] = !is_placeholder(segs[i]);
      else
        aligned = is_placeholder(segs[i]) || iequals(want[i], segs[i]);
    }
    if (aligned) return keys;
  }
  return std::vector<bool>(segs.size(), false);
}

}  // namespace

resource_path read_resource_path(std::string_view url, const std::vector<std::string>& templates) {
  resource_path p;
  auto offset = [&](std::string_view v) { return static_cast<std::size_t>(v.data() - url.data()); };
  const std::vector<std::string_view> raw = split_path(url);
  const std::vector<bool> keyed = template_keys(raw, templates);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const std::string_view seg = raw[i];
    const bool after_name = !p.segments.empty() && p.segments.back().what == path_segment::kind::name;
    std::string_view name, key;
    if (split_key(seg, name, key)) {
      p.segments.push_back({std::string(name), path_segment::kind::name, ""});
      p.segments.push_back({std::string(key), path_segment::kind::item,
                            is_placeholder(key) ? std::string(key) : "", offset(key), key.size()});
    } else if (after_name && is_placeholder(seg)) {
      p.segments.push_back(
          {std::string(seg), path_segment::kind::item, std::string(seg), offset(seg), seg.size()});
    } else if (after_name && (keyed[i] || looks_like_key(seg))) {
      p.segments.push_back({std::string(seg), path_segment::kind::item, "", offset(seg), seg.size()});
    } else if (seg.front() == '$' || seg.find('(') != std::string_view::npos ||
               istarts_with(seg, "microsoft.") || istarts_with(seg, "graph.")) {
      p.segments.push_back({std::string(seg), path_segment::kind::other, ""});
    } else {
      p.segments.push_back({std::string(seg), path_segment::kind::name, ""});
    }
  }
  for (std::size_t i = 0; i < p.segments.size(); ++i)
    if (p.segments[i].what == path_segment::kind::item) {
      p.item_at.push_back(i);
      p.item_keys.push_back(generalized(p.segments, i + 1));
    }
  p.key = generalized(p.segments, p.segments.size());
  return p;
}

std::string_view to_string(step_role r) {
  switch (r) {
    case step_role::create:
      return "create";
    case step_role::read:
      return "read";
    case step_role::list:
      return "list";
    case step_role::action:
      return "action";
    case step_role::update:
      return "update";
    case step_role::remove:
      return "delete";
    case step_role::other:
      return "other";
  }
  return "other";
}

std::string_view to_string(binding::source s) {
  switch (s) {
    case binding::source::variable:
      return "variable";
    case binding::source::capture:
      return "capture";
    case binding::source::discovery:
      return "discovery";
    case binding::source::literal:
      return "literal";
    case binding::source::parent:
      return "parent";
  }
  return "literal";
}

step_role role_of(const fixture& f, const resource_path& p) {
  const std::string& m = f.request.method;
  const bool on_name = !p.segments.empty() && p.segments.back().what == path_segment::kind::name;
  if (iequals(m, "DELETE")) return step_role::remove;
  if (iequals(m, "PATCH") || iequals(m, "PUT")) return step_role::update;
  if (iequals(m, "GET") || iequals(m, "HEAD") || m.empty()) {
    if (p.ends_with_item()) return step_role::read;
    return documents_collection(f) ? step_role::list : step_role::read;
  }
  if (iequals(m, "POST")) {
    // Adding a reference ("members/$ref") creates a relation the later reads of that collection show.
    if (!p.segments.empty() && p.segments.back().text == "$ref") return step_role::create;
    return on_name && f.response.status == 201 ? step_role::create : step_role::action;
  }
  return step_role::other;
}

namespace {

// Whether the fixture's request (URL, header values, body) holds a placeholder one of whose names is `name`;
// its text when it does.
std::optional<std::string> uses_placeholder(const fixture& f, std::string_view name) {
  auto in = [&](std::string_view text) -> std::optional<std::string> {
    if (text.find(name) == std::string_view::npos) return std::nullopt;  // most texts: no scan
    for (const placeholder& ph : find_placeholders(text))
      if (std::find(ph.names.begin(), ph.names.end(), name) != ph.names.end()) return ph.text;
    return std::nullopt;
  };
  if (auto t = in(f.request.url)) return t;
  for (const header& h : f.request.headers)
    if (auto t = in(h.value)) return t;
  if (f.request.json) return in(boost::json::serialize(*f.request.json));
  return in(f.request.body);
}

// Whether the documented answer is the created item (a JSON object; some docs leave its id out, the service
// does not), not an empty 201 or 204.
bool answers_with_item(const fixture& f) {
  return f.response.json && f.response.json->is_object();
}

// The entity type a fixture documents for its item: the @odata.type of its answer, else of its request body
// (a PATCH of a derived type says which), else its annotation's; "" for collections and when none is named.
std::string entity_type(const fixture& f) {
  for (const auto* body : {&f.response.json, &f.request.json})
    if (*body && (*body)->is_object())
      if (const auto* t = (*body)->get_object().if_contains("@odata.type"); t != nullptr && t->is_string())
        return std::string(t->get_string());
  if (istarts_with(f.response.odata_type, "collection(")) return {};
  return f.response.odata_type;
}

// How many leading '-'-separated words two page names share: "user-get" and "user-post-users" 1.
std::size_t common_words(std::string_view a, std::string_view b) {
  std::size_t words = 0, i = 0;
  for (; i < a.size() && i < b.size() && a[i] == b[i]; ++i)
    if (a[i] == '-') ++words;
  const bool word_ends = (i == a.size() || a[i] == '-') && (i == b.size() || b[i] == '-');
  return words + (i > 0 && word_ends ? 1 : 0);
}

// The deepest key of the URL bound from a producer's answer (a capture or a discovery); nullptr when none is.
binding* deepest_produced(step& s) {
  auto deepest = std::find_if(s.bindings.rbegin(), s.bindings.rend(), [](const binding& b) {
    return b.segment != binding::no_segment &&
           (b.from == binding::source::capture || b.from == binding::source::discovery);
  });
  return deepest == s.bindings.rend() ? nullptr : &*deepest;
}

// The key of the item the URL addresses itself ("/groups/{id}", not the group of "/groups/{id}/members"),
// when a create's answer binds it; nullptr otherwise. (After bind_parents no shallower key is a capture.)
binding* captured_item(step& s) {
  binding* deepest = deepest_produced(s);
  return deepest != nullptr && deepest->from == binding::source::capture &&
                 deepest->segment + 1 == s.path.segments.size()
             ? deepest
             : nullptr;
}

// The keys above the deepest captured or discovered key take what its producer sent in those positions: the
// item exists under the parents it was made (or found) under, whoever made them. Variables still win.
void bind_parents(step& s) {
  const binding* deepest = deepest_produced(s);
  if (deepest == nullptr) return;
  for (binding& b : s.bindings) {
    if (b.segment == binding::no_segment || b.segment >= deepest->segment ||
        b.from == binding::source::variable)
      continue;
    b.from = binding::source::parent;
    b.producer = deepest->producer;
    b.pointer.clear();
    b.parent_item = static_cast<std::size_t>(
        std::find(s.path.item_at.begin(), s.path.item_at.end(), b.segment) - s.path.item_at.begin());
  }
}

// A step whose deepest key comes from an item documented as another type than the step's page documents
// (a mailSearchFolder read bound to the mailFolder a create made) says so.
void note_other_type(const fixture_set& set, step& s) {
  // Only where the URL addresses that item itself (its read, update, delete), whose answer is of its type.
  const binding* deepest = captured_item(s);
  if (deepest == nullptr) return;
  const std::string want = entity_type(set.fixtures[s.fixture]);
  const std::string made = entity_type(set.fixtures[deepest->producer]);
  if (want.empty() || made.empty() || same_type(want, made) || derives_from(set, made, want)) return;
  auto name = [](std::string_view t) {  // "#microsoft.graph.mailFolder" -> "mailFolder"
    t = t.substr(t.find_first_not_of('#') == std::string_view::npos ? t.size() : t.find_first_not_of('#'));
    return std::string(t.substr(t.rfind('.') == std::string_view::npos ? 0 : t.rfind('.') + 1));
  };
  if (iequals(name(made), name(want))) return;  // "ConversationThread": the same, spelt otherwise
  s.note = "the item is the one " + set.fixtures[deepest->producer].id + " made, documented as " +
           name(made) + "; this page documents " + name(want) + ", and no create of it runs in this run";
}

}  // namespace

bool from_producer(const binding& b) {
  return b.from == binding::source::capture || b.from == binding::source::discovery ||
         b.from == binding::source::parent;
}

plan make_plan(const fixture_set& set, const std::vector<std::size_t>& selected,
               const std::map<std::string, std::string, std::less<>>& variables) {
  plan_inputs in;
  in.bound = [&variables](std::size_t, std::string_view name) { return variables.contains(name); };
  return make_plan(set, selected, in);
}

plan make_plan(const fixture_set& set, const std::vector<std::size_t>& selected, const plan_inputs& in) {
  auto bound = [&](std::size_t fixture, std::string_view name) {
    return in.bound && in.bound(fixture, name);
  };
  plan out;
  out.steps.reserve(selected.size());
  for (std::size_t i : selected) {
    step s;
    s.fixture = i;
    s.path = read_resource_path(set.fixtures[i].request.url, set.fixtures[i].endpoint_templates);
    s.role = role_of(set.fixtures[i], s.path);
    out.steps.push_back(std::move(s));
  }

  // Producers by the item key they make: creates, else lists of that collection.
  std::unordered_map<std::string, std::vector<std::size_t>> creates, lists;  // item key -> step indexes
  std::vector<std::string> made_type(out.steps.size());                      // a producer's entity_type
  for (std::size_t k = 0; k < out.steps.size(); ++k) {
    const step& s = out.steps[k];
    if (s.role == step_role::create || s.role == step_role::list)
      made_type[k] = entity_type(set.fixtures[s.fixture]);
    if (s.role == step_role::create) creates[s.path.key + "/*"].push_back(k);
    if (s.role == step_role::list && !s.path.ends_with_item()) lists[s.path.key + "/*"].push_back(k);
  }
  // Of several, the one that makes the type the consumer documents (an itemAttachment's read takes the
  // itemAttachment's create), then the one documented closest to it: the most leading words of the page name
  // in common ("intune-deviceconfig-iosgeneraldeviceconfiguration-get" takes the iOS configuration's create,
  // not the first of thirty derived types', and its delete deletes that one), else the first. Not the
  // consumer itself. `with_item`: only creates documented to answer with the item (one answered without a
  // body gives nothing to capture).
  auto closest = [&](const std::vector<std::size_t>& candidates, std::size_t consumer,
                     bool with_item) -> std::optional<std::size_t> {
    std::optional<std::size_t> best;
    std::pair<bool, std::size_t> best_score{false, 0};
    const std::string& page = set.fixtures[consumer].page;
    const std::string type = entity_type(set.fixtures[consumer]);
    for (std::size_t k : candidates) {
      const fixture& f = set.fixtures[out.steps[k].fixture];
      if (out.steps[k].fixture == consumer || (with_item && !answers_with_item(f))) continue;
      const std::pair<bool, std::size_t> score{!type.empty() && same_type(type, made_type[k]),
                                               common_words(page, f.page)};
      if (!best || score > best_score) {
        best = k;
        best_score = score;
      }
    }
    return best;
  };
  // Explicit captures: the first selected fixture each `from` matches produces its name.
  std::vector<std::optional<std::size_t>> capture_producer(in.captures.size());
  for (std::size_t c = 0; c < in.captures.size(); ++c)
    for (std::size_t i : selected)
      if (glob_match(in.captures[c].from, set.fixtures[i].id)) {
        capture_producer[c] = i;
        break;
      }
  auto depend = [](step& s, std::size_t producer) {
    if (std::find(s.depends_on.begin(), s.depends_on.end(), producer) == s.depends_on.end())
      s.depends_on.push_back(producer);
  };

  for (step& s : out.steps) {
    const fixture& f = set.fixtures[s.fixture];
    // Names an explicit capture binds for this fixture (they win over inference, variables over them).
    std::vector<std::string> captured;
    for (std::size_t c = 0; c < in.captures.size(); ++c) {
      const capture_rule& rule = in.captures[c];
      if (!capture_producer[c] || *capture_producer[c] == s.fixture || bound(s.fixture, rule.as)) continue;
      auto text = uses_placeholder(f, rule.as);
      if (!text) continue;
      binding b;
      b.segment = binding::no_segment;
      b.documented = *text;
      b.from = binding::source::capture;
      b.variable = rule.as;
      b.producer = *capture_producer[c];
      b.pointer = rule.pointer;
      depend(s, b.producer);
      s.bindings.push_back(std::move(b));
      captured.push_back(rule.as);
    }
    for (std::size_t n = 0; n < s.path.item_at.size(); ++n) {
      const path_segment& seg = s.path.segments[s.path.item_at[n]];
      binding b;
      b.segment = s.path.item_at[n];
      b.documented = seg.text;
      bool explicit_capture = false;
      if (!seg.placeholder.empty()) {
        for (const std::string& name : names_of(seg.placeholder)) {
          if (bound(s.fixture, name)) {
            b.from = binding::source::variable;
            b.variable = name;
            break;
          }
          if (std::find(captured.begin(), captured.end(), name) != captured.end()) explicit_capture = true;
        }
      }
      if (explicit_capture && b.from != binding::source::variable) continue;  // bound by name already
      if (b.from != binding::source::variable) {
        const std::string& key = s.path.item_keys[n];
        // A create that answers with the item, else a list (it finds what a create without an answer made),
        // else a create all the same (its consumers say why the key stayed as documented).
        const auto c = creates.find(key);
        const auto l = lists.find(key);
        std::optional<std::size_t> producer;
        if (c != creates.end() && (producer = closest(c->second, s.fixture, true))) {
          b.from = binding::source::capture;
          b.pointer = "/id";
        } else if (l != lists.end() && (producer = closest(l->second, s.fixture, false))) {
          b.from = binding::source::discovery;
          b.pointer = "/value/0/id";
        } else if (c != creates.end() && (producer = closest(c->second, s.fixture, false))) {
          b.from = binding::source::capture;
          b.pointer = "/id";
        }
        if (producer) b.producer = out.steps[*producer].fixture;
      }
      if (b.from == binding::source::capture || b.from == binding::source::discovery) depend(s, b.producer);
      s.bindings.push_back(std::move(b));
    }
  }

  // Order: by top-level resource (in the order each first appears), then create -> list -> reads -> nested ->
  // actions -> updates -> delete on that resource, nested resources ordered the same way among themselves.
  std::unordered_map<std::string, std::size_t> chain_order, nested_order;
  // Within a phase: creates and lists of shallower resources first (a channel's before those of messages in
  // it, so they can take its key); deletes deepest first and one depth at a time (a message goes before
  // the channel it is in, or it would be gone with it).
  struct sort_key {
    std::size_t chain, top_phase, nested, nested_phase, depth, original;
    bool remove;
  };
  std::vector<sort_key> keys(out.steps.size());
  for (std::size_t k = 0; k < out.steps.size(); ++k) {
    const step& s = out.steps[k];
    const std::size_t depth = s.path.item_keys.size();
    // Without a key: the collection its leading names address ("/groups/$count", "/groups/delta()" and
    // POST /groups all belong to /groups/*).
    std::size_t names = 0;
    while (names < s.path.segments.size() && s.path.segments[names].what == path_segment::kind::name) ++names;
    const std::string chain =
        depth > 0 ? s.path.item_keys.front() : generalized(s.path.segments, names) + "/*";
    const bool own = depth == 0 || (depth == 1 && (s.path.ends_with_item() || s.role == step_role::action));
    // The nested collection: its key's, or the names after the first key ("/groups/*/members" for
    // members/$ref, members/$count and members/microsoft.graph.user).
    std::size_t after = depth > 0 ? s.path.item_at.front() + 1 : 0;
    while (after < s.path.segments.size() && s.path.segments[after].what == path_segment::kind::name) ++after;
    const std::string nested = own         ? std::string()
                               : depth > 1 ? s.path.item_keys[1]
                                           : generalized(s.path.segments, after) + "/*";
    keys[k].chain = chain_order.try_emplace(chain, chain_order.size()).first->second;
    keys[k].top_phase = own ? phase_of(s.role) : nested_phase;
    keys[k].nested = own ? 0 : nested_order.try_emplace(nested, nested_order.size()).first->second;
    keys[k].nested_phase = own ? 0 : phase_of(s.role);
    keys[k].remove = s.role == step_role::remove;
    keys[k].depth = keys[k].remove ? std::numeric_limits<std::size_t>::max() - depth
                    : s.role == step_role::create || s.role == step_role::list ? depth
                                                                               : 0;
    keys[k].original = k;
  }
  std::vector<std::size_t> order(out.steps.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  auto group_of = [&](const sort_key& x) {
    return std::make_tuple(x.chain, x.top_phase, x.nested, x.nested_phase, x.remove ? x.depth : 0);
  };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const sort_key &x = keys[a], &y = keys[b];
    return std::tie(x.chain, x.top_phase, x.nested, x.nested_phase, x.depth, x.original) <
           std::tie(y.chain, y.top_phase, y.nested, y.nested_phase, y.depth, y.original);
  });
  std::vector<step> sorted;
  sorted.reserve(out.steps.size());
  for (std::size_t k : order) sorted.push_back(std::move(out.steps[k]));
  out.steps = std::move(sorted);

  // Groups and what each waits for. Within a resource: its own phases one after another; each nested
  // collection's phases one after another, all nested collections side by side once the resource's own
  // reads are done; the resource's actions, updates and delete after all of them.
  std::size_t chain = std::string::npos, lane = std::string::npos;
  std::optional<std::size_t> last_own;
  std::vector<std::size_t> lane_ends;  // the last group of each nested collection not yet waited for
  for (std::size_t k = 0; k < out.steps.size(); ++k) {
    const sort_key& key = keys[order[k]];
    if (k > 0 && group_of(key) == group_of(keys[order[k - 1]])) {
      out.steps[k].group = out.groups.size() - 1;
      ++out.groups.back().end;
      continue;
    }
    if (key.chain != chain) {
      chain = key.chain;
      lane = std::string::npos;
      last_own.reset();
      lane_ends.clear();
    }
    step_group g;
    g.first = k;
    g.end = k + 1;
    const std::size_t index = out.groups.size();
    if (key.top_phase == nested_phase) {
      if (key.nested == lane) {
        g.after.push_back(lane_ends.back());
        lane_ends.back() = index;
      } else {
        if (last_own) g.after.push_back(*last_own);
        lane = key.nested;
        lane_ends.push_back(index);
      }
    } else {
      if (last_own) g.after.push_back(*last_own);
      if (key.top_phase > nested_phase) {
        g.after.insert(g.after.end(), lane_ends.begin(), lane_ends.end());
        lane_ends.clear();
      }
      last_own = index;
    }
    out.steps[k].group = index;
    out.groups.push_back(std::move(g));
  }

  // A producer planned after its consumer in the same resource's chain would wait for it (through the
  // groups): that key stays as documented. A producer in another chain is simply waited for by the step
  // itself.
  std::unordered_map<std::size_t, std::size_t> position;  // fixture -> step
  for (std::size_t k = 0; k < out.steps.size(); ++k) position.emplace(out.steps[k].fixture, k);
  for (std::size_t k = 0; k < out.steps.size(); ++k) {
    step& s = out.steps[k];
    for (binding& b : s.bindings) {
      if (!from_producer(b)) continue;
      const auto at = position.find(b.producer);
      if (at != position.end() && at->second != k &&
          (at->second < k || keys[order[at->second]].chain != keys[order[k]].chain))
        continue;
      b.from = binding::source::literal;
      b.pointer.clear();
    }
    bind_parents(s);
    note_other_type(set, s);
    std::erase_if(s.depends_on, [&](std::size_t producer) {
      return std::none_of(s.bindings.begin(), s.bindings.end(),
                          [&](const binding& b) { return b.producer == producer && from_producer(b); });
    });
  }

  // One item, one delete: a delete whose item an earlier delete already removes gets a new one.
  std::unordered_map<std::size_t, std::size_t> deleted_by;  // producer -> the first delete of its item
  for (step& s : out.steps) {
    if (s.role != step_role::remove) continue;
    binding* item = captured_item(s);
    if (item != nullptr && !deleted_by.emplace(item->producer, s.fixture).second) item->fresh = true;
  }
  return out;
}

std::string bind_url(std::string_view documented, const step& s, const std::vector<std::string>& values) {
  std::string url(documented);
  // From the last key to the first, so earlier positions stay valid.
  for (std::size_t n = s.bindings.size(); n-- > 0;) {
    const binding& b = s.bindings[n];
    if (n >= values.size() || values[n].empty() || b.segment == binding::no_segment ||
        b.segment >= s.path.segments.size())
      continue;
    const path_segment& seg = s.path.segments[b.segment];
    if (seg.at == std::string::npos || seg.at + seg.length > url.size()) continue;
    url.replace(seg.at, seg.length, values[n]);
  }
  return url;
}

std::string plan_text(const fixture_set& set, const plan& p) {
  std::string out;
  for (std::size_t n = 0; n < p.steps.size(); ++n) {
    const step& s = p.steps[n];
    const fixture& f = set.fixtures[s.fixture];
    out += std::to_string(n + 1) + ". " + f.request.method + " " + f.request.url + "  " +
           std::string(to_string(s.role)) + "  " + f.id + "\n";
    for (const binding& b : s.bindings) {
      out += "    " + b.documented + " <- " + std::string(to_string(b.from));
      if (b.from == binding::source::variable) out += " " + b.variable;
      if (b.from == binding::source::capture || b.from == binding::source::discovery)
        out += " " + b.pointer + " of " + set.fixtures[b.producer].id;
      if (b.fresh) out += " sent again (another delete takes its first item)";
      if (b.from == binding::source::parent) out += ", as sent by " + set.fixtures[b.producer].id;
      if (b.from == binding::source::literal)
        out += b.documented.front() == '{' ? " (unbound)" : " (as documented)";
      out += "\n";
    }
  }
  return out;
}

}  // namespace conform::run
