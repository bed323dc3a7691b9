// Hand-built fixtures mirroring the seed pages (seed 004: POST .../calls/{callId}/operations -> 201
// commsOperation).
//   input : nothing
//   output: fixture_set{fixtures=[comms_operation], types={resultinfo}}
#pragma once

#include "model/exchange.hpp"
#include "model/fixture.hpp"

#include <boost/json/parse.hpp>

#include <string>

namespace conform::mock::test {

inline property prop(std::string name, std::string type, std::vector<std::string> enums = {},
                     bool required = false) {
  property p;
  p.name = std::move(name);
  p.type = std::move(type);
  p.enum_values = std::move(enums);
  p.required = required;
  return p;
}

inline void set_request_body(fixture& f, std::string body) {
  f.request.body = std::move(body);
  f.request.json = boost::json::parse(f.request.body);
  f.request.headers = {{"Content-Type", "application/json"}};
}

inline void set_response_body(fixture& f, std::string body) {
  f.response.body = std::move(body);
  f.response.json = boost::json::parse(f.response.body);
}

inline fixture comms_operation() {
  fixture f;
  f.id = "commsoperation-post/create_commsoperation_from_";
  f.page = "commsoperation-post";
  f.file = "commsoperation-post.md";
  f.version = "beta";
  f.request.method = "POST";
  f.request.url = "https://graph.microsoft.com/beta/communications/calls/{callId}/operations";
  set_request_body(f, R"j({
    "@odata.type": "#microsoft.graph.commsOperation",
    "status": "String",
    "clientContext": "Client Context value",
    "resultInfo": {"@odata.type": "microsoft.graph.ResultInfo", "code": 4, "subcode": 7, "message": "Message value"}
  })j");
  f.response.status = 201;
  f.response.reason = "Created";
  f.response.headers = {{"Content-Type", "application/json"}, {"Content-Length", "265"}};
  set_response_body(f, R"j({
    "@odata.type": "#microsoft.graph.commsOperation",
    "id": "b571cdaa-cdaa-b571-aacd-71b5aacd71b5",
    "status": "String",
    "clientContext": "Client Context value",
    "lastActionDateTime": "String (timestamp)",
    "resultInfo": {
    "@odata.type" : "microsoft.graph.ResultInfo", "code" : 4, "subcode" : 7, "message" : "Message value"}
})j");
  f.response.truncated = true;
  f.response.odata_type = "microsoft.graph.commsoperation";
  f.properties = {prop("id", "String"),
                  prop("status", "operationStatus", {"NotStarted", "Running", "Completed", "Failed"}, true),
                  prop("clientContext", "String"), prop("lastActionDateTime", "DateTimeOffset"),
                  prop("resultInfo", "ResultInfo")};
  return f;
}

// Seed 000/001 shape: string properties only, a placeholder id and timestamp; no enum anywhere.
inline fixture managed_app_operation() {
  fixture f;
  f.id = "intune-managedappoperation-create/create_managedappoperation_from_";
  f.page = "intune-managedappoperation-create";
  f.version = "v1.0";
  f.request.method = "POST";
  f.request.url =
      "https://graph.microsoft.com/v1.0/users/{usersId}/managedAppRegistrations/{managedAppRegistrationId}/"
      "operations";
  set_request_body(f, R"j({"@odata.type": "#microsoft.graph.managedAppOperation", "displayName": "String",
                          "state": "String", "version": "String"})j");
  f.response.status = 201;
  set_response_body(f, R"j({"@odata.type": "#microsoft.graph.managedAppOperation", "id": "String",
                           "displayName": "String", "lastModifiedDateTime": "String (timestamp)",
                           "state": "String", "version": "String"
})j");
  f.response.odata_type = "microsoft.graph.managedappoperation";
  f.properties = {prop("id", "String"), prop("displayName", "String"),
                  prop("lastModifiedDateTime", "DateTimeOffset"), prop("state", "String"),
                  prop("version", "String")};
  return f;
}

inline fixture get_fixture(std::string id, std::string url) {
  fixture f;
  f.id = std::move(id);
  f.version = "v1.0";
  f.request.method = "GET";
  f.request.url = std::move(url);
  f.response.status = 200;
  set_response_body(f,
                    R"j({"@odata.type": "#microsoft.graph.user", "id": "String", "displayName": "String"})j");
  f.properties = {prop("id", "String"), prop("displayName", "String")};
  return f;
}

inline fixture_set with_types(std::vector<fixture> fixtures) {
  fixture_set set;
  set.fixtures = std::move(fixtures);
  type_def ri;
  ri.name = "resultInfo";
  ri.properties = {prop("code", "Int32"), prop("subcode", "Int32"), prop("message", "String")};
  set.types["resultinfo"] = ri;
  return set;
}

inline http_request request(std::string method, std::string target, std::string body = {}) {
  http_request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  if (!r.body.empty()) r.headers.push_back({"Content-Type", "application/json"});
  return r;
}

inline constexpr const char* valid_comms_body =
    R"j({"@odata.type": "#microsoft.graph.commsOperation", "status": "Running", "clientContext": "mine",
        "resultInfo": {"@odata.type": "#microsoft.graph.resultInfo", "code": 1, "subcode": 2, "message": "m"}})j";

inline constexpr const char* comms_target =
    "/beta/communications/calls/57dab8b1-894c-409a-b240-bd8beae78896/operations";

}  // namespace conform::mock::test
