#!/usr/bin/python3
"""Checks, with NumPy, the .npy/.npz files that intersynth wrote.

Usage: npy_check_written.py DIR   (exit code 0 = all as expected)

Run by NpyNumpy.NumpyReadsIntersynthFiles (src/intersynth/io/npy_test.cc) and
NpzNumpy.NumpyReadsIntersynthArchives (npz_test.cc) after they write DIR; the
expected values here mirror the ones those tests write (the clip comes from
NumpyClip in npz_test.cc).
"""
import os
import sys
import zipfile

import numpy as np


def same(a, expected, dtype):
    assert a.dtype == np.dtype(dtype), (a.dtype, dtype)
    assert a.shape == np.shape(expected), (a.shape, np.shape(expected))
    assert np.array_equal(a, np.asarray(expected, dtype=dtype)), (a, expected)


TEXTS = ["a person walks", "Ångström läuft", "🙂 wave"]


def check_npy(d):
    p = lambda name: os.path.join(d, name)
    same(np.load(p("f4.npy")), [[0.5, -1.25, 3e-8], [1e30, -0.0, 7.0]], "<f4")
    same(np.load(p("f8.npy")), [1.0 / 3.0, -2.0], "<f8")
    same(np.load(p("i4.npy")), [-2147483648, 5, 2147483647], "<i4")
    same(np.load(p("i8.npy")), [-(2**63), 0, 2**63 - 1], "<i8")
    same(np.load(p("u1.npy")), [0, 128, 255], "u1")
    same(np.load(p("b1.npy")), [[True, False], [False, True]], "?")
    same(np.load(p("text.npy")), TEXTS, "<U14")
    same(np.load(p("scalar.npy")), np.float32(1.5), "<f4")
    same(np.load(p("empty.npy")), np.zeros((0, 3)), "<f4")
    fortran = np.load(p("fortran.npy"))
    assert fortran.flags.f_contiguous and not fortran.flags.c_contiguous
    same(fortran, np.arange(24).reshape(2, 3, 4) * 0.5, "<f8")


def check_npz(path, method):
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            assert info.compress_type == method, (info.filename, info.compress_type)
    with np.load(path) as clip:
        assert sorted(clip.files) == ["fps", "frame", "joints", "text", "valid"], clip.files
        same(clip["joints"], np.arange(24).reshape(2, 4, 3) / 8, "<f4")
        same(clip["fps"], np.float32(20), "<f4")
        same(clip["text"], TEXTS, "<U14")
        same(clip["valid"], [[True, False, True, True]], "?")
        same(clip["frame"], [0, 1, 2, 3], "<i8")


if __name__ == "__main__":
    d = sys.argv[1]
    if os.path.exists(os.path.join(d, "f4.npy")):
        check_npy(d)
    if os.path.exists(os.path.join(d, "clip_compressed.npz")):
        check_npz(os.path.join(d, "clip_compressed.npz"), zipfile.ZIP_DEFLATED)
        check_npz(os.path.join(d, "clip_stored.npz"), zipfile.ZIP_STORED)
    print("ok")
