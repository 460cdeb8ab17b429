#!/usr/bin/python3
"""Writes the TorchScript fixtures of src/intersynth/scene_torch/torchscript_depth_model_test.cc.

No depth-network weights can be obtained here (shared/DESIGN.md), so the
adapter is tested on tiny TorchScript modules made by this script; they
follow the contract of a user's exported depth model (see
src/intersynth/scene_torch/torchscript_depth_model.h):
forward(image: float32 [1, 3, H, W], RGB in [0, 1]) -> depth or disparity
[1, 1, H', W'], [1, H', W'] or [H', W'], with a string attribute
`output_kind` ("metric_depth" or "disparity") and optionally the int
attributes `input_height` and `input_width`.

Run from the project root (Debian's python3-torch 1.13.0a0, the same
version as the LibTorch the project links; the committed fixtures were made
this way and the C++ test does not need Python):

    /usr/bin/python3 testdata/scene/make_tiny_depth_models.py

Writes into testdata/scene/:
  tiny_metric_depth.pt          output_kind "metric_depth", any input size:
                                depth = 1 + 2 * (mean over R, G, B) + 0.1 *
                                (a fixed seeded 3x3 conv, padding 1), float32
                                [1, 1, H, W]
  tiny_disparity.pt             output_kind "disparity", input_height = 28,
                                input_width = 42 (forward asserts that size,
                                so the adapter must resize): disparity = 0.5 +
                                (a fixed seeded 3x3 conv, padding 1) + R - B,
                                float32 [1, 28, 42]
  float64_nan_depth.pt          output_kind "metric_depth": float64 [H, W] =
                                1 + mean over channels, with row 0 NaN and
                                pixel (row 1, col 0) +inf (non-finite values
                                are allowed and counted)
  tiny_depth_expected.json      the outputs of the three files above on the
                                test image below, computed by running the
                                saved files again (torch.jit.load), i.e. by
                                the same TorchScript interpreter the C++
                                adapter uses; tiny_disparity's input is
                                resized first with F.interpolate(mode=
                                "bilinear", align_corners=False), as the
                                adapter does. Non-finite values are null.
  no_output_kind_depth.pt       a valid model without `output_kind`
  unknown_output_kind_depth.pt  output_kind = "inverse_depth"
  half_input_size_depth.pt      input_height without input_width
  undeclared_size_depth.pt      asserts a 28 x 42 input without declaring
                                input_height and input_width (fails on the
                                adapter's 32 x 32 probe)
  wrong_rank_depth.pt           returns the image itself, [1, 3, H, W]
  integer_depth.pt              returns int64 [1, 1, H, W]
  tuple_output_depth.pt         returns (depth, confidence), not a Tensor
  string_input_depth.pt         forward(text: str) instead of a Tensor
  no_forward_depth.pt           a scripted module with an exported `predict`
                                method but no forward

The test image (width 12, height 9; the C++ test rebuilds it from the same
formulas) is uint8 RGB with, at row r and column c,
  R = (37 r + 11 c) % 256,  G = (5 r + 23 c + 100) % 256,  B = (7 r c + 50) % 256,
and goes into the models as float32 [1, 3, 9, 12] = uint8 / 255.
"""
import json
import os
import re
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_WIDTH = 12
IMAGE_HEIGHT = 9


def seeded_conv(seed):
    """A 3 -> 1 channel 3x3 convolution (padding 1) with seeded weights, so
    that every run writes the same file."""
    generator = torch.Generator().manual_seed(seed)
    conv = torch.nn.Conv2d(3, 1, kernel_size=3, padding=1)
    with torch.no_grad():
        conv.weight.copy_(torch.randn(conv.weight.shape, generator=generator) * 0.3)
        conv.bias.copy_(torch.randn(conv.bias.shape, generator=generator) * 0.1)
    return conv


class TinyMetricDepth(torch.nn.Module):
    """Metric depth of any input size, [1, 1, H, W]."""
    output_kind: str

    def __init__(self):
        super().__init__()
        self.output_kind = "metric_depth"
        self.conv = seeded_conv(20240611)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return 1.0 + 2.0 * image.mean(dim=1, keepdim=True) + 0.1 * self.conv(image)


class TinyDisparity(torch.nn.Module):
    """Disparity at a fixed input size (28 x 42, a multiple of 14 like Depth
    Anything's), [1, 28, 42]."""
    output_kind: str
    input_height: int
    input_width: int

    def __init__(self):
        super().__init__()
        self.output_kind = "disparity"
        self.input_height = 28
        self.input_width = 42
        self.conv = seeded_conv(20240612)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        assert image.shape[2] == self.input_height and image.shape[3] == self.input_width, \
            "tiny_disparity wants a 28 x 42 image"
        disparity = 0.5 + self.conv(image) + image[:, 0:1] - image[:, 2:3]
        return disparity[:, 0]


class Float64NanDepth(torch.nn.Module):
    """Float64 [H, W] with non-finite values: row 0 NaN, (1, 0) +inf."""
    output_kind: str

    def __init__(self):
        super().__init__()
        self.output_kind = "metric_depth"

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        depth = 1.0 + image[0].mean(dim=0).double()
        depth[0] = float("nan")
        if depth.shape[0] > 1:
            depth[1, 0] = float("inf")
        return depth


class NoOutputKindDepth(torch.nn.Module):
    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return image.mean(dim=1, keepdim=True)


class UnknownOutputKindDepth(torch.nn.Module):
    output_kind: str

    def __init__(self):
        super().__init__()
        self.output_kind = "inverse_depth"

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return image.mean(dim=1, keepdim=True)


class HalfInputSizeDepth(torch.nn.Module):
    output_kind: str
    input_height: int

    def __init__(self):
        super().__init__()
        self.output_kind = "metric_depth"
        self.input_height = 28

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return image.mean(dim=1, keepdim=True)


class UndeclaredSizeDepth(torch.nn.Module):
    output_kind: str

    def __init__(self):
        super().__init__()
        self.output_kind = "disparity"

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        assert image.shape[2] == 28 and image.shape[3] == 42, "wants a 28 x 42 image"
        return image.mean(dim=1)


class WrongRankDepth(torch.nn.Module):
    output_kind: str

    def __init__(self):
        super().__init__()
        self.output_kind = "metric_depth"

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return image


class IntegerDepth(torch.nn.Module):
    output_kind: str

    def __init__(self):
        super().__init__()
        self.output_kind = "metric_depth"

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return (image.mean(dim=1, keepdim=True) * 1000).long()


class TupleOutputDepth(torch.nn.Module):
    output_kind: str

    def __init__(self):
        super().__init__()
        self.output_kind = "metric_depth"

    def forward(self, image: torch.Tensor):
        depth = image.mean(dim=1, keepdim=True)
        return depth, torch.ones_like(depth)


class StringInputDepth(torch.nn.Module):
    output_kind: str

    def __init__(self):
        super().__init__()
        self.output_kind = "metric_depth"

    def forward(self, text: str) -> torch.Tensor:
        return torch.ones(1, 1, 4, len(text))


class NoForwardDepth(torch.nn.Module):
    """A valid TorchScript archive without forward."""
    output_kind: str

    def __init__(self):
        super().__init__()
        self.output_kind = "metric_depth"

    @torch.jit.export
    def predict(self, image: torch.Tensor) -> torch.Tensor:
        return image.mean(dim=1, keepdim=True)


def test_image():
    """float32 [1, 3, H, W] in [0, 1] from the formulas in the file comment,
    converted as the adapter converts (uint8 -> float32, / 255)."""
    rows = torch.arange(IMAGE_HEIGHT, dtype=torch.int64)[:, None]
    cols = torch.arange(IMAGE_WIDTH, dtype=torch.int64)[None, :]
    r = (37 * rows + 11 * cols) % 256
    g = (5 * rows + 23 * cols + 100) % 256
    b = (7 * rows * cols + 50) % 256
    rgb = torch.stack([r, g, b], dim=-1).to(torch.uint8)  # [H, W, 3]
    return rgb.permute(2, 0, 1).to(torch.float32).div(255.0).unsqueeze(0).contiguous()


def save(module, name):
    path = os.path.join(HERE, name)
    torch.jit.save(torch.jit.script(module.eval()), path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    return path


def expected_output(path, image):
    """Runs the saved file as the adapter would: resize to the declared size
    (bilinear, align_corners=False), forward, drop the leading 1-dims."""
    loaded = torch.jit.load(path)
    if hasattr(loaded, "input_height"):
        image = F.interpolate(image, size=(loaded.input_height, loaded.input_width),
                              mode="bilinear", align_corners=False)
    with torch.no_grad():
        out = loaded(image)
    while out.dim() > 2:
        out = out[0]
    out = out.to(torch.float32)
    values = [[None if not torch.isfinite(v) else float("%.9g" % float(v)) for v in row]
              for row in out]
    return {
        "file": os.path.basename(path),
        "output_kind": loaded.output_kind,
        "height": out.shape[0],
        "width": out.shape[1],
        "non_finite": int((~torch.isfinite(out)).sum()),
        "values": values,  # [height][width]
    }


def main():
    image = test_image()
    models = [
        save(TinyMetricDepth(), "tiny_metric_depth.pt"),
        save(TinyDisparity(), "tiny_disparity.pt"),
        save(Float64NanDepth(), "float64_nan_depth.pt"),
    ]
    expected = {
        "torch_version": torch.__version__,
        "image": {
            "width": IMAGE_WIDTH,
            "height": IMAGE_HEIGHT,
            "formula": "R = (37 r + 11 c) % 256, G = (5 r + 23 c + 100) % 256, "
                       "B = (7 r c + 50) % 256; float = uint8 / 255",
        },
        "models": [expected_output(path, image) for path in models],
    }
    expected_path = os.path.join(HERE, "tiny_depth_expected.json")
    # One image row per line: collapse every list that holds no list.
    text = re.sub(r"\[\s*([^\[\]{}]*?)\s*\]",
                  lambda m: "[" + re.sub(r"\s*\n\s*", " ", m.group(1)) + "]",
                  json.dumps(expected, indent=1))
    with open(expected_path, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    print(f"wrote {expected_path} ({os.path.getsize(expected_path)} bytes)")

    save(NoOutputKindDepth(), "no_output_kind_depth.pt")
    save(UnknownOutputKindDepth(), "unknown_output_kind_depth.pt")
    save(HalfInputSizeDepth(), "half_input_size_depth.pt")
    save(UndeclaredSizeDepth(), "undeclared_size_depth.pt")
    save(WrongRankDepth(), "wrong_rank_depth.pt")
    save(IntegerDepth(), "integer_depth.pt")
    save(TupleOutputDepth(), "tuple_output_depth.pt")
    save(StringInputDepth(), "string_input_depth.pt")
    # torch.jit.script needs a forward unless the module exports other methods.
    save(NoForwardDepth(), "no_forward_depth.pt")


if __name__ == "__main__":
    # TorchScript writes a module's constants in set order, which follows
    # Python's string hashing: fix the hash seed so that every run writes
    # byte-identical files.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    main()
