// $metadata as a second contract, end to end: Graph-style pages extracted, the real Graph CSDL (an excerpt
// copied verbatim, harness/csdl/test/data) applied, and a run against a scripted OData server on loopback
// that answers as OData allows (minimal metadata: no @odata.type for the declared type, navigation properties
// only under $expand, names as the CSDL spells them), then deviates one way at a time.
#include "csdl/apply.hpp"
#include "csdl/csdl.hpp"
#include "extract/extract.hpp"
#include "run/run.hpp"
#include "transport/server.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace conform::run {
namespace {

const std::map<std::string, std::string> pages = {
    {"resources/device.md", R"(# device resource type

## Properties

| Property | Type | Description |
|:--|:--|:--|
| accountEnabled | Boolean | `true` if the account is enabled. |
| deviceVersion | Int32 | For internal use only. |
| displayName | String | The display name. |
| id | String | The unique identifier. |
| Manufacturer | String | Manufacturer of the device. |
| model | String | Model of the device. |
)"},
    {"resources/group.md", R"(# group resource type

## Properties

| Property | Type | Description |
|:--|:--|:--|
| accessType | String | Possible values are: `none`, `private`, `secret`, `public`. |
| displayName | String | The display name. |
| id | String | The unique identifier. |
| licenseProcessingState | String | Whether licenses are assigned. |
)"},
    {"api/device-get.md", R"(# Get device

## Example 1

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
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#devices/$entity",
  "@odata.type": "#microsoft.graph.device",
  "id": "000-111",
  "accountEnabled": true,
  "displayName": "Laptop",
  "Manufacturer": "Contoso",
  "model": "X1",
  "deviceVersion": 2,
  "registeredOwners": [{"id": "u1"}]
}
```

## Example 2

### Request
<!-- { "blockType": "request", "name": "get_device_expand" } -->
```http
GET https://graph.microsoft.com/v1.0/devices/000-111?$expand=registeredOwners
```

### Response
<!-- { "blockType": "response", "truncated": true, "@odata.type": "microsoft.graph.device" } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{
  "id": "000-111",
  "displayName": "Laptop",
  "registeredOwners": [{"@odata.type": "#microsoft.graph.user", "id": "u1"}]
}
```
)"},
    {"api/group-list.md", R"(# List groups

### Request
<!-- { "blockType": "request", "name": "list_groups" } -->
```http
GET https://graph.microsoft.com/v1.0/groups
```

### Response
<!-- { "blockType": "response", "truncated": true, "@odata.type": "microsoft.graph.group", "isCollection": true } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{
  "value": [
    {"id": "g1", "displayName": "Sales", "accessType": "public", "licenseProcessingState": {"state": "Success"}}
  ]
}
```
)"},
    {"api/user-list-memberof.md", R"(# List a user's memberships

### Request
<!-- { "blockType": "request", "name": "user_memberof" } -->
```http
GET https://graph.microsoft.com/v1.0/users/u1/memberOf
```

### Response
<!-- { "blockType": "response", "truncated": true, "@odata.type": "microsoft.graph.directoryObject", "isCollection": true } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{
  "value": [
    {"@odata.type": "#microsoft.graph.group", "id": "g1", "displayName": "Sales"},
    {"@odata.type": "#microsoft.graph.user", "id": "u1", "displayName": "Ann"}
  ]
}
```
)"},
    {"api/deviceconfiguration-get.md", R"(# Get windows10GeneralConfiguration

### Request
<!-- { "blockType": "request", "name": "get_configuration" } -->
```http
GET https://graph.microsoft.com/v1.0/deviceManagement/deviceConfigurations/c1
```

### Response
<!-- { "blockType": "response", "truncated": true, "@odata.type": "microsoft.graph.windows10GeneralConfiguration" } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{
  "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
  "id": "c1",
  "displayName": "Baseline"
}
```
)"},
};

fixture_set extracted() {
  fixture_set set;
  for (const auto& [file, text] : pages) extract::extract_text(file, text, set);
  extract::link(set);
  return set;
}

const csdl::document& graph_excerpt() {
  static const csdl::parse_result r =
      csdl::load(std::filesystem::path(CONFORM_SOURCE_DIR) / "harness/csdl/test/data/graph-excerpt.csdl");
  EXPECT_TRUE(r.doc) << r.error;
  return *r.doc;
}

fixture_set with_metadata(std::vector<diagnostic>* said = nullptr) {
  fixture_set set = extracted();
  std::vector<diagnostic> out;
  csdl::apply_metadata(set, graph_excerpt(), "", out);
  if (said != nullptr) *said = out;
  return set;
}

// What a conformant OData service answers (minimal metadata), and the deviation of the moment on top.
struct odata_service {
  std::mutex m;
  std::string deviation;  // "" = conformant

  http_response answer(const http_request& req) {
    std::string d;
    {
      std::lock_guard lock(m);
      d = deviation;
    }
    http_response r;
    r.status = 200;
    r.headers = {{"Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true"}};
    const std::string& t = req.target;
    if (t == "/v1.0/devices/000-111") {
      if (d == "status") r.status = 404;
      r.body = std::string(R"({"@odata.context":"https://h/v1.0/$metadata#devices/$entity",)") +
               (d == "wrong-odata-type" ? R"("@odata.type":"#microsoft.graph.user",)" : "") +
               R"("id":"000-111",)" + (d == "missing-property" ? "" : R"("displayName":"Laptop",)") +
               R"("accountEnabled":true,"manufacturer":"Contoso","model":"X1","deviceVersion":)" +
               (d == "wrong-type" ? R"("two")" : "2") + "}";
    } else if (t.starts_with("/v1.0/devices/000-111?")) {
      r.body = std::string(R"({"id":"000-111","displayName":"Laptop")") +
               (d == "expand-missing"
                    ? ""
                    : R"(,"registeredOwners":[{"@odata.type":"#microsoft.graph.user","id":"u1"}])") +
               "}";
    } else if (t == "/v1.0/groups") {
      r.body = std::string(R"({"value":[{"id":"g1","displayName":"Sales","accessType":)") +
               (d == "wrong-enum" ? R"("everyone")" : R"("public")") +
               R"(,"licenseProcessingState":{"state":"Success"}}]})";
    } else if (t == "/v1.0/users/u1/memberOf") {
      // The alias and no '#' are legal spellings of a type name.
      const std::string second = d == "unrelated-odata-type"
                                     ? R"("@odata.type":"#microsoft.graph.deviceConfiguration",)"
                                 : d == "missing-derived-odata-type" ? ""
                                                                     : R"("@odata.type":"graph.device",)";
      r.body = R"({"value":[{"@odata.type":"#microsoft.graph.group","id":"g1","displayName":"Sales"},{)" +
               second + R"("id":"d1","displayName":"Laptop"}]})";
    } else if (t == "/v1.0/deviceManagement/deviceConfigurations/c1") {
      r.body = std::string("{") +
               (d == "abstract-without-odata-type"
                    ? ""
                    : R"("@odata.type":"#microsoft.graph.windows10GeneralConfiguration",)") +
               R"("id":"c1","displayName":"Baseline"})";
    } else {
      r.status = 404;
      r.body = R"({"error":{"code":"NotFound","message":"no such resource"}})";
    }
    return r;
  }
};

class MetadataRun : public ::testing::Test {
 protected:
  void SetUp() override {
    transport::server_options so;
    so.host = "127.0.0.1";
    server_ = std::make_unique<transport::http_server>(so, [this](const http_request& req) {
      return transport::server_reply{service_.answer(req), false, {}};
    });
    std::error_code ec;
    server_->start(ec);
    ASSERT_FALSE(ec) << ec.message();
  }
  void TearDown() override { server_->stop(); }

  run_result run(const fixture_set& set, std::string deviation = "") {
    {
      std::lock_guard lock(service_.m);
      service_.deviation = std::move(deviation);
    }
    options o;
    o.target = "http://127.0.0.1:" + std::to_string(server_->port());
    o.concurrency = 2;
    return run_fixtures(set, o);
  }

  odata_service service_;
  std::unique_ptr<transport::http_server> server_;
};

std::string failures_of(const case_result& c) {
  std::string s;
  for (const check_result& k : c.checks)
    if (k.outcome == check_outcome::failed)
      s += std::string(to_string(k.check)) + " " + k.pointer + ": " + k.message + "\n";
  return s;
}

const case_result& case_of(const run_result& r, std::string_view id) {
  for (const case_result& c : r.cases)
    if (c.fixture_id.find(id) != std::string::npos) return c;
  static const case_result none;
  ADD_FAILURE() << "no case " << id;
  return none;
}

TEST_F(MetadataRun, DocsOnlyFalseAlarmsAreGoneWithMetadata) {
  // The docs read literally: "Manufacturer" missing, the navigation property missing, a String that is a
  // complex type on the wire, a derived type the docs do not show.
  const run_result docs_only = run(extracted());
  const std::string device = failures_of(case_of(docs_only, "get_device"));
  EXPECT_NE(device.find("/Manufacturer"), std::string::npos) << device;
  EXPECT_NE(device.find("/registeredOwners"), std::string::npos) << device;
  EXPECT_NE(failures_of(case_of(docs_only, "list_groups")).find("licenseProcessingState"), std::string::npos);
  EXPECT_NE(failures_of(case_of(docs_only, "user_memberof")).find("graph.device"), std::string::npos);

  // With the CSDL: every case passes, and the disagreements are notes of the cases they concern.
  const run_result r = run(with_metadata());
  ASSERT_EQ(r.cases.size(), 5u);
  for (const case_result& c : r.cases)
    EXPECT_EQ(c.outcome, verdict::passed) << c.fixture_id << "\n" << failures_of(c) << c.error_message;
  bool case_noted = false;
  for (const std::string& n : case_of(r, "get_device").notes)
    case_noted |= n.find("\"manufacturer\"") != n.npos;
  EXPECT_TRUE(case_noted);
}

struct deviation {
  const char* name;
  const char* fixture;
  check_id check;
  const char* pointer;
};

class Deviation : public MetadataRun, public ::testing::WithParamInterface<deviation> {};

// Every deviation is caught with the CSDL as it is without (where the docs alone can tell), by the same
// check.
TEST_P(Deviation, IsStillCaughtWithMetadata) {
  const deviation& d = GetParam();
  const run_result r = run(with_metadata(), d.name);
  const case_result& c = case_of(r, d.fixture);
  ASSERT_EQ(c.outcome, verdict::failed) << d.name;
  const check_result* f = c.first_failure();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->check, d.check) << failures_of(c);
  EXPECT_EQ(f->pointer, d.pointer) << failures_of(c);
}

INSTANTIATE_TEST_SUITE_P(
    Graph, Deviation,
    ::testing::Values(
        deviation{"status", "get_device", check_id::status, ""},
        deviation{"missing-property", "get_device", check_id::required_property, "/displayName"},
        deviation{"wrong-type", "get_device", check_id::property_type, "/deviceVersion"},
        deviation{"wrong-odata-type", "get_device", check_id::odata_type, "/@odata.type"},
        deviation{"wrong-enum", "list_groups", check_id::enum_value, "/value/0/accessType"},
        deviation{"unrelated-odata-type", "user_memberof", check_id::odata_type, "/value/1/@odata.type"},
        deviation{"missing-derived-odata-type", "user_memberof", check_id::odata_type,
                  "/value/1/@odata.type"},
        deviation{"abstract-without-odata-type", "get_configuration", check_id::odata_type, "/@odata.type"},
        deviation{"expand-missing", "get_device_expand", check_id::required_property, "/registeredOwners"}),
    [](const ::testing::TestParamInfo<deviation>& p) {
      std::string n = p.param.name;
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

TEST_F(MetadataRun, FailuresNameTheCsdlPropertyTheyComeFrom) {
  const run_result r = run(with_metadata(), "wrong-type");
  const case_result& c = case_of(r, "get_device");
  const check_result* f = c.first_failure();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->contract, "microsoft.graph.device.deviceVersion: Edm.Int32");
}

TEST(MetadataLint, DisagreementsAreDiagnosticsAtTheDocLine) {
  std::vector<diagnostic> said;
  with_metadata(&said);
  auto find = [&](std::string_view code, std::string_view file) -> const diagnostic* {
    for (const diagnostic& d : said)
      if (d.code == code && d.file == file) return &d;
    return nullptr;
  };
  const diagnostic* name_case = find("csdl-name-case", "resources/device.md");
  ASSERT_NE(name_case, nullptr);
  EXPECT_EQ(name_case->line, 11u);  // the "| Manufacturer |" row
  const diagnostic* type = find("csdl-type-mismatch", "resources/group.md");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->line, 10u);  // the "| licenseProcessingState |" row
  EXPECT_NE(type->message.find("microsoft.graph.licenseProcessingState"), std::string::npos) << type->message;
  // Once per place, though three examples read the device page.
  std::size_t n = 0;
  for (const diagnostic& d : said) n += d.code == "csdl-name-case";
  EXPECT_EQ(n, 1u);
}

TEST(MetadataResolve, FixturesKnowWhatTheirUrlReturns) {
  const fixture_set set = with_metadata();
  for (const fixture& f : set.fixtures) {
    ASSERT_TRUE(f.resolved) << f.id;
    if (f.id.find("user_memberof") != std::string::npos) {
      EXPECT_EQ(f.resolved->kind, "collection");
      EXPECT_EQ(f.resolved->type, "microsoft.graph.directoryObject");
    }
    if (f.id.find("get_configuration") != std::string::npos) {
      EXPECT_EQ(f.resolved->type, "microsoft.graph.deviceConfiguration");
    }
  }
  EXPECT_EQ(&set.contract_for(set.fixtures.front()), set.metadata.at("").get());
}

}  // namespace
}  // namespace conform::run
