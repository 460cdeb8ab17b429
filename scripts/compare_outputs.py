#!/usr/bin/python3
"""Compares two output trees file by file (scripts/check_identical.sh).

Every .npy and every array of every .npz is compared as an array (dtype,
shape, bit for bit, with the max |difference| when they differ); every other
file byte for byte, except lines that hold timings (see VOLATILE), which are
dropped from both sides first, and LibTorch archives (.pt) whose bytes
differ, which are compared by the set of their tensors (an optimizer
checkpoint names its state by memory addresses: two runs of one binary
differ there). Prints one line per file and exits 1 when anything
differs or a file exists on one side only.

Usage: scripts/compare_outputs.py OLD_DIR NEW_DIR
"""

import io
import os
import re
import sys
import zipfile

import numpy as np

# Text lines that legitimately differ between two runs: wall-clock times,
# rates and dates. (Matched per line in text files such as metrics.jsonl
# and logs; binary files are compared whole.)
VOLATILE = re.compile(
    r'("?(seconds|elapsed|time|samples_per_s|steps_per_s|rate|created|date|wall)[a-z_]*"?\s*[:=])'
    r'|(\d+(\.\d+)? ?(s|ms|steps/s|samples/s)\b)', re.I)


def arrays_of(path):
    if path.endswith(".npy"):
        return {"": np.load(path, allow_pickle=False)}
    with zipfile.ZipFile(path) as z:
        out = {}
        for name in sorted(z.namelist()):
            with z.open(name) as f:
                out[name] = np.load(io.BytesIO(f.read()), allow_pickle=False)
        return out


def compare_arrays(a, b):
    """'' when identical, else what differs."""
    if a.dtype != b.dtype:
        return f"dtype {a.dtype} vs {b.dtype}"
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    if a.dtype.kind in "fc":
        nan_a, nan_b = np.isnan(a), np.isnan(b)
        if not np.array_equal(nan_a, nan_b):
            return "NaNs in different places"
        if a.size == 0:
            return ""
        diff = np.abs(a[~nan_a].astype(np.float64) - b[~nan_b].astype(np.float64))
        worst = float(diff.max()) if diff.size else 0.0
        # Bit-level equality, so that -0.0 and 0.0 count as a difference too.
        same_bits = a.tobytes() == b.tobytes()
        return "" if same_bits else f"max |diff| {worst:.3g}"
    return "" if np.array_equal(a, b) else "values differ"


def torch_tensor_records(path):
    """The sorted contents of the tensor records of a LibTorch archive (a zip
    with ARCHIVE/data/N entries), or None for any other file. An optimizer
    checkpoint names its state by the parameters' memory addresses, which
    differ between two runs of the same binary; its tensors do not."""
    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if "/data/" in n and not n.endswith("/")]
            if not names:
                return None
            return sorted(z.read(n) for n in names)
    except (zipfile.BadZipFile, OSError):
        return None


def stable_text(data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "\n".join(l for l in text.splitlines() if not VOLATILE.search(l))


def compare_files(a, b):
    if a.endswith((".npy", ".npz")):
        try:
            xa, xb = arrays_of(a), arrays_of(b)
        except Exception as e:  # not a NumPy file after all: compare bytes
            xa = xb = None
        if xa is not None:
            if sorted(xa) != sorted(xb):
                return f"arrays {sorted(xa)} vs {sorted(xb)}", 0
            problems = []
            for key in xa:
                why = compare_arrays(xa[key], xb[key])
                if why:
                    problems.append(f"{key or 'array'}: {why}")
            return "; ".join(problems), len(xa)
    da, db = open(a, "rb").read(), open(b, "rb").read()
    if da == db:
        return "", 0
    ta, tb = stable_text(da), stable_text(db)
    if ta is not None and tb is not None and ta == tb:
        return "", 0
    if a.endswith(".pt"):
        ra, rb = torch_tensor_records(a), torch_tensor_records(b)
        if ra is not None and ra == rb:
            return "", len(ra)
    return f"bytes differ ({len(da)} vs {len(db)} bytes)", 0


def files_under(root):
    out = set()
    for dirpath, _, files in os.walk(root):
        for f in files:
            out.add(os.path.relpath(os.path.join(dirpath, f), root))
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    old, new = sys.argv[1], sys.argv[2]
    a, b = files_under(old), files_under(new)
    bad = 0
    arrays = 0
    for rel in sorted(a | b):
        if rel not in a or rel not in b:
            print(f"ONLY IN {'old' if rel in a else 'new'}: {rel}")
            bad += 1
            continue
        why, n = compare_files(os.path.join(old, rel), os.path.join(new, rel))
        arrays += n
        if why:
            print(f"DIFFERS {rel}: {why}")
            bad += 1
        else:
            print(f"same    {rel}" + (f" ({n} arrays, max |diff| 0)" if n else ""))
    print(f"compare_outputs: {len(a | b)} files, {arrays} arrays, {bad} differ", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
