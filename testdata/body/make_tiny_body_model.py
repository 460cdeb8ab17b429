#!/usr/bin/python3
"""Writes a tiny random body model in SMPL's .npz layout and the outputs of an
independent linear-blend-skinning implementation on it, for
src/intersynth/body_torch/body_model_torch_test.cc.

Run from the project root with Debian's python3-torch (1.13):
    /usr/bin/python3 testdata/body/make_tiny_body_model.py

Writes into testdata/body/:
  tiny_body_model.npz     V = 60 vertices, J = 6 joints (parents -1, 0, 1, 0, 3, 4;
                          kintree_table uint32 with 4294967295 for the root, as
                          SMPL's), B = 4 betas, posedirs [V, 3, 45] (SMPL's file
                          layout), v_template float64 (converted on load), each
                          vertex skinned to one or two joints, 20 random faces
  tiny_body_expected.npz  betas [3, 4], pose [3, 6, 3] (axis-angle, the first
                          sample zero), transl [3, 3], and the reference
                          vertices [3, 60, 3] and joints [3, 6, 3] in float64

The reference follows SMPL (Loper et al. 2015, eq. 2-4) written out with
explicit 4x4 world transforms per joint, float64, and Rodrigues' formula from
the matrix exponential of the skew matrix (torch.matrix_exp) rather than the
closed form the C++ code uses.
"""
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261203)
V, J, B = 60, 6, 4
parents = np.array([-1, 0, 1, 0, 3, 4])

# Joints spread along a small skeleton; vertices around them.
joint_rest = np.array([[0, 0.9, 0], [0.1, 0.5, 0], [0.1, 0.1, 0], [0, 1.2, 0], [0.2, 1.4, 0], [0.5, 1.4, 0]])
owner = rng.integers(0, J, size=V)
v_template = joint_rest[owner] + rng.normal(0, 0.05, size=(V, 3))
shapedirs = rng.normal(0, 0.01, size=(V, 3, B))
posedirs = rng.normal(0, 0.003, size=(V, 3, 9 * (J - 1)))
weights = np.zeros((V, J))
for v in range(V):
    weights[v, owner[v]] = 1.0
    if v % 3 == 0 and parents[owner[v]] >= 0:  # some vertices blend with the parent
        w = rng.uniform(0.2, 0.5)
        weights[v, owner[v]] = 1 - w
        weights[v, parents[owner[v]]] = w
# The regressor: each joint the mean of the vertices it owns (rows sum to 1).
J_regressor = np.zeros((J, V))
for j in range(J):
    members = np.flatnonzero(owner == j)
    J_regressor[j, members] = 1.0 / len(members)
kintree = np.stack([np.where(parents < 0, 4294967295, parents), np.arange(J)]).astype(np.uint32)
faces = rng.integers(0, V, size=(20, 3)).astype(np.int64)

np.savez(os.path.join(HERE, "tiny_body_model.npz"), v_template=v_template.astype(np.float64),
         shapedirs=shapedirs.astype(np.float32), posedirs=posedirs.astype(np.float32),
         J_regressor=J_regressor.astype(np.float32), weights=weights.astype(np.float32),
         kintree_table=kintree, f=faces)

# Inputs: a zero sample, then two random ones.
N = 3
betas = rng.normal(0, 1.0, size=(N, B))
betas[0] = 0
pose = rng.normal(0, 0.6, size=(N, J, 3))
pose[0] = 0
transl = rng.normal(0, 0.5, size=(N, 3))
transl[0] = 0


def rotation(aa):
    """exp([aa]x) by the matrix exponential (not Rodrigues' closed form)."""
    k = torch.zeros(3, 3, dtype=torch.float64)
    k[0, 1], k[0, 2], k[1, 2] = -aa[2], aa[1], -aa[0]
    k = k - k.T
    return torch.matrix_exp(k)


# The same float32 values the C++ code reads, in float64.
T = torch.tensor(v_template.astype(np.float64))
S = torch.tensor(shapedirs.astype(np.float32), dtype=torch.float64)
P = torch.tensor(posedirs.astype(np.float32), dtype=torch.float64)
W = torch.tensor(weights.astype(np.float32), dtype=torch.float64)
JR = torch.tensor(J_regressor.astype(np.float32), dtype=torch.float64)
out_vertices, out_joints = [], []
for n in range(N):
    v_shaped = T + torch.einsum("vkb,b->vk", S, torch.tensor(betas[n]))
    joints = JR @ v_shaped
    R = [rotation(torch.tensor(pose[n, k])) for k in range(J)]
    feature = torch.cat([(R[k] - torch.eye(3, dtype=torch.float64)).reshape(-1) for k in range(1, J)])
    v_posed = v_shaped + torch.einsum("vkp,p->vk", P, feature)
    world = []
    for k in range(J):
        local = torch.eye(4, dtype=torch.float64)
        local[:3, :3] = R[k]
        local[:3, 3] = joints[k] - (joints[parents[k]] if parents[k] >= 0 else 0)
        world.append(local if parents[k] < 0 else world[parents[k]] @ local)
    skinning = []
    for k in range(J):
        unposed = torch.eye(4, dtype=torch.float64)
        unposed[:3, 3] = -joints[k]
        skinning.append(world[k] @ unposed)
    A = torch.stack(skinning)  # [J, 4, 4]
    blended = torch.einsum("vj,jab->vab", W, A)
    homogeneous = torch.cat([v_posed, torch.ones(V, 1, dtype=torch.float64)], dim=1)
    posed = torch.einsum("vab,vb->va", blended, homogeneous)[:, :3] + torch.tensor(transl[n])
    out_vertices.append(posed.numpy())
    out_joints.append(torch.stack([w[:3, 3] for w in world]).numpy() + transl[n])

np.savez(os.path.join(HERE, "tiny_body_expected.npz"), betas=betas, pose=pose, transl=transl,
         vertices=np.stack(out_vertices), joints=np.stack(out_joints))
print("wrote tiny_body_model.npz and tiny_body_expected.npz")
