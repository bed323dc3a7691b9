// conform::run — replays fixtures over transport, checks the answers, returns results as data.
//   input : fixture{POST https://graph.microsoft.com/beta/communications/calls/{callId}/operations},
//           target="http://127.0.0.1:PORT", variables={callId=57dab8b1-...}
//   output: run_result{cases=[case_result{outcome=passed, url="http://127.0.0.1:PORT/beta/.../operations"}]}
#pragma once

#include "check/check.hpp"
#include "model/exchange.hpp"
#include "model/fixture.hpp"
#include "model/result.hpp"
#include "run/plan.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conform::run {

class token_source;  // run/oauth2.hpp

// Per-fixture adjustments a suite makes when a server legitimately differs from the docs.
struct fixture_override {
  std::optional<int> status;        // expected status instead of the documented one
  std::optional<std::string> skip;  // skip the fixture, with this reason
};

// Settings for the fixtures a suite scope matches (suite "scopes"): `{id}` can mean a group on group pages
// and a device on device pages, a header can go with PATCH only. Later scopes win over earlier ones, and a
// scope's variables over the run's.
struct scope {
  std::vector<std::string> match;    // fixture-id globs (any)
  std::vector<std::string> methods;  // only requests with one of these methods; empty = any
  std::map<std::string, std::string, std::less<>> variables;
  header_list headers;
  std::optional<int> status;
  std::optional<std::string> skip;
};
// Whether a scope applies to this fixture.
bool scope_matches(const scope& s, const fixture& f);

struct options {
  std::string target;  // base URL replacing the documented scheme+host (required)
  std::string
      target_name;  // how reports name the target when it is not the URL ("embedded reference server")
  std::map<std::string, std::string, std::less<>> variables;  // placeholder name -> value
  header_list headers;                      // added to every request, replacing documented ones of that name
  std::vector<std::string> secret_headers;  // header names whose values are redacted (beyond the defaults)
  std::string bearer_token;                 // sent as Authorization: Bearer <token>; never reported
  std::string bearer_env;  // the environment variable the token came from: curl lines say "$<bearer_env>"
  // Keep request and response excerpts of every case for the progress callback (-v), not only the response
  // of failed and errored cases; the run drops them again once the callback has seen a case that passed.
  bool keep_exchanges = false;
  std::size_t concurrency = 8;
  std::string concurrency_note;  // why it is lower than asked ("lowered from 1024 to fit ..."), if it is
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds connect_timeout{10000};
  std::size_t max_body = 16 * 1024 * 1024;
  int retries = 0;
  // Run a failed or errored case again up to this many times (whatever its method: a rerun is the case
  // again); passing on a rerun makes it passed and flaky. Cases that could not be sent (placeholders) are
  // not.
  int rerun_failures = 0;
  // Resend requests other than GET/HEAD/OPTIONS/TRACE even when the server may have received them.
  bool retry_unsafe = false;
  double rate = 0;  // requests started per second across the run; 0 = unlimited
  std::string cacert;
  bool insecure = false;  // no TLS verification; the run properties say so
  check::odata_type_mode odata_type = check::odata_type_mode::odata;
  // $metadata documents the fixture set was given ("v1.0=graph.csdl", "https://host/v1.0/$metadata"), for the
  // run's properties; applying them is csdl::apply_metadata's (the set's contracts), done before the run.
  std::vector<std::string> metadata;
  bool strict_enums = false;
  bool strict_properties = false;
  std::vector<std::string> include;  // globs on fixture ids; empty = all
  std::vector<std::string> exclude;
  // --shard K/N: only fixtures whose id hashes to shard K of N (1-based; shard_count 1 = all), so N CI jobs
  // split the fixtures between them, each fixture in exactly one, the same one in every run.
  std::size_t shard_index = 1, shard_count = 1;
  std::map<std::string, fixture_override, std::less<>> overrides;  // by fixture id
  // Known failures: a failed or errored case whose every failed check (or whose error) a live waiver covers
  // is waived. Expired waivers are not applied and are said (run property waivers.expired, a warning); so
  // are waivers that covered nothing (waivers.unused).
  std::vector<waiver> waivers;
  std::string today;               // "YYYY-MM-DD" the waivers are judged on; "" = today (UTC)
  bool fill_placeholders = false;  // unbound placeholders get generated values instead of an error
  std::vector<scope> scopes;
  std::vector<capture_rule> captures;  // explicit captures, beyond what the plan infers
  bool read_only = false;              // only GET and HEAD are sent; the rest are skipped with that reason
  std::vector<std::string> methods;    // only these methods are sent (upper case); empty = all
  bool keep_created =
      false;  // resources the run created and did not delete are kept (else deleted at the end)
  // Cancellation (cli wires SIGINT/SIGTERM to it): asked while the run goes on; once it names a reason
  // ("SIGTERM"), no new request is sent, exchanges in flight get stop_grace to finish, every case still
  // without a verdict is skipped "not run: interrupted by <reason>" (so totals stay honest), and the run
  // property `interrupted` says "<reason> after N of M cases".
  std::function<std::string_view()> stop_reason;
  std::chrono::milliseconds stop_grace{2000};
  // OAuth2 client credentials (run/oauth2.hpp), fetched before the run: the transport asks it for the
  // Authorization value per attempt and for a new token after a 401; every token it fetches is redacted.
  std::shared_ptr<token_source> oauth2;
  // Proxies (--proxy, HTTPS_PROXY/HTTP_PROXY/NO_PROXY): "http://[user:password@]host[:port]" per target
  // scheme, "" = direct; no_proxy as curl reads NO_PROXY. Their credentials are redacted.
  std::string http_proxy, https_proxy, no_proxy;
  // The version relative documented URLs take when their fixture names none (extraction gives every fixture
  // its page's: folder, absolute URLs, then this default). --default-version, suite "default_version".
  std::string default_version = "v1.0";
  // Documented hosts other than the API's mapped to base URLs (suite "hosts": {"uploads.example.com":
  // "https://where"}); a fixture on another host that is not mapped is skipped (foreign_host_skip).
  std::map<std::string, std::string, std::less<>> hosts;
};

// One request ready to send, or the reason it cannot be.
struct prepared_request {
  std::string method;
  std::string url;  // absolute, percent-encoded
  header_list headers;
  std::string body;
  std::vector<std::string> substitutions;  // "what: old -> new" for every value replaced
  std::string error;                       // non-empty: unbound placeholder, nothing may be sent
  std::vector<std::string> unbound;        // the unbound placeholders, as documented ("{id}")
};

// "https://graph.microsoft.com/v1.0/users/x" + "http://h:1/graph" -> "http://h:1/graph/v1.0/users/x";
// a relative "/users/x" gets "/" + version first. The result is not yet percent-encoded.
std::string rewrite_url(std::string_view documented, std::string_view base, std::string_view version);
// Percent-encodes what RFC 3986 forbids in a URL (spaces, quotes, braces, '#', non-ASCII, stray '%') and
// keeps everything else, so documented OData queries reach the server as written.
std::string encode_url(std::string_view url);

// A placeholder found in documented text: "{usersId}", "{id | userPrincipalName}", "<timestamp>".
struct placeholder {
  std::size_t pos = 0;
  std::size_t size = 0;
  std::string text;                // as written, braces included
  std::vector<std::string> names;  // candidate variable names: {"id", "userPrincipalName"}
};
std::vector<placeholder> find_placeholders(std::string_view text);
// A GUID-shaped value derived from `seed` (stable across runs, so a filled run is reproducible).
std::string generated_value(std::string_view seed);

// Binds placeholders in `text` from variables; unbound ones are generated when fill is set, else listed in
// `unbound`. `where` names the text in substitution records ("url", "header If-Match").
std::string bind_placeholders(std::string_view text, const options& opts, std::string_view where,
                              std::string_view fixture_id, std::vector<std::string>& substitutions,
                              std::vector<std::string>& unbound);

// Documented placeholder values in a JSON request body ("String" where an enum, a timestamp, a number or a
// boolean belongs) become valid values; each replacement is recorded as "/pointer: old -> new".
void substitute_body(boost::json::value& body, const fixture& f, const fixture_set& set,
                     std::vector<std::string>& substitutions);

// Documented API hosts: graph.microsoft.com and its national clouds (graph.microsoft.us,
// dod-graph.microsoft.us, microsoftgraph.chinacloudapi.cn), any case, any port.
bool is_api_host(std::string_view host);
// The host[:port] a documented URL names, lower-cased ("https://Bot.Contoso.com/api" -> "bot.contoso.com",
// "graph.microsoft.com/v1.0/me" -> "graph.microsoft.com"); "" for a relative URL.
std::string documented_host(std::string_view url);
// The base URL suite "hosts" maps a documented URL's host to (host:port first, then the host alone), or "".
std::string mapped_host_base(std::string_view url, const options& opts);
// Why a fixture is not sent: its documented URL is on a host that is not the API's (an upload URL, a
// partner's callback, a typo such as https://graph/microsoft.com) and suite "hosts" does not map it, so
// --target would be the wrong server. "" when it can be sent.
std::string foreign_host_skip(const fixture& f, const options& opts);
// "v1.0", "beta", "v2": what --default-version accepts (letters, digits, '.', '-', '_'; 1-32 of them).
bool valid_version(std::string_view v);

// The whole request for one fixture against `base` (an absolute base URL); a documented URL on a host
// suite "hosts" maps goes to that base instead. Relative URLs of a fixture without a version take
// opts.default_version.
prepared_request prepare_request(const fixture& f, const fixture_set& set, const options& opts,
                                 std::string_view base);

// Replaces every secret (bearer token, Authorization/Cookie/api-key values, secret headers) with "***".
class redactor {
 public:
  explicit redactor(const options& opts);
  void add_secret(std::string value);
  std::string operator()(std::string_view text) const;
  void apply(case_result& c) const;
  // Whether a header of this name carries a secret.
  bool is_secret_header(std::string_view name) const;

 private:
  // Tokens fetched during the run join the secrets as they come (every string goes through sync()).
  void sync() const;
  mutable std::vector<std::string> secrets_;  // longest first, so a token inside "Bearer <token>" goes too
  std::vector<std::string> secret_headers_;
  const token_source* tokens_ = nullptr;
  mutable std::size_t tokens_seen_ = 0;
};

// Evidence of an exchange (see case_result::response). Secret header values become "***" and every other
// string goes through the redactor before the body is cut to message_excerpt::body_limit bytes.
message_excerpt response_excerpt(const http_response& response, const redactor& redact);
message_excerpt request_excerpt(std::string_view method, std::string_view url, const header_list& headers,
                                std::string_view body, const redactor& redact);
// `s` as one POSIX shell word: as it is when it holds only safe characters, else in single quotes.
std::string shell_quote(std::string_view s);
// A curl command sending the same request: `curl -i -X POST 'URL' -H 'Name: value' --data-raw 'body'`.
// Secret headers become environment variable references (in double quotes so the shell expands them): the
// bearer token as "Authorization: Bearer $<opts.bearer_env>", any other as "$CONFORM_SECRET_<NAME>" (the
// header name upper-cased, other characters than letters and digits as '_'); everything else is redacted.
std::string curl_command(std::string_view method, std::string_view url, const header_list& headers,
                         std::string_view body, const options& opts, const redactor& redact);
// "Ocp-Apim-Subscription-Key" -> "CONFORM_SECRET_OCP_APIM_SUBSCRIPTION_KEY"
std::string secret_env_name(std::string_view header_name);

// Whether a waiver applies on `today` ("YYYY-MM-DD"): it has no end, or it ends today or later.
bool waiver_live(const waiver& w, std::string_view today);
// "YYYY-MM-DD" with a real month and day.
bool valid_date(std::string_view date);
// "*commsoperation* [enum] until 2026-12-31: server bug 123"
std::string describe(const waiver& w);

// The shard (1..count) a fixture id falls in: FNV-1a (64 bit) of the id's bytes modulo count, plus one.
// Stable across runs, machines and conform versions that keep this function.
std::size_t shard_of(std::string_view fixture_id, std::size_t count);
// "K/N" -> {K, N} with 1 <= K <= N <= 65536; std::invalid_argument naming what is wrong otherwise.
std::pair<std::size_t, std::size_t> parse_shard(std::string_view spec);

// Whether the include/exclude globs (and the shard) keep this fixture id in the run.
bool selected(std::string_view fixture_id, const options& opts);

// What a run will do, decided before anything is sent (`conform run --plan` prints it): the fixtures to send,
// ordered and chained, and those that will not be sent, each with its reason.
struct run_plan {
  std::vector<std::size_t> chosen;  // fixtures the filters select (indexes into set.fixtures, in order)
  plan steps;                       // the ones to send
  std::vector<std::pair<std::size_t, std::string>> skipped;  // fixture index, why it is not sent
  std::vector<std::string> warnings;  // suite scopes and overrides that match no fixture
};
run_plan plan_run(const fixture_set& set, const options& opts);
// The plan for people: the steps in order with where each key's value comes from, then what is skipped.
std::string plan_text(const fixture_set& set, const run_plan& p);
// The same as JSON: {"steps": [{"step", "fixture", "method", "url", "role", "group", "after", "bindings"}],
// "skipped": [{"fixture", "reason"}], "writes": {"POST": n, ...}, "warnings": [...]}.
std::string plan_json(const fixture_set& set, const run_plan& p);
// How many requests of each method other than GET/HEAD/OPTIONS the plan will send.
std::map<std::string, std::size_t> plan_writes(const fixture_set& set, const run_plan& p);

using progress_fn = std::function<void(const case_result&, std::size_t done, std::size_t total)>;

// Replays every selected fixture and checks the answers. Cases come back in fixture order; progress is called
// once per case as it completes (from the calling thread). Throws std::runtime_error for configuration
// mistakes only (no target, unreadable cacert).
run_result run_fixtures(const fixture_set& set, const options& opts, const progress_fn& progress = {});

// The allowed range of a numeric setting, the same whether a suite or the command line gives it: a suite's
// "connect_timeout": 9223372036854775807 overflowed every deadline, "retries" had no bound.
struct setting_range {
  std::string_view name;  // as a suite spells it ("connect_timeout"); the flag is "--connect-timeout"
  long long min, max;
  std::string_view unit;  // "ms", or "" for a count
};
inline constexpr setting_range concurrency_range{"concurrency", 1, 1024, ""};
inline constexpr setting_range timeout_range{"timeout", 1, 86'400'000, "ms"};  // a day
inline constexpr setting_range connect_timeout_range{"connect_timeout", 1, 86'400'000, "ms"};
inline constexpr setting_range retries_range{"retries", 0, 20, ""};
inline constexpr setting_range rerun_failures_range{"rerun_failures", 0, 20, ""};
// "--connect-timeout must be between 1 and 86400000 ms, got 0": `as` names the setting where it was given.
std::string out_of_range_message(const setting_range& r, std::string_view as, long long got);

// Throws std::invalid_argument (out_of_range_message, named as its flag) when a numeric setting is outside
// its range. Suites are checked as they are read (parse_suite), so a failure here is a flag's; call it once
// the command line and the suite are merged, before anything is sent.
void validate(const options& o);

// A suite file: JSON with comments and trailing commas, the same settings as the command line. Every field is
// optional so the command line can tell what the suite set.
struct suite {
  std::optional<std::string> target;
  std::map<std::string, std::string, std::less<>> variables;
  header_list headers;
  std::vector<std::string> secret_headers;
  std::vector<std::string> paths;  // resolved against the suite file's directory
  std::vector<std::string> include, exclude;
  std::map<std::string, fixture_override, std::less<>> overrides;
  std::optional<std::string> bearer_env;
  std::optional<std::size_t> concurrency, max_body;
  std::optional<long long> timeout_ms, connect_timeout_ms;
  std::optional<int> retries;
  std::optional<int> rerun_failures;
  std::optional<bool> retry_unsafe;
  std::optional<double> rate;
  std::optional<std::string> cacert;
  std::optional<bool> insecure, strict_enums, strict_properties, fill_placeholders;
  std::optional<check::odata_type_mode> odata_type;
  std::optional<std::string> junit, json;  // report paths, resolved against the suite file's directory
  // "metadata": "[VERSION=]PATH_OR_URL" or a list of them; a relative path is resolved against the suite
  // file's directory.
  std::vector<std::string> metadata;
  // "waivers": [{"fixture": "glob", "check": "enum", "reason": "...", "until": "YYYY-MM-DD"}]
  std::vector<waiver> waivers;
  std::vector<scope> scopes;
  std::vector<capture_rule> captures;
  std::optional<bool> read_only, keep_created;
  std::vector<std::string> methods;
  // OAuth2 client credentials ("client_secret_env" names the variable holding the secret) and a proxy.
  std::optional<std::string> oauth2_token_url, client_id, client_secret_env, oauth2_scope;
  std::optional<std::string> proxy;
  std::optional<std::string> default_version;             // "default_version": "beta"
  std::map<std::string, std::string, std::less<>> hosts;  // "hosts": {"host[:port]": "https://base"}
};
// Throws std::invalid_argument with a one-line reason (file, what is wrong) for unreadable or invalid suites.
suite parse_suite(std::string_view text, const std::filesystem::path& base_dir,
                  std::string_view name = "suite");
suite load_suite(const std::filesystem::path& file);

// "odata" / "required" / "if-present" -> mode; nullopt otherwise.
std::optional<check::odata_type_mode> parse_odata_type_mode(std::string_view s);
std::string_view to_string(check::odata_type_mode m);

// "[VERSION=]PATH_OR_URL": "v1.0=graph.csdl" -> {"v1.0", "graph.csdl"}; "https://h/v1.0/$metadata" -> {"",
// it}. A '=' ends the version only when what precedes it has no '/', '\\', ':' or '?' (a path or URL may hold
// '=').
struct metadata_spec {
  std::string version;   // "" = every version
  std::string location;  // a file path or an http(s) URL
  bool is_url() const;
};
metadata_spec parse_metadata_spec(std::string_view spec);

}  // namespace conform::run
