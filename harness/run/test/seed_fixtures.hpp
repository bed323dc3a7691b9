// Hand-built fixtures mirroring the five seed pages, as extract would produce them (until it lands).
//   input : nothing
//   output: fixture_set{fixtures=[managed_app_operation (000), ..., comms_operation (004)],
//   types={resultinfo}}
#pragma once

#include "model/fixture.hpp"

#include <boost/json/parse.hpp>

#include <string>
#include <vector>

namespace conform::run::test {

inline property prop(std::string name, std::string type, std::vector<std::string> enums = {}) {
  property p;
  p.name = std::move(name);
  p.type = std::move(type);
  p.enum_values = std::move(enums);
  return p;
}

inline fixture make_fixture(std::string page, std::string name, std::string version, std::string method,
                            std::string url, std::string request_body, int status, std::string response_body,
                            std::string odata_type, std::vector<property> props) {
  fixture f;
  f.page = page;
  f.id = page + "/" + name;
  f.file = page + ".md";
  f.line = 60;
  f.version = std::move(version);
  f.request.method = std::move(method);
  f.request.url = std::move(url);
  f.request.line = 61;
  if (!request_body.empty()) {
    f.request.headers = {{"Content-Type", "application/json"}, {"Content-length", "135"}};
    f.request.body = std::move(request_body);
    f.request.json = boost::json::parse(f.request.body);
  }
  f.response.status = status;
  f.response.headers = {{"Content-Type", "application/json"}};
  f.response.body = std::move(response_body);
  f.response.json = boost::json::parse(f.response.body);
  f.response.truncated = true;
  f.response.odata_type = std::move(odata_type);
  f.properties = std::move(props);
  return f;
}

// Seed 000: v1.0, two placeholders in the path, string-only properties.
inline fixture seed_000() {
  return make_fixture(
      "intune-mam-managedappoperation-create", "create_managedappoperation_from_", "v1.0", "POST",
      "https://graph.microsoft.com/v1.0/users/{usersId}/managedAppRegistrations/{managedAppRegistrationId}/"
      "operations",
      R"j({"@odata.type": "#microsoft.graph.managedAppOperation", "displayName": "String", "state": "String",
           "version": "String"})j",
      201,
      R"j({"@odata.type": "#microsoft.graph.managedAppOperation", "id": "b12c1a61-1a61-b12c-611a-2cb1611a2cb1",
           "displayName": "String", "lastModifiedDateTime": "String (timestamp)", "state": "String",
           "version": "String"})j",
      "microsoft.graph.managedappoperation",
      {prop("id", "String"), prop("displayName", "String"), prop("lastModifiedDateTime", "DateTimeOffset"),
       prop("state", "String"), prop("version", "String")});
}

// Seed 001: beta, real values everywhere, one placeholder.
inline fixture seed_001() {
  return make_fixture(
      "intune_mam_managedappoperation_create", "create_managedappoperation", "beta", "POST",
      "https://graph.microsoft.com/beta/deviceAppManagement/managedAppRegistrations/"
      "{managedAppRegistrationId}/"
      "operations",
      R"j({"@odata.type": "#microsoft.graph.managedAppOperation", "displayName": "Display Name value",
           "lastModifiedDateTime": "2017-01-01T00:00:35.1329464-08:00", "state": "State value",
           "version": "Version value"})j",
      201,
      R"j({"@odata.type": "#microsoft.graph.managedAppOperation", "displayName": "Display Name value",
           "lastModifiedDateTime": "2017-01-01T00:00:35.1329464-08:00", "state": "State value",
           "id": "f2867b06-7b06-f286-067b-86f2067b86f2", "version": "Version value"})j",
      "",
      {prop("displayName", "String"), prop("lastModifiedDateTime", "DateTimeOffset"), prop("state", "String"),
       prop("id", "String"), prop("version", "String")});
}

// Seed 002: the documented URL is broken; extract marks it not runnable.
inline fixture seed_002() {
  fixture f = make_fixture(
      "operation-post", "create_operation_from_", "", "POST",
      "https://graph.microsoft.com/localtest** Collection URI for microsoft.graph.operation not found",
      R"j({"@odata.type": "#microsoft.graph.operation", "status": "String"})j", 201,
      R"j({"@odata.type": "#microsoft.graph.operation", "id": "7986a22f-a22f-7986-2fa2-86792fa28679",
           "status": "String"})j",
      "microsoft.graph.operation",
      {prop("id", "String"),
       prop("status", "Enumeration", {"NotStarted", "Running", "Completed", "Failed"})});
  f.runnable = false;
  f.not_runnable_reason = "the documented URL is not a URL";
  return f;
}

// Seed 003: an enum and a timestamp documented as placeholder strings in the request body.
inline fixture seed_003() {
  return make_fixture(
      "authentication-post-operations", "create_longrunningoperation_from_", "beta", "POST",
      "https://graph.microsoft.com/beta/user/authentication/operations",
      R"j({"@odata.type": "#microsoft.graph.longRunningOperation", "lastActionDateTime": "String (timestamp)",
           "status": "String", "statusDetail": "String", "resourceLocation": "String"})j",
      201,
      R"j({"@odata.type": "#microsoft.graph.longRunningOperation", "id": "fb73a450-a450-fb73-50a4-73fb50a473fb",
           "createdDateTime": "String (timestamp)", "lastActionDateTime": "String (timestamp)", "status": "String",
           "statusDetail": "String", "resourceLocation": "String"})j",
      "microsoft.graph.longRunningOperation",
      {prop("id", "String"), prop("createdDateTime", "DateTimeOffset"),
       prop("lastActionDateTime", "DateTimeOffset"),
       prop("status", "longRunningOperationStatus", {"notstarted", "running", "succeeded", "failed"}),
       prop("statusDetail", "String"), prop("resourceLocation", "String")});
}

// Seed 004: an enum placeholder and a nested complex type.
inline fixture seed_004() {
  return make_fixture(
      "communications-post-operations", "create_commsoperation_from_", "beta", "POST",
      "https://graph.microsoft.com/beta/communications/calls/{callId}/operations",
      R"j({"@odata.type": "#microsoft.graph.commsOperation", "status": "String", "clientContext": "Client Context value",
           "resultInfo": {"@odata.type": "microsoft.graph.ResultInfo", "code": 4, "subcode": 7,
                          "message": "Message value"}})j",
      201,
      R"j({"@odata.type": "#microsoft.graph.commsOperation", "id": "b571cdaa-cdaa-b571-aacd-71b5aacd71b5",
           "status": "String", "clientContext": "Client Context value",
           "resultInfo": {"@odata.type": "microsoft.graph.ResultInfo", "code": 4, "subcode": 7,
                          "message": "Message value"}})j",
      "microsoft.graph.commsoperation",
      {prop("id", "String"),
       prop("status", "operationStatus", {"NotStarted", "Running", "Completed", "Failed"}),
       prop("clientContext", "String"), prop("resultInfo", "ResultInfo")});
}

inline fixture_set seed_set() {
  fixture_set set;
  set.fixtures = {seed_000(), seed_001(), seed_002(), seed_003(), seed_004()};
  type_def ri;
  ri.name = "resultInfo";
  ri.properties = {prop("code", "Int32"), prop("subcode", "Int32"), prop("message", "String")};
  set.types["resultinfo"] = ri;
  return set;
}

// Values for every placeholder of the seeds, like suites/seeds.json.
inline std::map<std::string, std::string, std::less<>> seed_variables() {
  return {{"usersId", "8a6b0c1e-5f4d-4b1a-9c2e-3d7f6a5b4c3d"},
          {"managedAppRegistrationId", "c2e4f6a8-1b3d-4f5a-8c7e-9d0b1a2c3e4f"},
          {"callId", "57dab8b1-894c-409a-b240-bd8beae78896"}};
}

}  // namespace conform::run::test
