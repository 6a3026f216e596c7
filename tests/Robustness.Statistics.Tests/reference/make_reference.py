#!/usr/bin/python3
"""Reference values for Robustness.Statistics.Tests, produced by SciPy.

Run with Debian's interpreter (it has python3-scipy):
    /usr/bin/python3 tests/Robustness.Statistics.Tests/reference/make_reference.py
Prints every value with 17 significant digits; the tests hold them as literals
(ReferenceData.cs / *Tests.cs). The data sets here are the ones typed into the tests.
"""
import itertools
import math

import numpy as np
import scipy
from scipy import stats

LEVELS = [0.5 * i for i in range(1, 25)]  # 0.5, 1.0, ..., 12.0 (the paper's 24 training levels)
# MNIST-A-like: rises to a peak at level 8.0, then falls; ties at 0.893 and 0.835.
ACC_A = [0.312, 0.355, 0.401, 0.452, 0.503, 0.561, 0.612, 0.668, 0.721, 0.760, 0.802, 0.835,
         0.861, 0.880, 0.893, 0.901, 0.893, 0.870, 0.835, 0.835, 0.790, 0.741, 0.702, 0.655]
# MNIST-Test-like plateau with many ties.
ACC_T = [0.987, 0.988, 0.988, 0.987, 0.986, 0.987, 0.986, 0.985, 0.986, 0.985, 0.984, 0.985,
         0.984, 0.983, 0.984, 0.983, 0.982, 0.982, 0.981, 0.982, 0.980, 0.979, 0.980, 0.978]
# Strictly increasing, no ties (Kendall's exact p-value path).
ACC_C = [0.801, 0.806, 0.815, 0.812, 0.829, 0.833, 0.841, 0.838, 0.852, 0.860, 0.857, 0.866,
         0.871, 0.869, 0.880, 0.884, 0.889, 0.893, 0.891, 0.902, 0.905, 0.911, 0.909, 0.917]
TIES_X = [1, 2, 2, 3, 4, 4, 4, 5]
TIES_Y = [2, 1, 3, 3, 5, 4, 6, 6]
N3_X = [1, 2, 3]
N3_Y = [2, 1, 4]
NEG_X = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
NEG_Y = [9.1, 8.7, 8.9, 7.2, 6.8, 5.1, 5.5, 3.9, 2.2, 1.8]
PERF_X = [1, 2, 3, 4, 5, 6]
PERF_Y = [3, 5, 7, 9, 11, 13]
PERFNEG_Y = [-1, -2, -3, -4, -5, -6]
SMALL_X = [3.1, 1.2, 4.8, 2.2, 5.9, 4.1, 6.3]
SMALL_Y = [2.0, 1.0, 3.5, 3.5, 4.2, 2.9, 5.0]   # one tie in y


def fmt(v):
    return '%.17g' % v


def corr(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    p = stats.pearsonr(x, y)
    s = stats.spearmanr(x, y)
    k = stats.kendalltau(x, y)
    print(f'{name}: pearson r={fmt(p[0])} p={fmt(p[1])}')
    print(f'{name}: spearman rho={fmt(s[0])} p={fmt(s[1])}')
    print(f'{name}: kendall tau={fmt(k[0])} p={fmt(k[1])}')


def spearman_exact(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)

    def statistic(yy):
        return stats.spearmanr(x, yy)[0]

    res = stats.permutation_test((y,), statistic, permutation_type='pairings',
                                 n_resamples=np.inf, alternative='two-sided')
    print(f'{name}: spearman exact rho={fmt(res.statistic)} p={fmt(res.pvalue)} '
          f'(permutations={math.factorial(len(x))})')


def l25():
    runs = []
    for a in range(5):
        for b in range(5):
            runs.append([a, b, (a + b) % 5, (2 * a + b) % 5, (3 * a + b) % 5, (4 * a + b) % 5])
    return runs


FACTOR_LEVELS = [[0, 2, 4, 6, 8],            # FGSM l2
                 [0, 2, 4, 6, 8],            # Gaussian l2
                 [0.2, 0.25, 0.3, 0.35, 0.4],  # class imbalance CI
                 [0, 0.05, 0.1, 0.15, 0.2]]  # label error rate LD


def regression_data():
    runs = l25()
    X = [[FACTOR_LEVELS[j][run[j]] for j in range(4)] for run in runs]
    y = []
    for i, row in enumerate(X):
        noise = (((7 * i + 3) % 11) - 5) * 0.004
        y.append(round(0.31 + 0.05 * row[0] + 0.012 * row[1] - 0.4 * row[2] - 0.6 * row[3] + noise, 4))
    return X, y


def main():
    print(f'scipy {scipy.__version__} numpy {np.__version__}')
    corr('levels~accA', LEVELS, ACC_A)
    corr('levels~accT', LEVELS, ACC_T)
    corr('levels~accC', LEVELS, ACC_C)
    corr('segI levels~accA', LEVELS[:16], ACC_A[:16])
    corr('segII levels~accA', LEVELS[16:], ACC_A[16:])
    corr('ties', TIES_X, TIES_Y)
    corr('n3', N3_X, N3_Y)
    corr('negative', NEG_X, NEG_Y)
    corr('perfect', PERF_X, PERF_Y)
    corr('perfectneg', PERF_X, PERFNEG_Y)
    corr('small', SMALL_X, SMALL_Y)
    n40_x = [float(i) for i in range(40)]
    n40_y = [float(i + 12 * ((i * 17) % 41) / 41) for i in range(40)]  # no ties, n = 40 -> asymptotic Kendall
    k = stats.kendalltau(n40_x, n40_y)
    print(f'n40: kendall tau={fmt(k[0])} p={fmt(k[1])}')
    spearman_exact('small', SMALL_X, SMALL_Y)
    spearman_exact('ties', TIES_X, TIES_Y)
    spearman_exact('n3', N3_X, N3_Y)
    X, y = regression_data()
    print('L25 y =', ', '.join('%.4f' % v for v in y))
    A = np.column_stack([np.ones(25), np.asarray(X)])
    beta, *_ = np.linalg.lstsq(A, y, rcond=None)
    fitted = A @ beta
    print('regression: R=corr(y,yhat)', fmt(stats.pearsonr(y, fitted)[0]))


def xoshiro_reference(seed, count=3):
    """xoshiro256** seeded by SplitMix64 (the C reference code, in Python integers)."""
    mask = (1 << 64) - 1

    def splitmix(state):
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return state, z ^ (z >> 31)

    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & mask

    s = []
    st = seed
    for _ in range(4):
        st, v = splitmix(st)
        s.append(v)
    out = []
    for _ in range(count):
        result = (rotl((s[1] * 5) & mask, 7) * 9) & mask
        t = (s[1] << 17) & mask
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        out.append(result)
    return out


if __name__ == '__main__':
    main()
    print('xoshiro256** seed 42:', ', '.join('0x%016XUL' % v for v in xoshiro_reference(42)))
