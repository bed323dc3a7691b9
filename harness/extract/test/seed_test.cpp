// Exact assertions on what the five seed pages (fixtures #1) yield.
#include "extract/extract.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

namespace conform::extract {
namespace {

namespace fs = std::filesystem;

fixture_set extract_seed(const std::string& name) {
  fixture_set set;
  std::vector<std::string> missing;
  extract_paths({std::string(CONFORM_SOURCE_DIR) + "/fixtures/" + name}, set, missing);
  EXPECT_TRUE(missing.empty()) << name;
  return set;
}

const property* prop(const fixture& f, std::string_view name) {
  auto it = std::find_if(f.properties.begin(), f.properties.end(),
                         [&](const property& p) { return p.name == name; });
  return it == f.properties.end() ? nullptr : &*it;
}

TEST(SeedPages, CreateManagedAppOperationV1) {
  auto set = extract_seed("create-managedappoperation-v1.md");
  ASSERT_EQ(set.fixtures.size(), 1u);
  EXPECT_TRUE(set.diagnostics.empty());
  const auto& f = set.fixtures[0];
  EXPECT_EQ(f.id, "create-managedappoperation-v1/create_managedappoperation_from_");
  EXPECT_EQ(f.request.method, "POST");
  EXPECT_EQ(
      f.request.url,
      "https://graph.microsoft.com/v1.0/users/{usersId}/managedAppRegistrations/{managedAppRegistrationId}/"
      "operations");
  EXPECT_EQ(f.version, "v1.0");
  EXPECT_EQ(f.line, 69u);
  EXPECT_EQ(f.response.status, 201);
  EXPECT_TRUE(f.response.truncated);
  EXPECT_EQ(f.response.odata_type, "microsoft.graph.managedAppOperation");
  ASSERT_TRUE(f.response.json);
  EXPECT_EQ(f.response.json->at("lastModifiedDateTime").as_string(), "String (timestamp)");
  ASSERT_TRUE(prop(f, "lastModifiedDateTime"));
  EXPECT_EQ(prop(f, "lastModifiedDateTime")->type, "DateTimeOffset");
  EXPECT_EQ(f.endpoint_templates,
            std::vector<std::string>{
                "POST /users/{usersId}/managedAppRegistrations/{managedAppRegistrationId}/operations"});
  EXPECT_TRUE(f.runnable);
}

TEST(SeedPages, UnannotatedIntunePage) {
  auto set = extract_seed("create-managedappoperation-intune-beta.md");
  ASSERT_EQ(set.fixtures.size(), 1u);
  EXPECT_TRUE(set.diagnostics.empty());
  const auto& f = set.fixtures[0];
  EXPECT_EQ(f.request.method, "POST");
  EXPECT_EQ(f.version, "beta");
  EXPECT_EQ(f.response.status, 201);
  EXPECT_EQ(f.response.odata_type, "microsoft.graph.managedAppOperation");  // from the body: no annotation
  EXPECT_FALSE(f.response.truncated);
  ASSERT_TRUE(f.request.json);
  EXPECT_EQ(f.request.json->at("displayName").as_string(), "Display Name value");
  EXPECT_EQ(f.response.json->at("id").as_string(), "f2867b06-7b06-f286-067b-86f2067b86f2");
  EXPECT_EQ(f.properties.size(), 5u);
}

TEST(SeedPages, GeneratorLeftoverUrlIsErrorAndNotRunnable) {
  auto set = extract_seed("create-operation-broken-url.md");
  ASSERT_EQ(set.fixtures.size(), 1u);
  const auto& f = set.fixtures[0];
  EXPECT_FALSE(f.runnable);
  EXPECT_NE(f.not_runnable_reason.find("generator leftover"), std::string::npos);
  ASSERT_EQ(set.diagnostics.size(), 1u);
  EXPECT_EQ(set.diagnostics[0].code, "broken-url");
  EXPECT_EQ(set.diagnostics[0].level, severity::error);
  EXPECT_EQ(set.diagnostics[0].line, 67u);
  ASSERT_TRUE(prop(f, "status"));
  EXPECT_EQ(prop(f, "status")->enum_values,
            (std::vector<std::string>{"NotStarted", "Running", "Completed", "Failed"}));
  EXPECT_EQ(prop(f, "status")->type, "Enumeration");
}

TEST(SeedPages, BlankLineBetweenStatusAndHeaders) {
  auto set = extract_seed("create-longrunningoperation-beta.md");
  ASSERT_EQ(set.fixtures.size(), 1u);
  const auto& f = set.fixtures[0];
  EXPECT_EQ(f.response.status, 201);
  ASSERT_EQ(f.response.headers.size(), 1u);
  EXPECT_EQ(f.response.headers[0].name, "Content-Type");
  EXPECT_TRUE(f.response.json);
  EXPECT_EQ(f.response.odata_type, "microsoft.graph.longRunningOperation");
  ASSERT_TRUE(prop(f, "status"));
  EXPECT_EQ(prop(f, "status")->type, "longRunningOperationStatus");
  EXPECT_EQ(prop(f, "status")->enum_values,
            (std::vector<std::string>{"notstarted", "running", "succeeded", "failed"}));
}

TEST(SeedPages, CommsOperationWithNestedResultInfo) {
  auto set = extract_seed("create-commsoperation-beta.md");
  ASSERT_EQ(set.fixtures.size(), 1u);
  const auto& f = set.fixtures[0];
  EXPECT_EQ(f.request.url, "https://graph.microsoft.com/beta/communications/calls/{callId}/operations");
  EXPECT_EQ(f.response.odata_type, "microsoft.graph.commsOperation");
  ASSERT_TRUE(f.response.json);
  const auto& ri = f.response.json->at("resultInfo").as_object();
  EXPECT_EQ(ri.at("code").as_int64(), 4);
  EXPECT_EQ(ri.at("subcode").as_int64(), 7);
  EXPECT_EQ(ri.at("@odata.type").as_string(), "microsoft.graph.ResultInfo");
  ASSERT_TRUE(prop(f, "resultInfo"));
  EXPECT_EQ(prop(f, "resultInfo")->type, "ResultInfo");
  EXPECT_EQ(prop(f, "status")->enum_values,
            (std::vector<std::string>{"NotStarted", "Running", "Completed", "Failed"}));
  EXPECT_EQ(f.request.headers.size(), 2u);  // Content-Type and the (ignored) Content-length
}

TEST(SeedPages, DirectoryWalkFindsAllFiveWithStableOrder) {
  fixture_set a, b;
  std::vector<std::string> missing;
  extract_paths({std::string(CONFORM_SOURCE_DIR) + "/fixtures"}, a, missing);
  extract_paths({std::string(CONFORM_SOURCE_DIR) + "/fixtures"}, b, missing);
  EXPECT_EQ(a.fixtures.size(), 5u);
  ASSERT_EQ(a.fixtures.size(), b.fixtures.size());
  for (std::size_t i = 0; i < a.fixtures.size(); ++i) EXPECT_EQ(a.fixtures[i].id, b.fixtures[i].id);
  EXPECT_TRUE(missing.empty());
}

TEST(SeedPages, OriginalSeedFilesMatchFixtureCopies) {
  const fs::path seeds = fs::path(CONFORM_SHARED_DIR) / "seeds";
  if (!fs::exists(seeds)) GTEST_SKIP() << "shared seeds not found at " << seeds;
  fixture_set set;
  std::vector<std::string> missing;
  std::vector<std::string> files;
  for (auto& e : fs::directory_iterator(seeds)) files.push_back(e.path().string());
  extract_paths(files, set, missing);  // *.txt read because named
  EXPECT_EQ(set.fixtures.size(), 5u);
  EXPECT_EQ(set.files_read, 5u);
}

}  // namespace
}  // namespace conform::extract
