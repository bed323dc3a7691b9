#include "check/check.hpp"
#include "mock/reference_server.hpp"
#include "test_fixtures.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <set>
#include <string>

namespace conform::mock {
namespace {

namespace json = boost::json;
using test::request;
using test::with_types;

struct faulted {
  reply clean;
  reply bent;
  std::string header;   // X-Conform-Fault
  std::string pointer;  // its second word
};

faulted run(fault_kind kind, fixture f = test::comms_operation(), std::uint64_t seed = 1,
            std::string body = test::valid_comms_body, std::string target = test::comms_target) {
  fixture_set set = with_types({f});
  options opts;
  opts.seed = seed;
  opts.huge_body_bytes = 4096;
  opts.fault_delay = std::chrono::milliseconds(1234);
  opts.faults.push_back({kind, "*"});
  reference_server clean(set, {});
  reference_server bent(set, opts);
  faulted out{clean.handle(request(f.request.method, target, body)),
              bent.handle(request(f.request.method, target, body)),
              {},
              {}};
  if (const header* h = find_header(out.bent.response.headers, fault_header)) out.header = h->value;
  auto sp = out.header.find(' ');
  if (sp != std::string::npos) out.pointer = out.header.substr(sp + 1, out.header.find(' ', sp + 1) - sp - 1);
  return out;
}

json::value parse(const std::string& s) {
  boost::system::error_code ec;
  json::value v = json::parse(s, ec);
  EXPECT_FALSE(ec) << s.substr(0, 200);
  return v;
}

const json::value* at(const json::value& v, const std::string& pointer) {
  boost::system::error_code ec;
  const json::value* r = v.find_pointer(pointer, ec);
  return ec ? nullptr : r;
}

TEST(Faults, StatusChangesOnlyTheStatus) {
  faulted f = run(fault_kind::status);
  EXPECT_EQ(f.clean.response.status, 201);
  EXPECT_EQ(f.bent.response.status, 200);
  EXPECT_EQ(f.header, "status");
  EXPECT_EQ(parse(f.bent.response.body).at("status"), "Running");
}

TEST(Faults, DropPropertyRemovesADocumentedNonAnnotationProperty) {
  faulted f = run(fault_kind::drop_property);
  ASSERT_EQ(f.header.rfind("drop-property /", 0), 0u) << f.header;
  EXPECT_EQ(f.pointer, "/status");  // the only required property is preferred
  EXPECT_NE(at(parse(f.clean.response.body), f.pointer), nullptr);
  EXPECT_EQ(at(parse(f.bent.response.body), f.pointer), nullptr);
  EXPECT_EQ(parse(f.bent.response.body).as_object().size() + 1,
            parse(f.clean.response.body).as_object().size());
}

TEST(Faults, WrongTypeTurnsStringIntoNumberOrNumberIntoString) {
  faulted f = run(fault_kind::wrong_type);
  ASSERT_EQ(f.header.rfind("wrong-type /", 0), 0u) << f.header;
  json::value clean_body = parse(f.clean.response.body);
  const json::value* before = at(clean_body, f.pointer);
  json::value bent_body = parse(f.bent.response.body);
  const json::value* after = at(bent_body, f.pointer);
  ASSERT_TRUE(before && after);
  EXPECT_EQ(before->is_string(), after->is_number()) << f.header;
  EXPECT_NE(f.pointer.substr(0, 2), "/@");
}

TEST(Faults, BadEnumPutsBogusMemberIntoEnumProperty) {
  faulted f = run(fault_kind::bad_enum);
  EXPECT_EQ(f.header, "bad-enum /status");
  EXPECT_EQ(parse(f.bent.response.body).at("status"), "conformBogusValue");
}

TEST(Faults, BadEnumWithoutEnumFallsBackToWrongTypeAndSaysSo) {
  fixture m = test::managed_app_operation();
  faulted f = run(fault_kind::bad_enum, m, 1, R"j({"displayName": "d"})j",
                  "/v1.0/users/u/managedAppRegistrations/r/operations");
  ASSERT_EQ(f.header.rfind("wrong-type /", 0), 0u) << f.header;
  EXPECT_NE(f.header.find("bad-enum fallback"), std::string::npos);
  json::value bent_body = parse(f.bent.response.body);
  const json::value* after = at(bent_body, f.pointer);
  ASSERT_NE(after, nullptr);
  EXPECT_FALSE(after->is_string());
}

TEST(Faults, BadTimestampBreaksATimestampProperty) {
  faulted f = run(fault_kind::bad_timestamp);
  EXPECT_EQ(f.header, "bad-timestamp /lastActionDateTime");
  EXPECT_EQ(parse(f.bent.response.body).at("lastActionDateTime"), "not-a-timestamp");
}

TEST(Faults, OdataTypeIsReplacedByBogusType) {
  faulted f = run(fault_kind::odata_type);
  EXPECT_EQ(f.header, "odata-type /@odata.type");
  EXPECT_EQ(parse(f.bent.response.body).at("@odata.type"), "#microsoft.graph.conformBogusType");
}

TEST(Faults, NoOdataTypeRemovesTopLevelOdataTypeOnly) {
  faulted f = run(fault_kind::no_odata_type);
  json::value b = parse(f.bent.response.body);
  EXPECT_FALSE(b.as_object().contains("@odata.type"));
  EXPECT_TRUE(b.at("resultInfo").as_object().contains("@odata.type"));
}

TEST(Faults, ContentTypeBecomesTextPlain) {
  faulted f = run(fault_kind::content_type);
  EXPECT_EQ(find_header(f.bent.response.headers, "Content-Type")->value, "text/plain");
  EXPECT_EQ(f.header, "content-type");
  EXPECT_EQ(f.bent.response.body.size(), f.clean.response.body.size());
}

TEST(Faults, MalformedJsonCutsTheBodyInHalf) {
  faulted f = run(fault_kind::malformed_json);
  EXPECT_EQ(f.bent.response.body.size(), f.clean.response.body.size() / 2);
  boost::system::error_code ec;
  json::parse(f.bent.response.body, ec);
  EXPECT_TRUE(ec);
}

TEST(Faults, SlowDelaysByFaultDelay) {
  faulted f = run(fault_kind::slow);
  EXPECT_EQ(f.bent.delay, std::chrono::milliseconds(1234));
  EXPECT_EQ(f.clean.delay.count(), 0);
  EXPECT_EQ(f.header, "slow");
}

TEST(Faults, ResetAsksTransportToDropTheConnection) {
  faulted f = run(fault_kind::reset);
  EXPECT_TRUE(f.bent.reset);
  EXPECT_FALSE(f.clean.reset);
}

TEST(Faults, HugeBodyIsValidJsonOfExactlyTheConfiguredSize) {
  faulted f = run(fault_kind::huge_body);
  EXPECT_EQ(f.bent.response.body.size(), 4096u);
  json::value b = parse(f.bent.response.body);
  EXPECT_EQ(b.at("status"), "Running");
  EXPECT_TRUE(b.at("conformPadding").is_string());
  EXPECT_EQ(f.header, "huge-body /conformPadding");
}

TEST(Faults, NestedBreaksAPropertyInsideAComplexValue) {
  faulted f = run(fault_kind::nested);
  ASSERT_EQ(f.header.rfind("nested /resultInfo/", 0), 0u) << f.header;
  json::value clean_body = parse(f.clean.response.body);
  const json::value* before = at(clean_body, f.pointer);
  json::value bent_body = parse(f.bent.response.body);
  const json::value* after = at(bent_body, f.pointer);
  ASSERT_TRUE(before && after);
  EXPECT_NE(before->kind(), after->kind()) << f.header;
}

TEST(Faults, CollectionFaultsBendTheFirstElement) {
  fixture f = test::get_fixture("user-list/a", "https://graph.microsoft.com/v1.0/users");
  test::set_response_body(
      f, R"j({"value": [{"@odata.type": "#microsoft.graph.user", "id": "1", "displayName": "A"}]})j");
  f.response.is_collection = true;
  f.response.odata_type = "Collection(microsoft.graph.user)";
  faulted d = run(fault_kind::drop_property, f, 1, "", "/v1.0/users");
  ASSERT_EQ(d.header.rfind("drop-property /value/0/", 0), 0u) << d.header;
  EXPECT_EQ(at(parse(d.bent.response.body), d.pointer), nullptr);
  faulted o = run(fault_kind::odata_type, f, 1, "", "/v1.0/users");
  EXPECT_EQ(o.header, "odata-type /value/0/@odata.type");
}

TEST(Faults, CheckModuleNoticesEachBodyFault) {
  for (fault_kind k : {fault_kind::status, fault_kind::drop_property, fault_kind::bad_enum,
                       fault_kind::bad_timestamp, fault_kind::odata_type, fault_kind::content_type,
                       fault_kind::malformed_json, fault_kind::nested, fault_kind::wrong_type}) {
    faulted f = run(k);
    fixture_set set = with_types({test::comms_operation()});
    std::vector<check_result> results = check::check_response(set.fixtures[0], set, f.bent.response);
    bool failed = false;
    for (const check_result& c : results) failed = failed || c.outcome == check_outcome::failed;
    EXPECT_TRUE(failed) << to_string(k) << " went unnoticed: " << f.header;
  }
}

TEST(Faults, OnlyFixturesMatchingTheGlobAreFaulted) {
  fixture_set set = with_types({test::comms_operation()});
  options opts;
  opts.faults.push_back({fault_kind::status, "other-page/*"});
  reference_server server(set, opts);
  reply r = server.handle(request("POST", test::comms_target, test::valid_comms_body));
  EXPECT_EQ(r.response.status, 201);
  EXPECT_EQ(find_header(r.response.headers, fault_header), nullptr);
  opts.faults.front().glob = "commsoperation-*";
  reference_server hit(set, opts);
  EXPECT_EQ(hit.handle(request("POST", test::comms_target, test::valid_comms_body)).response.status, 200);
}

TEST(Faults, ChoiceIsDeterministicForASeedAndVariesAcrossSeeds) {
  std::set<std::string> pointers;
  for (std::uint64_t seed = 1; seed <= 24; ++seed) {
    faulted a = run(fault_kind::wrong_type, test::comms_operation(), seed);
    faulted b = run(fault_kind::wrong_type, test::comms_operation(), seed);
    EXPECT_EQ(a.header, b.header);
    pointers.insert(a.pointer);
  }
  EXPECT_GT(pointers.size(), 1u);
}

TEST(Faults, SeveralFaultsApplyTogether) {
  fixture_set set = with_types({test::comms_operation()});
  options opts;
  opts.faults = {{fault_kind::status, "*"}, {fault_kind::slow, "*"}, {fault_kind::bad_enum, "*"}};
  opts.fault_delay = std::chrono::milliseconds(5);
  reference_server server(set, opts);
  reply r = server.handle(request("POST", test::comms_target, test::valid_comms_body));
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.delay, std::chrono::milliseconds(5));
  int count = 0;
  for (const header& h : r.response.headers) count += iequals(h.name, fault_header) ? 1 : 0;
  EXPECT_EQ(count, 3);
}

}  // namespace
}  // namespace conform::mock
