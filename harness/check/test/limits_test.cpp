// Hostile bodies against the checks: results kept per check are capped (and the rest counted), and no check
// does more than linear work in the body. Work is measured as bytes allocated (this binary counts every
// operator new), never as time: a quadratic walk over these bodies allocates hundreds of megabytes, a linear
// one a few times the body.
#include "check/check.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>
#include <string>
#include <vector>

namespace {
std::atomic<std::size_t> allocated{0};
}  // namespace

// These are the replacement allocation functions themselves: free() of what malloc() gave is the match GCC 12
// cannot see through the replaced operator new at -O2 (-Wmismatched-new-delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
  allocated += n;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return ::operator new(n);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace conform::check {
namespace {

namespace json = boost::json;

std::size_t allocated_by(const std::function<void()>& work) {
  std::size_t before = allocated;
  work();
  return allocated - before;
}

http_response respond(std::string body) {
  http_response r;
  r.status = 200;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = std::move(body);
  return r;
}

// A collection of items with an id, a status enum and a count, documented by the page's table.
fixture items_fixture(
    json::value doc = json::parse(R"j({"value": [{"id": "1", "status": "a", "count": 1}]})j")) {
  fixture f;
  f.id = "items/list";
  f.file = "api/items.md";
  f.response.status = 200;
  f.response.is_collection = true;
  f.response.odata_type = "microsoft.graph.item";
  f.response.json = std::move(doc);
  f.properties = {{"id", "String", {}, true, false},
                  {"status", "String", {"a", "b"}, false, false},
                  {"count", "Int32", {}, false, false}};
  return f;
}

std::string items(std::size_t n, const std::function<std::string(std::size_t)>& item) {
  std::string s = R"({"value": [)";
  for (std::size_t i = 0; i < n; ++i) s += (i ? "," : "") + item(i);
  return s + "]}";
}

std::size_t bytes_kept(const std::vector<check_result>& rs) {
  std::size_t n = 0;
  for (const auto& c : rs)
    n += c.pointer.capacity() + c.expected.capacity() + c.actual.capacity() + c.message.capacity();
  return n;
}

std::vector<const check_result*> of(const std::vector<check_result>& rs, check_id id, check_outcome o) {
  std::vector<const check_result*> out;
  for (const auto& c : rs)
    if (c.check == id && c.outcome == o) out.push_back(&c);
  return out;
}

constexpr std::size_t n = 5000;   // failures the body asks for
constexpr std::size_t keep = 50;  // result_budget::default_keep

struct hostile {
  const char* name;
  check_id check;
  std::function<std::string()> body;
  options opts;
};

void PrintTo(const hostile& h, std::ostream* os) {
  *os << h.name;
}

std::vector<hostile> hostiles() {
  options strict;
  strict.strict_properties = true;
  return {
      {"EnumOfManyParts",
       check_id::enum_value,
       [] {
         std::string parts = "x";
         for (std::size_t i = 1; i < n; ++i) parts += ",x";
         return items(1, [&](std::size_t) { return R"({"id": "1", "status": ")" + parts + "\"}"; });
       },
       {}},
      {"ManyItemsOfTheWrongType",
       check_id::property_type,
       [] { return items(n, [](std::size_t) { return R"({"id": "1", "count": "many"})"; }); },
       {}},
      {"ManyItemsMissingARequiredProperty",
       check_id::required_property,
       [] { return items(n, [](std::size_t) { return R"({"status": "a", "count": 1})"; }); },
       {}},
      {"ManyUndocumentedProperties", check_id::unexpected_property,
       [] {
         return items(n, [](std::size_t i) { return R"({"id": "1", "x)" + std::to_string(i) + "\": 1}"; });
       },
       strict},
      {"ManyItemsOfAnotherType",
       check_id::odata_type,
       [] {
         return items(n,
                      [](std::size_t) { return R"({"id": "1", "@odata.type": "#microsoft.graph.other"})"; });
       },
       {}},
  };
}

class Hostile : public ::testing::TestWithParam<hostile> {};

TEST_P(Hostile, FiftyFailuresAreKeptAndTheRestCountedInOneMore) {
  const std::string body = GetParam().body();
  std::vector<check_result> rs;
  std::size_t work =
      allocated_by([&] { rs = check_response(items_fixture(), {}, respond(body), GetParam().opts); });
  auto failed = of(rs, GetParam().check, check_outcome::failed);
  ASSERT_EQ(failed.size(), keep + 1);
  EXPECT_EQ(failed.back()->message, "and " + std::to_string(n - keep) + " more " +
                                        std::string(to_string(GetParam().check)) +
                                        " failures (only the first 50 of a check are kept)");
  EXPECT_LT(bytes_kept(rs), 64u * 1024);
  // Parsing the body allocates a few times its size; each failure kept a copy of the whole value (quadratic).
  EXPECT_LT(work, 32 * body.size() + (1u << 20)) << body.size() << "-byte body";
}

INSTANTIATE_TEST_SUITE_P(Bodies, Hostile, ::testing::ValuesIn(hostiles()),
                         [](const ::testing::TestParamInfo<hostile>& i) {
                           return std::string(i.param.name);
                         });

TEST(Limits, AHugeEnumPartIsShortenedInTheMessage) {
  const std::string body =
      items(1, [](std::size_t) { return R"({"id": "1", "status": ")" + std::string(1 << 20, 'x') + "\"}"; });
  auto rs = check_response(items_fixture(), {}, respond(body));
  ASSERT_EQ(of(rs, check_id::enum_value, check_outcome::failed).size(), 1u);
  EXPECT_LT(bytes_kept(rs), 16u * 1024);
}

// The documented items of a nested array are shaped once per case, not once per actual item.
TEST(Limits, NestedDocumentedArrayIsShapedOncePerCase) {
  json::array tags;
  for (int i = 0; i < 200; ++i) tags.push_back(json::object{{"name", "tag"}, {"weight", i}});
  json::value doc = json::object{{"value", json::array{json::object{{"id", "1"}, {"tags", tags}}}}};
  const std::string body = items(2000, [](std::size_t) { return R"({"id": "1", "tags": []})"; });
  std::size_t work = allocated_by([&] { check_response(items_fixture(doc), {}, respond(body)); });
  EXPECT_LT(work, 32 * (body.size() + json::serialize(doc).size()) + (1u << 20));
}

// Documented items each showing a key of their own: their union is built in place, not copied per item.
TEST(Limits, DocumentedItemsWithDistinctKeysAreMergedInLinearWork) {
  json::array docs;
  for (int i = 0; i < 2000; ++i)
    docs.push_back(json::object{{"id", "1"}, {"o", json::object{{"k" + std::to_string(i), i}}}});
  json::value doc = json::object{{"value", docs}};
  const std::string body = items(1, [](std::size_t) { return R"({"id": "1", "o": {"k1": 1}})"; });
  std::vector<check_result> rs;
  std::size_t work = allocated_by([&] { rs = check_response(items_fixture(doc), {}, respond(body)); });
  EXPECT_LT(work, 32 * json::serialize(doc).size() + (1u << 20));
  EXPECT_EQ(of(rs, check_id::unexpected_property, check_outcome::note).size(), 0u);  // k1 is documented
}

// Types the documented items show are looked up, not compared with each actual item one by one.
TEST(Limits, ManyDocumentedDerivedTypesAreLookedUp) {
  json::array docs;
  for (int i = 0; i < 500; ++i)
    docs.push_back(
        json::object{{"id", "1"}, {"@odata.type", "#microsoft.graph.derived" + std::to_string(i)}});
  json::value doc = json::object{{"value", docs}};
  const std::string body = items(n, [](std::size_t i) {
    return R"({"id": "1", "@odata.type": "#microsoft.graph.derived)" + std::to_string(i % 600) + "\"}";
  });
  std::vector<check_result> rs;
  std::size_t work = allocated_by([&] { rs = check_response(items_fixture(doc), {}, respond(body)); });
  EXPECT_LT(work, 32 * (body.size() + json::serialize(doc).size()) + (1u << 20));
  // derived500..derived599 are not documented: 100 of every 600 items.
  auto failed = of(rs, check_id::odata_type, check_outcome::failed);
  ASSERT_EQ(failed.size(), keep + 1);
  EXPECT_NE(failed.back()->message.find("and " + std::to_string(n / 600 * 100 - keep) + " more"),
            std::string::npos)
      << failed.back()->message;
}

}  // namespace
}  // namespace conform::check
