#!/usr/bin/python3
"""Independent NumPy check of the HumanML3D 263 format facts that
src/intersynth/motion/features_263.{h,cc} implements (no reference values are
stored from it: features_263_test.cc compares with the shared files directly).

It re-implements encoding and decoding in float64 from the format description
(not from the reference code) and prints, for sample 012314 of
shared/data/humanml3d:
  * the decoding error against new_joints (all 170 frames),
  * per channel group, the encoding error of rows 0-88, of all 169 rows, and of
    all 170 rows once the dropped last frame is rebuilt from row 169,
  * the same with the frame-0 root rotation NOT forced to the identity (shows
    that the format forces it).
Usage: /usr/bin/python3 testdata/scripts/motion_humanml3d_check.py [shared/data/humanml3d]
Measured here: decode 2.1e-7 m; rows 0-88: 1.4e-7, 3.2e-8, 0, 2.2e-7, 7.7e-6, 3.4e-7, 0.
"""
import sys

import numpy as np

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/humanml3d"
RAW = np.array([[0, 0, 0], [1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, -1, 0], [0, 1, 0],
                [0, -1, 0], [0, -1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1], [0, 1, 0], [1, 0, 0],
                [-1, 0, 0], [0, 0, 1], [0, -1, 0], [0, -1, 0], [0, -1, 0], [0, -1, 0], [0, -1, 0],
                [0, -1, 0]], float)
CHAINS = [[0, 2, 5, 8, 11], [0, 1, 4, 7, 10], [0, 3, 6, 9, 12, 15], [9, 14, 17, 19, 21],
          [9, 13, 16, 18, 20]]
GROUPS = [("ang vel", 0, 1), ("lin vel", 1, 3), ("height", 3, 4), ("ric", 4, 67),
          ("rot6d", 67, 193), ("local vel", 193, 259), ("contacts", 259, 263)]


def qmul(a, b):
    aw, ax, ay, az = np.moveaxis(a, -1, 0)
    bw, bx, by, bz = np.moveaxis(b, -1, 0)
    return np.stack([aw * bw - ax * bx - ay * by - az * bz, aw * bx + ax * bw + ay * bz - az * by,
                     aw * by - ax * bz + ay * bw + az * bx, aw * bz + ax * by - ay * bx + az * bw], -1)


def qconj(q):
    return q * np.array([1, -1, -1, -1])


def qrot(q, v):
    u = q[..., 1:]
    t = 2 * np.cross(u, v)
    return v + q[..., :1] * t + np.cross(u, t)


def qbetween(a, b):
    q = np.concatenate([(np.sqrt((a * a).sum(-1) * (b * b).sum(-1)) + (a * b).sum(-1))[..., None],
                        np.cross(a, b)], -1)
    return q / np.linalg.norm(q, axis=-1, keepdims=True)


def qmatrix(q):
    w, x, y, z = np.moveaxis(q, -1, 0)
    m = np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
                  2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
                  2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1)
    return m.reshape(q.shape[:-1] + (3, 3))


def smooth(x, sigma=20.0, truncate=4.0):
    radius = int(truncate * sigma + 0.5)
    k = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    k /= k.sum()
    idx = np.clip(np.arange(len(x))[:, None] + np.arange(-radius, radius + 1)[None], 0, len(x) - 1)
    return (k[None, :, None] * x[idx]).sum(1)


def encode(p, identity_first=True):
    t_count = len(p)
    across = (p[:, 1] - p[:, 2]) + (p[:, 17] - p[:, 16])  # the format's quirk
    across /= np.linalg.norm(across, axis=-1, keepdims=True)
    forward = smooth(np.cross(np.array([0.0, 1.0, 0.0]), across))
    forward /= np.linalg.norm(forward, axis=-1, keepdims=True)
    root = qbetween(forward, np.tile([0.0, 0.0, 1.0], (t_count, 1)))
    if identity_first:
        root[0] = [1, 0, 0, 0]
    local = np.zeros((t_count, 22, 4))
    local[:, 0] = root
    for chain in CHAINS:
        r = root
        for parent, child in zip(chain[:-1], chain[1:]):
            bone = p[:, child] - p[:, parent]
            bone /= np.linalg.norm(bone, axis=-1, keepdims=True)
            local[:, child] = qmul(qconj(r), qbetween(np.tile(RAW[child], (t_count, 1)), bone))
            r = qmul(r, local[:, child])
    m = qmatrix(local)
    rot6d = np.concatenate([m[..., 0], m[..., 1]], -1)[:-1, 1:].reshape(t_count - 1, -1)
    dq = qmul(root[1:], qconj(root[:-1]))
    vel = qrot(root[1:], p[1:, 0] - p[:-1, 0])
    rel = p.copy()
    rel[..., 0] -= rel[:, :1, 0]
    rel[..., 2] -= rel[:, :1, 2]
    ric = qrot(np.repeat(root[:, None], 22, 1), rel)[:-1, 1:].reshape(t_count - 1, -1)
    local_vel = qrot(np.repeat(root[:-1, None], 22, 1), p[1:] - p[:-1]).reshape(t_count - 1, -1)
    d2 = ((p[1:] - p[:-1]) ** 2).sum(-1)
    contacts = (d2[:, [7, 10, 8, 11]] < 0.002).astype(float)
    return np.concatenate([np.arcsin(dq[:, 2:3]), vel[:, [0, 2]], p[:-1, 0, 1:2], ric, rot6d,
                           local_vel, contacts], -1)


def root_rotation(f):
    a = np.concatenate([[0.0], np.cumsum(f[:-1, 0])])
    return np.stack([np.cos(a), 0 * a, np.sin(a), 0 * a], -1)


def decode(f):
    r = root_rotation(f)
    step = np.zeros((len(f), 3))
    step[1:, [0, 2]] = f[:-1, 1:3]
    root = np.cumsum(qrot(qconj(r), step), 0)
    root[:, 1] = f[:, 3]
    ric = qrot(np.repeat(qconj(r)[:, None], 21, 1), f[:, 4:67].reshape(-1, 21, 3))
    ric[..., 0] += root[:, None, 0]
    ric[..., 2] += root[:, None, 2]
    return np.concatenate([root[:, None], ric], 1)


def report(name, enc, ref, rows):
    errors = ["%s %.2g" % (g, np.abs(enc[:rows, a:b] - ref[:rows, a:b]).max()) for g, a, b in GROUPS]
    print("%-34s %s" % (name, ", ".join(errors)))


def main():
    joints = np.load(DATA + "/new_joints/012314.npy").astype(np.float64)
    features = np.load(DATA + "/new_joint_vecs/012314.npy").astype(np.float64)
    print("decode, 170 frames: max error %.2g m" % np.abs(decode(features) - joints).max())
    encoded = encode(joints)
    report("encode rows 0-88:", encoded, features, 89)
    report("encode all 169 rows:", encoded, features, 169)
    report("rows 0-88, r[0] not identity:", encode(joints, False), features, 89)
    r169 = root_rotation(features)[169]
    last = joints[169] + qrot(np.tile(qconj(r169), (22, 1)), features[169, 193:259].reshape(22, 3))
    report("rebuilt frame, all 170 rows:", encode(np.concatenate([joints, last[None]])), features, 170)


if __name__ == "__main__":
    main()
