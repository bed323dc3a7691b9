// The reference server's route index: a request walks its own path segments instead of testing every route,
// with the answers the linear scan gave (most specific route first, 405 with every method the path knows).
#include "detail.hpp"
#include "mock/reference_server.hpp"
#include "test_fixtures.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

namespace conform::mock {
namespace {

using test::get_fixture;
using test::request;
using test::with_types;

fixture with_method(fixture f, std::string method) {
  f.request.method = std::move(method);
  return f;
}

std::string allow_of(const reply& r) {
  const header* h = find_header(r.response.headers, "Allow");
  return h ? h->value : std::string{};
}

// Routes that overlap in every way the router ranks them: literal against placeholder at several depths,
// patterns against placeholders and literals, several methods on one path and on overlapping paths.
fixture_set tricky_set() {
  const std::string base = "https://graph.microsoft.com/v1.0";
  return with_types({
      get_fixture("by-id/a", base + "/users/{id}"),
      get_fixture("delta/a", base + "/users/delta"),
      with_method(get_fixture("me-post/a", base + "/users/me"), "POST"),
      with_method(get_fixture("me-delete/a", base + "/users/me"), "DELETE"),
      get_fixture("messages/a", base + "/users/{id}/messages"),
      get_fixture("delta-any/a", base + "/users/delta/{x}"),
      get_fixture("item-pattern/a", base + "/drives/{d}/items('{item}')"),
      get_fixture("item-literal/a", base + "/drives/{d}/items"),
      get_fixture("item-any/a", base + "/drives/{d}/{what}"),
      with_method(get_fixture("item-patch/a", base + "/drives/{d}/items('{item}')"), "PATCH"),
      get_fixture("root-pattern/a", base + "/drives/{d}/root:{path}:"),
      get_fixture("Groups/a", base + "/Groups/{id}/Members"),
  });
}

TEST(RouteIndex, MoreLiteralSegmentsWinAtEveryDepth) {
  fixture_set set = tricky_set();
  reference_server server(set, {});
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/delta")).fixture_id, "delta/a");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/42")).fixture_id, "by-id/a");
  // users/{id}/messages and users/delta/{x} both match with two literal segments (plus the version); the
  // longer literal text decides, as it did in the linear scan.
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/delta/messages")).fixture_id, "messages/a");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/delta/other")).fixture_id, "delta-any/a");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/42/messages")).fixture_id, "messages/a");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/42/other")).response.status, 404);
}

TEST(RouteIndex, LiteralsAreCaseInsensitiveAndPercentDecoded) {
  fixture_set set = tricky_set();
  reference_server server(set, {});
  EXPECT_EQ(server.handle(request("GET", "/V1.0/USERS/DELTA")).fixture_id, "delta/a");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/us%65rs/d%45lta")).fixture_id, "delta/a");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/groups/g1/members")).fixture_id, "Groups/a");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/GROUPS/g1/MEMBERS")).fixture_id, "Groups/a");
}

TEST(RouteIndex, PatternsRankBetweenLiteralsAndPlaceholders) {
  fixture_set set = tricky_set();
  reference_server server(set, {});
  EXPECT_EQ(server.handle(request("GET", "/v1.0/drives/d1/items")).fixture_id, "item-literal/a");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/drives/d1/items('abc')")).fixture_id, "item-pattern/a");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/drives/d1/ITEMS%28%27abc%27%29")).fixture_id,
            "item-pattern/a");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/drives/d1/root:/a/b.txt:")).response.status, 404);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/drives/d1/root:%2Fa%2Fb.txt:")).fixture_id, "root-pattern/a");
  // An empty placeholder does not match the pattern; the plain placeholder route takes the segment.
  EXPECT_EQ(server.handle(request("GET", "/v1.0/drives/d1/items('')")).fixture_id, "item-any/a");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/drives/d1/other")).fixture_id, "item-any/a");
  EXPECT_EQ(server.handle(request("PATCH", "/v1.0/drives/d1/items('abc')")).fixture_id, "item-patch/a");
}

TEST(RouteIndex, AllowListsEveryMethodOfEveryMatchingRoute) {
  fixture_set set = tricky_set();
  reference_server server(set, {});
  // users/me is a literal route (POST, DELETE) and matches users/{id} (GET) too.
  reply r = server.handle(request("PUT", "/v1.0/users/me"));
  EXPECT_EQ(r.response.status, 405);
  EXPECT_EQ(allow_of(r), "DELETE, GET, POST");
  EXPECT_EQ(allow_of(server.handle(request("PATCH", "/v1.0/users/42"))), "GET");
  // A method of a less specific route is answered by that route.
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/me")).fixture_id, "by-id/a");
  EXPECT_EQ(server.handle(request("POST", "/v1.0/users/me")).fixture_id, "me-post/a");
  // PATCH exists on items('{item}') only; items('x') matches that route and drives/{d}/{what}.
  EXPECT_EQ(allow_of(server.handle(request("DELETE", "/v1.0/drives/d1/items('x')"))), "GET, PATCH");
  EXPECT_EQ(allow_of(server.handle(request("PATCH", "/v1.0/drives/d1/items"))), "GET");
  EXPECT_EQ(server.handle(request("DELETE", "/v1.0/drives/d1/x/y")).response.status, 404);
}

TEST(RouteIndex, FixtureHeaderReachesAFixtureOnALessSpecificRoute) {
  fixture_set set = tricky_set();
  reference_server server(set, {});
  http_request req = request("GET", "/v1.0/users/delta");
  req.headers.push_back({std::string(fixture_header), "by-id/a"});
  EXPECT_EQ(server.handle(req).fixture_id, "by-id/a");
  req.headers.back().value = "no-such/fixture";
  EXPECT_EQ(server.handle(req).fixture_id, "delta/a");
}

TEST(RouteIndex, TenThousandRoutesAnswerLikeFive) {
  const std::string base = "https://graph.microsoft.com/v1.0";
  std::vector<fixture> fixtures;
  for (int i = 0; i < 10000; ++i) {
    std::string area = "/area" + std::to_string(i % 40);
    if (i % 2 == 0)
      fixtures.push_back(get_fixture("w" + std::to_string(i) + "/a",
                                     base + area + "/widgets" + std::to_string(i) + "/{id}"));
    else
      fixtures.push_back(with_method(
          get_fixture("w" + std::to_string(i) + "/a", base + area + "/widgets" + std::to_string(i)),
          "DELETE"));
  }
  fixture_set tricky = tricky_set();
  for (const fixture& f : tricky.fixtures) fixtures.push_back(f);
  fixture_set set = with_types(std::move(fixtures));
  reference_server server(set, {});
  EXPECT_EQ(server.route_count(), 10000u + 12u);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/area0/widgets0/x")).fixture_id, "w0/a");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/AREA38/Widgets9998/x")).fixture_id, "w9998/a");
  EXPECT_EQ(server.handle(request("DELETE", "/v1.0/area39/widgets9999")).fixture_id, "w9999/a");
  EXPECT_EQ(allow_of(server.handle(request("GET", "/v1.0/area39/widgets9999"))), "DELETE");
  EXPECT_EQ(server.handle(request("GET", "/v1.0/area1/widgets0/x")).response.status, 404);
  EXPECT_EQ(server.handle(request("GET", "/v1.0/users/delta/messages")).fixture_id, "messages/a");
  EXPECT_EQ(allow_of(server.handle(request("PUT", "/v1.0/users/me"))), "DELETE, GET, POST");
}

std::vector<std::size_t> linear_scan(const std::vector<detail::route>& routes,
                                     const std::vector<std::string>& segments) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < routes.size(); ++i)
    if (detail::match_route(routes[i], segments)) out.push_back(i);
  return out;
}

// Random routes and requests over a small alphabet, so they collide a lot: the index must find exactly the
// routes the linear scan over match_route finds, in the same order.
TEST(RouteIndex, FindsWhatTheLinearScanFinds) {
  const std::vector<std::string> documented = {"users",        "Users", "delta", "me",
                                               "items",        "a%2Fb", "{id}",  "items('{id}')",
                                               "root:{path}:", "a{x}b", "<t>",   "{x}{y}"};
  const std::vector<std::string> sent = {"users",      "USERS",      "Delta",     "me",       "items",
                                         "items('x')", "ITEMS('x')", "items('')", "root:/a:", "root::",
                                         "axb",        "ab",         "a/b",       "x",        ""};
  std::mt19937 rng(7);  // fixed: the same cases on every run
  auto pick = [&rng](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
  };
  std::vector<detail::route> routes;
  for (int i = 0; i < 3000; ++i) {
    std::string url = "https://graph.microsoft.com/v1.0";
    for (int n = std::uniform_int_distribution<int>(1, 4)(rng); n > 0; --n) {
      url += '/';  // not "/" + pick(...): GCC 12 reports a false -Wrestrict on that
      url += pick(documented);
    }
    fixture f = get_fixture("r/" + std::to_string(i), url);
    f.request.method = i % 3 == 0 ? "POST" : "GET";
    routes.push_back(detail::make_route(f));
  }
  detail::route_index index(routes);
  std::size_t matched = 0, requests_with_several = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::string> segments = {i % 10 == 0 ? "beta" : "V1.0"};
    for (int n = std::uniform_int_distribution<int>(0, 4)(rng); n > 0; --n) segments.push_back(pick(sent));
    std::vector<std::size_t> expected = linear_scan(routes, segments);
    ASSERT_EQ(index.find(segments), expected) << "request " << i;
    matched += expected.empty() ? 0 : 1;
    requests_with_several += expected.size() > 1 ? 1 : 0;
  }
  // The cases must be tricky: many requests match, many of them more than one route.
  EXPECT_GT(matched, 5000u);
  EXPECT_GT(requests_with_several, 2000u);
}

TEST(RouteIndex, WalkDoesNotGrowWithTheNumberOfRoutes) {
  auto routes_for = [](int count) {
    std::vector<detail::route> routes;
    for (int i = 0; i < count; ++i) {
      std::string path = "/area" + std::to_string(i % 40) + "/widgets" + std::to_string(i);
      fixture f = get_fixture("w/" + std::to_string(i),
                              "https://graph.microsoft.com/v1.0" + path + (i % 2 == 0 ? "/{id}" : ""));
      routes.push_back(detail::make_route(f));
    }
    return routes;
  };
  const std::vector<std::string> request = {"v1.0", "area2", "widgets2", "x"};
  std::size_t visited_small = 0, visited_large = 0;
  std::vector<detail::route> small = routes_for(10), large = routes_for(10000);
  EXPECT_EQ(detail::route_index(small).find(request, &visited_small), std::vector<std::size_t>{2});
  EXPECT_EQ(detail::route_index(large).find(request, &visited_large), std::vector<std::size_t>{2});
  EXPECT_EQ(visited_small, request.size() + 1);  // the root and one node per segment
  EXPECT_EQ(visited_large, visited_small);
  EXPECT_TRUE(detail::route_index(large).find({"v1.0", "area3", "widgets2", "x"}).empty());
}

TEST(RouteIndex, EmptyIndexMatchesNothing) {
  detail::route_index index;
  EXPECT_TRUE(index.find({}).empty());
  EXPECT_TRUE(index.find({"v1.0", "users"}).empty());
  EXPECT_EQ(index.node_count(), 1u);
}

}  // namespace
}  // namespace conform::mock
