#!/usr/bin/env python3
"""Generates a synthetic Graph-style doc page set for scripts/bench-replay, plus the same requests for wrk
and the same examples as a Swagger 2 file for Dredd.

  gen_fixtures.py OUT_DIR COUNT [DREDD_COUNT]

OUT_DIR/pages/resources/bench-widget-T.md   20 resource pages (typed property tables, one enum)
OUT_DIR/pages/api/bench-NNNNN.md             COUNT API pages, one annotated example each:
                                             even i: GET  /v1.0/benchAreaA/widgetsI/{widgetId}  -> 200
                                             odd i:  POST /v1.0/benchAreaA/widgetsI (JSON body) -> 201
OUT_DIR/requests.tsv                         METHOD \t PATH \t FIXTURE-ID \t BODY (one line each; for wrk)
OUT_DIR/swagger.json                         the first DREDD_COUNT examples as Swagger 2 (x-example ids,
                                             body examples, response schemas with the typed properties)
"""
import json
import os
import sys

TYPES = 20
AREAS = 40
ENUM = ["active", "inactive", "retired"]
ID = "5f0d1c2e-8a47-4b1e-9c36-2d7e4f1a9b80"  # what wrk and Dredd put in {widgetId}

RESOURCE = """---
title: "benchWidget{t} resource type"
description: "A generated resource for the replay benchmark."
doc_type: resourcePageType
---

# benchWidget{t} resource type

Namespace: microsoft.graph

A generated resource for the replay benchmark.

## Properties

|Property|Type|Description|
|:---|:---|:---|
|id|String|The identifier. Read-only.|
|displayName|String|The display name.|
|itemCount|Int32|How many items.|
|enabled|Boolean|Whether the widget is enabled.|
|score|Double|A score.|
|createdDateTime|DateTimeOffset|When the widget was created. Read-only.|
|status|benchStatus|The status. Possible values are: `active`, `inactive`, `retired`.|
|tags|String collection|Free tags.|

## JSON representation

<!-- {{
  "blockType": "resource",
  "keyProperty": "id",
  "@odata.type": "microsoft.graph.benchWidget{t}"
}}
-->
``` json
{{
  "@odata.type": "#microsoft.graph.benchWidget{t}",
  "id": "String (identifier)",
  "displayName": "String",
  "itemCount": "Int32",
  "enabled": "Boolean",
  "score": "Double",
  "createdDateTime": "String (timestamp)",
  "status": "String",
  "tags": ["String"]
}}
```
"""

API = """---
title: "{verb} benchWidget {i}"
description: "Generated page {i} for the replay benchmark."
doc_type: apiPageType
---

# {verb} benchWidget {i}

Namespace: microsoft.graph

{verb} a [benchWidget{t}](../resources/bench-widget-{t}.md) object.

## HTTP request
<!-- {{
  "blockType": "ignored"
}}
-->
``` http
{method} {template}
```

## Response

If successful, this method returns a `{status} {reason}` response code and a benchWidget{t} object.

## Examples

### Request
<!-- {{
  "blockType": "request",
  "name": "{name}"
}}
-->
``` http
{method} https://graph.microsoft.com/v1.0{path}
{request_rest}```

### Response
<!-- {{
  "blockType": "response",
  "truncated": true,
  "@odata.type": "microsoft.graph.benchWidget{t}"
}}
-->
``` http
HTTP/1.1 {status} {reason}
Content-type: application/json

{response}
```
"""

SCHEMA_PROPS = {
    "@odata.type": {"type": "string"},
    "id": {"type": "string"},
    "displayName": {"type": "string"},
    "itemCount": {"type": "integer"},
    "enabled": {"type": "boolean"},
    "score": {"type": "number"},
    "createdDateTime": {"type": "string", "format": "date-time"},
    "status": {"type": "string", "enum": ENUM},
    "tags": {"type": "array", "items": {"type": "string"}},
}


def example(i, t):
    return {
        "@odata.type": f"#microsoft.graph.benchWidget{t}",
        "id": f"{i:08x}-0000-4000-8000-{i:012x}",
        "displayName": f"Widget {i}",
        "itemCount": i % 97,
        "enabled": i % 3 == 0,
        "score": round(i / 7.0, 3),
        "createdDateTime": "2024-05-%02dT10:%02d:00Z" % (1 + i % 28, i % 60),
        "status": ENUM[i % 3],
        "tags": [f"tag{i % 5}", f"group{i % 11}"],
    }


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    dredd_count = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    os.makedirs(f"{out}/pages/resources", exist_ok=True)
    os.makedirs(f"{out}/pages/api", exist_ok=True)
    for t in range(TYPES):
        with open(f"{out}/pages/resources/bench-widget-{t}.md", "w") as f:
            f.write(RESOURCE.format(t=t))
    paths = {}
    with open(f"{out}/requests.tsv", "w") as tsv:
        for i in range(count):
            t, area = i % TYPES, i % AREAS
            page, name = f"bench-{i:05d}", f"bench_widget_{i}"
            resp = example(i, t)
            if i % 2 == 0:
                method, status, reason = "GET", 200, "OK"
                path = f"/benchArea{area}/widgets{i}/{{widgetId}}"
                template = f"/benchArea{area}/widgets{i}/{{id}}"
                request_rest, body = "", None
            else:
                method, status, reason = "POST", 201, "Created"
                path = template = f"/benchArea{area}/widgets{i}"
                body = {k: resp[k] for k in ("@odata.type", "displayName", "itemCount", "enabled", "status")}
                request_rest = "Content-type: application/json\n\n" + json.dumps(body, indent=2) + "\n"
            with open(f"{out}/pages/api/{page}.md", "w") as f:
                f.write(API.format(verb="Get" if method == "GET" else "Create", i=i, t=t, method=method,
                                   template=template, name=name, path=path, request_rest=request_rest,
                                   status=status, reason=reason, response=json.dumps(resp, indent=2)))
            concrete = "/v1.0" + path.replace("{widgetId}", ID)
            tsv.write("\t".join([method, concrete, f"{page}/{name}", json.dumps(body) if body else ""]) + "\n")
            if i < dredd_count:
                op = {
                    "operationId": name,
                    "produces": ["application/json"],
                    "parameters": [],
                    "responses": {str(status): {
                        "description": reason,
                        "schema": {"type": "object", "properties": SCHEMA_PROPS,
                                   "required": ["@odata.type", "id", "displayName", "status"]},
                        "examples": {"application/json": resp},
                    }},
                }
                if "{widgetId}" in path:
                    op["parameters"].append({"name": "widgetId", "in": "path", "required": True, "type": "string",
                                             "x-example": ID})
                if body:
                    op["consumes"] = ["application/json"]
                    op["parameters"].append({"name": "body", "in": "body", "required": True,
                                             "schema": {"type": "object", "example": body}})
                paths.setdefault("/v1.0" + path, {})[method.lower()] = op
    if dredd_count:
        swagger = {"swagger": "2.0", "info": {"title": "conform replay benchmark", "version": "1.0"},
                   "host": "127.0.0.1", "schemes": ["http"], "paths": paths}
        with open(f"{out}/swagger.json", "w") as f:
            json.dump(swagger, f, indent=1)


if __name__ == "__main__":
    main()
