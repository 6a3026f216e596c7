#!/usr/bin/python3
"""PyTorch side of the Models speed comparison (see docs/models.md).

Same work as benchmarks/Robustness.Benchmarks/ModelBenchmarks.cs: one LeNet-5 training epoch
(Adam lr 1e-3, batch 128, cross-entropy, shuffled) on the 60,000 Fashion-MNIST training images, and
FGSM directions sign(grad_x CE) for the 10,000 test images in batches of 500 (eval mode, summed loss).
The network matches src/Robustness.Models/LeNet5.cs: bilinear resize 28 -> 32, conv 6@5x5, ReLU,
max pool, conv 16@5x5, ReLU, max pool, fc 120, fc 84, fc 10.

Run with Debian's python3-torch:  /usr/bin/python3 benchmarks/pytorch/lenet5_bench.py [--threads 2] [--repeats 3]
"""
import argparse
import gzip
import struct
import time

import os
import sys

import numpy as np
import torch

import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attacks  # noqa: E402
import models  # noqa: E402  (LeNet5 and AlexNet8, the networks of src/Robustness.Models)

FOLDER = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def one_epoch(model, x, y, batch=128, seed=1):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    order = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(seed))
    for start in range(0, x.shape[0], batch):
        index = order[start:start + batch]
        xb, yb = x.index_select(0, index), y.index_select(0, index)
        loss = F.cross_entropy(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def fgsm_directions(model, x, y, batch=500):
    model.eval()
    out = torch.empty_like(x)
    for start in range(0, x.shape[0], batch):
        xb = x[start:start + batch].clone().requires_grad_(True)
        loss = F.cross_entropy(model(xb), y[start:start + batch], reduction="sum")
        (grad,) = torch.autograd.grad(loss, xb)
        out[start:start + batch] = grad.sign()
    return out


def pgd_pass(model, x, y, level=2.0, batch=500):
    """One PGD-20 pass (the iterates) as PgdPerturbation.Iterate, in batches of 500."""
    model.eval()
    out = torch.empty_like(x)
    for start in range(0, x.shape[0], batch):
        out[start:start + batch] = attacks.pgd_iterates(model, x[start:start + batch], y[start:start + batch], level)
    return out


def inference(model, x, batch=1000):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(x[s:s + batch]).argmax(1) for s in range(0, x.shape[0], batch)])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--alexnet", action="store_true", help="also time one AlexNet-8 epoch (minutes)")
    parser.add_argument("--attacks-only", action="store_true", help="time FGSM directions and the PGD-20 pass only")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train_x = torch.from_numpy(read_idx(f"{FOLDER}/train-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    train_y = torch.from_numpy(read_idx(f"{FOLDER}/train-labels-idx1-ubyte.gz").astype(np.int64))
    test_x = torch.from_numpy(read_idx(f"{FOLDER}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    test_y = torch.from_numpy(read_idx(f"{FOLDER}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, train {tuple(train_x.shape)}, test {tuple(test_x.shape)}")
    torch.manual_seed(1)
    model = models.LeNet5()
    times = {"lenet5 epoch 60,000": [], "fgsm directions 10,000": [], "pgd-20 pass 10,000": [], "inference 10,000": []}
    for r in range(args.repeats):
        for name, work in [("lenet5 epoch 60,000", lambda: one_epoch(model, train_x, train_y, seed=r)),
                           ("fgsm directions 10,000", lambda: fgsm_directions(model, test_x, test_y)),
                           ("pgd-20 pass 10,000", lambda: pgd_pass(model, test_x, test_y)),
                           ("inference 10,000", lambda: inference(model, test_x))]:
            if args.attacks_only and not name.startswith(("fgsm", "pgd")):
                continue
            t = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - t)
    for name, values in times.items():
        if not values:
            continue
        print(f"{name} s: " + ", ".join(f"{v:.2f}" for v in values) + f"  (median {sorted(values)[len(values) // 2]:.2f})")
    if args.alexnet:
        torch.manual_seed(1)
        alexnet = models.AlexNet8()
        t = time.perf_counter()
        one_epoch(alexnet, train_x, train_y, seed=1)
        print(f"alexnet8 epoch 60,000 s: {time.perf_counter() - t:.2f}")


if __name__ == "__main__":
    main()
