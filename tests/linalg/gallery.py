"""Test matrices: random shapes and a gallery of hard cases.

Every generator is deterministic (fixed seeds) and builds its matrix from its
textbook definition, so tests can compare against numpy/scipy on inputs that
stress pivoting, orthogonality and eigenvalue clustering.
"""
from __future__ import annotations

import math

import numpy as np

EPS = np.finfo(np.float64).eps


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def hilbert(n: int) -> np.ndarray:
    """H[i, j] = 1 / (i + j + 1): symmetric positive definite, cond ~ e^(3.5 n)."""
    i = np.arange(n)
    return 1.0 / (i[:, None] + i[None, :] + 1.0)


def pascal(n: int) -> np.ndarray:
    """Symmetric Pascal matrix P[i, j] = C(i + j, i): SPD with integer entries, det 1."""
    return np.array([[math.comb(i + j, i) for j in range(n)] for i in range(n)], dtype=float)


def kahan(n: int, theta: float = 1.2, pert: float = 25.0) -> np.ndarray:
    """Kahan's upper-triangular matrix diag(s^i) (I - c * strict-upper ones).

    With the usual tiny diagonal perturbation, QR with column pivoting fails to
    reveal its rank; a classic trap for rank estimation and triangular solves.
    """
    s, c = math.sin(theta), math.cos(theta)
    K = np.triu(-c * np.ones((n, n)), 1) + np.eye(n)
    K = np.diag(s ** np.arange(n)) @ K
    return K + pert * EPS * np.diag(np.arange(n, 0, -1.0))


def wilkinson(n: int = 21) -> np.ndarray:
    """Wilkinson's W_n^+: tridiagonal, diagonal |i - m|, ones off the diagonal.

    Its largest eigenvalues come in pairs that agree to many digits.
    """
    m = (n - 1) / 2
    return np.diag(np.abs(np.arange(n) - m)) + np.diag(np.ones(n - 1), 1) + np.diag(np.ones(n - 1), -1)


def frank(n: int) -> np.ndarray:
    """Frank matrix: upper Hessenberg, det 1, small eigenvalues ill-conditioned."""
    F = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if j >= i - 1:
                F[i, j] = n - max(i, j)
    return F


def graded(n: int = 17, lo: float = -8, hi: float = 8) -> np.ndarray:
    """Diagonal scaling 1e-8 .. 1e8 applied to a random orthogonal matrix."""
    Q = random_orthogonal(n, seed=11)
    d = np.logspace(lo, hi, n)
    return Q * d  # columns scaled: A = Q diag(d)


def graded_diagonal(n: int = 17, lo: float = -8, hi: float = 8) -> np.ndarray:
    return np.diag(np.logspace(lo, hi, n))


def random_orthogonal(n: int, seed: int = 0) -> np.ndarray:
    """Haar-ish orthogonal matrix from the QR of a Gaussian matrix (numpy reference)."""
    G = rng(seed).standard_normal((n, n))
    Q, R = np.linalg.qr(G)
    return Q * np.sign(np.diag(R))


def rank_deficient(m: int, n: int, r: int, seed: int = 0) -> np.ndarray:
    """Product of m x r and r x n Gaussian factors: rank exactly r (in exact arithmetic)."""
    g = rng(seed)
    return g.standard_normal((m, r)) @ g.standard_normal((r, n))


def symmetric_with_eigenvalues(w, seed: int = 0) -> np.ndarray:
    """Q diag(w) Q^T with a random orthogonal Q: prescribed (repeated/clustered) spectrum."""
    w = np.asarray(w, dtype=float)
    Q = random_orthogonal(len(w), seed)
    A = (Q * w) @ Q.T
    return (A + A.T) / 2


def repeated_eigenvalues(n: int = 12, seed: int = 0) -> np.ndarray:
    return symmetric_with_eigenvalues([1.0] * (n // 2) + [2.0] * (n - n // 2), seed)


def clustered_eigenvalues(n: int = 12, seed: int = 0) -> np.ndarray:
    return symmetric_with_eigenvalues(1.0 + 1e-10 * np.arange(n), seed)


def random_matrix(m: int, n: int, seed: int = 0) -> np.ndarray:
    return rng(seed).standard_normal((m, n))


def random_spd(n: int, seed: int = 0) -> np.ndarray:
    G = rng(seed).standard_normal((n, n))
    return G @ G.T + n * np.eye(n)


def random_symmetric(n: int, seed: int = 0) -> np.ndarray:
    G = rng(seed).standard_normal((n, n))
    return (G + G.T) / 2


# Square shapes from 1x1 up to 300x300 and rectangular ones, tall and wide.
SQUARE_SIZES = [1, 2, 3, 5, 8, 17, 33, 64, 65, 100, 129, 300]
RECT_SHAPES = [(1, 3), (3, 1), (5, 3), (3, 5), (40, 7), (7, 40), (100, 64), (64, 100),
               (300, 33), (33, 300), (257, 129)]

# Square hard cases for factorisations that need a square input: name -> matrix.
HARD_SQUARE = {
    "hilbert10": hilbert(10),
    "pascal8": pascal(8),
    "kahan30": kahan(30),
    "wilkinson21": wilkinson(21),
    "frank12": frank(12),
    "graded17": graded(17),
    "graded_diagonal17": graded_diagonal(17),
    "repeated12": repeated_eigenvalues(12),
    "clustered12": clustered_eigenvalues(12),
    "identity7": np.eye(7),
}

# Symmetric hard cases (for eigh, cholesky where SPD).
HARD_SYMMETRIC = {
    "hilbert10": hilbert(10),
    "pascal8": pascal(8),
    "wilkinson21": wilkinson(21),
    "graded_diagonal17": graded_diagonal(17),
    "repeated12": repeated_eigenvalues(12),
    "clustered12": clustered_eigenvalues(12),
    "identity7": np.eye(7),
    "zero6": np.zeros((6, 6)),
}

# Rank-deficient / singular cases (for SVD, lstsq, pinv, rank).
RANK_DEFICIENT = {
    "product_60x40_r7": rank_deficient(60, 40, 7),
    "product_30x50_r5": rank_deficient(30, 50, 5, seed=3),
    "zero_5x4": np.zeros((5, 4)),
    "ones_6x6": np.ones((6, 6)),
}
