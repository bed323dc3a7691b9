// The one reading of documented types (model/contract.hpp) that check, run, mock and extract share.
#include "model/contract.hpp"
#include "model/exchange.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>
#include <vector>

namespace conform {
namespace {

namespace json = boost::json;

fixture_set comms_contract() {
  fixture_set c;
  c.types["resultinfo"] = type_def{"resultInfo",
                                   {{"code", "Int32", {}, false, false},
                                    {"subcode", "Int32", {}, false, false},
                                    {"message", "String", {}, false, false}},
                                   "resources/resultinfo.md",
                                   10,
                                   {}};
  return c;
}

std::vector<check_result> failures(const std::vector<check_result>& rs) {
  std::vector<check_result> out;
  std::copy_if(rs.begin(), rs.end(), std::back_inserter(out),
               [](const check_result& c) { return c.outcome == check_outcome::failed; });
  return out;
}

[[maybe_unused]] std::size_t count(const std::vector<check_result>& rs, check_id id, check_outcome o) {
  return static_cast<std::size_t>(std::count_if(
      rs.begin(), rs.end(), [&](const check_result& c) { return c.check == id && c.outcome == o; }));
}

std::string dump(const std::vector<check_result>& rs) {
  std::string s;
  for (const auto& c : rs)
    s += std::string(to_string(c.check)) + " " + std::string(to_string(c.outcome)) + " " + c.pointer + " " +
         c.message + "\n";
  return s;
}

TEST(ValidateValue, CollectionOfComplexTypes) {
  std::vector<check_result> out;
  property p{"results", "Collection(microsoft.graph.resultInfo)", {}, false, false};
  validate_value(json::parse(R"j([{"code": 1}, {"code": "x"}])j"), p, comms_contract(), "/results", {}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].pointer, "/results/1/code");
}

TEST(ValidateValue, UnresolvableTypeIsANoteNotAFailure) {
  std::vector<check_result> out;
  property p{"thing", "microsoft.graph.mystery", {}, false, false};
  validate_value(json::parse(R"j({"a": 1})j"), p, fixture_set{}, "/thing", {}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].outcome, check_outcome::note);
}

TEST(ValidateValue, EdmPrefixAndPrimitives) {
  struct row {
    const char* type;
    const char* value;
    bool ok;
  };
  const row rows[] = {
      {"Edm.Int64", "12", true},
      {"Double", "1.5", true},
      {"Int32", "\"1\"", false},
      {"Boolean", "false", true},
      {"Boolean", "0", false},
      {"Guid", "\"b571cdaa-cdaa-b571-aacd-71b5aacd71b5\"", true},
      {"Guid", "\"nope\"", false},
      {"Date", "\"2024-02-29\"", true},
      {"Date", "\"2024-02-29T00:00:00Z\"", false},
      {"DateTimeOffset", "\"2024-02-29T00:00:00Z\"", true},
      {"Edm.DateTimeOffset", "\"2024-02-29\"", false},
      {"Binary", "\"AAEC\"", true},
      {"Duration", "\"PT1H\"", true},
      {"Collection(String)", "[\"a\", \"b\"]", true},
      {"Collection(String)", "[\"a\", 2]", false},
      {"Collection(String)", "\"a\"", false},
  };
  for (const auto& r : rows) {
    std::vector<check_result> out;
    validate_value(json::parse(r.value), property{"p", r.type, {}, false, false}, fixture_set{}, "/p", {},
                   out);
    EXPECT_EQ(out.empty(), r.ok) << r.type << " " << r.value;
  }
}

TEST(ValidateValue, JsonTypeAndTypesWithoutPropertiesAcceptAnyShape) {
  fixture_set contract;
  contract.types["clonableteamparts"] =
      type_def{"clonableTeamParts", {}, "resources/clonableteamparts.md", 1, {}};
  contract.types["json"] = type_def{"Json", {}, "resources/json.md", 1, {}};
  contract.types["resultinfo"] =
      type_def{"resultInfo", {{"code", "Int32", {}, false, false}}, "resources/resultinfo.md", 1, {}};
  for (const char* value : {"\"apps,tabs\"", "[[1, \"a\"], [null]]", "{}", "7"})
    for (const char* type : {"clonableTeamParts", "Json", "Edm.Untyped"}) {
      std::vector<check_result> out;
      validate_value(json::parse(value), property{"p", type, {}, false, false}, contract, "/p", {}, out);
      EXPECT_TRUE(failures(out).empty()) << type << " " << value << "\n" << dump(out);
    }
  // A type with properties still wants an object.
  std::vector<check_result> out;
  validate_value(json::parse("\"x\""), property{"p", "resultInfo", {}, false, false}, contract, "/p", {},
                 out);
  EXPECT_EQ(failures(out).size(), 1u);
}

TEST(ValidateValue, NullAlwaysValidIsForRequests) {
  property p{"p", "resultInfo", {}, false, false};
  json::value v = json::parse(R"j({"code": null})j");
  std::vector<check_result> strict;
  validate_value(v, p, comms_contract(), "/p", {}, strict);
  ASSERT_EQ(failures(strict).size(), 1u) << dump(strict);
  EXPECT_EQ(strict[0].pointer, "/p/code");
  validate_options request;
  request.null_always_valid = true;
  std::vector<check_result> lenient;
  validate_value(v, p, comms_contract(), "/p", request, lenient);
  EXPECT_TRUE(failures(lenient).empty()) << dump(lenient);
}

TEST(Types, PlaceholderType) {
  const std::pair<const char*, const char*> cases[] = {
      {"String", "String"},
      {"string", "String"},
      {"String (timestamp)", "DateTimeOffset"},
      {"string (timestamp)", "DateTimeOffset"},
      {"String (identifier)", "String"},
      {"String (duration)", "Duration"},
      {"String (time of day)", "TimeOfDay"},
      {"Int32", "Int32"},
      {"Boolean", "Boolean"},
      {"boolean", "Boolean"},
      {"Guid", "Guid"},
      {"Guid (identifier)", "Guid"},
      {"Edm.Stream", "Stream"},
      {"Double", "Double"},
      {"Date", "Date"},
      {"Client Context value", ""},
      {"Running", ""},
      {"", ""},
      {"b571cdaa-cdaa-b571-aacd-71b5aacd71b5", ""},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(placeholder_type(in), want) << in;
}

TEST(Types, IsTimestamp) {
  const std::pair<const char*, bool> cases[] = {
      {"2024-01-01T10:00:00Z", true},
      {"2024-01-01T10:00:00.1234567Z", true},
      {"2024-01-01T10:00:00+02:00", true},
      {"2024-01-01T10:00:00-0800", true},
      {"2024-01-01T10:00Z", true},
      {"2024-01-01T10:00:00", false},
      {"2024-01-01", false},
      {"2024-13-01T10:00:00Z", false},
      {"2024-01-01 10:00:00Z", false},
      {"2024-01-01T10:00:00.Z", false},
      {"String (timestamp)", false},
      {"", false},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(is_timestamp(in), want) << in;
}

TEST(Types, IsGuid) {
  const std::pair<const char*, bool> cases[] = {
      {"b571cdaa-cdaa-b571-aacd-71b5aacd71b5", true},  {"B571CDAA-CDAA-B571-AACD-71B5AACD71B5", true},
      {"b571cdaa-cdaa-b571-aacd-71b5aacd71b", false},  {"b571cdaacdaab571aacd71b5aacd71b5", false},
      {"g571cdaa-cdaa-b571-aacd-71b5aacd71b5", false}, {"", false},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(is_guid(in), want) << in;
}

TEST(Types, JsonMediaType) {
  EXPECT_TRUE(is_json_media_type("application/json"));
  EXPECT_TRUE(
      is_json_media_type("Application/JSON; odata.metadata=minimal;odata.streaming=true;charset=utf-8"));
  EXPECT_TRUE(is_json_media_type("application/problem+json"));
  EXPECT_FALSE(is_json_media_type("text/plain"));
  EXPECT_FALSE(is_json_media_type("application/jsonx"));
  EXPECT_FALSE(is_json_media_type(""));
}

TEST(Types, PointerTokenEscapes) {
  EXPECT_EQ(pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(pointer_token("@odata.type"), "@odata.type");
}

TEST(Types, ReadTypeNamesOneKindForEveryModule) {
  struct row {
    const char* type;
    value_kind kind;
    bool collection;
    const char* name;
  };
  const row rows[] = {
      {"Collection(Edm.Int32)", value_kind::number, true, "Int32"},
      {" collection( String ) ", value_kind::string, true, "String"},
      {"DateTimeOffset", value_kind::timestamp, false, "DateTimeOffset"},
      {"String (timestamp)", value_kind::timestamp, false, "String (timestamp)"},
      {"bool", value_kind::boolean, false, "bool"},
      {"Edm.Untyped", value_kind::any, false, "Untyped"},
      {"TimeOfDay", value_kind::time_of_day, false, "TimeOfDay"},
      {"microsoft.graph.user", value_kind::unknown, false, "microsoft.graph.user"},
  };
  for (const auto& r : rows) {
    type_ref t = read_type(r.type);
    EXPECT_EQ(t.kind, r.kind) << r.type;
    EXPECT_EQ(t.collection, r.collection) << r.type;
    EXPECT_EQ(t.name, r.name) << r.type;
  }
}

TEST(PropertyScope, TableBeforeTypeExactBeforeCase) {
  type_def t{"user", {{"id", "Guid", {}, false, false}, {"Name", "Int32", {}, false, false}}, "", 0, {}};
  std::vector<property> table{{"id", "String", {}, false, false}, {"name", "String", {}, false, false}};
  property_scope s{&table, &t};
  ASSERT_NE(s.find("id"), nullptr);
  EXPECT_EQ(s.find("id")->type, "String");    // the page's own table documents this example
  EXPECT_EQ(s.find("Name")->type, "String");  // the table's "name" differs only in case, but comes first
  property_scope type_only{nullptr, &t};
  EXPECT_EQ(type_only.find("name")->type, "Int32");
  EXPECT_EQ(type_only.find("missing"), nullptr);
}

TEST(PropertyScope, AValuesOwnODataTypeWinsOverTheDeclaredType) {
  fixture_set set;
  set.types["directoryobject"] = type_def{"directoryObject", {{"id", "String", {}, false, false}}, "", 0, {}};
  set.types["user"] = type_def{"user", {{"displayName", "String", {}, false, false}}, "", 0, {}};
  property member{"member", "microsoft.graph.directoryObject", {}, false, false};
  EXPECT_EQ(scope_of(set, json::parse(R"({"@odata.type":"#microsoft.graph.user"})"), &member).type->name,
            "user");
  EXPECT_EQ(scope_of(set, json::parse(R"({"id":"1"})"), &member).type->name, "directoryObject");
  EXPECT_TRUE(scope_of(set, json::parse(R"({"@odata.type":"#microsoft.graph.unknown"})"), nullptr).empty());
}

TEST(SampleValue, EveryPrimitiveKindGetsAValueItsOwnCheckAccepts) {
  sample_env env{"2026-11-25T11:00:00Z", [] { return std::string("b571cdaa-cdaa-4571-aacd-71b5aacd71b5"); }};
  for (value_kind k : {value_kind::number, value_kind::boolean, value_kind::timestamp, value_kind::date,
                       value_kind::time_of_day, value_kind::duration, value_kind::guid}) {
    auto v = sample_value(k, env);
    ASSERT_TRUE(v.has_value()) << to_string(k);
    EXPECT_TRUE(matches(*v, k)) << to_string(k) << " " << json::serialize(*v);
  }
  EXPECT_FALSE(sample_value(value_kind::string, env).has_value());
  EXPECT_FALSE(sample_value(value_kind::unknown, env).has_value());
}

}  // namespace
}  // namespace conform

namespace conform {
namespace {

std::vector<check_result> validate(const char* json_text, const char* type,
                                   const validate_options& opts = {}) {
  property p{"x", type};
  p.nullable = true;
  std::vector<check_result> out;
  validate_value(boost::json::parse(json_text), p, fixture_set{}, "/x", opts, out);
  return failures(out);
}

TEST(Types, OdataWireForms) {
  EXPECT_TRUE(is_time_of_day("13:20"));
  EXPECT_TRUE(is_time_of_day("13:20:00"));
  EXPECT_TRUE(is_time_of_day("13:20:00.0000000"));
  EXPECT_FALSE(is_time_of_day("25:00:00"));
  EXPECT_FALSE(is_time_of_day("13:20:00."));
  EXPECT_FALSE(is_time_of_day("1pm"));
  EXPECT_TRUE(is_duration("PT1H"));
  EXPECT_TRUE(is_duration("P1DT2H3M4.5S"));
  EXPECT_TRUE(is_duration("-P3D"));
  EXPECT_FALSE(is_duration("P"));
  EXPECT_FALSE(is_duration("P1DT"));
  EXPECT_FALSE(is_duration("PT1.5H"));  // only seconds have a fraction
  EXPECT_FALSE(is_duration("01:00:00"));
  EXPECT_TRUE(is_base64url("AAAA"));
  EXPECT_TRUE(is_base64url("SGVsbG8_-w"));  // base64url, unpadded
  EXPECT_TRUE(is_base64url("SGVsbG8="));    // base64, padded
  EXPECT_TRUE(is_base64url(""));
  EXPECT_FALSE(is_base64url("Adfsdfsdfsdfw=="));  // 13 characters before the padding: no bytes make that
  EXPECT_FALSE(is_base64url("not base64!"));
}

TEST(ValidateValue, EdmPrimitivesInTheirJsonForms) {
  EXPECT_TRUE(validate(R"("PT1H")", "Edm.Duration").empty());
  EXPECT_EQ(validate(R"("1 hour")", "Edm.Duration").size(), 1u);
  EXPECT_TRUE(validate(R"("08:00:00")", "Edm.TimeOfDay").empty());
  EXPECT_EQ(validate(R"("8am")", "Edm.TimeOfDay").size(), 1u);
  EXPECT_TRUE(validate(R"("AAAA")", "Edm.Binary").empty());
  EXPECT_EQ(validate(R"(12)", "Edm.Binary").size(), 1u);
  EXPECT_TRUE(validate(R"("INF")", "Edm.Double").empty());  // IEEE 754 specials are strings in OData JSON
  EXPECT_TRUE(validate(R"("NaN")", "Edm.Single").empty());
  EXPECT_EQ(validate(R"("1.5")", "Edm.Double").size(), 1u);
  EXPECT_TRUE(validate(R"({"any": [1]})", "microsoft.graph.Json").empty());
}

TEST(ValidateValue, Int64AndDecimalAsStringsOnlyUnderIeee754Compatible) {
  EXPECT_EQ(validate(R"("9007199254740993")", "Edm.Int64").size(), 1u);
  validate_options ieee;
  ieee.ieee754_compatible = true;
  EXPECT_TRUE(validate(R"("9007199254740993")", "Edm.Int64", ieee).empty());
  EXPECT_TRUE(validate(R"("-12.50")", "Edm.Decimal", ieee).empty());
  EXPECT_TRUE(validate(R"(42)", "Edm.Int64", ieee).empty());  // a number stays fine
  EXPECT_EQ(validate(R"("12a")", "Edm.Int64", ieee).size(), 1u);
  EXPECT_EQ(validate(R"("1.5")", "Edm.Int32", ieee).size(), 1u);  // only Int64 and Decimal
}

TEST(Types, DerivesFromFollowsDocumentedBases) {
  fixture_set set;
  set.types["directoryobject"] = type_def{"directoryObject"};
  set.types["user"] = type_def{"user"};
  set.types["user"].base = "directoryObject";
  set.types["aaduser"] = type_def{"aadUser"};
  set.types["aaduser"].base = "microsoft.graph.user";
  set.types["loop"] = type_def{"loop"};
  set.types["loop"].base = "loop";  // hostile docs: a cycle ends the walk
  EXPECT_TRUE(derives_from(set, "#microsoft.graph.aadUser", "directoryObject"));
  EXPECT_TRUE(derives_from(set, "user", "user"));
  EXPECT_FALSE(derives_from(set, "directoryObject", "user"));
  EXPECT_FALSE(derives_from(set, "loop", "user"));
  EXPECT_FALSE(derives_from(set, "unknown", "user"));
}

}  // namespace
}  // namespace conform

namespace conform {
namespace {

TEST(ValidateValue, OnlyFlagsEnumsCombineMembers) {
  fixture_set set;
  type_def single{"importance"}, flags{"chatMessageActions"};
  single.members = flags.members = {"low", "high"};
  single.from_metadata = flags.from_metadata = true;
  single.flags = false;
  set.types["importance"] = single;
  set.types["chatmessageactions"] = flags;
  auto check = [&](const char* type, const char* value) {
    property p{"x", type};
    p.enum_values = {"low", "high"};
    std::vector<check_result> out;
    validate_value(boost::json::value(value), p, set, "/x", {}, out);
    return failures(out).size();
  };
  EXPECT_EQ(check("microsoft.graph.importance", "low,high"), 1u);
  EXPECT_EQ(check("microsoft.graph.importance", "low"), 0u);
  EXPECT_EQ(check("microsoft.graph.chatMessageActions", "low,high"), 0u);
  EXPECT_EQ(check("microsoft.graph.chatMessageActions", "low,none"), 1u);
}

}  // namespace
}  // namespace conform
