#!/usr/bin/env python3
"""ABI check (DESIGN §3): the shared library exports exactly the public API.

Usage: check_exports.py LIBRARY INCLUDE_DIR

Fails when the library's dynamic symbol table defines anything but fw_* functions (versioned
FW_1.0) and the FW_1.0 version node, when an internal fw__ helper leaks out, or when a
function declared FW_EXTERN in a public header is not exported (or the other way round).
"""
import os
import re
import subprocess
import sys

VERSION_NODE = "FW_1.0"


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True,
                         text=True).stdout
    names, problems = set(), []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, sym = parts[1], parts[2]
        if sym == VERSION_NODE and kind == "A":
            continue
        name, _, version = sym.partition("@")
        version = version.lstrip("@")
        if not name.startswith("fw_") or name.startswith("fw__"):
            problems.append("exported symbol outside the public API: %s" % sym)
            continue
        if version != VERSION_NODE:
            problems.append("%s is not versioned %s (got %r)" % (name, VERSION_NODE, version))
        names.add(name)
    return names, problems


def declared(include_dir):
    pattern = re.compile(r"FW_EXTERN\s*\([^)]*\)\s*(fw_[A-Za-z0-9_]+)\s*\(")
    names = set()
    for root, _, files in os.walk(include_dir):
        for f in files:
            if f.endswith(".h"):
                with open(os.path.join(root, f), encoding="utf-8") as fh:
                    names.update(pattern.findall(fh.read()))
    return names


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    lib, include_dir = sys.argv[1], sys.argv[2]
    have, problems = exported(lib)
    want = declared(include_dir)
    for name in sorted(want - have):
        problems.append("declared FW_EXTERN but not exported: %s" % name)
    for name in sorted(have - want):
        problems.append("exported but declared in no public header: %s" % name)
    if not want:
        problems.append("no FW_EXTERN declarations found under %s" % include_dir)
    for p in problems:
        print("not ok:", p)
    print("%d public functions declared, %d exported, %d problems" % (len(want), len(have), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
