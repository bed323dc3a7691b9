// CSDL types as the docs' contract: what conform::read_type and the checks will see.
#include "csdl/bridge.hpp"
#include "model/contract.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace conform::csdl {
namespace {

const document& excerpt() {
  static const parse_result r =
      load(std::filesystem::path(CONFORM_SOURCE_DIR) / "harness/csdl/test/data/graph-excerpt.csdl");
  if (!r.doc) ADD_FAILURE() << r.error;
  return *r.doc;
}

const conform::property* find(const type_def& t, std::string_view name) {
  for (const conform::property& p : t.properties)
    if (p.name == name) return &p;
  return nullptr;
}

TEST(CsdlBridge, UserAsATypeDefReadsThroughTheContract) {
  const document& d = excerpt();
  const type_def user = to_type_def(d, *d.find_structured("graph.user"));
  EXPECT_EQ(user.name, "user");
  EXPECT_EQ(user.file, d.source());
  EXPECT_EQ(user.line, d.find_structured("user")->line);
  ASSERT_FALSE(user.properties.empty());
  EXPECT_EQ(user.properties.front().name, "id");  // inherited first
  EXPECT_EQ(user.properties.size(), d.all_properties(*d.find_structured("user")).size());

  const conform::property* enabled = find(user, "accountEnabled");
  ASSERT_NE(enabled, nullptr);
  EXPECT_EQ(enabled->type, "Edm.Boolean");
  EXPECT_EQ(read_type(enabled->type).kind, value_kind::boolean);
  EXPECT_TRUE(enabled->nullable);
  EXPECT_FALSE(enabled->required);
  EXPECT_FALSE(enabled->navigation);

  const conform::property* limit = find(user, "deviceEnrollmentLimit");
  EXPECT_EQ(read_type(limit->type).kind, value_kind::number);
  EXPECT_FALSE(limit->nullable);

  const conform::property* birthday = find(user, "birthday");
  EXPECT_EQ(read_type(birthday->type).kind, value_kind::timestamp);

  const conform::property* phones = find(user, "businessPhones");
  const type_ref phones_type = read_type(phones->type);
  EXPECT_TRUE(phones_type.collection);
  EXPECT_EQ(phones_type.kind, value_kind::string);

  const conform::property* licenses = find(user, "assignedLicenses");
  const type_ref licenses_type = read_type(licenses->type);
  EXPECT_TRUE(licenses_type.collection);
  EXPECT_EQ(licenses_type.element, "microsoft.graph.assignedLicense");
  EXPECT_EQ(licenses_type.kind, value_kind::unknown);  // a complex type: its own type_def says more

  const conform::property* manager = find(user, "manager");
  ASSERT_NE(manager, nullptr);
  EXPECT_TRUE(manager->navigation);
  EXPECT_EQ(manager->type, "microsoft.graph.directoryObject");
  const conform::property* folders = find(user, "mailFolders");
  EXPECT_TRUE(folders->navigation);
  EXPECT_TRUE(read_type(folders->type).collection);
}

TEST(CsdlBridge, EnumPropertiesCarryTheEnumMembers) {
  const document& d = excerpt();
  const type_def config = to_type_def(d, *d.find_structured("windows10GeneralConfiguration"));
  const conform::property* activity = find(config, "defenderMonitorFileActivity");
  ASSERT_NE(activity, nullptr);
  EXPECT_EQ(activity->type, "microsoft.graph.defenderMonitorFileActivity");
  EXPECT_EQ(activity->enum_values,
            (std::vector<std::string>{"userDefined", "disable", "monitorAllFiles", "monitorIncomingFilesOnly",
                                      "monitorOutgoingFilesOnly"}));
  EXPECT_FALSE(activity->nullable);
  // Inherited from the abstract deviceConfiguration, before the type's own.
  EXPECT_NE(find(config, "displayName"), nullptr);
  EXPECT_LT(find(config, "displayName") - config.properties.data(), activity - config.properties.data());

  const type_def hours = to_type_def(d, *d.find_structured("workingHours"));
  const conform::property* days = find(hours, "daysOfWeek");
  ASSERT_NE(days, nullptr);
  EXPECT_TRUE(read_type(days->type).collection);
  EXPECT_EQ(days->enum_values.size(), 7u);
  EXPECT_EQ(days->enum_values.front(), "sunday");

  // The docs' false alarm of issue 10: the CSDL says licenseProcessingState is a complex type, not a String.
  const type_def group = to_type_def(d, *d.find_structured("group"));
  const conform::property* state = find(group, "licenseProcessingState");
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->type, "microsoft.graph.licenseProcessingState");
  EXPECT_TRUE(state->enum_values.empty());
  EXPECT_NE(d.find_structured(state->type), nullptr);
}

TEST(CsdlBridge, EnumTypeAsMembers) {
  const document& d = excerpt();
  const type_def flags = to_type_def(d, *d.find_enum("chatMessageActions"));
  EXPECT_EQ(flags.name, "chatMessageActions");
  EXPECT_TRUE(flags.properties.empty());
  ASSERT_FALSE(flags.members.empty());
  // A flags value is members joined by commas; the contract's member matching splits it.
  std::vector<member_match> parts;
  match_members(flags.members[0] + "," + flags.members[1], flags.members,
                [&parts](const member_match& m) { parts.push_back(m); });
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_TRUE(parts[0].exact && parts[1].exact);
}

}  // namespace
}  // namespace conform::csdl
