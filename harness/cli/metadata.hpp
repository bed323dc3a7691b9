// conform::cli metadata — the --metadata documents (files or URLs) read once at start and applied to the
// fixture set (csdl::apply_metadata), for run, serve and lint alike.
//   input : ["v1.0=graph-v1.0.csdl", "https://host/beta/$metadata"], the run's TLS and auth settings
//   output: set.metadata filled, fixtures resolved; "conform: $metadata graph-v1.0.csdl (v1.0): 2,301 of
//           2,424 fixtures resolved ..." on stderr; disagreements appended as diagnostics
#pragma once

#include "model/fixture.hpp"
#include "transport/client.hpp"

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace conform::cli {

// How a $metadata URL is fetched: the run's TLS and auth settings.
struct metadata_fetch {
  std::string cacert;
  bool insecure = false;
  header_list headers;       // the run's headers (Authorization among them when given so)
  std::string bearer_token;  // sent as Authorization: Bearer <token>
  std::chrono::milliseconds timeout{60000};
  transport::proxy_options proxy;  // the run's proxies
  std::string authorization;       // the run's OAuth2 "Bearer <token>", replacing any other Authorization
};

// Reads and applies each "[VERSION=]PATH_OR_URL" (versioned ones first, so a document for every version
// leaves their fixtures alone), says what each resolved on `err`, and appends the docs-vs-CSDL disagreements
// to `diagnostics`. Throws usage_error for a document that cannot be read, fetched or parsed (nothing is
// sent before). Returns the specs as the run's "metadata" property shows them.
std::vector<std::string> load_metadata(fixture_set& set, const std::vector<std::string>& specs,
                                       const metadata_fetch& fetch, std::ostream& err,
                                       std::vector<diagnostic>& diagnostics);

}  // namespace conform::cli
