#!/usr/bin/env python3
"""Checks a dataset made by `intersynth data build` against its contract, with
NumPy only (an outside check of the C++ build; the C++ test
BuildDataset.RealSourcesMeetTheDatasetContract checks the same on a subset).

    /usr/bin/python3 testdata/scripts/dataset_check.py DATASET_DIR

Per source it prints: clips; the largest bone-length standard deviation over
a clip (mm); how many persons have their still lowest foot joint (< 0.2 m/s)
within 2 cm of the floor at the median; the lowest foot joint's minimum; the
standing height estimate (95th percentile of the head joint above the lowest
foot, + 0.2 m from the head joint to the top of the head) over takes whose
pelvis is above 0.6 m; the facing yaw of person 0 at frame 0 (hips). For
two-person clips: pelvis distance, facing angle, closest fists (8 cm beyond
the right wrists along the forearms).
"""
import collections
import json
import sys

import numpy as np

PARENTS = [-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19]
FEET = [7, 8, 10, 11]


def facing(j):
    across = (j[:, 1] - j[:, 2]) + (j[:, 16] - j[:, 17])
    f = np.cross(across, [0.0, 1.0, 0.0])
    f[:, 1] = 0
    return f / np.linalg.norm(f, axis=1, keepdims=True)


def fist(j):
    forearm = j[:, 21] - j[:, 19]
    return j[:, 21] + 0.08 * forearm / np.linalg.norm(forearm, axis=1, keepdims=True)


def main(root):
    rows = [json.loads(line) for line in open(root + "/index.jsonl")]
    stats = collections.defaultdict(lambda: collections.defaultdict(list))
    heads = collections.defaultdict(float)
    pelvis = collections.defaultdict(float)
    for row in rows:
        data = np.load(root + "/" + row["file"])
        joints = data["joints"].astype(np.float64)
        fps = float(data["fps"])
        s = stats[row["source"]]
        s["clips"].append(1)
        for p in range(joints.shape[0]):
            j = joints[p]
            bones = np.linalg.norm(j[:, 1:] - j[:, PARENTS[1:]], axis=-1)
            s["bone_std"].append(bones.std(0).max())
            feet = j[:, FEET]
            low_joint = feet[:, :, 1].argmin(1)
            low = feet[:, :, 1].min(1)
            speed = np.linalg.norm(np.diff(feet, axis=0), axis=-1)[np.arange(len(low) - 1), low_joint[:-1]] * fps
            still = low[:-1][speed < 0.2]
            s["still_ok"].append(len(still) >= 3 and abs(np.median(still)) <= 0.02)
            s["lowest"].append(low.min())
            key = (row["source"], row["take"], p)
            heads[key] = max(heads[key], np.percentile(j[:, 15, 1] - low, 95))
            pelvis[key] = max(pelvis[key], np.median(j[:, 0, 1]))
        f = np.cross([0.0, 1.0, 0.0], joints[0, 0, 2] - joints[0, 0, 1])
        s["yaw0"].append(abs(np.degrees(np.arctan2(f[0], f[2]))))
        if joints.shape[0] == 2:
            a, b = joints[0], joints[1]
            s["pair_distance"].append(np.median(np.linalg.norm((a[:, 0] - b[:, 0])[:, [0, 2]], axis=1)))
            s["pair_facing"].append(np.median(np.degrees(np.arccos(np.clip((facing(a) * facing(b)).sum(1), -1, 1)))))
            s["pair_fists"].append(np.linalg.norm(fist(a) - fist(b), axis=1).min())
    for key, head in heads.items():
        if pelvis[key] > 0.6:
            stats[key[0]]["height"].append(head + 0.2)
    for source, s in sorted(stats.items()):
        line = (f"{source:10s} clips {len(s['clips']):5d}  bone std max {1000 * max(s['bone_std']):.4f} mm  "
                f"still foot within 2 cm {sum(s['still_ok'])}/{len(s['still_ok'])}  "
                f"lowest foot min {min(s['lowest']):+.3f} m  height [{min(s['height']):.2f}, {max(s['height']):.2f}] m  "
                f"yaw0 max {max(s['yaw0']):.1e} deg")
        print(line)
        if s["pair_distance"]:
            print(f"{'':10s} pairs: pelvis distance [{min(s['pair_distance']):.2f}, {max(s['pair_distance']):.2f}] m, "
                  f"facing angle median >= {min(s['pair_facing']):.0f} deg, closest fists <= {max(s['pair_fists']):.3f} m")


if __name__ == "__main__":
    main(sys.argv[1])
