#!/usr/bin/env python3
"""Writes graph-excerpt.csdl: elements of the real Graph v1.0 CSDL copied verbatim (line for line), the few
types and operations the csdl tests need plus every complex and enum type their structural properties use.
Usage: make_excerpt.py ../shared/corpus/metadata/v1.0.csdl > harness/csdl/test/data/graph-excerpt.csdl"""
import re
import sys

ENTITIES = ["entity", "directoryObject", "user", "group", "device", "deviceConfiguration",
            "windows10GeneralConfiguration", "deviceManagement", "outlookItem", "mailFolder", "message",
            "profilePhoto"]
EXTRA = ["chatMessageActions"]  # a flags enum
OPERATIONS = [("Function", "delta", "Collection(graph.user)"), ("Function", "reminderView", "graph.user"),
              ("Action", "getMemberGroups", "graph.directoryObject"),
              ("Action", "getByIds", "Collection(graph.directoryObject)"),
              ("Action", "changePassword", "graph.user"), ("Action", "assignLicense", "graph.user")]
SETS = ["directoryObjects", "users", "groups", "devices"]
SINGLETONS = ["me", "deviceManagement"]

lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
end_schema = next(i for i, l in enumerate(lines) if l.strip() == "</Schema>")
graph = lines[:end_schema]

def element(start):
    """Lines of the element opening at `start` (self-closing or up to its closing tag)."""
    if lines[start].rstrip().endswith("/>"):
        return lines[start:start + 1]
    tag = re.match(r"\s*<(\w+)", lines[start]).group(1)
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "</%s>" % tag)
    return lines[start:end + 1]

def find(kind, name):
    pattern = '<%s Name="%s"' % (kind, name)
    for i, l in enumerate(graph):
        if l.strip().startswith(pattern) and re.match(r'\s*<%s Name="%s"[ />]' % (kind, name), l):
            return i
    return None

chosen = {}  # start line -> kind
def add_type(name):
    for kind in ("EntityType", "ComplexType", "EnumType"):
        i = find(kind, name)
        if i is not None:
            if i in chosen:
                return
            chosen[i] = kind
            text = "\n".join(element(i))
            base = re.search(r'BaseType="graph\.(\w+)"', lines[i])
            if base:
                add_type(base.group(1))
            if kind != "EntityType" or name in ENTITIES:
                for t in re.findall(r'<Property Name="\w+" Type="(?:Collection\()?graph\.(\w+)', text):
                    add_type(t)
            return
    sys.exit("type not found: " + name)

for n in ENTITIES + EXTRA:
    add_type(n)
for kind, name, binding in OPERATIONS:
    for i, l in enumerate(graph):
        if l.strip().startswith('<%s Name="%s"' % (kind, name)) and binding in lines[i + 1]:
            chosen[i] = kind
            break
    else:
        sys.exit("operation not found: " + name)

out = ['<?xml version="1.0" encoding="utf-8"?>',
       "<!-- An excerpt of the Microsoft Graph v1.0 CSDL (MIT license), microsoftgraph/msgraph-metadata commit",
       "     f54f11b60956ea7b185ca0447b2b80805836ec7b, schemas/v1.0-Prod.csdl: elements copied verbatim by",
       "     harness/csdl/test/data/make_excerpt.py (the types the csdl tests need and every complex and enum",
       "     type their properties use; navigation targets outside the excerpt are left dangling on purpose). -->"]
out += lines[1:4]
for i in sorted(chosen):
    out += element(i)
container = next(i for i, l in enumerate(graph) if "<EntityContainer" in l)
out.append(lines[container])
for i in range(container + 1, end_schema):
    m = re.match(r'\s*<(EntitySet|Singleton) Name="(\w+)"', lines[i])
    if m and m.group(2) in (SETS if m.group(1) == "EntitySet" else SINGLETONS):
        out += element(i)
out.append("      </EntityContainer>")
out += lines[end_schema:end_schema + 1]
out += ["  </edmx:DataServices>", "</edmx:Edmx>", ""]
sys.stdout.write("\n".join(out))
