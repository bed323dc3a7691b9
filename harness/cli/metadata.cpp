#include "metadata.hpp"

#include "commands.hpp"
#include "csdl/apply.hpp"
#include "csdl/csdl.hpp"
#include "run/run.hpp"
#include "transport/client.hpp"

#include <algorithm>
#include <optional>

namespace conform::cli {
namespace {

// Graph's v1.0 CSDL is 3.4 MB and beta's about three times that: a bound far above both.
constexpr std::size_t max_metadata_bytes = 256 * 1024 * 1024;

std::string fetch_text(const std::string& url, const metadata_fetch& fetch) {
  transport::client_options co;
  co.concurrency = 1;
  co.timeout = fetch.timeout;
  co.max_body = max_metadata_bytes;
  co.verify_tls = !fetch.insecure;
  co.cacert = fetch.cacert;
  co.retries = 2;
  co.proxy = fetch.proxy;
  if (!fetch.authorization.empty()) co.authorization = [&fetch] { return fetch.authorization; };
  transport::outgoing_request req{"GET", url, fetch.headers, ""};
  req.headers.push_back({"Accept", "application/xml"});
  if (!fetch.bearer_token.empty()) req.headers.push_back({"Authorization", "Bearer " + fetch.bearer_token});
  std::optional<transport::exchange_result> got;
  try {
    transport::http_client client(co);
    client.run({req}, [&](std::size_t, transport::exchange_result&& x) { got = std::move(x); });
  } catch (const std::runtime_error& e) {
    throw usage_error(std::string("--metadata ") + url + ": " + e.what());
  }
  if (!got || !got->ok)
    throw usage_error("--metadata " + url + ": cannot fetch: " + (got ? got->error_message : "no answer"));
  if (got->response.status != 200)
    throw usage_error("--metadata " + url + ": the server answered " + std::to_string(got->response.status) +
                      ", not a $metadata document");
  return std::move(got->response.body);
}

std::string thousands(std::size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

}  // namespace

std::vector<std::string> load_metadata(fixture_set& set, const std::vector<std::string>& specs,
                                       const metadata_fetch& fetch, std::ostream& err,
                                       std::vector<diagnostic>& diagnostics) {
  std::vector<run::metadata_spec> parsed;
  for (const std::string& s : specs) {
    run::metadata_spec m = run::parse_metadata_spec(s);
    if (m.location.empty()) throw usage_error("--metadata expects [VERSION=]PATH_OR_URL, got \"" + s + "\"");
    parsed.push_back(std::move(m));
  }
  // Versioned documents first: one for every version then leaves their fixtures alone.
  std::stable_sort(parsed.begin(), parsed.end(),
                   [](const run::metadata_spec& a, const run::metadata_spec& b) {
                     return !a.version.empty() && b.version.empty();
                   });
  std::vector<std::string> shown;
  for (const run::metadata_spec& m : parsed) {
    const std::string text = m.is_url() ? fetch_text(m.location, fetch) : std::string();
    csdl::parse_result pr = m.is_url() ? csdl::parse(text, m.location) : csdl::load(m.location);
    if (!pr.doc)
      throw usage_error("--metadata " + m.location +
                        (pr.error_line ? ":" + std::to_string(pr.error_line) : "") + ": " + pr.error);
    const std::size_t before = diagnostics.size();
    const csdl::apply_summary sum = csdl::apply_metadata(set, *pr.doc, m.version, diagnostics);
    err << "conform: $metadata " << m.location << " (" << (m.version.empty() ? "every version" : m.version)
        << "): " << thousands(sum.resolved) << " of " << thousands(sum.fixtures) << " fixture URLs resolved";
    if (sum.unresolved != 0) err << ", " << thousands(sum.unresolved) << " not (docs-only checks there)";
    if (diagnostics.size() > before)
      err << "; " << thousands(diagnostics.size() - before) << " disagreement(s) with the docs";
    err << '\n';
    shown.push_back(m.version.empty() ? m.location : m.version + "=" + m.location);
  }
  return shown;
}

}  // namespace conform::cli
