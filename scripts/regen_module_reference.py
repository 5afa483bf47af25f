#!/usr/bin/env python3
"""Replaces README's module reference (from the first `### ` under `## Module reference` to the
next `## ` heading) with `patches-tui modules --markdown` read from standard input."""
import sys

readme_path = sys.argv[1] if len(sys.argv) > 1 else "README.md"
generated = sys.stdin.read()
lines = open(readme_path).read().split("\n")
head = lines.index("## Module reference")
start = next(i for i in range(head, len(lines)) if lines[i].startswith("### "))
end = next(i for i in range(start, len(lines)) if lines[i].startswith("## "))
out = lines[:start] + generated.rstrip("\n").split("\n") + [""] + lines[end:]
open(readme_path, "w").write("\n".join(out))
