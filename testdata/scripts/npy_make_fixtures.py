#!/usr/bin/python3
"""Writes the NumPy-made .npy/.npz fixtures that intersynth's io tests read.

Usage: npy_make_fixtures.py OUT_DIR

testdata/npy/ holds the output of this script (numpy 1.24); the NumPy interop
test also runs it into a temp folder with the installed numpy and checks the
same values (ExpectNumpyFixtures in src/intersynth/io/npy_test.cc, and
ExpectNumpyArchives with NumpyClip in npz_test.cc).
Keep the values here and in those functions in sync.
"""
import os
import sys

import numpy as np
from numpy.lib import format as npformat


def write_version(path, array, version):
    with open(path, "wb") as f:
        npformat.write_array(f, array, version=version)


def main(out):
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)
    texts = np.array(["a person walks", "Ängste", "🙂"])

    # Supported dtypes, C order, format 1.0.
    np.save(p("f4_2x3.npy"), (np.arange(6, dtype=np.float32) - 2.5).reshape(2, 3))
    np.save(p("i4.npy"), np.array([-2147483648, -1, 0, 2147483647], dtype=np.int32))
    np.save(p("i8.npy"), np.array([-(2**63), 0, 2**63 - 1], dtype=np.int64))
    np.save(p("u1.npy"), np.array([0, 7, 255], dtype=np.uint8))
    np.save(p("b1.npy"), np.array([[True, False], [False, True]]))
    np.save(p("scalar_f4.npy"), np.float32(1.5))
    np.save(p("empty_f4_0x3.npy"), np.zeros((0, 3), dtype=np.float32))
    np.save(p("unicode_2x2.npy"), np.array([["a person walks", "Ängste"], ["🙂", ""]]))
    # Fortran order: values arange(24) * 0.5 in C order of shape (2, 3, 4).
    np.save(p("fortran_f8_2x3x4.npy"),
            np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4) * 0.5))
    np.save(p("fortran_unicode_2x3.npy"),
            np.asfortranarray(np.array([["a", "bb", "ccc"], ["Ä", "ëë", "🙂"]])))
    # Big-endian numeric.
    np.save(p("be_f8_2x3.npy"), (np.arange(6, dtype=">f8") / 4).reshape(2, 3))
    np.save(p("be_i4.npy"), np.array([-3, 1, 65536], dtype=">i4"))
    # Format versions 2.0 (4-byte header length) and 3.0 (UTF-8 header).
    write_version(p("v2_i8.npy"), np.arange(5, dtype=np.int64), (2, 0))
    write_version(p("v3_unicode.npy"), texts, (3, 0))
    # Archives: stored (np.savez) and deflated (np.savez_compressed).
    clip = dict(joints=np.arange(24, dtype=np.float32).reshape(2, 4, 3) / 8,
                fps=np.float32(20), text=texts, valid=np.array([[True, False, True, True]]))
    np.savez(p("clip_stored.npz"), **clip)
    np.savez_compressed(p("clip_compressed.npz"), **clip)
    np.savez(p("empty.npz"))
    # Unsupported dtypes.
    np.save(p("object.npy"), np.array([1, "a"], dtype=object), allow_pickle=True)
    np.save(p("structured.npy"), np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]))
    np.save(p("complex64.npy"), np.zeros(2, dtype=np.complex64))
    np.save(p("float16.npy"), np.zeros(2, dtype=np.float16))


if __name__ == "__main__":
    main(sys.argv[1])
