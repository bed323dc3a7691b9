// conform::run oauth2 — the OAuth2 client credentials grant (RFC 6749 section 4.4) for runs against real
// services: a token fetched before anything is sent, refreshed before it expires and once after a 401.
//   input : oauth2_settings{token_url="https://login.example/t/oauth2/v2.0/token", client_id="app",
//           client_secret=<from $VAR>, scope="https://graph.microsoft.com/.default"}
//   output: fetch() == ""; authorization() == "Bearer eyJ0..."; secrets() == {secret, every token fetched}
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace conform::run {

struct options;

struct oauth2_settings {
  std::string token_url;
  std::string client_id;
  std::string client_secret;      // the value (never shown anywhere)
  std::string client_secret_env;  // the variable it came from, for messages
  std::string scope;              // optional
};

// Not thread-safe: the run calls it from its own thread (the transport's callbacks run there).
class token_source {
 public:
  using clock = std::function<std::chrono::steady_clock::time_point()>;
  // `network` gives how the token endpoint is reached: TLS trust (--cacert, --insecure), proxies, timeouts,
  // retries. `now` is for tests; steady_clock by default.
  token_source(oauth2_settings settings, const options& network, clock now = {});

  // Fetches a new token now. "" on success; otherwise why not, naming the token URL and the HTTP status or
  // the OAuth error (never the client secret, never a token).
  std::string fetch();
  // "Bearer <token>". A token due for renewal (the smaller of 5 minutes and a tenth of its lifetime left) is
  // renewed first; when that fails the current one is kept (it may still be valid) and the failure is
  // remembered in problems(), and no new attempt is made for 30 s.
  std::string authorization();
  // Called after a 401 to a request sent with `refused` ("Bearer <token>"): fetches a new token unless the
  // current one is already another (a 401 to another request in flight renewed it) or a fetch failed in the
  // last 10 s. Whether the request should be sent again.
  bool refresh_after_unauthorized(std::string_view refused);

  // The client secret and every token fetched so far, in order: what the run's redactor removes.
  const std::vector<std::string>& secrets() const { return secrets_; }
  // Fetches that failed once the run was going (refreshes), as messages.
  const std::vector<std::string>& problems() const { return problems_; }
  int fetches() const { return fetches_; }
  // "client credentials from URL: 3 tokens (2 renewed before expiry, 1 after a 401)"
  std::string summary() const;
  const oauth2_settings& settings() const { return settings_; }

 private:
  oauth2_settings settings_;
  // From the run's options: how the endpoint is reached.
  std::string cacert_;
  bool insecure_ = false;
  std::string http_proxy_, https_proxy_, no_proxy_;
  std::chrono::milliseconds timeout_{30000}, connect_timeout_{10000};
  int retries_ = 0;
  std::function<std::string_view()> stop_reason_;
  clock now_;
  std::string token_;
  std::vector<std::string> secrets_;
  std::vector<std::string> problems_;
  bool expires_ = false;  // the endpoint said when the token expires
  std::chrono::steady_clock::time_point fetched_at_{}, renew_at_{}, failed_at_{};
  bool failed_ = false;
  int fetches_ = 0, renewed_ = 0, after_401_ = 0;
};

// "a b&c" -> "a%20b%26c": application/x-www-form-urlencoded value (RFC 3986 unreserved characters kept).
std::string form_encode(std::string_view value);
// The environment variable curl lines name for the OAuth2 token: -H "Authorization: Bearer $CONFORM_TOKEN".
inline constexpr std::string_view oauth2_token_env = "CONFORM_TOKEN";

}  // namespace conform::run
