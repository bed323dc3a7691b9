// `--metadata` through the built binary: files, URLs fetched with the run's auth (from a real Beast server in
// this process), suites, and the errors a user makes (missing file, not CSDL, a server that refuses).
#include "conform_process.hpp"
#include "transport/server.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace conform::test;

const std::string excerpt = source_dir + "/harness/csdl/test/data/graph-excerpt.csdl";

// A docs tree with one device page and one example, the property spelled as the docs do.
fs::path device_docs() {
  const fs::path d = fresh_dir("conform-metadata-cli");
  fs::create_directories(d / "resources");
  fs::create_directories(d / "api");
  std::ofstream(d / "resources" / "device.md") << R"(# device resource type

## Properties

| Property | Type | Description |
|:--|:--|:--|
| displayName | String | The display name. |
| Manufacturer | String | Manufacturer of the device. |
)";
  std::ofstream(d / "api" / "device-get.md") << R"(# Get device

### Request
<!-- { "blockType": "request", "name": "get_device" } -->
```http
GET https://graph.microsoft.com/v1.0/devices/000-111
```

### Response
<!-- { "blockType": "response", "truncated": true, "@odata.type": "microsoft.graph.device" } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{
  "id": "000-111",
  "displayName": "Laptop",
  "Manufacturer": "Contoso"
}
```
)";
  return d;
}

// $metadata over HTTP, remembering what the client sent.
class metadata_server {
 public:
  explicit metadata_server(int status = 200) : status_(status) {
    body_ = read_file(excerpt);
    conform::transport::server_options so;
    so.host = "127.0.0.1";
    server_ = std::make_unique<conform::transport::http_server>(so, [this](const conform::http_request& req) {
      std::lock_guard lock(m_);
      for (const auto& h : req.headers)
        if (h.name == "Authorization" || h.name == "authorization") authorization_ = h.value;
      targets_ += req.target + "\n";
      conform::http_response r;
      r.status = status_;
      r.headers = {{"Content-Type", "application/xml"}};
      r.body = status_ == 200 ? body_ : "<html>no</html>";
      return conform::transport::server_reply{std::move(r), false, {}};
    });
    std::error_code ec;
    server_->start(ec);
    EXPECT_FALSE(ec) << ec.message();
  }
  ~metadata_server() { server_->stop(); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1.0/$metadata";
  }
  std::string authorization() {
    std::lock_guard lock(m_);
    return authorization_;
  }
  std::string targets() {
    std::lock_guard lock(m_);
    return targets_;
  }

 private:
  int status_;
  std::string body_;
  std::mutex m_;
  std::string authorization_, targets_;
  std::unique_ptr<conform::transport::http_server> server_;
};

TEST(CliMetadata, LintSaysWhereTheDocsDisagreeWithTheCsdl) {
  const fs::path d = device_docs();
  command_result r = run_conform("lint " + shell_word(d.string()) + " --metadata " + shell_word(excerpt));
  EXPECT_EQ(r.exit_code, 0) << r.output;  // disagreements are warnings
  EXPECT_NE(r.output.find((d / "resources" / "device.md").string() + ":8: warning: csdl-name-case"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("1 of 1 fixture URLs resolved"), std::string::npos) << r.output;
  // Without --metadata, no csdl-* diagnostic.
  EXPECT_EQ(run_conform("lint " + shell_word(d.string())).output.find("csdl-"), std::string::npos);
  fs::remove_all(d);
}

TEST(CliMetadata, RunFetchesAUrlWithTheRunsTokenAndNamesItInTheReport) {
  const fs::path d = device_docs();
  metadata_server server;
  const fs::path json = d / "report.json";
  command_result r =
      run_conform("run " + shell_word(d.string()) + " --metadata " + shell_word("v1.0=" + server.url()) +
                      " --bearer-env CONFORM_TEST_TOKEN --json " + shell_word(json.string()),
                  "CONFORM_TEST_TOKEN=s3cr3t-token");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(server.authorization(), "Bearer s3cr3t-token");
  EXPECT_EQ(server.targets(), "/v1.0/$metadata\n");  // fetched once
  const std::string report = read_file(json);
  EXPECT_NE(report.find("\"name\":\"metadata\""), std::string::npos) << report;
  EXPECT_NE(report.find(R"(\"manufacturer\")"), std::string::npos) << report;  // the case's note
  EXPECT_EQ(report.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(r.output.find("s3cr3t"), std::string::npos);
  fs::remove_all(d);
}

TEST(CliMetadata, SuiteMetadataIsReadRelativeToTheSuite) {
  const fs::path d = device_docs();
  fs::copy_file(excerpt, d / "graph.csdl");
  std::ofstream(d / "suite.json") << R"({ "paths": ["api", "resources"], "metadata": "graph.csdl" })";
  command_result r = run_conform("run --suite " + shell_word((d / "suite.json").string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("$metadata " + (d / "graph.csdl").string()), std::string::npos) << r.output;
  fs::remove_all(d);
}

TEST(CliMetadata, DocumentsThatCannotBeReadStopTheRunBeforeAnythingIsSent) {
  const fs::path d = device_docs();
  command_result missing =
      run_conform("run " + shell_word(d.string()) + " --metadata " + shell_word((d / "nope.csdl").string()));
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
  EXPECT_NE(missing.output.find("nope.csdl"), std::string::npos) << missing.output;

  std::ofstream(d / "page.html") << "<html><body>not metadata</body></html>";
  command_result html =
      run_conform("lint " + shell_word(d.string()) + " --metadata " + shell_word((d / "page.html").string()));
  EXPECT_EQ(html.exit_code, 2) << html.output;
  EXPECT_NE(html.output.find("not a CSDL document"), std::string::npos) << html.output;

  metadata_server refusing(401);
  command_result refused =
      run_conform("run " + shell_word(d.string()) + " --metadata " + shell_word(refusing.url()));
  EXPECT_EQ(refused.exit_code, 3) << refused.output;
  EXPECT_NE(refused.output.find("answered 401"), std::string::npos) << refused.output;
  fs::remove_all(d);
}

TEST(CliMetadata, OdataTypeModesAreFlagsAndOdataIsTheDefault) {
  const fs::path d = device_docs();
  const fs::path json = d / "r.json";
  EXPECT_EQ(run_conform("run " + shell_word(d.string()) + " --json " + shell_word(json.string())).exit_code,
            0);
  const std::string report = read_file(json);
  EXPECT_NE(report.find(R"({"name":"odata-type","value":"odata"})"), std::string::npos) << report;
  EXPECT_EQ(run_conform("run " + shell_word(d.string()) + " --odata-type bogus").exit_code, 3);
  fs::remove_all(d);
}

}  // namespace
