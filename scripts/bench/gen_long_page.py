#!/usr/bin/env python3
"""Writes one long doc page of about N lines of a given shape to stdout (scripts/bench-extract-long).

Shapes: rows      a resource page whose property table has N rows
        comments  N consecutive `<!-- -->` lines (one HTML block)
        examples  N/10 annotated request/response pairs, all of one name
        corpus    the corpus pages (CORPUS dir) one after another, repeated until N lines
"""
import os
import sys


def main():
    shape, n = sys.argv[1], int(sys.argv[2])
    out = sys.stdout
    if shape == "rows":
        out.write("# thing resource type\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n")
        for i in range(n):
            out.write(f"| prop{i} | String | Possible values are: `a`, `b`. Nullable. |\n")
    elif shape == "comments":
        out.write("# page\n\n")
        out.write("<!-- -->\n" * n)
    elif shape == "examples":
        pair = ('<!-- { "blockType": "request", "name": "get_me" } -->\n```http\n'
                'GET https://graph.microsoft.com/v1.0/me\n```\n\n<!-- { "blockType": "response" } -->\n'
                '```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{"id": "1"}\n```\n\n')
        out.write("# page\n\n")
        out.write(pair * (n // pair.count("\n")))
    elif shape == "corpus":
        corpus = os.environ.get("CORPUS", "../shared/corpus/graph-docs-v1.0")
        pages = []
        for d, _, files in sorted(os.walk(corpus)):
            pages += [os.path.join(d, f) for f in sorted(files) if f.endswith(".md")]
        lines = 0
        while lines < n:
            for p in pages:
                with open(p, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                out.write(text if text.endswith("\n") else text + "\n")
                lines += text.count("\n") + 1
                if lines >= n:
                    break
    else:
        sys.exit(f"unknown shape {shape}")


main()
