#!/usr/bin/python3
"""Reference values for tests/Robustness.Evaluation.Tests/Analysis/StudyAnalyzerTests.cs.

Run with Debian's python3-scipy:  /usr/bin/python3 tests/Robustness.Evaluation.Tests/Analysis/reference/make_reference.py
The data sets are the same as in StudyAnalyzerTests.cs; the printed values are pasted there as literals.
"""
import numpy as np
import scipy
from scipy import stats

print("scipy", scipy.__version__, "numpy", np.__version__)


def show(name, value):
    print(f"{name} = {value:.17g}")


# RQ1: one architecture, levels 0..12 step 2, one seed per point.
levels = [0, 2, 4, 6, 8, 10, 12]
mnist_c = [0.60, 0.72, 0.80, 0.85, 0.88, 0.90, 0.91]
mnist_a = [0.30, 0.31, 0.29, 0.32, 0.33, 0.31, 0.34]
for name, y in (("mnistC", mnist_c), ("mnistA", mnist_a)):
    s = stats.spearmanr(levels, y)
    p = stats.pearsonr(levels, y)
    show(f"rq1 {name} spearman r", s.correlation)
    show(f"rq1 {name} spearman p", s.pvalue)
    show(f"rq1 {name} pearson r", p[0])
    show(f"rq1 {name} pearson p", p[1])
    show(f"rq1 {name} mean", np.mean(y))
    show(f"rq1 {name} sample variance", np.var(y, ddof=1))

# Repetitions: three seeds at one point, 95 % t interval with 2 df.
reps = [0.90, 0.92, 0.97]
m = np.mean(reps)
sd = np.std(reps, ddof=1)
t = stats.t.ppf(0.975, len(reps) - 1)
show("t.ppf(0.975, 2)", t)
show("t.ppf(0.975, 9)", stats.t.ppf(0.975, 9))
show("t.ppf(0.995, 4)", stats.t.ppf(0.995, 4))
show("reps mean", m)
show("reps sd", sd)
show("reps ci low", m - t * sd / np.sqrt(len(reps)))
show("reps ci high", m + t * sd / np.sqrt(len(reps)))

# RQ5: 3 x 3 grid, Gaussian x FGSM, OLS with intercept.
g = np.array([0, 0, 0, 4, 4, 4, 8, 8, 8], dtype=float)
f = np.array([0, 4, 8, 0, 4, 8, 0, 4, 8], dtype=float)
y = np.array([0.30, 0.62, 0.80, 0.33, 0.66, 0.79, 0.35, 0.61, 0.84])
X = np.column_stack([np.ones_like(g), g, f])
beta, *_ = np.linalg.lstsq(X, y, rcond=None)
fit = X @ beta
rss = np.sum((y - fit) ** 2)
mss = np.sum((fit - fit.mean()) ** 2)
r2 = mss / (mss + rss)
k, n = 2, len(y)
F = (mss / k) / (rss / (n - k - 1))
show("rq5 R", np.sqrt(r2))
show("rq5 R2", r2)
show("rq5 F", F)
show("rq5 p", stats.f.sf(F, k, n - k - 1))
