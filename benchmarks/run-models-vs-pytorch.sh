#!/usr/bin/env bash
# Reruns the whole "Models beside PyTorch" table of benchmarks/README.md in one go, both sides on the same
# 2 libtorch threads: BenchmarkDotNet's ModelBenchmarks (LeNet-5 epoch, FGSM directions, PGD-20 pass,
# inference) and AlexNetBenchmarks (one AlexNet-8 epoch), then Debian's PyTorch on the same work.
# Needs dataset-fashion-mnist and python3-torch (Debian). Takes about 15 minutes on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet run -c Release --project benchmarks/Robustness.Benchmarks -- --filter '*ModelBenchmarks*' '*AlexNetBenchmarks*' 2>&1 \
  | grep -E '^\| |^// \* Summary' || true
/usr/bin/python3 benchmarks/pytorch/lenet5_bench.py --threads 2 --repeats 3 --alexnet
