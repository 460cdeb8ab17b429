#!/usr/bin/env python3
"""Structural checks of the source tree (run by scripts/test.sh, so by CI).

  1. One definition per type: no two headers under src/ and apps/ define a
     type (struct, class, enum, union, or a `using` alias) of the same
     qualified name at namespace scope (intersynth::X, intersynth::internal::X).
     Two such definitions link into one program and break the one-definition
     rule, silently, as long as no file includes both headers.
  2. Torch stays in Torch folders: no header outside a Torch folder includes
     torch/, ATen/ or c10/ (ARCHITECTURE.md: a folder whose name ends in
     _torch, or one of TORCH_MODULES, is a Torch target's; every other folder
     is plain, and its headers must compile without LibTorch).

Usage: scripts/check_tree.py [ROOT]   (default: the repository root)
Prints one line per violation (file:line: what) and exits 1 if there are any.
"""

import os
import re
import sys
from collections import defaultdict

# Torch targets whose folder does not end in _torch (ARCHITECTURE.md).
TORCH_MODULES = {"text", "diffusion", "eval"}
SCANNED = ("src", "apps", "bench")
TORCH_INCLUDE = re.compile(r'^\s*#\s*include\s*[<"](torch|ATen|c10)/')


def strip_comments_and_strings(text):
    """`text` with comments, string and character literals blanked (newlines
    kept, so that offsets still give line numbers)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        two = text[i:i + 2]
        if two == "//":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif two == "/*":
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == 'R' and text[i:i + 2] == 'R"':
            # Raw string R"delim( ... )delim".
            k = text.find("(", i + 2)
            delim = text[i + 2:k]
            j = text.find(")" + delim + '"', k)
            j = n if j < 0 else j + len(delim) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


TOKEN = re.compile(r"[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*|::|[{};=<>()\[\]:,]|\S")


def namespace_scope_types(path):
    """(qualified name, line) of every type defined at namespace scope."""
    with open(path, encoding="utf-8") as f:
        text = strip_comments_and_strings(f.read())
    # Preprocessor lines hold no definitions here; blank them (keep lines).
    text = re.sub(r"^[ \t]*#.*$", lambda m: " " * len(m.group(0)), text, flags=re.M)
    tokens = [(m.group(0), text.count("\n", 0, m.start()) + 1) for m in TOKEN.finditer(text)]
    found = []
    # Stack of enclosing braces: a namespace name (str) or None for any other.
    stack = []
    i = 0
    while i < len(tokens):
        tok, line = tokens[i]
        at_namespace_scope = all(s is not None for s in stack)
        if tok == "namespace":
            # namespace a::b {   or   namespace {   (anonymous)
            j = i + 1
            name = ""
            if j < len(tokens) and tokens[j][0] not in ("{", "="):
                name = tokens[j][0]
                j += 1
            if j < len(tokens) and tokens[j][0] == "{":
                stack.append(name)
                i = j + 1
                continue
            i = j
            continue
        if tok == "{":
            stack.append(None)
        elif tok == "}":
            if stack:
                stack.pop()
        elif at_namespace_scope and tok in ("struct", "class", "union", "enum"):
            j = i + 1
            if tok == "enum" and j < len(tokens) and tokens[j][0] in ("class", "struct"):
                j += 1
            # Attributes such as [[nodiscard]] are not used on types here.
            if j < len(tokens) and re.match(r"[A-Za-z_]\w*$", tokens[j][0]):
                name, name_line = tokens[j]
                k = j + 1
                # A specialisation (Name<...>) is not a new name.
                if k < len(tokens) and tokens[k][0] == "<":
                    i = k
                    continue
                # Skip `final`, a base clause or an enum's underlying type up
                # to `{` (a definition) or `;` / `(` / `,` / `>` (a declaration,
                # an elaborated type in a declaration, a template parameter).
                while k < len(tokens) and tokens[k][0] not in ("{", ";", "(", ")", ",", ">", "="):
                    k += 1
                if k < len(tokens) and tokens[k][0] == "{":
                    found.append(("::".join(s for s in stack if s) + "::" + name, name_line))
                i = j + 1
                continue
        elif at_namespace_scope and tok == "using":
            # using Name = ...;   (not `using namespace`, not `using a::b;`)
            if (i + 2 < len(tokens) and re.match(r"[A-Za-z_]\w*$", tokens[i + 1][0])
                    and tokens[i + 1][0] != "namespace" and tokens[i + 2][0] == "="):
                found.append(("::".join(s for s in stack if s) + "::" + tokens[i + 1][0],
                              tokens[i + 1][1]))
        i += 1
    return found


def is_torch_folder(rel):
    parts = rel.split(os.sep)
    # src/intersynth/<module>/...
    if len(parts) >= 3 and parts[0] == "src" and parts[1] == "intersynth":
        module = parts[2]
        return module.endswith("_torch") or module in TORCH_MODULES
    return False


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    root = os.path.abspath(root)
    headers = []
    for top in SCANNED:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith(".h"):
                    headers.append(os.path.relpath(os.path.join(dirpath, f), root))
    headers.sort()
    problems = []
    defined = defaultdict(list)
    for rel in headers:
        path = os.path.join(root, rel)
        for name, line in namespace_scope_types(path):
            defined[name].append((rel, line))
        if not is_torch_folder(rel):
            with open(path, encoding="utf-8") as f:
                for n, text in enumerate(f, 1):
                    if TORCH_INCLUDE.match(text):
                        problems.append(f"{rel}:{n}: includes Torch outside a Torch folder "
                                        "(move the header to a *_torch folder, or keep Torch in its .cc)")
    for name, places in sorted(defined.items()):
        files = sorted({rel for rel, _ in places})
        if len(files) > 1:
            where = ", ".join(f"{rel}:{line}" for rel, line in places)
            problems.append(f"{places[0][0]}:{places[0][1]}: type {name} is defined in "
                            f"{len(files)} headers ({where}): one-definition rule")
    for p in problems:
        print(p)
    print(f"check_tree: {len(headers)} headers, {len(defined)} namespace-scope types, "
          f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
