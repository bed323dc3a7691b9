#include "run/oauth2.hpp"

#include "run/run.hpp"
#include "transport/client.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <stdexcept>

namespace conform::run {
namespace {

namespace json = boost::json;
using steady = std::chrono::steady_clock;

// A token answer is a few KB (a JWT with its claims); this bounds what a hostile endpoint can make us hold.
constexpr std::size_t max_token_response = 64 * 1024;
// How long a failed fetch stands before the next is tried (before expiry; after a 401).
constexpr auto retry_after_failure = std::chrono::seconds(30);
constexpr auto retry_after_401_failure = std::chrono::seconds(10);

// A value from the endpoint shown in a message: cut, one line, without the secret.
std::string shown(std::string_view text, std::string_view secret) {
  std::string out(text.substr(0, 300));
  if (text.size() > 300) out += "...";
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 32) c = ' ';
  if (!secret.empty())
    for (auto at = out.find(secret); at != std::string::npos; at = out.find(secret, at))
      out.replace(at, secret.size(), "***");
  return out;
}

std::optional<double> seconds_of(const json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  if (v->is_double()) return v->as_double();
  // Some endpoints (Azure AD v1) send it as a string of digits.
  if (v->is_string()) {
    const json::string& s = v->as_string();
    if (s.empty() || s.size() > 12 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    return std::stod(std::string(s));
  }
  return std::nullopt;
}

// A token goes into a header: visible ASCII only (RFC 6750's b64token is narrower still).
bool header_safe(std::string_view token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
    return static_cast<unsigned char>(c) > 32 && static_cast<unsigned char>(c) < 127;
  });
}

}  // namespace

std::string form_encode(std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

token_source::token_source(oauth2_settings settings, const options& network, clock now)
    : settings_(std::move(settings)),
      cacert_(network.cacert),
      insecure_(network.insecure),
      http_proxy_(network.http_proxy),
      https_proxy_(network.https_proxy),
      no_proxy_(network.no_proxy),
      timeout_(network.timeout),
      connect_timeout_(network.connect_timeout),
      retries_(network.retries),
      stop_reason_(network.stop_reason),
      now_(now ? std::move(now) : clock([] { return steady::now(); })) {
  if (!settings_.client_secret.empty()) secrets_.push_back(settings_.client_secret);
}

std::string token_source::fetch() {
  const std::string where = "OAuth2 token request to " + settings_.token_url;
  transport::client_options co;
  co.concurrency = 1;
  co.timeout = timeout_;
  co.connect_timeout = connect_timeout_;
  co.max_body = max_token_response;
  co.verify_tls = !insecure_;
  co.cacert = cacert_;
  co.retries = retries_;
  co.retry_unsafe = true;  // a client credentials grant changes nothing: a second one is just another token
  co.proxy = {http_proxy_, https_proxy_, no_proxy_};
  if (stop_reason_) co.stop_requested = [this] { return !stop_reason_().empty(); };  // SIGINT during a fetch
  std::string body = "grant_type=client_credentials&client_id=" + form_encode(settings_.client_id) +
                     "&client_secret=" + form_encode(settings_.client_secret);
  if (!settings_.scope.empty()) body += "&scope=" + form_encode(settings_.scope);
  transport::outgoing_request req{
      "POST",
      settings_.token_url,
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}},
      std::move(body)};
  const auto started = now_();
  std::optional<transport::exchange_result> got;
  try {
    transport::http_client client(co);
    client.run({req}, [&](std::size_t, transport::exchange_result&& x) { got = std::move(x); });
  } catch (const std::runtime_error& e) {  // an unreadable CA file
    return where + " failed: " + shown(e.what(), settings_.client_secret);
  }
  auto failed = [&](std::string message) {
    failed_ = true;
    failed_at_ = now_();
    return where + " failed: " + shown(message, settings_.client_secret);
  };
  if (!got) return failed("no answer (the run was stopped)");
  if (!got->ok) return failed(std::string(stage_name(got->error)) + ": " + got->error_message);
  const http_response& res = got->response;
  json::error_code ec;
  const json::value doc = json::parse(res.body, ec);
  const json::object* o = !ec ? doc.if_object() : nullptr;
  auto text = [&](std::string_view key) -> std::string {
    const json::value* v = o != nullptr ? o->if_contains(key) : nullptr;
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  if (res.status != 200) {
    // RFC 6749 section 5.2: {"error": "invalid_client", "error_description": "..."}
    std::string oauth_error = text("error");
    if (const std::string d = text("error_description"); !d.empty())
      oauth_error += (oauth_error.empty() ? "" : ": ") + d;
    return failed("the endpoint answered " + std::to_string(res.status) +
                  (oauth_error.empty() ? "" : " (" + oauth_error + ")"));
  }
  if (o == nullptr) return failed("the endpoint answered 200 without a JSON object");
  const std::string token = text("access_token");
  if (token.empty()) return failed("the answer has no \"access_token\"");
  if (!header_safe(token)) return failed("the \"access_token\" holds characters a header cannot carry");
  if (const std::string type = text("token_type"); !type.empty() && !iequals(type, "bearer"))
    return failed("the token type is \"" + type + "\", not Bearer");
  // Only a new token is a secret to remember; the same one again adds nothing.
  if (std::find(secrets_.begin(), secrets_.end(), token) == secrets_.end()) secrets_.push_back(token);
  token_ = token;
  ++fetches_;
  failed_ = false;
  fetched_at_ = now_();
  const std::optional<double> lifetime = seconds_of(o->if_contains("expires_in"));
  expires_ = lifetime && *lifetime > 0;
  if (expires_) {
    // Timed from the request's start: the token's life began no earlier. Renewed when the smaller of 5 min
    // and a tenth of its lifetime is left: an hour's token at 55 min, a minute's at 54 s.
    const auto life = std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(*lifetime));
    const auto margin = std::min<steady::duration>(std::chrono::minutes(5), life / 10);
    renew_at_ = started + life - margin;
  }
  return {};
}

std::string token_source::authorization() {
  const auto now = now_();
  if (expires_ && now >= renew_at_ && !(failed_ && now - failed_at_ < retry_after_failure)) {
    if (std::string problem = fetch(); !problem.empty())
      problems_.push_back(problem + " (renewing before expiry; the current token is kept)");
    else
      ++renewed_;
  }
  return "Bearer " + token_;
}

bool token_source::refresh_after_unauthorized(std::string_view refused) {
  if (!token_.empty() && refused != "Bearer " + token_) return true;  // already renewed: try the new one
  if (failed_ && now_() - failed_at_ < retry_after_401_failure) return false;
  if (std::string problem = fetch(); !problem.empty()) {
    problems_.push_back(problem + " (after a 401)");
    return false;
  }
  ++after_401_;
  return true;
}

std::string token_source::summary() const {
  std::string s = "client credentials from " + settings_.token_url + ": " + std::to_string(fetches_) +
                  (fetches_ == 1 ? " token" : " tokens");
  if (renewed_ > 0 || after_401_ > 0)
    s += " (" + std::to_string(renewed_) + " renewed before expiry, " + std::to_string(after_401_) +
         " after a 401)";
  if (!problems_.empty()) s += "; " + std::to_string(problems_.size()) + " failed fetches";
  return s;
}

}  // namespace conform::run
