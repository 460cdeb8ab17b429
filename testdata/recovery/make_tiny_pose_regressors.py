#!/usr/bin/python3
"""Writes the TorchScript fixtures of src/intersynth/recovery_torch/torchscript_pose_regressor_test.cc.

No body-pose regressor weights (HMR2.0 / 4D-Humans and the like) can be
obtained here (shared/DESIGN.md), so the adapter is tested on tiny
TorchScript modules made by this script; they follow (or break) the
contract of a user's exported regressor (see
src/intersynth/recovery_torch/torchscript_pose_regressor.h):
forward(crops: float32 [N, 3, S, S], RGB in [0, 1]) -> Dict[str, Tensor]
with "global_orient" [N, 1, 3, 3] or [N, 3, 3], "body_pose" [N, 23, 3, 3]
(or [N, 21, 3, 3]), "betas" [N, B] and "pred_cam" [N, 3]; an int attribute
`input_size` = S and optionally a float attribute `focal_length`.

Run from the project root (Debian's python3-torch 1.13.0a0, the same
version as the LibTorch the project links; the committed fixtures were made
this way and the C++ test does not need Python):

    /usr/bin/python3 testdata/recovery/make_tiny_pose_regressors.py

The valid regressors map a crop to outputs through a seeded 3 -> 8 channel
4x4 convolution with stride 4, a ReLU, the mean over pixels (8 features)
and a seeded linear layer to 3 (1 + J) axis-angle values, B betas and 3
camera values:
  axis-angle a = 2 tanh(.) per component (|a| up to 2 sqrt(3) > pi),
  R = matrix_exp([a]_x), [a]_x the skew matrix of a (Rodrigues' formula,
    so each R is a rotation to float precision),
  betas = the B values as they come,
  pred_cam = (0.8 + sigmoid(.), 0.5 tanh(.), 0.5 tanh(.)).

Writes into testdata/recovery/:
  tiny_pose_regressor.pt        input_size 32, focal_length 625 (4D-Humans'
                                5000 for 256 px, scaled to 32 px), SMPL:
                                global_orient [N, 1, 3, 3], body_pose
                                [N, 23, 3, 3], betas [N, 10], pred_cam [N, 3],
                                plus an extra key "features" [N, 8] (extra
                                keys are allowed and ignored); forward
                                asserts the input shape [N, 3, 32, 32]
  tiny_smplx_pose_regressor.pt  input_size 32, no focal_length, SMPL-X-style
                                body: global_orient [N, 3, 3], body_pose
                                [N, 21, 3, 3], betas [N, 16], all float64
                                (the adapter converts to float32)
  tiny_pose_expected.json       the two models' outputs on the two test crops
                                below, computed by running the saved files
                                again (torch.jit.load), i.e. by the same
                                TorchScript interpreter the C++ adapter uses
  no_input_size_pose.pt         a valid regressor without `input_size`
  zero_input_size_pose.pt       input_size = 0
  wrong_input_size_pose.pt      input_size = 48, but forward asserts 32 x 32
                                crops (fails on the probe)
  no_betas_pose.pt              the dict lacks "betas"
  tensor_output_pose.pt         returns a Tensor [N, 85], not a Dict
  axis_angle_pose.pt            body_pose as axis-angle [N, 23, 3]
  joints_24_pose.pt             body_pose [N, 24, 3, 3] (root included)
  skew_pose.pt                  body_pose is [a]_x, the skew matrix, i.e.
                                matrix_exp forgotten: right shape, not a
                                rotation
  reflection_pose.pt            valid, except that body_pose joint 5 is
                                negated (det = -1) for crops whose mean is
                                above 0.6: passes the grey probe, fails on a
                                bright crop
  nan_pose.pt                   pred_cam is NaN
  wrong_batch_pose.pt           pred_cam always [1, 3] (the first crop's),
                                whatever N
  no_forward_pose.pt            an exported `predict` method, no forward

The test crops (32 x 32, crop k = 0 and 1; the C++ test rebuilds them from
the same formulas) are uint8 RGB with, at row r and column c,
  R = (37 r + 11 c + 60 k) % 256,  G = (5 r + 23 c + 100 + 90 k) % 256,
  B = (7 r c + 50 + 30 k) % 256,
and go into the models as one float32 batch [2, 3, 32, 32] = uint8 / 255.
"""
import json
import os
import re
import sys
from typing import Dict

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
INPUT_SIZE = 32
NUM_TEST_CROPS = 2


class Features(torch.nn.Module):
    """Crop [N, 3, S, S] -> [N, outputs]: seeded conv (stride 4), ReLU, mean
    over pixels, seeded linear layer. Seeded, so every run writes the same
    file."""

    def __init__(self, outputs: int, seed: int):
        super().__init__()
        generator = torch.Generator().manual_seed(seed)
        self.conv = torch.nn.Conv2d(3, 8, kernel_size=4, stride=4)
        self.linear = torch.nn.Linear(8, outputs)
        with torch.no_grad():
            self.conv.weight.copy_(torch.randn(self.conv.weight.shape, generator=generator) * 0.5)
            self.conv.bias.copy_(torch.randn(self.conv.bias.shape, generator=generator) * 0.1)
            self.linear.weight.copy_(
                torch.randn(self.linear.weight.shape, generator=generator) * 1.5)
            self.linear.bias.copy_(torch.randn(self.linear.bias.shape, generator=generator) * 0.3)

    def forward(self, crops: torch.Tensor) -> torch.Tensor:
        features = torch.relu(self.conv(crops)).mean(dim=(2, 3))
        return self.linear(features)


def skew(axis_angle: torch.Tensor) -> torch.Tensor:
    """[..., 3] -> [..., 3, 3], [a]_x with [a]_x v = a x v."""
    x, y, z = axis_angle[..., 0], axis_angle[..., 1], axis_angle[..., 2]
    zero = torch.zeros_like(x)
    rows = [torch.stack([zero, -z, y], dim=-1),
            torch.stack([z, zero, -x], dim=-1),
            torch.stack([-y, x, zero], dim=-1)]
    return torch.stack(rows, dim=-2)


def split(values: torch.Tensor, joints: int, betas: int):
    """[N, 3 (1 + J) + B + 3] -> axis-angle [N, 1 + J, 3], betas [N, B],
    pred_cam [N, 3] (the squashings in the file comment)."""
    n = values.shape[0]
    count = 3 * (1 + joints)
    axis_angle = 2.0 * torch.tanh(values[:, :count]).reshape(n, 1 + joints, 3)
    shape = values[:, count:count + betas]
    raw_cam = values[:, count + betas:]
    cam = torch.stack([0.8 + torch.sigmoid(raw_cam[:, 0]), 0.5 * torch.tanh(raw_cam[:, 1]),
                       0.5 * torch.tanh(raw_cam[:, 2])], dim=1)
    return axis_angle, shape, cam


class TinyPoseRegressor(torch.nn.Module):
    """SMPL: 23 body joints, 10 betas, focal_length 625."""
    input_size: int
    focal_length: float

    def __init__(self):
        super().__init__()
        self.input_size = INPUT_SIZE
        self.focal_length = 5000.0 * INPUT_SIZE / 256
        self.features = Features(3 * 24 + 10 + 3, 20240701)

    def forward(self, crops: torch.Tensor) -> Dict[str, torch.Tensor]:
        assert crops.dim() == 4 and crops.shape[1] == 3 and crops.shape[2] == self.input_size \
            and crops.shape[3] == self.input_size, "tiny_pose_regressor wants [N, 3, 32, 32]"
        n = crops.shape[0]
        axis_angle, betas, cam = split(self.features(crops), 23, 10)
        rotations = torch.matrix_exp(skew(axis_angle))  # [N, 24, 3, 3]
        return {
            "global_orient": rotations[:, :1],
            "body_pose": rotations[:, 1:],
            "betas": betas,
            "pred_cam": cam,
            "features": torch.zeros(n, 8),
        }


class TinySmplxPoseRegressor(torch.nn.Module):
    """SMPL-X-style body: 21 body joints, 16 betas, float64, [N, 3, 3] root,
    no focal_length."""
    input_size: int

    def __init__(self):
        super().__init__()
        self.input_size = INPUT_SIZE
        self.features = Features(3 * 22 + 16 + 3, 20240702)

    def forward(self, crops: torch.Tensor) -> Dict[str, torch.Tensor]:
        axis_angle, betas, cam = split(self.features(crops).double(), 21, 16)
        rotations = torch.matrix_exp(skew(axis_angle))  # [N, 22, 3, 3]
        return {
            "global_orient": rotations[:, 0],
            "body_pose": rotations[:, 1:],
            "betas": betas,
            "pred_cam": cam,
        }


class BrokenPoseRegressor(torch.nn.Module):
    """The valid SMPL regressor with one fault, chosen by `fault`."""
    input_size: int
    fault: str

    def __init__(self, fault: str, input_size: int = INPUT_SIZE):
        super().__init__()
        self.input_size = input_size
        self.fault = fault
        self.features = Features(3 * 24 + 10 + 3, 20240703)

    def forward(self, crops: torch.Tensor) -> Dict[str, torch.Tensor]:
        if self.fault == "wants_32":
            assert crops.shape[2] == 32 and crops.shape[3] == 32, "wants 32 x 32 crops"
        n = crops.shape[0]
        axis_angle, betas, cam = split(self.features(crops), 23, 10)
        rotations = torch.matrix_exp(skew(axis_angle))
        out = {
            "global_orient": rotations[:, :1],
            "body_pose": rotations[:, 1:],
            "betas": betas,
            "pred_cam": cam,
        }
        if self.fault == "no_betas":
            del out["betas"]
        elif self.fault == "axis_angle":
            out["body_pose"] = axis_angle[:, 1:]
        elif self.fault == "joints_24":
            out["body_pose"] = rotations
        elif self.fault == "skew":
            out["body_pose"] = skew(axis_angle[:, 1:])
        elif self.fault == "reflection":
            bright = crops.mean(dim=(1, 2, 3)) > 0.6
            sign = torch.where(bright, -torch.ones(n), torch.ones(n))
            body_pose = rotations[:, 1:].clone()
            body_pose[:, 5] = body_pose[:, 5] * sign[:, None, None]
            out["body_pose"] = body_pose
        elif self.fault == "nan":
            out["pred_cam"] = torch.full_like(cam, float("nan"))
        elif self.fault == "wrong_batch":
            out["pred_cam"] = cam[:1]
        return out


class NoInputSizePoseRegressor(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.regressor = TinyPoseRegressor()

    def forward(self, crops: torch.Tensor) -> Dict[str, torch.Tensor]:
        return self.regressor(crops)


class TensorOutputPoseRegressor(torch.nn.Module):
    input_size: int

    def __init__(self):
        super().__init__()
        self.input_size = INPUT_SIZE
        self.features = Features(3 * 24 + 10 + 3, 20240704)

    def forward(self, crops: torch.Tensor) -> torch.Tensor:
        return self.features(crops)


class NoForwardPoseRegressor(torch.nn.Module):
    """A valid TorchScript archive without forward."""
    input_size: int

    def __init__(self):
        super().__init__()
        self.input_size = INPUT_SIZE

    @torch.jit.export
    def predict(self, crops: torch.Tensor) -> torch.Tensor:
        return crops.mean(dim=1)


def test_crops():
    """float32 [2, 3, 32, 32] in [0, 1] from the formulas in the file
    comment, converted as the adapter converts (uint8 -> float32, / 255)."""
    rows = torch.arange(INPUT_SIZE, dtype=torch.int64)[:, None]
    cols = torch.arange(INPUT_SIZE, dtype=torch.int64)[None, :]
    crops = []
    for k in range(NUM_TEST_CROPS):
        r = (37 * rows + 11 * cols + 60 * k) % 256
        g = (5 * rows + 23 * cols + 100 + 90 * k) % 256
        b = (7 * rows * cols + 50 + 30 * k) % 256
        rgb = torch.stack([r, g, b], dim=-1).to(torch.uint8)  # [S, S, 3]
        crops.append(rgb.permute(2, 0, 1).to(torch.float32).div(255.0))
    return torch.stack(crops).contiguous()


def save(module, name):
    path = os.path.join(HERE, name)
    torch.jit.save(torch.jit.script(module.eval()), path)
    size = os.path.getsize(path)
    assert size < 50_000, f"{name} is {size} bytes"
    print(f"wrote {path} ({size} bytes)")
    return path


def rounded(values):
    return [float("%.9g" % float(v)) for v in values]


def expected_output(path, crops):
    """Runs the saved file as the adapter would and lists, per crop, the
    rotations (root first, row-major 3x3), betas and weak camera in float32."""
    loaded = torch.jit.load(path)
    with torch.no_grad():
        out = loaded(crops)
    n = crops.shape[0]
    root = out["global_orient"].to(torch.float32).reshape(n, 1, 3, 3)
    body = out["body_pose"].to(torch.float32)
    rotations = torch.cat([root, body], dim=1)
    betas = out["betas"].to(torch.float32)
    cam = out["pred_cam"].to(torch.float32)
    return {
        "file": os.path.basename(path),
        "input_size": loaded.input_size,
        "focal_length": float(loaded.focal_length) if hasattr(loaded, "focal_length") else 0.0,
        "num_body_joints": body.shape[1],
        "num_betas": betas.shape[1],
        "crops": [{
            "rotations": [rounded(rotations[i, j].reshape(9)) for j in range(rotations.shape[1])],
            "betas": rounded(betas[i]),
            "weak_camera": rounded(cam[i]),
        } for i in range(n)],
    }


def main():
    crops = test_crops()
    models = [
        save(TinyPoseRegressor(), "tiny_pose_regressor.pt"),
        save(TinySmplxPoseRegressor(), "tiny_smplx_pose_regressor.pt"),
    ]
    expected = {
        "torch_version": torch.__version__,
        "crops": {
            "count": NUM_TEST_CROPS,
            "size": INPUT_SIZE,
            "formula": "crop k, row r, column c: R = (37 r + 11 c + 60 k) % 256, "
                       "G = (5 r + 23 c + 100 + 90 k) % 256, B = (7 r c + 50 + 30 k) % 256; "
                       "float = uint8 / 255",
        },
        "models": [expected_output(path, crops) for path in models],
    }
    expected_path = os.path.join(HERE, "tiny_pose_expected.json")
    # One matrix (or betas / camera vector) per line: collapse every list
    # that holds no list.
    text = re.sub(r"\[\s*([^\[\]{}]*?)\s*\]",
                  lambda m: "[" + re.sub(r"\s*\n\s*", " ", m.group(1)) + "]",
                  json.dumps(expected, indent=1))
    with open(expected_path, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    print(f"wrote {expected_path} ({os.path.getsize(expected_path)} bytes)")

    save(NoInputSizePoseRegressor(), "no_input_size_pose.pt")
    save(BrokenPoseRegressor("none", input_size=0), "zero_input_size_pose.pt")
    save(BrokenPoseRegressor("wants_32", input_size=48), "wrong_input_size_pose.pt")
    save(BrokenPoseRegressor("no_betas"), "no_betas_pose.pt")
    save(TensorOutputPoseRegressor(), "tensor_output_pose.pt")
    save(BrokenPoseRegressor("axis_angle"), "axis_angle_pose.pt")
    save(BrokenPoseRegressor("joints_24"), "joints_24_pose.pt")
    save(BrokenPoseRegressor("skew"), "skew_pose.pt")
    save(BrokenPoseRegressor("reflection"), "reflection_pose.pt")
    save(BrokenPoseRegressor("nan"), "nan_pose.pt")
    save(BrokenPoseRegressor("wrong_batch"), "wrong_batch_pose.pt")
    # torch.jit.script needs a forward unless the module exports other methods.
    save(NoForwardPoseRegressor(), "no_forward_pose.pt")


if __name__ == "__main__":
    # TorchScript writes a module's constants in set order, which follows
    # Python's string hashing: fix the hash seed so that every run writes
    # byte-identical files.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    main()
