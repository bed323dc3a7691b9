// conform serve --stateful: the reference server keeps what documented creates make, so a chained run
// (create, read, update, delete) meets ids that exist and a deleted item is gone. Shapes still come from the
// docs: a GET answers its documented body with the stored fields over it, so documented required properties
// stay.
#include "detail.hpp"
#include "state.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <mutex>

namespace conform::mock {

namespace json = boost::json;
using detail::route;

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// "v1.0/groups": the first n request segments, lower-cased (routes match case-insensitively, and so do
// GUIDs).
std::string lower_path(const std::vector<std::string>& segments, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += '/';
    out += to_lower(segments[i]);
  }
  return out;
}

bool key_position(const detail::segment_pattern& p, std::string_view text) {
  return p.is_wildcard() || (p.is_literal() && looks_like_key(text));
}

reply not_found(std::string_view id) {
  return detail::odata_error(404, "Request_ResourceNotFound",
                             "Resource '" + std::string(id) +
                                 "' does not exist or one of its queried reference-property objects are not "
                                 "present.");
}

reply store_full(const options& o) {
  return detail::odata_error(507, "InsufficientStorage",
                             "conform serve --stateful holds at most " + std::to_string(o.max_entities) +
                                 " entities and " + std::to_string(o.max_entity_bytes) +
                                 " bytes of them; delete some first");
}

std::string query_value(std::string_view target, std::string_view name) {
  for (const auto& [k, v] : detail::parse_query(detail::url_query(target, false)))
    if (iequals(k, name)) return v;
  return {};
}

std::vector<std::string> select_list(std::string_view target) {
  std::vector<std::string> out;
  const std::string sel = query_value(target, "$select");
  std::size_t start = 0;
  while (start < sel.size()) {
    std::size_t comma = sel.find(',', start);
    std::string_view name = trim(std::string_view(sel).substr(start, comma - start));
    if (!name.empty()) out.emplace_back(name);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string_view odata_type(const json::object& o) {
  const json::value* t = o.if_contains("@odata.type");
  return t != nullptr && t->is_string() ? std::string_view(t->get_string()) : std::string_view();
}

// The documented element a stored object goes over: the one of its own @odata.type (a stored
// countryNamedLocation over the documented countryNamedLocation, not over the ipNamedLocation listed first),
// else the first, whose documented members the checks ask of every item; nullptr when there is none.
const json::object* element_shape(const json::array& documented, const json::object& stored) {
  const json::object* first = nullptr;
  for (const json::value& v : documented) {
    if (!v.is_object()) continue;
    const json::object& o = v.get_object();
    if (!odata_type(stored).empty() && !odata_type(o).empty() && same_type(odata_type(o), odata_type(stored)))
      return &o;
    if (first == nullptr) first = &o;
  }
  return first;
}

void overlay(json::object& shape, const json::object& fields, const std::vector<std::string>& select);

// Stored array items over the documented ones, item by item, as the create's echo laid what the client sent
// over them: chat members stored as the binds the client sent keep the documented member's id and name.
json::array overlay_items(const json::array& documented, const json::array& stored) {
  json::array out;
  for (const json::value& v : stored) {
    const json::object* shape = v.is_object() ? element_shape(documented, v.get_object()) : nullptr;
    if (shape == nullptr) {
      out.push_back(v);
      continue;
    }
    json::object one = *shape;
    overlay(one, v.get_object(), {});
    out.emplace_back(std::move(one));
  }
  return out;
}

// Stored fields over a documented shape. The shape's @odata.context stays (it names this URL); under
// $select only the selected members (and the key) come over. The documented members the stored value lacks
// stay, in nested objects and array items too.
void overlay(json::object& shape, const json::object& fields, const std::vector<std::string>& select) {
  for (const auto& m : fields) {
    if (m.key() == "@odata.context") continue;
    if (!select.empty() && m.key() != "id" &&
        std::none_of(select.begin(), select.end(), [&](const std::string& s) { return iequals(s, m.key()); }))
      continue;
    json::value& here = shape[m.key()];
    if (here.is_object() && m.value().is_object())
      overlay(here.get_object(), m.value().get_object(), {});
    else if (here.is_array() && m.value().is_array())
      here = overlay_items(here.get_array(), m.value().get_array());
    else
      here = m.value();
  }
}

// PATCH: what the client sent replaces what is stored member by member (complex values merged, null clears);
// the key and instance annotations (x@odata.bind) are not fields.
void merge_into(json::object& into, const json::object& sent, std::size_t depth) {
  constexpr std::size_t max_depth = 64;  // request bodies are parsed with the same limit
  for (const auto& m : sent) {
    if (m.key().find('@') != json::string_view::npos || (depth == 0 && m.key() == "id")) continue;
    json::value& here = into[m.key()];
    if (depth < max_depth && m.value().is_object() && here.is_object())
      merge_into(here.get_object(), m.value().get_object(), depth + 1);
    else
      here = m.value();
  }
}

// A documented create answer shows properties nobody set as null; stored that way they would overwrite what
// the documented GET shows (and fail its "not nullable" rows): what is stored is what has a value.
void drop_nulls(json::object& o, std::size_t depth) {
  constexpr std::size_t max_depth = 64;
  for (auto it = o.begin(); it != o.end();) {
    if (it->value().is_null()) {
      it = o.erase(it);
      continue;
    }
    if (depth < max_depth && it->value().is_object()) drop_nulls(it->value().get_object(), depth + 1);
    ++it;
  }
}

std::uint64_t parse_u64(std::string_view s, std::uint64_t fallback) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty() ? n : fallback;
}

}  // namespace

std::optional<reference_server::store::item_ref> reference_server::store::find_item(
    const std::vector<std::string>& segments) {
  if (segments.empty()) return std::nullopt;
  auto c = collections.find(lower_path(segments, segments.size() - 1));
  if (c == collections.end()) return std::nullopt;
  auto it = c->second.items.find(to_lower(segments.back()));
  if (it == c->second.items.end()) return std::nullopt;
  return item_ref{c, it};
}

void reference_server::store::erase(item_ref ref) {
  const std::string item_path = ref.in->first + "/" + ref.item->first;
  auto lo = collections.lower_bound(item_path + "/"), hi = collections.lower_bound(item_path + "0");
  for (auto n = lo; n != hi; ++n) {
    count -= n->second.items.size();
    for (const auto& [id, nested] : n->second.items) bytes -= nested.bytes;
  }
  collections.erase(lo, hi);
  --count;
  bytes -= ref.item->second.bytes;
  collection& c = ref.in->second;
  c.order.erase(ref.item->second.seq);
  c.items.erase(ref.item);
  if (c.items.empty()) collections.erase(ref.in);
}

std::optional<reply> reference_server::answer_stored(const http_request& req) const {
  const std::string method = upper(req.method);
  if (!store_ || (method != "GET" && method != "DELETE")) return std::nullopt;
  const std::vector<std::string> segs = detail::split_request_path(detail::url_path(req.target, false));
  // An id in a collection that creates, which the store does not hold (never made, or gone with its
  // parent): 404, like a documented route's key position, rather than the refusal of an undocumented route.
  const bool key = segs.size() >= 2 && looks_like_key(segs.back()) &&
                   creates_at(std::vector<std::string>(segs.begin(), segs.end() - 1));
  std::lock_guard<std::mutex> lock(store_->mutex);
  const std::optional<store::item_ref> ref = store_->find_item(segs);
  if (!ref) return key ? std::optional<reply>(not_found(segs.back())) : std::nullopt;
  reply out;
  if (method == "DELETE") {
    store_->erase(*ref);
    out.response.status = 204;
    out.response.reason = "No Content";
    return out;
  }
  out.response.status = 200;
  out.response.reason = "OK";
  out.response.headers.push_back({"Content-Type", "application/json"});
  out.response.body = json::serialize(ref->item->second.fields);
  return out;
}

std::size_t reference_server::stored_count() const {
  if (!store_) return 0;
  std::lock_guard<std::mutex> lock(store_->mutex);
  return store_->count;
}

bool reference_server::creates_at(const std::vector<std::string>& segments) const {
  for (std::size_t i : index_->find(segments))
    if (creates_[i]) return true;
  return false;
}

std::optional<reply> reference_server::apply_state(const http_request& req, const route& r, int status,
                                                   const std::optional<json::value>& body,
                                                   std::optional<json::value>& doc,
                                                   std::optional<std::string>& text) const {
  const std::vector<std::string> segs = detail::split_request_path(detail::url_path(req.target, false));
  if (segs.size() != r.segments.size()) return std::nullopt;
  const std::string method = upper(req.method);
  const bool ok = status >= 200 && status < 300;

  // Key positions: a segment after a collection that documents a create (a POST answered 201), where the
  // route has a placeholder or the docs a literal id. Each must name an item this server made.
  std::vector<std::size_t> keys;
  for (std::size_t k = 1; k < segs.size(); ++k)
    if (key_position(r.segments[k], segs[k]) &&
        creates_at(std::vector<std::string>(segs.begin(), segs.begin() + static_cast<std::ptrdiff_t>(k))))
      keys.push_back(k);
  const bool item = !keys.empty() && keys.back() + 1 == segs.size();
  const bool at_collection = !item && creates_at(segs);
  const bool count_of_collection = !item && segs.size() >= 2 && iequals(segs.back(), "$count") &&
                                   creates_at(std::vector<std::string>(segs.begin(), segs.end() - 1));
  std::string new_id;
  if (at_collection && method == "POST" && status == 201) {  // drawn before the lock: the counter is atomic
    const std::uint64_t n = guid_counter_.fetch_add(1, std::memory_order_relaxed);
    new_id = detail::format_guid(detail::fnv1a(guid_base_, "entity-hi", std::to_string(n)),
                                 detail::fnv1a(guid_base_, "entity-lo", std::to_string(n)));
  }

  store& st = *store_;
  std::lock_guard<std::mutex> lock(st.mutex);
  for (std::size_t k : keys) {
    auto c = st.collections.find(lower_path(segs, k));
    if (c == st.collections.end() || c->second.items.count(to_lower(segs[k])) == 0) return not_found(segs[k]);
  }

  if (item) {
    const store::item_ref ref = *st.find_item(segs);  // the key checks above found it
    store::entity& e = ref.item->second;
    if (method == "DELETE") {
      if (ok) st.erase(ref);
      return std::nullopt;
    }
    if ((method == "PATCH" || method == "PUT") && ok && body && body->is_object()) {
      json::object merged = e.fields;
      merge_into(merged, body->get_object(), 0);
      const std::size_t bytes = json::serialize(merged).size();
      if (st.bytes - e.bytes + bytes > opts_.max_entity_bytes) return store_full(opts_);
      st.bytes = st.bytes - e.bytes + bytes;
      e.fields = std::move(merged);
      e.bytes = bytes;
    }
    if (ok && doc && doc->is_object()) overlay(doc->get_object(), e.fields, select_list(req.target));
    return std::nullopt;
  }

  if (count_of_collection && method == "GET" && ok) {  // the number stored, as the docs show it (text/plain)
    auto c = st.collections.find(lower_path(segs, segs.size() - 1));
    const std::size_t n = c == st.collections.end() ? 0 : c->second.items.size();
    if (doc && doc->is_number())
      doc = json::value(static_cast<std::uint64_t>(n));
    else if (!doc)
      text = std::to_string(n);
    return std::nullopt;
  }
  if (!at_collection || !ok) return std::nullopt;
  // A create: the entity under its new id; false when the store is full.
  auto store_new = [&](json::object fields) {
    if (st.count >= opts_.max_entities) return false;
    fields["id"] = new_id;
    const std::size_t bytes = json::serialize(fields).size();
    if (st.bytes + bytes > opts_.max_entity_bytes) return false;
    store::collection& c = st.collections[lower_path(segs, segs.size())];
    const std::uint64_t seq = st.next_seq++;
    c.items.emplace(new_id, store::entity{std::move(fields), bytes, seq});
    c.order.emplace(seq, new_id);
    ++st.count;
    st.bytes += bytes;
    return true;
  };
  if ((!doc || !doc->is_object()) && method == "POST" && status == 201) {
    // Documented without a body (installing an app in a chat): the item exists all the same, made of what was
    // sent, and a list of the collection finds it.
    json::object fields;
    if (body && body->is_object()) merge_into(fields, body->get_object(), 0);
    if (!store_new(std::move(fields))) return store_full(opts_);
    return std::nullopt;
  }
  if (!doc || !doc->is_object()) return std::nullopt;
  json::object& answer = doc->get_object();

  if (method == "POST" && status == 201) {
    json::object fields = answer;
    fields.erase("@odata.context");
    drop_nulls(fields, 0);
    if (!store_new(std::move(fields))) return store_full(opts_);
    answer["id"] = new_id;
    return std::nullopt;
  }

  if (method == "GET" && answer.contains("value") && answer["value"].is_array()) {
    // The documented list with the stored items as its value, each over the documented element's shape;
    // a page at a time ($top, at most options::list_page), the rest through @odata.nextLink.
    auto c = st.collections.find(lower_path(segs, segs.size()));
    const json::array& documented = answer["value"].get_array();
    std::size_t limit = opts_.list_page;
    limit = static_cast<std::size_t>(
        std::min<std::uint64_t>(limit, parse_u64(query_value(req.target, "$top"), limit)));
    const std::uint64_t from = parse_u64(query_value(req.target, "$skiptoken"), 0);
    json::array items;
    std::optional<std::uint64_t> next;
    if (c != st.collections.end())
      for (auto o = c->second.order.lower_bound(from); o != c->second.order.end(); ++o) {
        if (items.size() >= limit) {
          next = o->first;
          break;
        }
        const json::object& fields = c->second.items.at(o->second).fields;
        const json::object* shape = element_shape(documented, fields);
        json::object one = shape != nullptr ? *shape : json::object{};
        overlay(one, fields, {});
        items.emplace_back(std::move(one));
      }
    if (answer.contains("@odata.count"))
      answer["@odata.count"] = c == st.collections.end() ? std::size_t{0} : c->second.items.size();
    answer["value"] = std::move(items);
    if (next) {
      const header* host = find_header(req.headers, "Host");
      answer["@odata.nextLink"] = (host != nullptr ? "http://" + host->value : std::string()) + "/" +
                                  lower_path(segs, segs.size()) + "?$skiptoken=" + std::to_string(*next);
    } else {
      answer.erase("@odata.nextLink");
    }
  }
  return std::nullopt;
}

}  // namespace conform::mock
