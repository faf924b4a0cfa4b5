r"""Least squares, pseudo-inverse, numerical rank, null space and low-rank approximation.

Least squares ``min_x ||A x - b||_2`` three ways:

* ``'qr'`` (default): Householder QR ``A = Q R``; then ``R x = (Q^T b)[:n]``.
  Backward stable; needs full column rank.  ``Q`` is never formed for a tall
  ``A``: the reflectors are applied to ``b`` as compact-WY blocks (the
  factorisation runs on ``[A, b]``, so ``Q^T b`` falls out of the trailing
  updates).  A wide ``A`` (m < n) uses the QR of ``A^T`` for the minimum-norm
  solution.
* ``'svd'``: ``x = V S^+ U^T b`` with singular values below
  ``rcond * s_max`` treated as zero: the minimum-norm solution, also for
  rank-deficient ``A``.  A tall ``A`` is reduced by QR first and only the small
  ``R`` goes through the SVD (likewise a wide one through the QR of ``A^T``).
* ``'normal'``: Cholesky on ``A^T A x = A^T b``.  Fast and simple, but it
  squares the condition number, so it always warns.

Everything spectral goes through :func:`mathforml.linalg.svd.svd`.

References
----------
G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., chapter 5.
Å. Björck, *Numerical Methods for Least Squares Problems*, SIAM, 1996.
C. Eckart and G. Young, "The approximation of one matrix by another of lower
rank", Psychometrika 1 (1936).
"""
from __future__ import annotations

import warnings
from collections import namedtuple

import numpy as np

from mathforml._validation import (as_float_array, as_matrix, check_int, check_option, check_real,
                                   check_vector_rhs, eps_of, result_dtype)
from mathforml.exceptions import IllConditionedWarning, LinAlgError, NormalEquationsWarning
from mathforml.explain import active, section, step
from mathforml.linalg.qr import _EXPLAIN_REFLECTORS, _apply_q_blocks, _explain_reflectors, _householder_factor

__all__ = ["lstsq", "LstsqResult", "pinv", "matrix_rank", "null_space",
           "low_rank_approximation", "LowRankApproximation"]

LstsqResult = namedtuple("LstsqResult", ["x", "residuals", "rank", "singular_values"])
LstsqResult.__doc__ = "Result of :func:`lstsq` (fields as numpy.linalg.lstsq's four outputs)."

LowRankApproximation = namedtuple("LowRankApproximation",
                                  ["approximation", "relative_error", "singular_values"])
LowRankApproximation.__doc__ = "Result of :func:`low_rank_approximation`."

METHODS = ("qr", "svd", "normal")
_TALL = 1.5   # QR before SVD when one dimension exceeds the other by this factor


def _fro(X: np.ndarray) -> float:
    return float(np.sqrt(np.sum(X * X))) if X.size else 0.0


def _svd(A: np.ndarray, full_matrices: bool = False):
    from mathforml.linalg.svd import svd  # another module; imported when needed
    return svd(A, full_matrices=full_matrices, compute_uv=True)


def _svdvals(A: np.ndarray) -> np.ndarray:
    from mathforml.linalg.svd import svdvals
    return svdvals(A)


def _as_2d(b: np.ndarray, dtype) -> np.ndarray:
    return np.array(b[:, None] if b.ndim == 1 else b, dtype=dtype, order="C", copy=True)


def _check_report(A: np.ndarray, b2: np.ndarray, X: np.ndarray) -> None:
    """Explain-only: residual norm and the normal-equations check ``A^T r ~ 0``."""
    r = b2 - A @ X
    r_norm = _fro(r)
    denom = _fro(A) * r_norm
    step("Check the residual", "r = b - A x;  A^T r = 0 at the least-squares solution",
         residual_norm=r_norm,
         relative_AT_r=(_fro(A.T @ r) / denom) if denom else 0.0)


# ---------------------------------------------------------------------------
# lstsq
# ---------------------------------------------------------------------------
def _rank_from_R(d: np.ndarray, m: int, n: int, dtype) -> tuple[int, float]:
    """Rank estimate from the diagonal of R: |r_jj| > max(m, n) eps max|r_jj|."""
    ad = np.abs(d)
    dmax = float(ad.max()) if ad.size else 0.0
    tol = max(m, n) * eps_of(dtype) * dmax
    rank = int(np.count_nonzero(ad > tol))
    rcond = float(ad.min()) / dmax if dmax > 0 else 0.0
    return rank, rcond


def _warn_rank_deficient(rank: int, k: int, rcond: float, what: str) -> None:
    warnings.warn(IllConditionedWarning(
        f"lstsq(method='qr'): {what} appears rank deficient (diagonal of R gives rank "
        f"{rank} < {k}, min|r_jj| / max|r_jj| = {rcond:.3g}); the least-squares solution "
        "is not unique and this one is not the minimum-norm solution; use method='svd'",
        rcond), stacklevel=3)


def _lstsq_qr(A, B, record):
    from mathforml.linalg.triangular import solve_triangular
    m, n = A.shape
    p = B.shape[1]
    if m >= n:
        with section("QR factorisation of [A, b] (Householder, compact WY)"):
            H, tau, blocks = _householder_factor(A, record and n > _EXPLAIN_REFLECTORS, B)
            if record and n <= _EXPLAIN_REFLECTORS:
                _explain_reflectors(np.hstack([A, B]), H, tau)
        R = H[:n, :n]
        c = H[:, n:]                                    # Q^T b
        rank, rcond = _rank_from_R(np.diagonal(R), m, n, A.dtype)
        if record:
            step("QR factorisation A = Q R", "H_{n-1} ... H_0 A = R (upper triangular)",
                 R=np.triu(R), tau=tau, rank_estimate=rank)
            step("Apply Q^T to b (reflectors applied as blocks; Q never formed)",
                 "c = Q^T b = H_{n-1} ... H_0 b", c=c)
        if rank < n:
            _warn_rank_deficient(rank, n, rcond, f"A of shape {A.shape}")
        try:
            with section("Back substitution R x = c[:n]"):
                X = solve_triangular(R, c[:n], lower=False, check_finite=False)
        except LinAlgError as exc:
            raise LinAlgError(f"lstsq(method='qr'): R is exactly singular ({exc}); "
                              "use method='svd' for rank-deficient A") from None
        if m > n and rank == n:
            tail = c[n:]
            residuals = np.sum(tail * tail, axis=0)
        else:
            residuals = np.zeros(0, dtype=A.dtype)
        if record:
            step("Solution", "x = R^{-1} c[:n];  ||r||^2 = ||c[n:]||^2", x=X, residuals=residuals)
        return X, residuals, rank
    # wide: A^T = Q R, A = R^T Q^T; x = Q z with R^T z = b is the minimum-norm solution
    with section("QR factorisation of A^T (Householder, compact WY)"):
        H, tau, blocks = _householder_factor(A.T, record and m > 8)
    R = H[:m, :m]
    rank, rcond = _rank_from_R(np.diagonal(R), m, n, A.dtype)
    if record:
        step("QR factorisation A^T = Q R (A is wide)", "A = R^T Q^T", R=np.triu(R), tau=tau,
             rank_estimate=rank)
    if rank < m:
        _warn_rank_deficient(rank, m, rcond, f"A of shape {A.shape} (its rows)")
    try:
        with section("Forward substitution R^T z = b"):
            Z = solve_triangular(R, B, lower=False, trans=True, check_finite=False)
    except LinAlgError as exc:
        raise LinAlgError(f"lstsq(method='qr'): R is exactly singular ({exc}); "
                          "use method='svd' for rank-deficient A") from None
    X = np.zeros((n, p), dtype=A.dtype)
    X[:m] = Z
    _apply_q_blocks(H, blocks, X)
    if record:
        step("Minimum-norm solution x = Q [z; 0]", "x lies in range(A^T), so it has least norm",
             z=Z, x=X)
    return X, np.zeros(0, dtype=A.dtype), rank


def _lstsq_svd(A, B, rcond, record):
    m, n = A.shape
    p = B.shape[1]
    dtype = A.dtype
    if rcond is None:
        rcond = eps_of(dtype) * max(m, n)
    tail_sq = None
    if m >= _TALL * n:
        # QR first: only the n x n R goes through the SVD; c = Q^T b
        H, tau, blocks = _householder_factor(A, False, B)
        R = np.triu(H[:n, :n])
        C = H[:n, n:]
        tail = H[n:, n:]
        tail_sq = np.sum(tail * tail, axis=0)
        U, s, Vh = _svd(R)
        if record:
            step("QR first (A is tall): A = Q R, c = Q^T b; now the SVD of the small R",
                 "R = U S V^T, so A = (Q U) S V^T", R=R, c=C)
        Q_U = None
    elif n >= _TALL * m:
        # wide: A^T = Q R, A = R^T Q^T; SVD of R^T, then x = Q y
        H, tau, blocks = _householder_factor(A.T)
        Rt = np.triu(H[:m, :m]).T
        U, s, Vh = _svd(Rt)
        C = B
        Q_U = (H, blocks)
        if record:
            step("QR of A^T first (A is wide): A = R^T Q^T; now the SVD of the small R^T",
                 "R^T = U S V^T, so A = U S (Q V)^T", R_T=Rt)
    else:
        U, s, Vh = _svd(A)
        C = B
        Q_U = None
    s_max = float(s[0]) if s.size else 0.0
    cutoff = rcond * s_max
    rank = int(np.count_nonzero(s > cutoff))
    Uc = U[:, :rank].T @ C                              # U^T b on the kept directions
    Y = Vh[:rank].T @ (Uc / s[:rank, None])             # V S^+ U^T b
    if Q_U is not None:
        H, blocks = Q_U
        X = np.zeros((n, p), dtype=dtype)
        X[:m] = Y
        _apply_q_blocks(H, blocks, X)
    else:
        X = Y
    if m > n and rank == n:
        if tail_sq is not None:                         # ||b - A x||^2 = ||c[n:]||^2 + ...
            proj = C - U @ (U.T @ C)                    # ... the part of c outside range(U)
            residuals = tail_sq + np.sum(proj * proj, axis=0)
        else:
            r = B - A @ X
            residuals = np.sum(r * r, axis=0)
    else:
        residuals = np.zeros(0, dtype=dtype)
    if record:
        step("Singular values and the cutoff",
             "keep s_i > rcond * s_max; rank = number kept",
             singular_values=s, rcond=float(rcond), cutoff=cutoff, rank=rank)
        step("Minimum-norm solution", "x = sum_{i < rank} v_i (u_i^T b) / s_i",
             x=X, residuals=residuals)
    return X.astype(dtype, copy=False), residuals.astype(dtype, copy=False), rank, s


def _lstsq_normal(A, B, record):
    from mathforml.linalg.cholesky import cholesky
    from mathforml.linalg.triangular import solve_triangular
    m, n = A.shape
    warnings.warn(NormalEquationsWarning(
        "lstsq(method='normal') solves the normal equations, which square the condition "
        "number of A (cond(A^T A) = cond(A)^2); prefer method='qr' or method='svd'"),
        stacklevel=3)
    wide = m < n
    G = (A @ A.T) if wide else (A.T @ A)
    c = B if wide else A.T @ B
    if record:
        step("Normal equations" + (" of the second kind (A is wide)" if wide else ""),
             "A A^T y = b, x = A^T y" if wide else "A^T A x = A^T b", G=G, c=c)
    L = cholesky(G)                                       # G = L L^T, L lower
    Y = solve_triangular(L, c, lower=True, check_finite=False)
    Z = solve_triangular(L, Y, lower=True, trans=True, check_finite=False)
    X = A.T @ Z if wide else Z
    if m > n:
        r = B - A @ X
        residuals = np.sum(r * r, axis=0)
    else:
        residuals = np.zeros(0, dtype=A.dtype)
    if record:
        step("Solution via Cholesky G = L L^T", "L y = c, L^T x = y", L=L, x=X)
    return X, residuals, min(m, n)


def lstsq(A, b, method="qr", rcond=None):
    r"""Least-squares solution of ``A x ~ b``: minimise ``||b - A x||_2``.

    Parameters
    ----------
    A : (m, n) array_like
        Coefficient matrix.
    b : (m,) or (m, p) array_like
        Right-hand side(s).
    method : {'qr', 'svd', 'normal'}, default 'qr'
        ``'qr'``: Householder QR, backward stable, needs full rank (warns
        :class:`~mathforml.exceptions.IllConditionedWarning` when the diagonal of
        ``R`` reveals rank deficiency); for wide ``A`` the minimum-norm solution
        via the QR of ``A^T``.  ``'svd'``: minimum-norm solution, any rank.
        ``'normal'``: Cholesky on the normal equations; always warns
        :class:`~mathforml.exceptions.NormalEquationsWarning`.
    rcond : float, optional
        For ``'svd'``: singular values ``s_i <= rcond * s_max`` count as zero.
        Default ``eps * max(m, n)`` (numpy's default).  Ignored by the others.

    Returns
    -------
    LstsqResult(x, residuals, rank, singular_values)
        ``x``: (n,) or (n, p).  ``residuals``: squared 2-norm ``||b - A x||^2`` of
        each column, shape (1,) or (p,), when ``m > n`` and ``A`` has full rank,
        else shape (0,) (as numpy).  ``rank``: numerical rank (from the singular
        values for ``'svd'``; for ``'qr'`` the count of ``|r_jj| > max(m, n) eps
        max|r_jj|``, an estimate; ``min(m, n)`` for ``'normal'``).
        ``singular_values``: (min(m, n),) descending for ``'svd'``, ``None`` for
        the methods that do not compute them.

    Raises
    ------
    ValueError
        ``b`` does not have ``m`` rows (the message names both shapes), unknown
        method (the message lists the valid ones), NaN or infinity.
    TypeError
        Complex input.
    LinAlgError
        ``'qr'`` with an exactly singular ``R``; ``'normal'`` when ``A^T A`` is not
        positive definite.

    Notes
    -----
    QR (m >= n): with ``A = Q [R; 0]`` and ``c = Q^T b``,
    ``||b - A x||^2 = ||c[:n] - R x||^2 + ||c[n:]||^2``, minimised by
    ``R x = c[:n]``; the residual is ``||c[n:]||``.  The error bound is
    ``~ eps (cond(A) + ||r|| cond(A)^2 / (||A|| ||x||))``.  Wide (m < n): with
    ``A^T = Q R``, ``x = Q z``, ``R^T z = b`` is the solution in ``range(A^T)``,
    the one of least norm.

    SVD: ``A = U S V^T``, ``x = sum_{s_i > rcond s_max} v_i (u_i^T b) / s_i``.

    Normal equations: ``A^T A x = A^T b`` has condition ``cond(A)^2``: digits are
    lost twice as fast.

    At the solution the residual ``r = b - A x`` is orthogonal to the columns of
    ``A``: ``A^T r = 0`` (the explanation reports ``||A^T r|| / (||A|| ||r||)``).

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 5.3 and 5.5.

    Examples
    --------
    Fit a line ``y = c0 + c1 t`` through (0, 1), (1, 3), (2, 4):

    >>> import numpy as np
    >>> A = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    >>> b = np.array([1.0, 3.0, 4.0])
    >>> res = lstsq(A, b)
    >>> res.x.round(6)
    array([1.166667, 1.5     ])
    >>> res.residuals.round(6), res.rank
    (array([0.166667]), 2)
    """
    method = check_option(method, "method", METHODS)
    A = as_matrix(A, "A")
    b = check_vector_rhs(A, b, "A", "b")
    if rcond is not None:
        rcond = check_real(rcond, "rcond")
    dtype = result_dtype(A, b)
    A = A.astype(dtype, copy=False)
    B = _as_2d(b, dtype)
    m, n = A.shape
    p = B.shape[1]
    record = active()
    s = None
    with section(f"Least squares by {method} (A is {m} x {n}, {p} right-hand side(s))"):
        if m == 0 or n == 0:
            X = np.zeros((n, p), dtype=dtype)
            rank = 0
            residuals = (np.sum(B * B, axis=0) if m > n else np.zeros(0, dtype=dtype))
            if method == "svd":
                s = np.zeros(0, dtype=dtype)
        elif method == "qr":
            X, residuals, rank = _lstsq_qr(A, B, record)
        elif method == "svd":
            X, residuals, rank, s = _lstsq_svd(A, B, rcond, record)
        else:
            X, residuals, rank = _lstsq_normal(A, B, record)
        if record and m and n:
            _check_report(A, B, X)
    x = X[:, 0] if b.ndim == 1 else X
    return LstsqResult(x, residuals.astype(dtype, copy=False), rank, s)


# ---------------------------------------------------------------------------
# Pseudo-inverse, rank, null space, low-rank approximation
# ---------------------------------------------------------------------------
def pinv(A, rtol=None, hermitian=False):
    r"""Moore–Penrose pseudo-inverse ``A^+`` by the SVD.

    Parameters
    ----------
    A : (m, n) array_like
        The matrix.
    rtol : float, optional
        Relative cutoff: singular values ``s_i <= rtol * s_max`` are treated as
        zero.  Default ``max(m, n) * eps`` (numpy's default).
    hermitian : bool, default False
        Accepted for numpy compatibility; the SVD is used either way (for a
        symmetric ``A`` it gives the same pseudo-inverse).

    Returns
    -------
    X : (n, m) ndarray
        ``A^+``, float32 for float32 input.

    Notes
    -----
    With ``A = U S V^T``: ``A^+ = V S^+ U^T`` where ``S^+`` inverts the singular
    values above the cutoff and zeroes the rest.  ``X = A^+`` is the unique
    matrix with the four Penrose conditions ``A X A = A``, ``X A X = X``,
    ``(A X)^T = A X``, ``(X A)^T = X A``.  Never use it to solve a system:
    :func:`lstsq` is cheaper and as accurate.

    References
    ----------
    R. Penrose, "A generalized inverse for matrices", Proc. Cambridge Philos.
    Soc. 51 (1955).

    Examples
    --------
    >>> import numpy as np
    >>> pinv(np.array([[2.0, 0.0], [0.0, 0.0]]))
    array([[0.5, 0. ],
           [0. , 0. ]])
    """
    A = as_matrix(A, "A")
    m, n = A.shape
    if rtol is not None:
        rtol = check_real(rtol, "rtol", nonnegative=True)
    if m == 0 or n == 0:
        return np.zeros((n, m), dtype=A.dtype)
    if rtol is None:
        rtol = max(m, n) * eps_of(A.dtype)
    U, s, Vh = _svd(A)
    cutoff = rtol * float(s[0])
    r = int(np.count_nonzero(s > cutoff))
    X = (Vh[:r].T / s[:r]) @ U[:, :r].T
    if active():
        step("Pseudo-inverse by the SVD",
             "A^+ = V S^+ U^T,  S^+_ii = 1 / s_i for s_i > rtol * s_max, else 0",
             singular_values=s, cutoff=cutoff, rank=r, A_pinv=X)
    return X.astype(A.dtype, copy=False)


def matrix_rank(A, tol=None):
    r"""Numerical rank: the number of singular values above ``tol``.

    Parameters
    ----------
    A : (m, n) or (k,) array_like
        The matrix (a 1-D array has rank 1 unless it is all zeros, as numpy).
    tol : float, optional
        Absolute threshold.  Default ``s_max * max(m, n) * eps`` (numpy's).

    Returns
    -------
    rank : int

    Notes
    -----
    ``rank = #{i : s_i > tol}``.  The SVD is the reliable way to decide rank: a
    perturbation ``E`` moves each singular value by at most ``||E||_2``, so
    values above ``tol`` are safely non-zero.

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2.4.

    Examples
    --------
    >>> import numpy as np
    >>> matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0]]))
    1
    >>> matrix_rank(np.eye(3))
    3
    """
    A = as_float_array(A, "A", ndim=(0, 1, 2))
    if A.ndim < 2:
        return int(not np.all(A == 0))
    m, n = A.shape
    if m == 0 or n == 0:
        return 0
    s = _svdvals(A)
    if tol is None:
        tol = float(s.max()) * max(m, n) * eps_of(A.dtype)
    else:
        tol = check_real(tol, "tol", nonnegative=True)
    rank = int(np.count_nonzero(s > tol))
    if active():
        step("Numerical rank", "rank = #{i : s_i > tol}", singular_values=s, tol=tol, rank=rank)
    return rank


def null_space(A, rcond=None):
    r"""Orthonormal basis of the null space ``{x : A x = 0}`` by the SVD.

    Parameters
    ----------
    A : (m, n) array_like
        The matrix.
    rcond : float, optional
        Relative cutoff: singular values ``s_i <= rcond * s_max`` count as zero.
        Default ``eps * max(m, n)`` (scipy's).

    Returns
    -------
    N : (n, n - r) ndarray
        Orthonormal columns spanning the null space (``r`` the numerical rank).

    Notes
    -----
    With ``A = U S V^T`` (``V`` complete, ``n x n``), ``A v_i = s_i u_i``, so the
    right singular vectors with ``s_i <= tol`` (and ``v_i`` for ``i >= min(m, n)``)
    span the null space: ``N = V[:, r:]``.

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2.4.

    Examples
    --------
    >>> import numpy as np
    >>> N = null_space(np.array([[1.0, 1.0]]))
    >>> N.shape, bool(np.allclose(np.abs(N.ravel()), np.sqrt(0.5)))
    ((2, 1), True)
    """
    A = as_matrix(A, "A")
    m, n = A.shape
    if rcond is None:
        rcond = eps_of(A.dtype) * max(m, n)
    else:
        rcond = check_real(rcond, "rcond", nonnegative=True)
    if n == 0:
        return np.zeros((0, 0), dtype=A.dtype)
    if m == 0:
        return np.eye(n, dtype=A.dtype)
    U, s, Vh = _svd(A, full_matrices=True)
    tol = float(s.max()) * rcond if s.size else 0.0
    r = int(np.count_nonzero(s > tol))
    N = np.ascontiguousarray(Vh[r:].T)
    if active():
        step("Null space from the SVD", "N = V[:, r:],  r = #{i : s_i > rcond * s_max}",
             singular_values=s, tol=tol, rank=r, N=N)
    return N


def low_rank_approximation(A, k):
    r"""Best rank-``k`` approximation ``A_k`` (Eckart–Young) with its relative error.

    Parameters
    ----------
    A : (m, n) array_like
        The matrix.
    k : int
        Target rank, ``1 <= k <= min(m, n)``.

    Returns
    -------
    LowRankApproximation(approximation, relative_error, singular_values)
        ``approximation``: (m, n) ``A_k``; ``relative_error``:
        ``||A - A_k||_F / ||A||_F`` (0 for the zero matrix); ``singular_values``:
        all ``min(m, n)`` singular values of ``A``, descending.

    Raises
    ------
    ValueError
        ``k`` outside ``1 .. min(m, n)`` (the message names ``k`` and the bound).

    Notes
    -----
    ``A_k = sum_{i < k} s_i u_i v_i^T = U[:, :k] diag(s[:k]) V[:, :k]^T``.  By
    Eckart–Young–Mirsky it minimises ``||A - B||`` over all ``B`` of rank
    ``<= k``, in the Frobenius norm with error
    ``sqrt(sum_{i >= k} s_i^2)`` — so ``relative_error =
    sqrt(sum_{i >= k} s_i^2 / sum_i s_i^2)`` — and in the 2-norm with error
    ``s_k`` (the first discarded singular value).

    References
    ----------
    C. Eckart and G. Young, Psychometrika 1 (1936), 211–218.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.diag([3.0, 4.0])
    >>> res = low_rank_approximation(A, 1)
    >>> res.approximation
    array([[0., 0.],
           [0., 4.]])
    >>> round(res.relative_error, 6)   # sqrt(3^2 / (3^2 + 4^2))
    0.6
    """
    A = as_matrix(A, "A")
    m, n = A.shape
    kmax = min(m, n)
    k = check_int(k, "k")
    if not 1 <= k <= kmax:
        raise ValueError(f"k must satisfy 1 <= k <= min(m, n) = {kmax} for A of shape "
                         f"{A.shape}, got k = {k}")
    U, s, Vh = _svd(A)
    A_k = (U[:, :k] * s[:k]) @ Vh[:k]
    s64 = s.astype(np.float64)
    total = float(np.sum(s64 * s64))
    tail = float(np.sum(s64[k:] * s64[k:]))
    rel = float(np.sqrt(tail / total)) if total > 0 else 0.0
    if active():
        step(f"Keep the {k} largest singular triplets (Eckart–Young)",
             "A_k = U[:, :k] diag(s[:k]) V[:, :k]^T;  ||A - A_k||_F / ||A||_F = "
             "sqrt(sum_{i>=k} s_i^2 / sum_i s_i^2);  ||A - A_k||_2 = s_k",
             singular_values=s, k=k, A_k=A_k, relative_error=rel,
             two_norm_error=float(s[k]) if k < s.size else 0.0)
    return LowRankApproximation(A_k.astype(A.dtype, copy=False), rel, s)
