// The run plan executed against a small stateful "groups" service on loopback: ids the server makes flow into
// later requests, dependents of a failed producer are skipped, a DELETE is checked by a GET, what the run
// created is cleaned up, --read-only discovers ids from a list, scopes and explicit captures apply.
#include "extract/extract.hpp"
#include "group_pages.hpp"
#include "run/run.hpp"
#include "transport/server.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace conform::run {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path api = fs::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0" / "api";

// A groups service that keeps what is created: POST /v1.0/groups makes "g-1", "g-2", ...; GET, PATCH and
// DELETE of an item answer 404 once it is gone (or was never made); members/$ref needs the group.
class groups_service {
 public:
  int fail_create_with = 0;        // answer POST /groups with this status instead
  int creates_allowed = -1;        // after this many, POST /groups answers 500 (-1: no limit)
  bool delete_keeps_item = false;  // DELETE answers 204 and deletes nothing
  std::vector<std::string> existing;

  transport::http_server& start() {
    transport::server_options so;
    so.host = "127.0.0.1";
    server_ =
        std::make_unique<transport::http_server>(so, [this](const http_request& r) { return handle(r); });
    std::error_code ec;
    server_->start(ec);
    EXPECT_FALSE(ec) << ec.message();
    for (const std::string& id : existing)
      groups_[id] = json::object{{"id", id}, {"displayName", "existing"}};
    return *server_;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<std::string> log() const {
    std::lock_guard lock(mutex_);
    return log_;
  }
  bool exists(const std::string& id) const {
    std::lock_guard lock(mutex_);
    return groups_.contains(id);
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return groups_.size();
  }

 private:
  static transport::server_reply answer(int status, const json::value& body = nullptr) {
    transport::server_reply r;
    r.response.status = status;
    if (!body.is_null()) {
      r.response.headers.push_back({"Content-Type", "application/json"});
      r.response.body = json::serialize(body);
    }
    return r;
  }

  transport::server_reply handle(const http_request& req) {
    std::lock_guard lock(mutex_);
    std::string path = req.target.substr(0, req.target.find('?'));
    log_.push_back(req.method + " " + path);
    const std::string base = "/v1.0/groups";
    if (path.rfind(base, 0) != 0) return answer(404, json::object{{"error", "no such route"}});
    std::string rest = path.substr(base.size());
    if (rest.empty() || rest == "/") {
      if (req.method == "POST") {
        if (fail_create_with != 0) return answer(fail_create_with, json::object{{"error", "refused"}});
        if (creates_allowed >= 0 && made_ >= creates_allowed)
          return answer(500, json::object{{"error", "no more"}});
        const std::string id = "g-" + std::to_string(++made_);
        json::object g = json::parse(req.body.empty() ? "{}" : req.body).as_object();
        g["id"] = id;
        groups_[id] = g;
        return answer(201, g);
      }
      json::array value;
      for (const auto& [id, g] : groups_) value.push_back(g);
      return answer(200, json::object{{"value", value}});
    }
    if (rest == "/$count") return answer(200, json::value(static_cast<std::int64_t>(groups_.size())));
    rest.erase(0, 1);
    const std::string id = rest.substr(0, rest.find('/'));
    const std::string tail = rest.size() > id.size() ? rest.substr(id.size()) : "";
    auto g = groups_.find(id);
    if (g == groups_.end()) return answer(404, json::object{{"error", "Request_ResourceNotFound"}});
    if (!tail.empty()) {  // members, members/$ref, members/$count
      if (req.method == "POST") return answer(204);
      if (tail.find("$count") != std::string::npos) return answer(200, json::value(0));
      return answer(200, json::object{{"value", json::array{}}});
    }
    if (req.method == "DELETE") {
      if (!delete_keeps_item) groups_.erase(g);
      return answer(204);
    }
    if (req.method == "PATCH") return answer(204);
    return answer(200, g->second);
  }

  std::unique_ptr<transport::http_server> server_;
  mutable std::mutex mutex_;
  std::map<std::string, json::object> groups_;
  std::vector<std::string> log_;
  int made_ = 0;
};

using test::group_family;

const case_result& find_case(const run_result& r, std::string_view id) {
  for (const case_result& c : r.cases)
    if (c.fixture_id == id) return c;
  static case_result none;
  ADD_FAILURE() << "no case " << id;
  return none;
}

std::size_t index_of(const std::vector<std::string>& log, std::string_view line, std::size_t from = 0) {
  for (std::size_t i = from; i < log.size(); ++i)
    if (log[i] == line) return i;
  return log.size();
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += x + "\n";
  return s;
}

options base_options(const groups_service& svc) {
  options o;
  o.target = svc.url();
  o.concurrency = 8;
  return o;
}

TEST(Schedule, CreatedIdsFlowIntoLaterRequestsAndNothingIsLeftBehind) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  const fixture_set set = group_family();
  groups_service svc;
  svc.start();
  const run_result r = run_fixtures(set, base_options(svc));
  const std::vector<std::string> log = svc.log();
  SCOPED_TRACE(joined(log));

  // The first requests create; every item request names an id the server made, never the docs' literal.
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.front(), "POST /v1.0/groups");
  for (const std::string& line : log) {
    EXPECT_EQ(line.find("b320ee12"), std::string::npos) << line;
    EXPECT_EQ(line.find('{'), std::string::npos) << line;
  }
  // The three creates go out together, so which of g-1..g-3 is create_group's is the server's order: the
  // id the get case used is the one captured.
  const case_result& g = find_case(r, "group-get/get_group");
  EXPECT_EQ(g.status, 200);
  const std::size_t at = g.url.find("/groups/g-");
  ASSERT_NE(at, std::string::npos) << g.url;
  const std::string id = g.url.substr(at + 8, 3);
  const std::size_t get = index_of(log, "GET /v1.0/groups/" + id);
  const std::size_t patch = index_of(log, "PATCH /v1.0/groups/" + id);
  const std::size_t del = index_of(log, "DELETE /v1.0/groups/" + id);
  ASSERT_LT(del, log.size());
  EXPECT_LT(get, patch);  // reads before updates, updates before the delete
  EXPECT_LT(patch, del);
  EXPECT_LT(index_of(log, "POST /v1.0/groups/" + id + "/members/$ref"),
            index_of(log, "GET /v1.0/groups/" + id + "/members"));
  // After the DELETE, a GET of the item; it found nothing, so the delete case passed that check.
  EXPECT_LT(index_of(log, "GET /v1.0/groups/" + id, del), log.size());
  const case_result& d = find_case(r, "group-delete/delete_group");
  EXPECT_EQ(d.outcome, verdict::passed) << d.skip_reason << d.error_message;
  EXPECT_TRUE(std::any_of(d.notes.begin(), d.notes.end(), [](const std::string& n) {
    return n.find("after the DELETE answered 404") != n.npos;
  }));

  // Three groups were made; the delete fixture removed one, the cleanup the other two (side by side: neither
  // is under the other).
  EXPECT_EQ(svc.count(), 0u);
  ASSERT_EQ(r.created.size(), 3u);
  std::vector<std::string> cleaned;
  for (const created_resource& c : r.created) {
    EXPECT_FALSE(c.left_behind) << c.url;
    if (c.url.ends_with("/groups/" + id)) {
      EXPECT_EQ(c.fate, "deleted by group-delete/delete_group");
    } else {
      EXPECT_EQ(c.fate, "cleaned up (204)") << c.url;
      cleaned.push_back("DELETE /v1.0/groups/" + c.url.substr(c.url.rfind('/') + 1));
    }
  }
  ASSERT_EQ(cleaned.size(), 2u);
  for (const std::string& line : cleaned) EXPECT_LT(index_of(log, line, del + 1), log.size()) << line;
}

// The group pages with a second documented delete of the same group.
fixture_set with_second_delete() {
  fixture_set set = group_family();
  for (const fixture& f : set.fixtures)
    if (f.id == "group-delete/delete_group") {
      fixture again = f;
      again.id += "_again";
      set.fixtures.push_back(std::move(again));
      break;
    }
  return set;
}

TEST(Schedule, ASecondDeleteOfOneItemDeletesANewOne) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  const fixture_set set = with_second_delete();
  groups_service svc;
  svc.start();
  const run_result r = run_fixtures(set, base_options(svc));
  const std::vector<std::string> log = svc.log();
  SCOPED_TRACE(joined(log));
  const case_result &first = find_case(r, "group-delete/delete_group"),
                    &second = find_case(r, "group-delete/delete_group_again");
  EXPECT_EQ(first.outcome, verdict::passed) << first.skip_reason;
  EXPECT_EQ(second.outcome, verdict::passed) << second.skip_reason;
  EXPECT_NE(first.url, second.url);  // each deleted its own group
  EXPECT_EQ(std::count(log.begin(), log.end(), "POST /v1.0/groups"),
            4);  // three documented creates, one again
  EXPECT_EQ(svc.count(), 0u);
  for (const created_resource& c : r.created) EXPECT_FALSE(c.left_behind) << c.url << " " << c.fate;
}

TEST(Schedule, ASecondDeleteWhoseNewItemIsRefusedIsSkippedSayingWhy) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  const fixture_set set = with_second_delete();
  groups_service svc;
  svc.creates_allowed = 3;
  svc.start();
  const run_result r = run_fixtures(set, base_options(svc));
  EXPECT_EQ(find_case(r, "group-delete/delete_group").outcome, verdict::passed);
  const case_result& second = find_case(r, "group-delete/delete_group_again");
  EXPECT_EQ(second.outcome, verdict::skipped);
  EXPECT_EQ(second.skip_reason,
            "depends on a new item from group-post-groups/create_group, whose create answered 500");
  EXPECT_EQ(svc.count(), 0u);
}

TEST(Schedule, DependentsOfAFailedProducerAreSkippedNotErrors) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  const fixture_set set = group_family();
  groups_service svc;
  svc.fail_create_with = 500;
  svc.start();
  const run_result r = run_fixtures(set, base_options(svc));
  for (const char* id : {"group-get/get_group", "group-update/update_group", "group-delete/delete_group",
                         "group-list-members/get_group_members"}) {
    const case_result& c = find_case(r, id);
    EXPECT_EQ(c.outcome, verdict::skipped) << id;
    EXPECT_EQ(c.skip_reason, "depends on group-post-groups/create_group, which failed (status 500)") << id;
  }
  EXPECT_EQ(find_case(r, "group-post-groups/create_group").outcome, verdict::failed);
  // Nothing was sent for the skipped ones.
  for (const std::string& line : svc.log()) EXPECT_EQ(line.find("/groups/g-"), std::string::npos) << line;
  EXPECT_TRUE(r.created.empty());
}

TEST(Schedule, ADeleteThatLeavesTheItemFailsAndTheCleanupSaysWhatWasLeft) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  const fixture_set set = group_family();
  groups_service svc;
  svc.delete_keeps_item = true;
  svc.start();
  const run_result r = run_fixtures(set, base_options(svc));
  const case_result& d = find_case(r, "group-delete/delete_group");
  EXPECT_EQ(d.outcome, verdict::failed);
  ASSERT_FALSE(d.checks.empty());
  EXPECT_NE(d.checks.front().message.find("after the DELETE answered 200: the item is still there"),
            std::string::npos)
      << d.checks.front().message;
  EXPECT_FALSE(d.curl.empty());
  // The cleanup tried again: DELETE answers 204, so it counts as cleaned up.
  ASSERT_EQ(r.created.size(), 3u);
  for (const created_resource& c : r.created) EXPECT_EQ(c.fate, "cleaned up (204)") << c.url;
}

TEST(Schedule, KeepCreatedKeepsAndSaysSo) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  const fixture_set set = group_family();
  groups_service svc;
  svc.start();
  options o = base_options(svc);
  o.keep_created = true;
  const run_result r = run_fixtures(set, o);
  EXPECT_EQ(svc.count(), 2u);  // the delete fixture removed the first
  ASSERT_EQ(r.created.size(), 3u);
  EXPECT_EQ(std::count_if(
                r.created.begin(), r.created.end(),
                [](const created_resource& c) { return c.fate == "kept (--keep-created)" && c.left_behind; }),
            2);
  EXPECT_TRUE(std::any_of(r.warnings.begin(), r.warnings.end(), [](const std::string& w) {
    return w.find("2 resources the run created still exist") != std::string::npos;
  }));
}

TEST(Schedule, ReadOnlyDiscoversAnExistingItemFromTheList) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  const fixture_set set = group_family();
  groups_service svc;
  svc.existing = {"existing-7"};
  svc.start();
  options o = base_options(svc);
  o.read_only = true;
  const run_result r = run_fixtures(set, o);
  const std::vector<std::string> log = svc.log();
  SCOPED_TRACE(joined(log));
  for (const std::string& line : log) EXPECT_EQ(line.rfind("GET ", 0), 0u) << line;
  EXPECT_LT(index_of(log, "GET /v1.0/groups"), index_of(log, "GET /v1.0/groups/existing-7"));
  EXPECT_EQ(find_case(r, "group-get/get_group").status, 200);
  const case_result& post = find_case(r, "group-post-groups/create_group");
  EXPECT_EQ(post.outcome, verdict::skipped);
  EXPECT_EQ(post.skip_reason, "not sent: --read-only sends only GET and HEAD, not POST");
  EXPECT_TRUE(svc.exists("existing-7"));
  EXPECT_TRUE(r.created.empty());
}

TEST(Schedule, ExplicitVariablesWinOverCapturesAndScopesApplyPerFixture) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  const fixture_set set = group_family();
  groups_service svc;
  svc.existing = {"mine"};
  svc.start();
  options o = base_options(svc);
  o.methods = {"GET", "PATCH"};
  scope reads;
  reads.match = {"group-get/*"};
  reads.variables = {{"id", "mine"}};
  scope patches;
  patches.match = {"*"};
  patches.methods = {"PATCH"};
  patches.headers = {{"Prefer", "return=minimal"}};
  patches.variables = {{"id", "mine"}, {"group-id", "mine"}};
  patches.status = 204;
  scope unused;
  unused.match = {"nothing-matches-*"};
  o.scopes = {reads, patches, unused};
  const run_result r = run_fixtures(set, o);
  const std::vector<std::string> log = svc.log();
  SCOPED_TRACE(joined(log));
  EXPECT_LT(index_of(log, "PATCH /v1.0/groups/mine"), log.size());
  EXPECT_EQ(find_case(r, "group-update/update_group").outcome, verdict::passed)
      << find_case(r, "group-update/update_group").error_message;
  EXPECT_EQ(find_case(r, "group-post-groups/create_group").skip_reason,
            "not sent: --methods GET, PATCH leaves out POST");
  EXPECT_TRUE(std::any_of(r.warnings.begin(), r.warnings.end(), [](const std::string& w) {
    return w.find("suite scope 3 (match nothing-matches-*) matches no fixture") != std::string::npos;
  }));
}

TEST(Schedule, AnExplicitCaptureBindsAPlaceholderByName) {
  fixture_set set;
  set.fixtures.resize(2);
  fixture& make = set.fixtures[0];
  make.id = "make/one";
  make.version = "v1.0";
  make.request = {
      "POST", "https://graph.microsoft.com/v1.0/groups", {}, "", json::object{{"displayName", "x"}}};
  make.response.status = 201;
  fixture& use = set.fixtures[1];
  use.id = "use/one";
  use.version = "v1.0";
  use.request = {
      "GET", "https://graph.microsoft.com/v1.0/groups/{team}?$select={team}", {}, "", std::nullopt};
  use.response.status = 200;
  groups_service svc;
  svc.start();
  options o = base_options(svc);
  o.captures = {{"make/*", "/id", "team"}};
  const run_result r = run_fixtures(set, o);
  EXPECT_EQ(find_case(r, "use/one").status, 200) << find_case(r, "use/one").error_message;
  EXPECT_NE(find_case(r, "use/one").url.find("/groups/g-1?$select=g-1"), std::string::npos)
      << find_case(r, "use/one").url;
}

TEST(Schedule, UnboundPlaceholdersAreSummedUpOnce) {
  fixture_set set;
  for (int n = 0; n < 3; ++n) {
    fixture f;
    f.id = "page/ex" + std::to_string(n);
    f.version = "v1.0";
    f.request = {
        "GET", "https://graph.microsoft.com/v1.0/things/{thingId}/parts/{partId}", {}, "", std::nullopt};
    f.response.status = 200;
    set.fixtures.push_back(f);
  }
  groups_service svc;
  svc.start();
  const run_result r = run_fixtures(set, base_options(svc));
  EXPECT_TRUE(svc.log().empty());
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(joined(r.warnings).find("unbound placeholders: {partId} (3 fixtures), {thingId} (3 fixtures)"),
            std::string::npos)
      << joined(r.warnings);
}

TEST(Schedule, AShardKeepsAProducerWithItsConsumers) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  const fixture_set set = group_family();
  std::size_t total = 0;
  for (std::size_t k = 1; k <= 3; ++k) {
    options o;
    o.shard_index = k;
    o.shard_count = 3;
    const run_plan p = plan_run(set, o);
    total += p.chosen.size();
    bool has_create = false, has_get = false;
    for (std::size_t i : p.chosen) {
      has_create |= set.fixtures[i].id == "group-post-groups/create_group";
      has_get |= set.fixtures[i].id == "group-get/get_group";
    }
    EXPECT_EQ(has_create, has_get) << "shard " << k;
  }
  EXPECT_EQ(total, set.fixtures.size());
}

}  // namespace
}  // namespace conform::run
