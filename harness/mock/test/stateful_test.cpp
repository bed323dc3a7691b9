// conform serve --stateful over the real group pages (../shared/corpus): create, read, update, list and
// delete meet the same store, ids the server never made are 404, and the store is bounded and thread-safe.
#include "extract/extract.hpp"
#include "mock/reference_server.hpp"
#include "test_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace conform::mock {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path corpus = fs::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0";

const fixture_set& group_pages() {
  static const fixture_set set = [] {
    fixture_set s;
    std::vector<std::string> missing;
    std::vector<std::string> pages;
    for (const char* page : {"group-post-groups.md", "group-get.md", "group-update.md", "group-delete.md",
                             "group-list.md", "group-post-members.md"})
      pages.push_back((corpus / "api" / page).string());
    pages.push_back((corpus / "resources" / "group.md").string());
    extract::extract_paths(pages, s, missing);
    return s;
  }();
  return set;
}

#define SKIP_WITHOUT_CORPUS() \
  if (!fs::exists(corpus / "api" / "group-get.md")) GTEST_SKIP() << "no corpus at " << corpus

http_request request(std::string method, std::string target, std::string body = {}) {
  http_request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  if (!r.body.empty()) r.headers.push_back({"Content-Type", "application/json"});
  return r;
}

json::object body_of(const reply& r) {
  json::value v = json::parse(r.response.body);
  return v.as_object();
}

const std::string create_body =
    R"({"description": "Self help community for library", "displayName": "Library Assist",
        "groupTypes": ["Unified"], "mailEnabled": true, "mailNickname": "library", "securityEnabled": false})";

options stateful() {
  options o;
  o.stateful = true;
  return o;
}

std::string create_group(const reference_server& server) {
  reply r = server.handle(request("POST", "/v1.0/groups", create_body));
  EXPECT_EQ(r.response.status, 201) << r.response.body;
  if (r.response.status != 201) return {};
  return std::string(body_of(r).at("id").as_string());
}

std::set<std::string> listed_ids(const reference_server& server) {
  reply r = server.handle(request("GET", "/v1.0/groups"));
  EXPECT_EQ(r.response.status, 200) << r.response.body;
  std::set<std::string> ids;
  const json::object list = body_of(r);
  for (const json::value& v : list.at("value").as_array())
    ids.insert(std::string(v.as_object().at("id").as_string()));
  return ids;
}

TEST(StatefulServer, CreateGetPatchDeleteOnTheGroupPages) {
  SKIP_WITHOUT_CORPUS();
  const fixture_set& set = group_pages();
  reference_server server(set, stateful());

  reply created = server.handle(request("POST", "/v1.0/groups", create_body));
  ASSERT_EQ(created.response.status, 201) << created.response.body;
  json::object c = body_of(created);
  const std::string id(c.at("id").as_string());
  // A new id, not the docs' own (group-post-groups shows b320ee12-... and the like).
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(c.at("displayName"), "Library Assist");
  EXPECT_EQ(server.stored_count(), 1u);

  reply got = server.handle(request("GET", "/v1.0/groups/" + id));
  ASSERT_EQ(got.response.status, 200) << got.response.body;
  json::object g = body_of(got);
  EXPECT_EQ(g.at("id"), id.c_str());
  EXPECT_EQ(g.at("displayName"), "Library Assist");
  EXPECT_EQ(g.at("mailNickname"), "library");
  // The documented GET's shape: members group-get shows that the create's answer did not have stay there.
  const fixture* get_fixture = nullptr;
  for (const fixture& f : set.fixtures)
    if (f.page == "group-get" && f.request.url.find("$select") == std::string::npos) get_fixture = &f;
  ASSERT_NE(get_fixture, nullptr);
  for (const auto& m : get_fixture->response.json->as_object())
    EXPECT_TRUE(g.contains(m.key())) << "documented member " << m.key() << " missing from "
                                     << got.response.body;

  reply patched = server.handle(
      request("PATCH", "/v1.0/groups/" + id, R"({"description": "patched", "displayName": "Renamed"})"));
  EXPECT_EQ(patched.response.status, 204) << patched.response.body;
  g = body_of(server.handle(request("GET", "/v1.0/groups/" + id)));
  EXPECT_EQ(g.at("description"), "patched");
  EXPECT_EQ(g.at("displayName"), "Renamed");
  EXPECT_EQ(g.at("mailNickname"), "library");  // what the PATCH did not name stays

  EXPECT_EQ(listed_ids(server), std::set<std::string>{id});

  reply deleted = server.handle(request("DELETE", "/v1.0/groups/" + id));
  EXPECT_EQ(deleted.response.status, 204) << deleted.response.body;
  EXPECT_EQ(server.stored_count(), 0u);
  for (const char* method : {"GET", "PATCH", "DELETE"}) {
    reply gone = server.handle(request(method, "/v1.0/groups/" + id,
                                       std::string(method) == "PATCH" ? R"({"description": "x"})" : ""));
    EXPECT_EQ(gone.response.status, 404) << method << ' ' << gone.response.body;
    EXPECT_EQ(body_of(gone).at("error").at("code"), "Request_ResourceNotFound") << method;
    EXPECT_NE(std::string(body_of(gone).at("error").at("message").as_string()).find(id), std::string::npos);
  }
  EXPECT_TRUE(listed_ids(server).empty());
}

TEST(StatefulServer, IdsTheServerNeverMadeAre404) {
  SKIP_WITHOUT_CORPUS();
  reference_server server(group_pages(), stateful());
  for (const char* target : {"/v1.0/groups/b320ee12-b1cd-4cca-b648-a437be61c5cd", "/v1.0/groups/%7Bid%7D",
                             "/v1.0/groups/b320ee12-b1cd-4cca-b648-a437be61c5cd?$select=unseenCount"}) {
    reply r = server.handle(request("GET", target));
    EXPECT_EQ(r.response.status, 404) << target << ' ' << r.response.body;
    EXPECT_EQ(body_of(r).at("error").at("code"), "Request_ResourceNotFound") << target;
  }
  // Without --stateful the documented answer is served as before.
  reference_server stateless(group_pages(), options{});
  EXPECT_EQ(
      stateless.handle(request("GET", "/v1.0/groups/b320ee12-b1cd-4cca-b648-a437be61c5cd")).response.status,
      200);
  EXPECT_EQ(stateless.stored_count(), 0u);
}

TEST(StatefulServer, NestedRequestsNeedTheirParent) {
  SKIP_WITHOUT_CORPUS();
  reference_server server(group_pages(), stateful());
  const std::string member = R"({"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/abc"})";
  EXPECT_EQ(
      server.handle(request("POST", "/v1.0/groups/b320ee12-b1cd-4cca-b648-a437be61c5cd/members/$ref", member))
          .response.status,
      404);
  const std::string id = create_group(server);
  ASSERT_FALSE(id.empty());
  reply added = server.handle(request("POST", "/v1.0/groups/" + id + "/members/$ref", member));
  EXPECT_EQ(added.response.status, 204) << added.response.body;
  EXPECT_EQ(server.stored_count(), 1u);  // a $ref adds a link, not an entity
  EXPECT_EQ(server.handle(request("DELETE", "/v1.0/groups/" + id)).response.status, 204);
  EXPECT_EQ(server.handle(request("POST", "/v1.0/groups/" + id + "/members/$ref", member)).response.status,
            404);
}

TEST(StatefulServer, StoredItemsWithoutDocumentedReadOrDeleteAreReadAndDeleted) {
  // commsOperation documents only its create: a run's cleanup still deletes what it made, and a read of it
  // shows what is stored, instead of the 404 for an undocumented route.
  const fixture_set set = test::with_types({test::comms_operation()});
  reference_server server(set, stateful());
  reply created = server.handle(request("POST", test::comms_target, test::valid_comms_body));
  ASSERT_EQ(created.response.status, 201) << created.response.body;
  const std::string item =
      std::string(test::comms_target) + "/" + std::string(body_of(created).at("id").as_string());

  reply got = server.handle(request("GET", item));
  ASSERT_EQ(got.response.status, 200) << got.response.body;
  EXPECT_EQ(body_of(got).at("clientContext"), "mine");
  EXPECT_EQ(server.handle(request("PATCH", item, R"({"status": "Failed"})")).response.status, 404);
  reply deleted = server.handle(request("DELETE", item));
  EXPECT_EQ(deleted.response.status, 204) << deleted.response.body;
  EXPECT_TRUE(deleted.response.body.empty());
  EXPECT_EQ(server.stored_count(), 0u);
  // Gone, or never made: 404 like a documented route's unknown id, not the 404/405 of an undocumented route.
  for (const std::string& target :
       {item, std::string(test::comms_target) + "/b320ee12-b1cd-4cca-b648-a437be61c5cd"})
    for (const char* method : {"GET", "DELETE"}) {
      reply gone = server.handle(request(method, target));
      EXPECT_EQ(gone.response.status, 404) << method << ' ' << target;
      EXPECT_EQ(body_of(gone).at("error").at("code"), "Request_ResourceNotFound") << method << ' ' << target;
    }
}

TEST(StatefulServer, ADocumentedDeleteOfWhatIsNotStoredIsGoneForTheCheckAfterIt) {
  // No create is documented for /me/things: the id is the docs' literal and the store holds nothing there.
  fixture del =
      test::get_fixture("thing-delete/delete_thing", "https://graph.microsoft.com/v1.0/me/things/{id}");
  del.request.method = "DELETE";
  del.response.status = 204;
  del.response.body.clear();
  del.response.json.reset();
  const fixture_set set = test::with_types(
      {test::get_fixture("thing-get/get_thing", "https://graph.microsoft.com/v1.0/me/things/{id}"), del});
  reference_server server(set, stateful());
  const std::string item = "/v1.0/me/things/b320ee12-b1cd-4cca-b648-a437be61c5cd";
  http_request check = request("GET", item);
  check.headers.push_back({std::string(after_delete_header), "1"});

  EXPECT_EQ(server.handle(check).response.status, 200);  // nothing deleted yet
  EXPECT_EQ(server.handle(request("DELETE", item)).response.status, 204);
  reply gone = server.handle(check);
  EXPECT_EQ(gone.response.status, 404) << gone.response.body;
  EXPECT_EQ(body_of(gone).at("error").at("code"), "Request_ResourceNotFound");
  // Like the stateless server: one DELETE, one check; other reads are answered as documented.
  EXPECT_EQ(server.handle(check).response.status, 200);
  EXPECT_EQ(server.handle(request("GET", item)).response.status, 200);
}

fixture documented(std::string id, std::string method, std::string path, int status, std::string body) {
  fixture f = test::get_fixture(std::move(id), "https://graph.microsoft.com/v1.0" + path);
  f.request.method = std::move(method);
  f.response.status = status;
  test::set_response_body(f, std::move(body));
  f.properties.clear();
  return f;
}

// Named locations in miniature: two derived types in one collection, a list showing both and a GET showing
// one.
fixture_set derived_things() {
  return test::with_types({
      documented("thing-post/ip", "POST", "/things", 201,
                 R"({"@odata.type": "#microsoft.graph.ipThing", "id": "1", "name": "ip",
                     "ipRanges": [{"cidrAddress": "12.34.221.11/22"}]})"),
      documented("thing-post/country", "POST", "/things", 201,
                 R"({"@odata.type": "#microsoft.graph.countryThing", "id": "2", "name": "country",
                     "countries": ["US"]})"),
      documented("thing-post/other", "POST", "/things", 201,
                 R"({"@odata.type": "#microsoft.graph.otherThing", "id": "3", "name": "other"})"),
      documented("thing-list/list", "GET", "/things", 200,
                 R"({"value": [{"@odata.type": "#microsoft.graph.ipThing", "id": "1", "name": "ip",
                                "isTrusted": true, "ipRanges": [{"@odata.type": "#microsoft.graph.iPv4CidrRange",
                                                                 "cidrAddress": "12.34.221.11/22"}]},
                               {"@odata.type": "#microsoft.graph.countryThing", "id": "2", "name": "country",
                                "countries": ["US"], "includeUnknown": false}]})"),
      documented("thing-get/get", "GET", "/things/{id}", 200,
                 R"({"@odata.type": "#microsoft.graph.ipThing", "id": "1", "name": "ip", "isTrusted": true,
                     "ipRanges": [{"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": "1.2.3.4/32"}]})"),
  });
}

std::string create_thing(const reference_server& server, const std::string& fixture_id,
                         const std::string& body) {
  http_request req = request("POST", "/v1.0/things", body);
  req.headers.push_back({std::string(fixture_header), fixture_id});
  reply r = server.handle(req);
  EXPECT_EQ(r.response.status, 201) << r.response.body;
  return r.response.status == 201 ? std::string(body_of(r).at("id").as_string()) : std::string();
}

TEST(StatefulServer, StoredItemsKeepTheShapeOfTheirOwnType) {
  const fixture_set set = derived_things();
  reference_server server(set, stateful());
  const std::string ip = create_thing(server, "thing-post/ip",
                                      R"({"name": "mine", "ipRanges": [{"cidrAddress": "10.0.0.0/8"}]})");
  const std::string country = create_thing(server, "thing-post/country", R"({"name": "here"})");
  const std::string other = create_thing(server, "thing-post/other", R"({"name": "else"})");

  std::map<std::string, json::object> listed;
  const json::object list = body_of(server.handle(request("GET", "/v1.0/things")));
  for (const json::value& v : list.at("value").as_array())
    listed[std::string(v.at("id").as_string())] = v.as_object();
  ASSERT_EQ(listed.size(), 3u);
  // Each item over the documented element of its own type, none over another type's.
  EXPECT_EQ(listed[ip].at("@odata.type"), "#microsoft.graph.ipThing");
  EXPECT_TRUE(listed[ip].contains("isTrusted"));
  EXPECT_FALSE(listed[ip].contains("includeUnknown"));
  EXPECT_EQ(listed[country].at("@odata.type"), "#microsoft.graph.countryThing");
  EXPECT_TRUE(listed[country].contains("includeUnknown"));
  EXPECT_FALSE(listed[country].contains("isTrusted"));
  EXPECT_FALSE(listed[country].contains("ipRanges"));
  // A type the list does not show goes over the first element, whose members the checks ask of every item.
  EXPECT_EQ(listed[other].at("@odata.type"), "#microsoft.graph.otherThing");
  EXPECT_TRUE(listed[other].contains("isTrusted"));

  // Array items go over the documented items: the range keeps its documented @odata.type, with the address
  // that was sent.
  const json::object got = body_of(server.handle(request("GET", "/v1.0/things/" + ip)));
  const json::object& range = got.at("ipRanges").as_array().at(0).as_object();
  EXPECT_EQ(range.at("cidrAddress"), "10.0.0.0/8");
  EXPECT_EQ(range.at("@odata.type"), "#microsoft.graph.iPv4CidrRange");
  EXPECT_EQ(listed[ip].at("ipRanges").as_array().at(0).at("@odata.type"), "#microsoft.graph.iPv4CidrRange");
}

TEST(StatefulServer, AStoredItemReadThroughADocumentedLiteralIdHasTheDocumentedShape) {
  // The docs' GET shows a literal id and no template: no route takes another id, but the runner names the
  // fixture, and the stored item is shown over its documented body as a routed GET would be.
  const fixture_set set = test::with_types({
      documented("thing-post/ip", "POST", "/things", 201,
                 R"({"@odata.type": "#microsoft.graph.ipThing", "id": "1", "name": "ip"})"),
      documented("thing-get/literal", "GET", "/things/ceb3863e-6912-4ea9-ac41-3c2bb7b6672d", 200,
                 R"({"@odata.type": "#microsoft.graph.ipThing", "id": "ceb3863e-6912-4ea9-ac41-3c2bb7b6672d",
                     "name": "ip", "isTrusted": true})"),
      documented("part-post/literal", "POST", "/things/ceb3863e-6912-4ea9-ac41-3c2bb7b6672d/parts", 201,
                 R"({"id": "1", "name": "part"})"),
  });
  reference_server server(set, stateful());
  const std::string id = create_thing(server, "thing-post/ip", R"({"name": "mine"})");
  http_request get = request("GET", "/v1.0/things/" + id);
  get.headers.push_back({std::string(fixture_header), "thing-get/literal"});
  reply got = server.handle(get);
  ASSERT_EQ(got.response.status, 200) << got.response.body;
  const json::object g = body_of(got);
  EXPECT_EQ(g.at("id"), id.c_str());
  EXPECT_EQ(g.at("name"), "mine");
  EXPECT_EQ(g.at("isTrusted"), true);
  EXPECT_EQ(got.fixture_id, "thing-get/literal");
  // Without the fixture named, what is stored.
  const json::object plain = body_of(server.handle(request("GET", "/v1.0/things/" + id)));
  EXPECT_EQ(plain.at("name"), "mine");
  EXPECT_FALSE(plain.contains("isTrusted"));

  // A write under it the same way (chat-post-members): the parent must be stored, as on a routed request.
  for (const auto& [thing, status] :
       {std::pair{id, 201}, std::pair{std::string("b320ee12-b1cd-4cca-b648-a437be61c5cd"), 404}}) {
    http_request post = request("POST", "/v1.0/things/" + thing + "/parts", R"({"name": "wheel"})");
    post.headers.push_back({std::string(fixture_header), "part-post/literal"});
    reply r = server.handle(post);
    EXPECT_EQ(r.response.status, status) << thing << ' ' << r.response.body;
  }
}

TEST(StatefulServer, ListsPageThroughNextLinkAndCount) {
  SKIP_WITHOUT_CORPUS();
  options o = stateful();
  o.list_page = 2;
  reference_server server(group_pages(), o);
  std::set<std::string> made;
  for (int i = 0; i < 5; ++i) made.insert(create_group(server));
  std::set<std::string> seen;
  std::string target = "/v1.0/groups";
  int pages = 0;
  while (!target.empty() && pages < 10) {
    http_request req = request("GET", target);
    req.headers.push_back({"Host", "127.0.0.1:1"});
    json::object page = body_of(server.handle(req));
    for (const json::value& v : page.at("value").as_array()) seen.insert(std::string(v.at("id").as_string()));
    target.clear();
    if (const json::value* next = page.if_contains("@odata.nextLink")) {
      std::string link(next->as_string());
      ASSERT_EQ(link.rfind("http://127.0.0.1:1/", 0), 0u) << link;
      target = link.substr(std::string("http://127.0.0.1:1").size());
    }
    ++pages;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, made);
  reply count = server.handle(request("GET", "/v1.0/groups/$count"));
  EXPECT_EQ(count.response.status, 200);
  EXPECT_EQ(count.response.body, "5");
}

// Installing an app in a chat is documented as 201 without a body: the installation exists all the same, and
// the list of the chat's apps shows it (a run plan discovers it there), made of what was sent.
TEST(StatefulServer, ACreateDocumentedWithoutABodyIsListed) {
  if (!fs::exists(corpus / "api" / "chat-post-installedapps.md")) GTEST_SKIP() << "no corpus at " << corpus;
  fixture_set set;
  std::vector<std::string> missing;
  extract::extract_paths({(corpus / "api" / "chat-post-installedapps.md").string(),
                          (corpus / "api" / "chat-list-installedapps.md").string()},
                         set, missing);
  reference_server server(set, stateful());
  const std::string chat = "/v1.0/chats/19:ea28e88c00e94c7786b065394a61f296@thread.v2/installedApps";
  reply made = server.handle(
      request("POST", chat,
              R"({"teamsApp@odata.bind": "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/12345"})"));
  ASSERT_EQ(made.response.status, 201) << made.response.body;
  EXPECT_TRUE(made.response.body.empty());  // as documented
  EXPECT_EQ(server.stored_count(), 1u);
  reply listed = server.handle(request("GET", chat));
  ASSERT_EQ(listed.response.status, 200) << listed.response.body;
  const json::object list = body_of(listed);
  const json::array& value = list.at("value").as_array();
  ASSERT_EQ(value.size(), 1u) << listed.response.body;
  EXPECT_EQ(value[0].as_object().at("id").as_string().size(), 36u);
}

TEST(StatefulServer, RefusesCreatesBeyondTheEntityCap) {
  SKIP_WITHOUT_CORPUS();
  options o = stateful();
  o.max_entities = 2;
  reference_server server(group_pages(), o);
  const std::string first = create_group(server);
  create_group(server);
  reply full = server.handle(request("POST", "/v1.0/groups", create_body));
  EXPECT_EQ(full.response.status, 507);
  EXPECT_EQ(body_of(full).at("error").at("code"), "InsufficientStorage");
  EXPECT_EQ(server.stored_count(), 2u);
  ASSERT_EQ(server.handle(request("DELETE", "/v1.0/groups/" + first)).response.status, 204);
  EXPECT_FALSE(create_group(server).empty());  // room again
}

TEST(StatefulServer, RefusesWritesBeyondTheByteCap) {
  SKIP_WITHOUT_CORPUS();
  options o = stateful();
  o.max_entity_bytes = 8 * 1024;
  reference_server server(group_pages(), o);
  const std::string id = create_group(server);
  ASSERT_FALSE(id.empty());
  // A PATCH that would grow the store past its bytes is refused and changes nothing.
  const std::string big = R"({"description": ")" + std::string(16 * 1024, 'x') + R"("})";
  EXPECT_EQ(server.handle(request("PATCH", "/v1.0/groups/" + id, big)).response.status, 507);
  json::object g = body_of(server.handle(request("GET", "/v1.0/groups/" + id)));
  EXPECT_EQ(g.at("description"), "Self help community for library");
  int created = 1;
  while (created < 100 && server.handle(request("POST", "/v1.0/groups", create_body)).response.status == 201)
    ++created;
  EXPECT_LT(created, 100);  // the bytes ran out long before
  EXPECT_EQ(server.stored_count(), static_cast<std::size_t>(created));
}

TEST(StatefulServer, ConcurrentCreatesAllLand) {
  SKIP_WITHOUT_CORPUS();
  options o = stateful();
  o.list_page = 100'000;
  reference_server server(group_pages(), o);
  constexpr int threads = 4, each = 200;
  std::vector<std::vector<std::string>> ids(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < each; ++i) {
        reply r = server.handle(request("POST", "/v1.0/groups", create_body));
        if (r.response.status == 201) ids[t].push_back(std::string(body_of(r).at("id").as_string()));
        // Reads and deletes race with the creates of the other threads.
        if (i % 4 == 3 && !ids[t].empty()) {
          server.handle(request("GET", "/v1.0/groups"));
          if (server.handle(request("DELETE", "/v1.0/groups/" + ids[t].back())).response.status == 204)
            ids[t].pop_back();
        }
      }
    });
  for (std::thread& th : pool) th.join();
  std::set<std::string> all;
  for (const auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(threads * (each - each / 4)));
  EXPECT_EQ(server.stored_count(), all.size());
  EXPECT_EQ(listed_ids(server), all);
}

}  // namespace
}  // namespace conform::mock
