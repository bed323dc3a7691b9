// The CSDL reader and its type lookups, over an excerpt of the real Graph v1.0 CSDL and the whole file.
#include "csdl/csdl.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace conform::csdl {
namespace {

namespace fs = std::filesystem;

const fs::path excerpt_path = fs::path(CONFORM_SOURCE_DIR) / "harness/csdl/test/data/graph-excerpt.csdl";
const fs::path real_path = fs::path(CONFORM_SHARED_DIR) / "corpus/metadata/v1.0.csdl";

const document& excerpt() {
  static const parse_result r = load(excerpt_path);
  if (!r.doc) ADD_FAILURE() << r.error;
  return *r.doc;
}

std::vector<std::string> names(const std::vector<const property*>& ps) {
  std::vector<std::string> out;
  for (const property* p : ps) out.push_back(p->name);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A tiny document with a second schema and an alias, written here so each attribute's reading is visible.
constexpr std::string_view two_schemas = R"xml(<?xml version="1.0"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="alert" BaseType="graph.entity">
        <Property Name="tags" Type="Collection(self.tag)" MaxLength="max" />
        <Property Name="weight" Type="Edm.Decimal" Precision="10" Scale="2" DefaultValue="1&amp;2" />
      </EntityType>
      <EnumType Name="level" UnderlyingType="Edm.Byte">
        <Member Name="low" />
        <Member Name="high" Value="7" />
        <Member Name="higher" />
      </EnumType>
    </Schema>
    <Schema Namespace="microsoft.graph.security" Alias="self" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="tag" OpenType="true"><Property Name="name" Type="Edm.String" /></ComplexType>
      <EntityType Name="alert" BaseType="graph.alert" />
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
)xml";

TEST(CsdlParse, ReadsTypesWithQualifiedNamesAndDefaults) {
  const parse_result r = parse(two_schemas, "inline");
  ASSERT_TRUE(r.doc) << r.error;
  const document& d = *r.doc;
  ASSERT_EQ(d.schemas().size(), 2u);
  EXPECT_EQ(d.schemas()[1].name_space, "microsoft.graph.security");
  EXPECT_EQ(d.schemas()[1].alias, "self");

  const structured_type* alert = d.find_structured("microsoft.graph.alert");
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->base_type, "microsoft.graph.entity");
  ASSERT_EQ(alert->properties.size(), 2u);
  const property& tags = alert->properties[0];
  EXPECT_EQ(tags.type, (type_name{"microsoft.graph.security.tag", true}));  // "self." resolved
  EXPECT_EQ(tags.type.text(), "Collection(microsoft.graph.security.tag)");
  EXPECT_TRUE(tags.nullable);  // the default when Nullable is absent
  EXPECT_EQ(tags.max_length, "max");
  EXPECT_EQ(tags.line, 13u);
  const property& weight = alert->properties[1];
  EXPECT_EQ(weight.precision, "10");
  EXPECT_EQ(weight.scale, "2");
  EXPECT_EQ(weight.default_value, "1&2");

  const structured_type* entity = d.find_structured("graph.entity");
  ASSERT_NE(entity, nullptr);
  EXPECT_TRUE(entity->abstract);
  EXPECT_EQ(entity->key, std::vector<std::string>{"id"});
  EXPECT_FALSE(entity->properties[0].nullable);

  const enum_type* level = d.find_enum("graph.level");
  ASSERT_NE(level, nullptr);
  EXPECT_EQ(level->underlying_type, "Edm.Byte");
  ASSERT_EQ(level->members.size(), 3u);
  EXPECT_EQ(level->members[0].value, 0);  // implied values count on from the last written one
  EXPECT_EQ(level->members[1].value, 7);
  EXPECT_EQ(level->members[2].value, 8);

  EXPECT_TRUE(d.find_structured("self.tag")->open_type);
  EXPECT_EQ(d.qualify("Core.Description"), "");  // an alias of a referenced document, but no such type here
}

TEST(CsdlParse, SimpleNamesPreferTheFirstSchema) {
  const document d = *parse(two_schemas).doc;
  EXPECT_EQ(d.find_structured("alert")->qualified, "microsoft.graph.alert");
  EXPECT_EQ(d.find_structured("self.alert")->qualified, "microsoft.graph.security.alert");
  EXPECT_EQ(d.qualify("#microsoft.graph.security.alert"), "microsoft.graph.security.alert");
  EXPECT_EQ(d.qualify("Collection(graph.alert)"), "microsoft.graph.alert");
  EXPECT_EQ(d.qualify("Alert"), "microsoft.graph.alert");  // a doc's spelling, case ignored
  EXPECT_EQ(d.qualify("Edm.Guid"), "Edm.Guid");
  EXPECT_EQ(d.qualify("nothing"), "");
  EXPECT_TRUE(d.derives_from("self.alert", "graph.entity"));
}

TEST(CsdlParse, ErrorsAreValuesWithALine) {
  const parse_result not_xml = parse("<edmx:Edmx>\n  <Schema>\n</edmx:Edmx>\n");
  EXPECT_FALSE(not_xml.doc);
  EXPECT_NE(not_xml.error.find("not XML"), std::string::npos) << not_xml.error;
  EXPECT_EQ(not_xml.error_line, 3u);

  const parse_result html = parse("<!DOCTYPE html>\n<html><body>Sign in</body></html>");
  EXPECT_FALSE(html.doc);
  EXPECT_EQ(html.error, "not a CSDL document: root element <html>, expected <edmx:Edmx>");
  EXPECT_EQ(html.error_line, 2u);

  const parse_result empty = parse("");
  EXPECT_FALSE(empty.doc);
  EXPECT_FALSE(empty.error.empty());

  const parse_result no_schema = parse("<edmx:Edmx xmlns:edmx='x'><edmx:DataServices/></edmx:Edmx>");
  EXPECT_FALSE(no_schema.doc);
  EXPECT_NE(no_schema.error.find("no <Schema>"), std::string::npos);

  const parse_result missing = load("/nonexistent/graph.csdl");
  EXPECT_FALSE(missing.doc);
  EXPECT_NE(missing.error.find("cannot read /nonexistent/graph.csdl"), std::string::npos);
}

TEST(CsdlParse, HostileBaseTypeCycleEnds) {
  const parse_result r = parse(R"xml(<edmx:Edmx xmlns:edmx="x"><edmx:DataServices><Schema Namespace="n">
    <EntityType Name="a" BaseType="n.b"><Property Name="x" Type="Edm.String"/></EntityType>
    <EntityType Name="b" BaseType="n.a"/></Schema></edmx:DataServices></edmx:Edmx>)xml");
  ASSERT_TRUE(r.doc) << r.error;
  EXPECT_EQ(r.doc->base_chain("n.a").size(), 2u);
  EXPECT_FALSE(r.doc->derives_from("n.a", "n.c"));
  EXPECT_EQ(r.doc->all_properties(*r.doc->find_structured("n.a")).size(), 1u);
}

TEST(CsdlExcerpt, EntityTypesWithInheritance) {
  const document& d = excerpt();
  const structured_type* user = d.find_structured("microsoft.graph.user");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->kind, type_kind::entity);
  EXPECT_EQ(user->base_type, "microsoft.graph.directoryObject");
  EXPECT_TRUE(user->open_type);
  EXPECT_TRUE(user->key.empty());  // inherited from entity

  std::vector<std::string> chain;
  for (const structured_type* t : d.base_chain("graph.user")) chain.push_back(t->name);
  EXPECT_EQ(chain, (std::vector<std::string>{"user", "directoryObject", "entity"}));
  EXPECT_TRUE(d.derives_from("user", "directoryObject"));
  EXPECT_TRUE(d.derives_from("graph.windows10GeneralConfiguration", "microsoft.graph.deviceConfiguration"));
  EXPECT_TRUE(d.derives_from("user", "user"));
  EXPECT_FALSE(d.derives_from("directoryObject", "user"));
  EXPECT_FALSE(d.derives_from("group", "user"));
  EXPECT_TRUE(d.find_structured("deviceConfiguration")->abstract);
  EXPECT_TRUE(d.find_structured("profilePhoto")->has_stream);

  std::vector<std::string> subtypes;
  for (const structured_type* t : d.derived_types("directoryObject")) subtypes.push_back(t->name);
  std::sort(subtypes.begin(), subtypes.end());
  EXPECT_EQ(subtypes, (std::vector<std::string>{"device", "group", "user"}));

  const std::vector<std::string> all = names(d.all_properties(*user));
  ASSERT_GE(all.size(), 3u);
  EXPECT_EQ(all[0], "id");               // entity's, first
  EXPECT_EQ(all[1], "deletedDateTime");  // then directoryObject's
  EXPECT_TRUE(contains(all, "accountEnabled"));
  EXPECT_TRUE(contains(all, "manager"));
}

TEST(CsdlExcerpt, PropertiesAndNavigation) {
  const document& d = excerpt();
  const structured_type& user = *d.find_structured("user");
  const property* enabled = d.find_property(user, "accountEnabled");
  ASSERT_NE(enabled, nullptr);
  EXPECT_EQ(enabled->type.text(), "Edm.Boolean");
  EXPECT_FALSE(enabled->navigation);

  const property* licenses = d.find_property(user, "assignedLicenses");
  ASSERT_NE(licenses, nullptr);
  EXPECT_EQ(licenses->type.text(), "Collection(microsoft.graph.assignedLicense)");
  EXPECT_FALSE(licenses->nullable);

  EXPECT_EQ(d.find_property(user, "id")->name, "id");                    // inherited
  EXPECT_EQ(d.find_property(user, "DisplayName")->name, "displayName");  // a doc's case
  EXPECT_EQ(d.find_property(user, "nope"), nullptr);

  EXPECT_TRUE(d.is_navigation(user, "manager"));
  EXPECT_TRUE(d.is_navigation(user, "mailFolders"));
  EXPECT_FALSE(d.is_navigation(user, "displayName"));
  const property* folders = d.find_property(user, "mailFolders");
  EXPECT_TRUE(folders->contains_target);
  EXPECT_EQ(folders->type.text(), "Collection(microsoft.graph.mailFolder)");
  const property* manager = d.find_property(user, "manager");
  EXPECT_FALSE(manager->contains_target);
  EXPECT_EQ(manager->type.text(), "microsoft.graph.directoryObject");
}

TEST(CsdlExcerpt, EnumsIncludingFlags) {
  const document& d = excerpt();
  const enum_type* actions = d.find_enum("chatMessageActions");
  ASSERT_NE(actions, nullptr);
  EXPECT_TRUE(actions->is_flags);
  const enum_type* importance = d.find_enum("graph.importance");
  ASSERT_NE(importance, nullptr);
  EXPECT_FALSE(importance->is_flags);
  const std::vector<enum_member>* members = d.members("microsoft.graph.importance");
  ASSERT_NE(members, nullptr);
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ((*members)[0].name, "low");
  EXPECT_EQ((*members)[2].name, "high");
  EXPECT_EQ(d.members("user"), nullptr);
  EXPECT_EQ(d.find_structured("importance"), nullptr);
}

TEST(CsdlExcerpt, OperationsAndContainer) {
  const document& d = excerpt();
  auto delta = d.bound_operations("microsoft.graph.user", true, "delta");
  ASSERT_EQ(delta.size(), 1u);
  EXPECT_EQ(delta[0]->kind, operation_kind::function);
  EXPECT_EQ(delta[0]->return_type->text(), "Collection(microsoft.graph.user)");
  EXPECT_EQ(d.bound_operations("microsoft.graph.user", false, "delta").size(), 0u);
  EXPECT_EQ(d.bound_operations("microsoft.graph.user", true, "graph.delta").size(), 1u);
  EXPECT_EQ(d.bound_operations("microsoft.graph.user", true, "microsoft.graph.delta").size(), 1u);
  EXPECT_EQ(d.bound_operations("microsoft.graph.user", true, "other.delta").size(), 0u);

  auto change = d.bound_operations("microsoft.graph.user", false, "changePassword");
  ASSERT_EQ(change.size(), 1u);
  EXPECT_EQ(change[0]->kind, operation_kind::action);
  EXPECT_FALSE(change[0]->return_type);
  ASSERT_NE(change[0]->binding(), nullptr);
  EXPECT_EQ(change[0]->binding()->type.name, "microsoft.graph.user");

  auto reminder = d.bound_operations("microsoft.graph.user", false, "reminderView");
  ASSERT_EQ(reminder.size(), 1u);
  EXPECT_EQ(reminder[0]->parameters.size(), 3u);
  EXPECT_FALSE(reminder[0]->parameters[1].nullable);

  const entity_container& c = d.container();
  EXPECT_EQ(c.name, "GraphService");
  const entity_set* users = d.find_entity_set("users");
  ASSERT_NE(users, nullptr);
  EXPECT_EQ(users->entity_type, "microsoft.graph.user");
  EXPECT_FALSE(users->bindings.empty());
  EXPECT_EQ(d.find_entity_set("Users"), users);
  const singleton* me = d.find_singleton("me");
  ASSERT_NE(me, nullptr);
  EXPECT_EQ(me->type, "microsoft.graph.user");
  EXPECT_EQ(d.find_singleton("users"), nullptr);
}

TEST(CsdlRealFile, ParsesGraphV1) {
  if (!fs::exists(real_path)) GTEST_SKIP() << real_path << " absent";
  const auto start = std::chrono::steady_clock::now();
  const parse_result r = load(real_path);
  const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.doc) << r.error;
  const document& d = *r.doc;
  std::size_t entities = 0, complexes = 0;
  for (const structured_type& t : d.structured_types())
    (t.kind == type_kind::entity ? entities : complexes)++;
  EXPECT_EQ(d.enum_types().size(), 861u);
  EXPECT_EQ(entities, 1182u);
  // The corpus README says 1,780; the file holds 1,779 <ComplexType> elements (grep -c and any XML reader
  // agree).
  EXPECT_EQ(complexes, 1779u);
  EXPECT_EQ(d.schemas().size(), 11u);
  EXPECT_EQ(d.find_structured("self.alert")->qualified, "microsoft.graph.security.alert");
  EXPECT_EQ(d.find_structured("alert")->qualified, "microsoft.graph.alert");
  EXPECT_EQ(d.find_singleton("me")->type, "microsoft.graph.user");
  // Generous for a Debug or sanitized build on a shared machine; the Release figure is in docs/benchmarks.md.
  EXPECT_LT(ms, 3000.0);
  std::printf("parsed %s in %.1f ms (this build)\n", real_path.c_str(), ms);
}

}  // namespace
}  // namespace conform::csdl
