#!/usr/bin/python3
"""PyTorch side of the cross-check of Robustness.Models against PyTorch on the same weights
(tests/Robustness.Models.Tests/PyTorchCrossCheckTests.cs; docs/models.md, "PyTorch interop").

Reads a state_dict exported by `robustness model export` (or PyTorchStateDict.Export), a batch of images
and labels as raw little-endian files, and writes, for the same images:
  logits.f32    the scores, count x classes (eval mode)
  grad.f32      the input gradient of each image's cross-entropy loss (summed over the batch), count x H x W
  pgd.json      PGD-l2 accuracy per level: 20 steps of 2.5 L / 20 along grad / ||grad||, projection onto the
                l2 ball of radius L and [0, 1], then the perturbation placed at exactly distance L (bisection on
                t in clip(x + t delta, 0, 1), distance in float64), as PgdPerturbation does
  resaved.pt    the state_dict loaded into models.py's network and saved again with torch.save

Run with Debian's python3-torch:
  /usr/bin/python3 benchmarks/pytorch/crosscheck.py --arch lenet5 --state-dict m.pt --images x.f32 --labels y.i32 \
      --count 200 --height 28 --width 28 --classes 10 --levels 0.5,1,2 --out DIR [--threads 2]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attacks  # noqa: E402
import models  # noqa: E402


def pgd(model, x, y, level):
    return place(x, attacks.pgd_iterates(model, x, y, level) - x, level)


def place(x, delta, level):
    """clip(x + t delta, 0, 1) at distance `level` per image: bisection on t in float64 (unreachable images are dropped)."""
    x64, d64 = x.double(), delta.double()
    def dist(t):
        return (torch.clamp(x64 + t.view(-1, 1, 1, 1) * d64, 0, 1) - x64).flatten(1).norm(dim=1)
    n = x.shape[0]
    hi = torch.ones(n, dtype=torch.float64)
    for _ in range(60):
        grow = dist(hi) < level
        if not grow.any():
            break
        hi = torch.where(grow, hi * 2, hi)
    lo = torch.zeros(n, dtype=torch.float64)
    for _ in range(100):
        mid = (lo + hi) / 2
        below = dist(mid) < level
        lo = torch.where(below, mid, lo)
        hi = torch.where(below, hi, mid)
    reached = (dist(hi) - level).abs() <= 1e-4
    images = torch.clamp(x64 + hi.view(-1, 1, 1, 1) * d64, 0, 1).float()
    return images, reached


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", required=True)
    p.add_argument("--state-dict", required=True)
    p.add_argument("--images", required=True)
    p.add_argument("--labels", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--height", type=int, default=28)
    p.add_argument("--width", type=int, default=28)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--levels", default="")
    p.add_argument("--out", required=True)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)

    model = models.create(a.arch, a.classes, a.height, a.width)
    state = torch.load(a.state_dict)
    model.load_state_dict(state, strict=True)
    model.eval()
    torch.save(model.state_dict(), os.path.join(a.out, "resaved.pt"))

    x = torch.from_numpy(np.fromfile(a.images, dtype="<f4").reshape(a.count, 1, a.height, a.width).copy())
    y = torch.from_numpy(np.fromfile(a.labels, dtype="<i4").astype(np.int64))
    with torch.no_grad():
        model(x).numpy().astype("<f4").tofile(os.path.join(a.out, "logits.f32"))
    xg = x.clone().requires_grad_(True)
    loss = F.cross_entropy(model(xg), y, reduction="sum")
    (grad,) = torch.autograd.grad(loss, xg)
    grad.numpy().astype("<f4").tofile(os.path.join(a.out, "grad.f32"))

    results = []
    for level in [float(v) for v in a.levels.split(",") if v]:
        images, reached = pgd(model, x, y, level)
        with torch.no_grad():
            correct = (model(images).argmax(1) == y) & reached
        results.append({"level": level, "images": int(reached.sum()), "correct": int(correct.sum())})
    with open(os.path.join(a.out, "pgd.json"), "w") as f:
        json.dump({"torch": torch.__version__, "pgd": results}, f)


if __name__ == "__main__":
    main()
