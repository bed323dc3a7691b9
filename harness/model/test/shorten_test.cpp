// Text for humans in check results is cut to 200 bytes, and only what is kept is copied or serialised: a
// check may report on a megabyte value thousands of times. Work is measured as bytes allocated (this binary
// counts every operator new), not as time.
#include "model/contract.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>
#include <string>

namespace {
std::atomic<std::size_t> allocated{0};
}  // namespace

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

namespace conform {
namespace {

namespace json = boost::json;

std::size_t allocated_by(const std::function<void()>& work) {
  std::size_t before = allocated;
  work();
  return allocated - before;
}

// What shorten promises, written out: the first 200 bytes, backed off to a UTF-8 sequence start, and "...".
std::string cut_at_200(const std::string& s) {
  if (s.size() <= 200) return s;
  std::size_t cut = 200;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

TEST(Shorten, KeepsOnlyWhatItShows) {
  const std::string big(1 << 20, 'a');
  std::string s = shorten(big);
  EXPECT_EQ(s, std::string(200, 'a') + "...");
  EXPECT_LT(s.capacity(), 1024u);  // resizing a copy of the whole text kept its megabyte
}

TEST(Shorten, NeverCutsAUtf8SequenceAndLeavesShortTextAlone) {
  EXPECT_EQ(shorten("short"), "short");
  EXPECT_EQ(shorten(std::string(200, 'a')), std::string(200, 'a'));
  std::string s = std::string(199, 'a') + "\xC3\xA9" + "tail";  // é straddles byte 200
  EXPECT_EQ(shorten(s), std::string(199, 'a') + "...");
}

TEST(Compact, SerialisesNoMoreOfTheValueThanItKeeps) {
  json::array a;
  for (int i = 0; i < 1000000; ++i) a.push_back(i);
  const json::value v = a;
  std::string out;
  std::size_t work = allocated_by([&] { out = compact(v); });
  EXPECT_EQ(out, cut_at_200(json::serialize(v)));
  EXPECT_LT(work, 64u * 1024) << "serialised the whole value (" << json::serialize(v).size() << " bytes)";
  EXPECT_LT(out.capacity(), 1024u);
}

TEST(Compact, SameTextAsSerialisingThenShortening) {
  // Around the cut, with escapes and multi-byte sequences where the serialiser's buffer ends.
  for (std::size_t n = 190; n < 215; ++n)
    for (const std::string& unit : {std::string("a"), std::string("\xC3\xA9"), std::string("\""),
                                    std::string("\xE2\x82\xAC"), std::string("\n")}) {
      std::string text;
      while (text.size() < n) text += unit;
      for (const json::value& v : {json::value(text), json::value(json::array{1, text, nullptr}),
                                   json::value(json::object{{"k", text}})})
        EXPECT_EQ(compact(v), cut_at_200(json::serialize(v))) << json::serialize(v);
    }
  EXPECT_EQ(compact(json::value(nullptr)), "null");
  const json::value small = json::parse(R"({"a":[1,2.5,true,"x"]})");
  EXPECT_EQ(compact(small), json::serialize(small));
}

}  // namespace
}  // namespace conform
