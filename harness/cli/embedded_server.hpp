// The reference server over the fixtures being replayed, on a loopback port for as long as a run lasts: what
// `conform run` replays against when no --target is given. cli wires it; run only ever sees a base URL.
//   input : fixture_set{seeds}, mock::options{}
//   output: base_url() == "http://127.0.0.1:40123"
#pragma once

#include "mock/reference_server.hpp"
#include "model/fixture.hpp"
#include "transport/server.hpp"

#include <memory>
#include <string>

namespace conform::cli {

class embedded_server {
 public:
  // Throws std::runtime_error when the server cannot start.
  embedded_server(const fixture_set& set, const mock::options& opts);
  ~embedded_server();
  embedded_server(const embedded_server&) = delete;
  embedded_server& operator=(const embedded_server&) = delete;

  std::string base_url() const;

 private:
  mock::reference_server reference_;
  std::unique_ptr<transport::http_server> server_;
};

}  // namespace conform::cli
