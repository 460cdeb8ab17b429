#!/usr/bin/env python3
"""Makes testdata/evaluator/scripted_evaluator.pt: a tiny TorchScript
evaluator that follows the contract of src/intersynth/eval/evaluator_io.h,
with embeddings a test can predict.

  encode_motion(joints [B,P,T,22,3], mask [B,P,T]) -> [B, 4]:
      (mean x, mean y, mean z of every joint of every real frame,
       number of real person-frames)
  encode_text(texts) -> [len(texts), 4]: (words, characters, 0, 0)
scripted_one_person.pt is the same with max_persons 1, scripted_no_text.pt
lacks encode_text (both for error tests).

Run with Debian's python3-torch (the same PyTorch version as libtorch-dev):
  /usr/bin/python3 testdata/scripts/make_scripted_evaluator.py testdata/evaluator
"""
import sys
from typing import List

import torch


class TinyEvaluator(torch.nn.Module):
    def __init__(self, max_persons: int = 4):
        super().__init__()
        self.fps = 20.0
        self.max_persons = max_persons
        self.max_frames = 64

    @torch.jit.export
    def encode_motion(self, joints: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        m = mask.to(joints.dtype)  # [B, P, T]
        count = m.sum(dim=(1, 2))  # [B]
        summed = (joints * m[..., None, None]).sum(dim=(1, 2, 3))  # [B, 3]
        mean = summed / (count[:, None] * joints.shape[3])
        return torch.cat([mean, count[:, None]], dim=1)

    @torch.jit.export
    def encode_text(self, texts: List[str]) -> torch.Tensor:
        rows: List[torch.Tensor] = []
        for t in texts:
            rows.append(torch.tensor([float(len(t.split())), float(len(t)), 0.0, 0.0]))
        return torch.stack(rows)

    def forward(self, joints: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.encode_motion(joints, mask)


class NoTextEncoder(torch.nn.Module):
    """Breaks the contract: no encode_text."""

    def __init__(self):
        super().__init__()
        self.fps = 20.0
        self.max_persons = 4
        self.max_frames = 64

    def forward(self, joints: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return joints.sum(dim=(1, 2, 3))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "testdata/evaluator"
    torch.jit.save(torch.jit.script(TinyEvaluator()), f"{out}/scripted_evaluator.pt")
    torch.jit.save(torch.jit.script(TinyEvaluator(1)), f"{out}/scripted_one_person.pt")
    torch.jit.save(torch.jit.script(NoTextEncoder()), f"{out}/scripted_no_text.pt")


if __name__ == "__main__":
    main()
