#!/usr/bin/python3
"""Writes the TorchScript fixtures of src/intersynth/text/torchscript_text_encoder_test.cc.

No CLIP weights can be obtained here (shared/DESIGN.md), so the adapter is
tested on tiny TorchScript modules made by this script; they follow the same
contract as a user's exported CLIP-style text encoder (see
src/intersynth/text/torchscript_text_encoder.h):
forward(texts: List[str]) -> float32 Tensor [len(texts), D].

Run from the project root (Debian's python3-torch 1.13.0a0; the committed
fixtures were made this way and the C++ test does not need Python):

    /usr/bin/python3 testdata/text/make_tiny_text_encoder.py

Writes into testdata/text/:
  tiny_text_encoder.pt             a deterministic [B, 8] encoder with the
                                   attribute `embedding_dim = 8`
  tiny_text_encoder_expected.json  its outputs for three texts, computed by
                                   running the saved file again (torch.jit.load),
                                   i.e. by the same TorchScript interpreter the
                                   C++ adapter uses, so the test compares to 1e-6
  wrong_shape_text_encoder.pt      returns a 1-D tensor [B] (contract violation)
  misbehaving_text_encoder.pt      exposes the method `embedding_dim() -> 4`;
                                   right output for most texts, but breaks the
                                   contract when the first text is a trigger:
                                   "wrong batch" -> [B + 1, 4], "not finite" ->
                                   NaN in row 0, "integer" -> int64 [B, 4]
  no_forward_text_encoder.pt       a scripted module with an `encode` method
                                   but no forward

Note: TorchScript strings are byte strings: `for c in text` walks the UTF-8
bytes and ord(c) is the byte value (0..255), unlike Python, which walks code
points. The expected values are therefore taken from the scripted module, not
from the eager Python class.
"""
import json
import os
from typing import List

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
TEXTS = ["a person walks forward", "someone falls down and gets up",
         "zwei Menschen umarmen sich — schön"]


class TinyTextEncoder(torch.nn.Module):
    """Bag of character bigrams hashed into 16 buckets, then a fixed 16 -> 8
    linear map and tanh. Weights come from a seeded generator, so the file
    is the same on every run."""
    embedding_dim: int

    def __init__(self):
        super().__init__()
        generator = torch.Generator().manual_seed(20240607)
        self.embedding_dim = 8
        self.register_buffer("projection", torch.randn(16, 8, generator=generator))
        self.register_buffer("bias", torch.randn(8, generator=generator) * 0.1)

    def forward(self, texts: List[str]) -> torch.Tensor:
        rows: List[torch.Tensor] = []
        for text in texts:
            counts = torch.zeros(16)
            previous = 0
            for c in text:
                code = ord(c)
                counts[(previous * 31 + code) % 16] += 1.0
                previous = code
            counts = counts / max(len(text), 1)
            rows.append(torch.tanh(counts @ self.projection + self.bias))
        return torch.stack(rows)


class WrongShapeTextEncoder(torch.nn.Module):
    """One number per text: a 1-D output, which the contract forbids."""

    def forward(self, texts: List[str]) -> torch.Tensor:
        return torch.ones(len(texts))


class MisbehavingTextEncoder(torch.nn.Module):
    """Right for ordinary texts (the adapter's probe passes); the first text
    selects a contract violation so that one file covers the runtime checks."""

    @torch.jit.export
    def embedding_dim(self) -> int:
        return 4

    def forward(self, texts: List[str]) -> torch.Tensor:
        batch = len(texts)
        if batch > 0 and texts[0] == "wrong batch":
            return torch.zeros(batch + 1, 4)
        if batch > 0 and texts[0] == "not finite":
            out = torch.zeros(batch, 4)
            out[0, 1] = float("nan")
            return out
        if batch > 0 and texts[0] == "integer":
            return torch.zeros(batch, 4, dtype=torch.int64)
        return torch.ones(batch, 4)


class NoForwardTextEncoder(torch.nn.Module):
    """A valid TorchScript archive without forward."""

    @torch.jit.export
    def encode(self, texts: List[str]) -> torch.Tensor:
        return torch.ones(len(texts), 4)


def save(module, name):
    path = os.path.join(HERE, name)
    torch.jit.save(torch.jit.script(module), path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    return path


def main():
    tiny = save(TinyTextEncoder().eval(), "tiny_text_encoder.pt")
    loaded = torch.jit.load(tiny)
    with torch.no_grad():
        out = loaded(TEXTS)
    assert out.shape == (len(TEXTS), 8) and out.dtype == torch.float32
    expected = {
        "torch_version": torch.__version__,
        "embedding_dim": int(loaded.embedding_dim),
        "texts": TEXTS,
        "embeddings": [[float(v) for v in row] for row in out.tolist()],
    }
    expected_path = os.path.join(HERE, "tiny_text_encoder_expected.json")
    with open(expected_path, "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {expected_path}")
    save(WrongShapeTextEncoder(), "wrong_shape_text_encoder.pt")
    save(MisbehavingTextEncoder(), "misbehaving_text_encoder.pt")
    # torch.jit.script needs a forward unless the module exports other methods.
    save(NoForwardTextEncoder(), "no_forward_text_encoder.pt")


if __name__ == "__main__":
    main()
