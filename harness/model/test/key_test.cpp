// looks_like_key: which documented URL segments are the docs' literal ids (the plan binds them, the stateful
// reference server guards them) and which are names.
#include "model/fixture.hpp"

#include <gtest/gtest.h>

namespace conform {
namespace {

TEST(LooksLikeKey, IdsOfTheDocsTenantAreKeys) {
  for (const char* s : {"b320ee12-b1cd-4cca-b648-a437be61c5cd", "jdoe@contoso.com", "contoso.com",
                        "19:561fbdbbfca848a484f0a6f00ce9dbbd@thread.tacv2", "B2X_1_Partner",
                        "AAMkADI5MAAIT3drCAAA=", "01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K", "42",
                        "e67594ac30fb4335829d58f2cbefba4f"})
    EXPECT_TRUE(looks_like_key(s)) << s;
}

TEST(LooksLikeKey, NamesOperationsAndCastsAreNot) {
  for (const char* s : {"groups", "b2xUserFlows", "oauth2PermissionGrants",
                        "x509CertificateAuthenticationMethodConfiguration", "oauth2", "delta()",
                        "microsoft.graph.user", "graph.group", "$ref", "$count", "", "range(address='A1')"})
    EXPECT_FALSE(looks_like_key(s)) << s;
}

}  // namespace
}  // namespace conform
