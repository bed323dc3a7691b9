#include "mock/reference_server.hpp"

#include "detail.hpp"
#include "state.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <random>
#include <set>
#include <unordered_map>
#include <utility>

namespace conform::mock {

namespace json = boost::json;
using detail::odata_error;
using detail::route;

namespace {

constexpr std::array<std::pair<fault_kind, std::string_view>, 13> fault_names{{
    {fault_kind::status, "status"},
    {fault_kind::drop_property, "drop-property"},
    {fault_kind::wrong_type, "wrong-type"},
    {fault_kind::bad_enum, "bad-enum"},
    {fault_kind::bad_timestamp, "bad-timestamp"},
    {fault_kind::odata_type, "odata-type"},
    {fault_kind::no_odata_type, "no-odata-type"},
    {fault_kind::content_type, "content-type"},
    {fault_kind::malformed_json, "malformed-json"},
    {fault_kind::slow, "slow"},
    {fault_kind::reset, "reset"},
    {fault_kind::huge_body, "huge-body"},
    {fault_kind::nested, "nested"},
}};

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 418:
      return "I'm a teapot";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 507:
      return "Insufficient Storage";
    default:
      return "";
  }
}

void set_header(header_list& headers, std::string_view name, std::string value) {
  for (auto it = headers.begin(); it != headers.end();) {
    if (iequals(it->name, name))
      it = headers.erase(it);
    else
      ++it;
  }
  headers.push_back({std::string(name), std::move(value)});
}

void remove_header(header_list& headers, std::string_view name) {
  std::erase_if(headers, [name](const header& h) { return iequals(h.name, name); });
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::optional<json::value> parse_json(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options po;
  po.max_depth = 64;  // hostile nesting must not exhaust the stack
  json::value v = json::parse(text, ec, {}, po);
  if (ec) return std::nullopt;
  return v;
}

// How well a request fits a documented one: shared query parameters and body keys count, differences cost.
int match_score(const fixture& f, const detail::query_list& query, const std::optional<json::value>& body) {
  int score = 0;
  detail::query_list documented = detail::parse_query(detail::url_query(f.request.url));
  for (const auto& [name, value] : documented) {
    auto it = std::find_if(query.begin(), query.end(), [&](const auto& q) { return iequals(q.first, name); });
    if (it == query.end()) {
      score -= 2;
    } else {
      score += 3;
      if (it->second == value) ++score;
    }
  }
  for (const auto& [name, value] : query)
    if (std::none_of(documented.begin(), documented.end(),
                     [&](const auto& d) { return iequals(d.first, name); }))
      score -= 2;
  const json::object* doc =
      f.request.json && f.request.json->is_object() ? &f.request.json->get_object() : nullptr;
  const json::object* got = body && body->is_object() ? &body->get_object() : nullptr;
  if ((doc != nullptr) != (got != nullptr)) score -= 1;
  if (doc != nullptr && got != nullptr) {
    for (const auto& m : *doc) score += got->contains(m.key()) ? 2 : -1;
    for (const auto& m : *got)
      if (!doc->contains(m.key())) score -= 1;
  }
  return score;
}

bool documents_json_body(const fixture& f) {
  if (f.request.json) return true;
  const header* ct = find_header(f.request.headers, "Content-Type");
  std::string_view body = f.request.body;
  return ct != nullptr && is_json_media_type(ct->value) &&
         body.find_first_not_of(" \t\r\n") != std::string_view::npos;
}

// The request body's properties against the documented contract, like a strict server would. "" when valid.
std::string validate_request(const fixture& f, const fixture_set& set,
                             const std::optional<json::value>& body) {
  if (!body || !body->is_object()) return {};
  const json::object& o = body->get_object();
  const property_scope scope = request_scope(f, set, *body);
  std::vector<check_result> failures;
  validate_options opts;
  opts.null_always_valid = true;  // the docs send null to clear a property
  for (const auto& m : o) {
    if (detail::is_annotation(m.key())) continue;
    const property* p = scope.find(m.key());
    if (p == nullptr) continue;
    validate_value(m.value(), *p, set, pointer_child("", m.key()), opts, failures);
    auto bad = std::find_if(failures.begin(), failures.end(),
                            [](const check_result& c) { return c.outcome == check_outcome::failed; });
    if (bad != failures.end()) {
      std::string msg = "Invalid value for property '" + bad->pointer + "'";
      if (!bad->expected.empty()) msg += ": expected " + bad->expected;
      if (!bad->actual.empty()) msg += ", got " + bad->actual;
      return msg;
    }
  }
  return {};
}

// What the client sent wins, but what the docs show beside it stays: a request that sets location.displayName
// gets back the documented location with that name, not a location without the documented locationType.
void echo_into(json::value& documented, const json::value& sent, std::size_t depth) {
  constexpr std::size_t max_depth = 64;  // request bodies are parsed with the same limit
  if (depth < max_depth && documented.is_object() && sent.is_object()) {
    json::object& d = documented.get_object();
    for (const auto& m : sent.get_object())
      if (!m.value().is_null()) echo_into(d[m.key()], m.value(), depth + 1);
    return;
  }
  if (depth < max_depth && documented.is_array() && sent.is_array() && !documented.get_array().empty()) {
    const json::array& doc_items = documented.get_array();
    json::array out;
    for (std::size_t i = 0; i < sent.get_array().size(); ++i) {
      json::value item = doc_items[std::min(i, doc_items.size() - 1)];
      if (!item.is_object() || !sent.get_array()[i].is_object()) item = nullptr;
      echo_into(item, sent.get_array()[i], depth + 1);
      out.push_back(std::move(item));
    }
    documented = std::move(out);
    return;
  }
  // Where only the documented value says what belongs here, a value of another kind (text where the docs show
  // a date-time, a string where they show a number) is not what the docs' server would store.
  auto kind = [](const json::value& v) {
    if (v.is_string()) return is_timestamp(v.get_string()) ? 't' : 's';
    return v.is_number() ? 'n' : v.is_bool() ? 'b' : v.is_null() ? '0' : 'c';
  };
  char was = kind(documented), now = kind(sent);
  bool any_text = was == 's' && now == 't';  // a date-time is text too
  if (was != '0' && was != 'c' && now != 'c' && was != now && !any_text) return;
  documented = sent;
}

std::string guid_from(const void* ctx) {
  const auto* s = static_cast<const std::pair<std::uint64_t, std::atomic<std::uint64_t>*>*>(ctx);
  std::uint64_t n = s->second->fetch_add(1, std::memory_order_relaxed);
  std::uint64_t hi = detail::fnv1a(s->first, "guid-hi", std::to_string(n));
  std::uint64_t lo = detail::fnv1a(s->first, "guid-lo", std::to_string(n));
  return detail::format_guid(hi, lo);
}

// A strict server's 400s: a body the docs show as JSON that is not JSON, or values their contract rejects.
bool refuse_request(const fixture& f, const fixture_set& set, const std::optional<json::value>& body,
                    reply& refusal) {
  std::string problem = documents_json_body(f) && !body ? std::string("The request body must be JSON.")
                                                        : validate_request(f, set, body);
  if (problem.empty()) return false;
  refusal = odata_error(400, "BadRequest", std::move(problem));
  refusal.fixture_id = f.id;
  refusal.response.headers.push_back({std::string(fixture_header), f.id});
  return true;
}

// Faults that bend the JSON body, applied before it is serialised; one X-Conform-Fault header each.
header_list apply_json_faults(const std::vector<fault_kind>& active, const detail::fault_input& fin,
                              std::optional<json::value>& doc) {
  header_list out;
  for (fault_kind k : active) {
    if (!detail::is_json_fault(k)) continue;
    out.push_back({std::string(fault_header), doc ? detail::apply_json_fault(k, fin, *doc)
                                                  : std::string(to_string(k)) + " (not applicable)"});
  }
  return out;
}

void set_body(http_response& res, const fixture& f, const std::optional<json::value>& doc) {
  if (doc) {
    res.body = json::serialize(*doc);
    const header* ct = find_header(res.headers, "Content-Type");
    if (ct == nullptr || !is_json_media_type(ct->value))
      set_header(res.headers, "Content-Type", "application/json");
    return;
  }
  res.body = f.response.body;
  if (res.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    res.body.clear();
    remove_header(res.headers, "Content-Type");
  }
}

// Faults that bend the reply itself (status, headers, timing, connection, body text).
void apply_reply_faults(const std::vector<fault_kind>& active, const detail::fault_input& fin, reply& out,
                        header_list& fault_headers) {
  http_response& res = out.response;
  for (fault_kind k : active) {
    std::string applied;
    switch (k) {
      case fault_kind::status:
        res.status = detail::faulted_status(res.status);
        res.reason = std::string(reason_phrase(res.status));
        applied = "status";
        break;
      case fault_kind::content_type:
        set_header(res.headers, "Content-Type", "text/plain");
        applied = "content-type";
        break;
      case fault_kind::slow:
        out.delay = fin.opts.fault_delay;
        applied = "slow";
        break;
      case fault_kind::reset:
        out.reset = true;
        applied = "reset";
        break;
      case fault_kind::malformed_json:
      case fault_kind::huge_body:
        applied = detail::apply_text_fault(k, fin, res.body);
        break;
      default:
        continue;
    }
    // "<kind> <pointer>" with an empty pointer: the kind alone names what was bent.
    while (!applied.empty() && applied.back() == ' ') applied.pop_back();
    fault_headers.push_back({std::string(fault_header), std::move(applied)});
  }
  if (!active.empty() && !fault_headers.empty() && find_header(res.headers, "Content-Type") == nullptr &&
      !res.body.empty())
    res.headers.push_back({"Content-Type", "application/json"});
}

}  // namespace

reply detail::odata_error(int status, std::string_view code, std::string message) {
  reply r;
  r.response.status = status;
  r.response.reason = std::string(reason_phrase(status));
  json::object inner;
  inner["code"] = code;
  inner["message"] = message;
  json::object outer;
  outer["error"] = std::move(inner);
  r.response.body = json::serialize(outer);
  r.response.headers.push_back({"Content-Type", "application/json"});
  return r;
}

std::optional<fault_kind> parse_fault_kind(std::string_view s) {
  std::string norm = to_lower(s);
  std::replace(norm.begin(), norm.end(), '_', '-');
  for (const auto& [kind, name] : fault_names)
    if (norm == name) return kind;
  return std::nullopt;
}

std::string_view to_string(fault_kind k) {
  for (const auto& [kind, name] : fault_names)
    if (kind == k) return name;
  return "unknown";
}

std::optional<fault> parse_fault(std::string_view spec) {
  std::size_t at = spec.find('@');
  auto kind = parse_fault_kind(spec.substr(0, at));
  if (!kind) return std::nullopt;
  fault f{*kind, "*"};
  if (at != std::string_view::npos && at + 1 < spec.size()) f.glob = std::string(spec.substr(at + 1));
  return f;
}

reference_server::reference_server(const fixture_set& fixtures, options opts)
    : fixtures_(fixtures), opts_(std::move(opts)) {
  std::unordered_map<std::string, std::size_t> by_key;  // route key -> index in routes_
  for (std::size_t i = 0; i < fixtures_.fixtures.size(); ++i) {
    const fixture& f = fixtures_.fixtures[i];
    fixture_by_id_.try_emplace(f.id, i);  // ids are unique in a set; by hand the first one wins, as before
    if (!f.runnable || f.request.method.empty()) continue;
    route r = detail::make_route(f);
    if (r.segments.empty()) continue;
    auto [same, added] = by_key.try_emplace(r.key, routes_.size());
    if (!added) {
      routes_[same->second].fixtures.push_back(i);
    } else {
      r.fixtures.push_back(i);
      routes_.push_back(std::move(r));
    }
  }
  // Most specific first, so the first match is the one a real router would pick.
  std::stable_sort(routes_.begin(), routes_.end(), [](const route& a, const route& b) {
    if (a.literal_segments != b.literal_segments) return a.literal_segments > b.literal_segments;
    if (a.partial_segments != b.partial_segments) return a.partial_segments > b.partial_segments;
    return a.literal_chars > b.literal_chars;
  });
  index_ = std::make_unique<detail::route_index>(routes_);
  creates_.assign(routes_.size(), 0);
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const route& rt = routes_[r];
    if (rt.method != "POST" || rt.segments.empty() ||
        (rt.segments.back().is_literal() && rt.segments.back().tokens.front().text == "$ref"))
      continue;
    creates_[r] = std::any_of(rt.fixtures.begin(), rt.fixtures.end(),
                              [&](std::size_t i) { return fixtures_.fixtures[i].response.status == 201; });
  }
  if (opts_.stateful) store_ = std::make_unique<store>();
  std::random_device rd;
  guid_base_ = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

reference_server::~reference_server() = default;

std::size_t reference_server::route_count() const {
  return routes_.size();
}

reply reference_server::handle(const http_request& req) const {
  try {
    return answer(req);
  } catch (const std::exception& e) {
    return odata_error(500, "InternalServerError", std::string("conform reference server: ") + e.what());
  } catch (...) {
    return odata_error(500, "InternalServerError", "conform reference server: unknown error");
  }
}

namespace {
// Whether a request's path segments are the fixture's documented path with only keys changed: the same
// segments, except where the docs show a key (a placeholder, or a literal id: a digit, '@', ':').
bool same_but_keys(const fixture& f, const std::vector<std::string>& segments) {
  std::string documented(detail::url_path(f.request.url));
  if (f.request.url.find("://") == std::string::npos && !f.version.empty())
    documented = "/" + f.version + (documented.starts_with("/") ? "" : "/") + documented;
  const std::vector<std::string> want = detail::split_request_path(documented);
  if (want.size() != segments.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (iequals(want[i], segments[i])) continue;
    const bool key = std::any_of(want[i].begin(), want[i].end(), [](char c) {
      return (c >= '0' && c <= '9') || c == '@' || c == ':' || c == '{' || c == '<';
    });
    if (!key) return false;
  }
  return true;
}
}  // namespace

const fixture* reference_server::named_fixture(const http_request& req,
                                               const std::vector<std::string>& segments) const {
  const header* h = find_header(req.headers, fixture_header);
  if (h == nullptr) return nullptr;
  auto named = fixture_by_id_.find(h->value);
  if (named == fixture_by_id_.end()) return nullptr;
  const fixture& f = fixtures_.fixtures[named->second];
  const bool same_method = upper(f.request.method.empty() ? "GET" : f.request.method) == upper(req.method);
  return f.runnable && same_method && same_but_keys(f, segments) ? &f : nullptr;
}

// The fixture that answers: the one the runner names (X-Conform-Fixture), else the best documented match on
// the most specific route. Nullptr with `refusal` set (404, or 405 with Allow) when no documented route takes
// it.
const fixture* reference_server::choose(const http_request& req, const std::optional<json::value>& body,
                                        reply& refusal, const route** chosen_route) const {
  std::string_view path = detail::url_path(req.target, false);
  std::vector<std::string> segments = detail::split_request_path(path);
  std::string method = upper(req.method);

  // Matching routes in routes_ order, most specific first.
  std::vector<std::size_t> on_path = index_->find(segments);
  // A run plan puts the id a create answered where the docs show a literal one ("/chats/19:abc@thread.v2"),
  // and no route is that literal any more: the fixture the runner names answers, if its method is this one.
  // (Stateful mode then checks those ids against the store on the fixture's own route, see answer.)
  if (const fixture* named = named_fixture(req, segments)) {
    const bool on_a_route = std::any_of(on_path.begin(), on_path.end(), [&](std::size_t i) {
      const route& r = routes_[i];
      return r.method == method && std::any_of(r.fixtures.begin(), r.fixtures.end(), [&](std::size_t f) {
               return fixtures_.fixtures[f].id == named->id;
             });
    });
    if (!on_a_route) {
      if (chosen_route != nullptr) *chosen_route = nullptr;
      return named;
    }
  }
  if (on_path.empty()) {
    refusal =
        odata_error(404, "ResourceNotFound", "No documented route matches '" + std::string(path) + "'.");
    return nullptr;
  }
  std::vector<const route*> with_method;
  for (std::size_t i : on_path)
    if (routes_[i].method == method) with_method.push_back(&routes_[i]);
  if (with_method.empty()) {
    std::set<std::string> allowed;
    for (std::size_t i : on_path) allowed.insert(routes_[i].method);
    std::string allow;
    for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    refusal = odata_error(405, "MethodNotAllowed",
                          "Method '" + req.method + "' is not documented for '" + std::string(path) + "'.");
    refusal.response.headers.push_back({"Allow", allow});
    return nullptr;
  }

  if (const header* h = find_header(req.headers, fixture_header))
    for (const route* r : with_method)
      for (std::size_t i : r->fixtures)
        if (fixtures_.fixtures[i].id == h->value) {
          if (chosen_route != nullptr) *chosen_route = r;
          return &fixtures_.fixtures[i];
        }
  if (chosen_route != nullptr) *chosen_route = with_method.front();
  detail::query_list query = detail::parse_query(detail::url_query(req.target, false));
  const fixture* chosen = nullptr;
  int best = 0;
  for (std::size_t i : with_method.front()->fixtures) {
    int score = match_score(fixtures_.fixtures[i], query, body);
    if (chosen == nullptr || score > best) {
      chosen = &fixtures_.fixtures[i];
      best = score;
    }
  }
  return chosen;
}

// The documented example body made real (placeholders filled) and, for a successful write, what the client
// sent echoed into it; nullopt when the docs show no JSON body.
std::optional<json::value> reference_server::documented_body(const fixture& f, std::string_view method,
                                                             int status,
                                                             const std::optional<json::value>& body) const {
  std::optional<json::value> doc = f.response.json;
  if (!doc || opts_.verbatim) return doc;
  std::pair<std::uint64_t, std::atomic<std::uint64_t>*> guid_state{guid_base_, &guid_counter_};
  // With $metadata the contract is the CSDL's where it speaks: CSDL-true values where the docs are vague.
  detail::synth_env env{fixtures_.contract_for(f), detail::utc_now(), &guid_from, &guid_state, nullptr};
  detail::synthesize_body(f, *doc, env);
  bool echoes = (method == "POST" || method == "PATCH" || method == "PUT") && status >= 200 && status < 300 &&
                doc->is_object() && body && body->is_object() && !f.response.is_collection;
  if (!echoes) return doc;
  const property_scope scope = response_scope(f, fixtures_.contract_for(f), *doc);
  for (const auto& m : body->get_object()) {
    // A null the client sent clears the property; the docs' response still shows what they show.
    if (m.key().rfind("@odata.", 0) == 0 || m.value().is_null()) continue;
    // A parameter of an action ("item" of createUploadSession) is not a member of the resource: only members
    // the response documents come back, or any when the example is truncated.
    if (!f.response.truncated && !doc->get_object().contains(m.key()) && scope.find(m.key()) == nullptr)
      continue;
    echo_into(doc->get_object()[m.key()], m.value(), 0);
  }
  // What the client sent is held to the response's contract too (a request type the server could not resolve
  // may still be one the response documents).
  detail::synthesize_body(f, *doc, env);
  return doc;
}

std::vector<repair> documented_repairs(const fixture& f, const fixture_set& set) {
  std::vector<repair> out;
  if (!f.response.json) return out;
  json::value doc = *f.response.json;
  std::pair<std::uint64_t, std::atomic<std::uint64_t>*> guid_state{0, nullptr};
  std::atomic<std::uint64_t> counter{0};
  guid_state.second = &counter;
  detail::synth_env env{set.contract_for(f), detail::utc_now(), &guid_from, &guid_state, &out};
  detail::synthesize_body(f, doc, env);
  return out;
}

reply reference_server::answer(const http_request& req) const {
  std::optional<json::value> body;
  if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) body = parse_json(req.body);
  reply out;
  const std::string method = upper(req.method);
  const route* on_route = nullptr;
  const fixture* chosen = choose(req, body, out, &on_route);
  if (chosen == nullptr) return answer_stored(req).value_or(std::move(out));
  // A fixture named for its path with other keys answers off the routes: its documented path is its route,
  // where the store finds the key positions (a literal id the docs show) as on any other.
  detail::route named_route;
  if (store_ && on_route == nullptr) {
    named_route = detail::make_route(*chosen);
    on_route = &named_route;
  }
  // Only the runner's check after its own DELETE sees what was deleted: other requests are answered as
  // documented, so one run's deletes never change the next run's answers. The stateful server does the same
  // for what its store does not hold (a documented literal id, a collection the docs show no create for).
  if (method == "GET" && find_header(req.headers, after_delete_header) != nullptr) {
    const std::string path(detail::url_path(req.target, false));
    std::lock_guard lock(tombstone_mutex_);
    if (auto t = tombstones_.find(path); t != tombstones_.end()) {
      if (--t->second == 0) tombstones_.erase(t);
      return odata_error(404, "Request_ResourceNotFound", "Resource '" + path + "' was deleted.");
    }
  }
  const fixture& f = *chosen;
  if (refuse_request(f, fixtures_.contract_for(f), body, out)) return out;

  out.fixture_id = f.id;
  http_response& res = out.response;
  res.status = f.response.status != 0 ? f.response.status : 200;
  res.reason = !f.response.reason.empty() ? f.response.reason : std::string(reason_phrase(res.status));
  for (const header& h : f.response.headers)
    if (!iequals(h.name, "Content-Length") && !iequals(h.name, "Transfer-Encoding")) res.headers.push_back(h);
  std::optional<json::value> doc = documented_body(f, upper(req.method), res.status, body);
  std::optional<std::string> text;  // a text body the store decides ($count)
  if (store_)
    if (std::optional<reply> refused = apply_state(req, *on_route, res.status, body, doc, text)) {
      refused->fixture_id = f.id;
      refused->response.headers.push_back({std::string(fixture_header), f.id});
      return std::move(*refused);
    }

  std::vector<fault_kind> active;
  for (const fault& ft : opts_.faults)
    if (glob_match(ft.glob, f.id)) active.push_back(ft.kind);
  const detail::fault_input fin{f, fixtures_.contract_for(f), opts_};
  header_list fault_headers = apply_json_faults(active, fin, doc);
  set_body(res, f, doc);
  if (text) res.body = std::move(*text);
  apply_reply_faults(active, fin, out, fault_headers);
  for (header& h : fault_headers) res.headers.push_back(std::move(h));
  res.headers.push_back({std::string(fixture_header), f.id});
  if (method == "DELETE" && res.status >= 200 && res.status < 300) {
    std::lock_guard lock(tombstone_mutex_);
    const std::string path(detail::url_path(req.target, false));
    if (auto t = tombstones_.find(path); t != tombstones_.end())
      ++t->second;
    else {
      if (tombstones_.size() >= tombstone_limit) tombstones_.clear();  // deletes nobody checked: stale
      tombstones_.emplace(path, 1);
    }
  }
  return out;
}

}  // namespace conform::mock
