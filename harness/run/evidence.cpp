// Evidence of what was sent and what the server said: bounded, redacted excerpts and a curl line that sends
// the same request again.
#include "run/oauth2.hpp"
#include "run/run.hpp"
#include "transport/client.hpp"

#include <cctype>

namespace conform::run {

namespace {

// The first `limit` bytes of `s`, backed off to the start of a UTF-8 character so no character is split.
std::string_view cut_utf8(std::string_view s, std::size_t limit) {
  if (s.size() <= limit) return s;
  while (limit > 0 && (static_cast<unsigned char>(s[limit]) & 0xC0) == 0x80) --limit;
  return s.substr(0, limit);
}

void keep_headers(const header_list& from, const redactor& redact, header_list& to) {
  to.reserve(from.size());
  for (const header& h : from)
    to.push_back({redact(h.name), redact.is_secret_header(h.name) ? "***" : redact(h.value)});
}

// Redacted whole, then cut: a secret straddling the limit is gone before the cut could leave its start.
void keep_body(std::string_view body, const redactor& redact, message_excerpt& e) {
  e.body_bytes = body.size();
  std::string clean = redact(body);
  std::string_view kept = cut_utf8(clean, message_excerpt::body_limit);
  e.truncated = kept.size() < clean.size();
  e.body.assign(kept);
}

bool shell_safe(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
}

// A header name fit to stand inside double quotes as it is.
bool plain_name(std::string_view name) {
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_' && c != '.') return false;
  return !name.empty();
}

bool valid_env_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0) return false;
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') return false;
  return true;
}

}  // namespace

message_excerpt response_excerpt(const http_response& response, const redactor& redact) {
  message_excerpt e;
  e.status = response.status;
  e.reason = redact(response.reason);
  keep_headers(response.headers, redact, e.headers);
  keep_body(response.body, redact, e);
  return e;
}

message_excerpt request_excerpt(std::string_view method, std::string_view url, const header_list& headers,
                                std::string_view body, const redactor& redact) {
  message_excerpt e;
  e.method = std::string(method);
  e.url = redact(url);
  keep_headers(headers, redact, e.headers);
  keep_body(body, redact, e);
  return e;
}

std::string shell_quote(std::string_view s) {
  bool safe = !s.empty();
  for (char c : s) safe = safe && shell_safe(c);
  if (safe) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string secret_env_name(std::string_view header_name) {
  std::string out = "CONFORM_SECRET_";
  for (char c : header_name)
    out += std::isalnum(static_cast<unsigned char>(c)) != 0
               ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
               : '_';
  return out;
}

std::string curl_command(std::string_view method, std::string_view url, const header_list& headers,
                         std::string_view body, const options& opts, const redactor& redact) {
  std::string out = "curl -i";
  if (method == "HEAD")
    out += " --head";
  else if (method != "GET" || !body.empty())
    out += " -X " + shell_quote(method);
  if (opts.insecure) out += " --insecure";
  if (!opts.cacert.empty()) out += " --cacert " + shell_quote(opts.cacert);
  // The run's proxy for this URL, its credentials as a variable reference like every secret.
  if (const std::string proxy = transport::proxy_for({opts.http_proxy, opts.https_proxy, opts.no_proxy}, url);
      !proxy.empty()) {
    const std::string shown = transport::proxy_display(proxy);
    out += " --proxy " + shell_quote(shown);
    if (shown != proxy) out += " --proxy-user \"$CONFORM_PROXY_USER\"";
  }
  out += " " + shell_quote(redact(url));
  // With OAuth2 the transport sends the current token in place of any Authorization the request has.
  if (opts.oauth2) out += " -H \"Authorization: Bearer $" + std::string(oauth2_token_env) + "\"";
  for (const header& h : headers) {
    if (opts.oauth2 && iequals(h.name, "Authorization")) continue;
    if (!redact.is_secret_header(h.name)) {
      out += " -H " + shell_quote(redact(h.name + ": " + h.value));
      continue;
    }
    // The value is never written: the shell expands the variable holding it.
    std::string prefix, variable;
    if (iequals(h.name, "Authorization") && !opts.bearer_token.empty() &&
        h.value == "Bearer " + opts.bearer_token && !opts.bearer_env.empty()) {
      prefix = "Bearer ";
      variable = opts.bearer_env;
    } else {
      variable = secret_env_name(h.name);
    }
    std::string reference = valid_env_name(variable) ? "$" + variable : "${" + variable + "}";
    if (plain_name(h.name))
      out += " -H \"" + h.name + ": " + prefix + reference + "\"";
    else
      out += " -H " + shell_quote(h.name + ": " + prefix) + "\"" + reference + "\"";
  }
  if (!body.empty()) out += " --data-raw " + shell_quote(redact(body));
  return out;
}

}  // namespace conform::run
