r"""Gaussian elimination and the LU family: lu, lu_factor, lu_solve, solve, inv, det, slogdet, cond.

Gaussian elimination with partial pivoting factors a row permutation of ``A``
as ``A[perm] = L U`` (``L`` unit lower triangular with ``|l_ik| <= 1``, ``U``
upper triangular), i.e. ``A = P L U`` with ``P = I[:, perm]``.  Stage ``k``
picks the pivot row ``p = argmax_{i >= k} |a_ik|``, swaps rows ``k`` and
``p``, and subtracts ``m_ik = a_ik / a_kk`` times row ``k`` from every row
``i > k``.

Speed (``_getrf``): a recursive, blocked right-looking factorisation.
Wide column blocks are split in two (Toledo's recursion): factor the left
half, solve ``L11 U12 = A12`` for the top-right block (triangular solve),
update the trailing block with one GEMM ``A22 -= L21 @ U12``, factor the
right half.  Blocks of at most ``_LU_T`` columns are factored right-looking in
panels of ``_LU_W`` columns, and each panel by a Crout column loop on a
contiguous transposed copy (one GEMV per column for the column of ``L``, one
small GEMV for the row of ``U``).  Row interchanges are applied to whole rows
once per panel, and only to the rows that moved.  There is no Python loop
over matrix elements.
"""
from __future__ import annotations

import warnings
from collections import namedtuple

import numpy as np

from mathforml.exceptions import IllConditionedWarning, LinAlgError
from mathforml.explain import active, section, step
from mathforml._validation import (
    as_matrix,
    as_square_matrix,
    check_vector_rhs,
    result_dtype,
    warn_ill_conditioned,
)
from mathforml.linalg.triangular import _trsm, solve_triangular

__all__ = [
    "gaussian_elimination",
    "lu",
    "lu_factor",
    "lu_solve",
    "solve",
    "inv",
    "det",
    "slogdet",
    "cond",
    "SlogdetResult",
]

SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])

# Blocking parameters of the LU (chosen by measurement at one BLAS thread).
_LU_T = 256  # column blocks at most this wide are factored right-looking ...
_LU_W = 64   # ... in panels of this many columns (Crout column loop inside)

# Largest n whose LU explanation shows every stage (pivots, multipliers, matrix).
_EXPLAIN_STAGES = 8


# ---------------------------------------------------------------------------
# The fast factorisation
# ---------------------------------------------------------------------------
class _Factor:
    """Book-keeping shared by the recursive LU: pivots, permutation, first zero pivot."""

    __slots__ = ("A", "ipiv", "perm", "info", "record")

    def __init__(self, A: np.ndarray, record: bool):
        m, n = A.shape
        self.A = A
        self.ipiv = np.zeros(min(m, n), dtype=np.int32)
        self.perm = np.arange(m)
        self.info = -1  # index of the first exactly-zero pivot, -1 if none
        self.record = record


def _panel(F: _Factor, r0: int, c0: int, c1: int) -> None:
    """Factor the panel A[r0:, c0:c1] by a Crout column loop with partial pivoting.

    Works on a transposed contiguous copy ``PT`` (row ``j`` of ``PT`` is panel
    column ``j``).  For panel column ``j``:

    * ``l_j <- a_j - L[:, :j] u_j``       (GEMV: left-looking column update)
    * pivot ``p = argmax |l_j[j:]|``, swap rows ``j`` and ``p`` of the panel
    * ``u_jc <- a_jc - L[j, :j] U[:j, c]`` for the panel columns ``c > j``
    * ``l_j[j+1:] /= u_jj`` (the multipliers)
    """
    A = F.A
    PT = A[r0:, c0:c1].T.copy()
    w, M = PT.shape
    moved = {}  # local row -> local source row (only the rows that moved)
    piv_local = []
    for j in range(w):
        if j:
            PT[j, j:] -= PT[j, :j] @ PT[:j, j:]
        p = j + int(np.abs(PT[j, j:]).argmax())
        piv_local.append(p)
        if p != j:
            t = PT[:, j].copy()
            PT[:, j] = PT[:, p]
            PT[:, p] = t
            sj, sp = moved.get(j, j), moved.get(p, p)
            moved[j], moved[p] = sp, sj
        pivot = PT[j, j]
        if pivot != 0.0:
            PT[j, j + 1:] *= 1.0 / pivot
        elif F.info < 0:
            F.info = r0 + j
        if j and j + 1 < w:
            PT[j + 1:, j] -= PT[j + 1:, :j] @ PT[:j, j]
    F.ipiv[r0:r0 + w] = np.asarray(piv_local, dtype=np.int32) + r0
    if moved:
        dst = np.fromiter(moved.keys(), dtype=np.intp, count=len(moved)) + r0
        src = np.fromiter(moved.values(), dtype=np.intp, count=len(moved)) + r0
        A[dst] = A[src]                      # whole rows: L to the left, A to the right
        F.perm[dst] = F.perm[src]
    A[r0:, c0:c1] = PT.T
    if F.record:
        step(f"Panel: columns {c0}..{c1 - 1}",
             "choose pivot p = argmax_i |a_ik|, swap rows, l_ik = a_ik / a_kk (Crout column loop)",
             pivot_rows=F.ipiv[r0:r0 + w].copy(), pivots=A[r0:r0 + w, c0:c1].diagonal().copy(),
             max_abs_multiplier=float(np.max(np.abs(np.tril(A[r0:, c0:c1], -1)), initial=0.0)))


def _right_looking(F: _Factor, r0: int, c0: int, c1: int) -> None:
    """Factor A[r0:, c0:c1] right-looking in panels of _LU_W columns."""
    A = F.A
    m = A.shape[0]
    for c in range(c0, c1, _LU_W):
        ce = min(c + _LU_W, c1)
        r = r0 + (c - c0)
        re = r + (ce - c)
        _panel(F, r, c, ce)
        if ce < c1:
            A12 = A[r:re, ce:c1]
            _trsm(A[r:re, c:ce], A12, True, True)       # U12 = L11^{-1} A12
            if re < m:
                A[re:, ce:c1] -= A[re:, c:ce] @ A12      # A22 -= L21 U12


def _recursive(F: _Factor, r0: int, c0: int, c1: int) -> None:
    """Toledo's recursive LU of A[r0:, c0:c1] (needs c1 - c0 <= rows)."""
    n = c1 - c0
    if n <= _LU_T:
        _right_looking(F, r0, c0, c1)
        return
    A = F.A
    h = (n // 2 + _LU_W - 1) // _LU_W * _LU_W
    cm, rm = c0 + h, r0 + h
    _recursive(F, r0, c0, cm)
    A12 = A[r0:rm, cm:c1]
    _trsm(A[r0:rm, c0:cm], A12, True, True)
    A[rm:, cm:c1] -= A[rm:, c0:cm] @ A12
    if F.record:
        step(f"Trailing update: columns {cm}..{c1 - 1}",
             "U12 = L11^{-1} A12;  A22 <- A22 - L21 @ U12",
             rows=A.shape[0] - rm, cols=c1 - cm, rank=h)
    _recursive(F, rm, cm, c1)


def _getrf(A: np.ndarray, record: bool = False) -> _Factor:
    """LU with partial pivoting in place on a C-contiguous float array (m x n).

    On return ``A`` holds ``L`` (strictly lower part, unit diagonal implied)
    and ``U`` (upper part); ``ipiv`` are LAPACK's 0-based interchanges and
    ``perm`` the row permutation with ``A_in[perm] = L U``.  Exactly zero
    pivots do not stop the factorisation (``info`` records the first).
    """
    F = _Factor(A, record)
    m, n = A.shape
    k = min(m, n)
    if k == 0:
        return F
    _recursive(F, 0, 0, k)
    if n > m:  # wide: U12 = L^{-1} A[:, m:]
        _trsm(A[:, :m], A[:, m:], True, True)
    return F


def _perm_from_ipiv(ipiv: np.ndarray, m: int) -> np.ndarray:
    """Row permutation from LAPACK interchanges (sequential by nature: one swap per pivot)."""
    perm = list(range(m))
    for i, p in enumerate(ipiv.tolist()):
        if p != i:
            perm[i], perm[p] = perm[p], perm[i]
    return np.asarray(perm, dtype=np.intp)


def _lu_substitute(LU: np.ndarray, perm: np.ndarray, B: np.ndarray, trans: bool) -> np.ndarray:
    """Solve A X = B (or A^T X = B) from A[perm] = L U; B is 2-D and not modified."""
    if not trans:
        X = B[perm]                      # P^T b
        _trsm(LU, X, True, True)         # L y = P^T b
        _trsm(LU, X, False, False)       # U x = y
        return X
    Y = np.array(B, copy=True)
    _trsm(LU.T, Y, True, False)          # U^T y = b
    _trsm(LU.T, Y, False, True)          # L^T z = y
    X = np.empty_like(Y)
    X[perm] = Y                          # x = P z
    return X


# ---------------------------------------------------------------------------
# Condition estimation (Hager / Higham, LAPACK xGECON style)
# ---------------------------------------------------------------------------
class _BlockInverseTri:
    """Triangular solves for the estimator: block substitution with inverted diagonal blocks.

    The ``b x b`` diagonal blocks of the triangular factor are inverted all at
    once (a batched column loop of ``b`` steps), after which each solve is
    ``n / b`` GEMVs.  This is not backward stable for badly conditioned
    blocks, which is acceptable here: the estimator only needs the order of
    magnitude of ``||A^{-1}||_1``.  The solver itself never uses it.
    """

    def __init__(self, T: np.ndarray, lower: bool, unit: bool, b: int = 32):
        n = T.shape[0]
        self.T, self.lower, self.b, self.n = T, lower, b, n
        nb = -(-n // b)
        blocks = np.broadcast_to(np.eye(b, dtype=T.dtype), (nb, b, b)).copy()
        for i in range(nb):                       # the diagonal blocks (last one padded with I)
            e = min((i + 1) * b, n) - i * b
            blocks[i, :e, :e] = T[i * b:i * b + e, i * b:i * b + e]
        keep = np.tri(b, dtype=bool) if lower else ~np.tri(b, k=-1, dtype=bool)
        blocks *= keep                            # only the triangle is read
        if unit:
            blocks[:, np.arange(b), np.arange(b)] = 1.0
        d = blocks[:, np.arange(b), np.arange(b)]                  # (nb, b)
        U = blocks / d[:, :, None]                                 # unit triangular D^{-1} T_ii
        Xinv = np.broadcast_to(np.eye(b, dtype=T.dtype), blocks.shape).copy()
        # Solve T_ii X = I for all blocks at once: a loop of b batched row steps.
        order = range(b) if lower else range(b - 1, -1, -1)
        for j in order:
            if lower:
                Xinv[:, j + 1:, :] -= U[:, j + 1:, j, None] * Xinv[:, j, None, :]
            else:
                Xinv[:, :j, :] -= U[:, :j, j, None] * Xinv[:, j, None, :]
        self.inv = Xinv / d[:, None, :]                            # T_ii^{-1} = U^{-1} D^{-1}

    def solve(self, y: np.ndarray, trans: bool) -> np.ndarray:
        b, n = self.b, self.n
        nb = self.inv.shape[0]
        x = np.zeros(nb * b, dtype=y.dtype)
        x[:n] = y
        T = self.T.T if trans else self.T
        forward = self.lower != trans
        blocks = range(nb) if forward else range(nb - 1, -1, -1)
        for i in blocks:                          # off-diagonal blocks lie in the right triangle
            s0, s1 = i * b, min((i + 1) * b, n)
            if forward and i:
                x[s0:s1] -= T[s0:s1, :s0] @ x[:s0]
            elif not forward and i < nb - 1:
                x[s0:s1] -= T[s0:s1, s1:] @ x[s1:n]
            Bi = self.inv[i].T if trans else self.inv[i]
            x[s0:s0 + b] = Bi @ x[s0:s0 + b]
        return x[:n]


def _rcond_from_lu(LU: np.ndarray, perm: np.ndarray, anorm: float) -> float:
    r"""Estimate the reciprocal 1-norm condition number ``1 / (||A||_1 ||A^{-1}||_1)``.

    Hager's method as refined by Higham (LAPACK ``xLACN2``/``xGECON``):
    maximise the convex function ``||A^{-1} x||_1`` over the unit 1-norm ball
    by a few gradient steps, each needing one solve with ``A`` and one with
    ``A^T`` (``O(n^2)`` each, from the LU factors), then compare with Higham's
    alternating vector ``x_i = (-1)^i (1 + i / (n - 1))``.  The estimate is a
    lower bound of ``||A^{-1}||_1``, in practice within a factor of 3.

    Parameters
    ----------
    LU : (n, n) ndarray
        Combined factors from :func:`_getrf` (``A[perm] = L U``).
    perm : (n,) ndarray of int
        Row permutation.
    anorm : float
        ``||A||_1`` of the original matrix.

    Returns
    -------
    rcond : float
        0.0 for an exactly singular ``U`` or an overflowing estimate.
    """
    n = LU.shape[0]
    if n == 0:
        return np.inf
    if anorm == 0.0 or not LU.diagonal().all():
        return 0.0
    Lsolver = _BlockInverseTri(LU, lower=True, unit=True)
    Usolver = _BlockInverseTri(LU, lower=False, unit=False)

    def solve_A(v):        # A^{-1} v = U^{-1} L^{-1} v[perm]
        return Usolver.solve(Lsolver.solve(v[perm], False), False)

    def solve_At(v):       # A^{-T} v = P L^{-T} U^{-T} v
        z = Lsolver.solve(Usolver.solve(v, True), True)
        out = np.empty_like(z)
        out[perm] = z
        return out

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        x = np.full(n, 1.0 / n, dtype=LU.dtype)
        y = solve_A(x)
        est = float(np.sum(np.abs(y)))
        if n > 1:
            xi = np.where(y >= 0, 1.0, -1.0).astype(LU.dtype)
            z = solve_At(xi)
            jlast = -1
            for _ in range(5):
                j = int(np.argmax(np.abs(z)))
                if j == jlast or abs(z[j]) <= z @ x:
                    break
                jlast = j
                x = np.zeros(n, dtype=LU.dtype)
                x[j] = 1.0
                y = solve_A(x)
                est_new = float(np.sum(np.abs(y)))
                xi_new = np.where(y >= 0, 1.0, -1.0).astype(LU.dtype)
                if est_new <= est or np.array_equal(xi_new, xi):
                    est = max(est, est_new)
                    break
                est, xi = est_new, xi_new
                z = solve_At(xi)
            alt = (np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
                   * (1.0 + np.arange(n) / (n - 1))).astype(LU.dtype)
            est = max(est, 2.0 * float(np.sum(np.abs(solve_A(alt)))) / (3.0 * n))
    if not np.isfinite(est) or est == 0.0:
        return 0.0
    return 1.0 / (anorm * est)


# ---------------------------------------------------------------------------
# Teaching path and the stage-by-stage explanation
# ---------------------------------------------------------------------------
def _elimination_stages(W: np.ndarray, ncols: int, pivot_rows=None, *, record: bool,
                        raise_singular: bool) -> tuple[np.ndarray, int]:
    """Right-looking elimination on W (rows x >= ncols) in place, one vectorised stage per column.

    ``pivot_rows`` given: replay those interchanges (explaining a fast
    factorisation); otherwise choose ``p = argmax_{i >= k} |w_ik|``.  Returns
    ``(ipiv, info)``; the multipliers are left in the strictly lower part.
    """
    m = W.shape[0]
    k_max = min(m, ncols)
    ipiv = np.zeros(k_max, dtype=np.int32)
    info = -1
    for k in range(k_max):
        col = W[k:, k]
        p = k + int(np.abs(col).argmax()) if pivot_rows is None else int(pivot_rows[k])
        ipiv[k] = p
        if p != k:
            W[[k, p]] = W[[p, k]]
            if record:
                step(f"Stage {k}: swap rows {k} and {p}",
                     f"R{k} <-> R{p}  (|a_{p}{k}| is the largest candidate in column {k})",
                     candidates=np.abs(col).copy() if pivot_rows is None else np.abs(W[k:, k]))
        pivot = W[k, k]
        if pivot == 0.0:
            if raise_singular:
                raise LinAlgError(f"singular matrix: no nonzero pivot in column {k} "
                                  f"(column {k} is zero on and below the diagonal)")
            if info < 0:
                info = k
            if record:
                step(f"Stage {k}: zero pivot", f"a_{k}{k} = 0: nothing to eliminate", pivot=0.0)
            continue
        m_k = W[k + 1:, k] / pivot
        W[k + 1:, k + 1:] -= m_k[:, None] * W[k, k + 1:]
        W[k + 1:, k] = m_k
        if record:
            shown = W.copy()
            below = np.tril(np.ones(W.shape, dtype=bool), -1)
            below[:, k + 1:] = False
            shown[below] = 0.0                      # eliminated entries, as on paper
            names = {f"m_{i}{k}": float(m_k[i - k - 1]) for i in range(k + 1, m)}
            step(f"Stage {k}: eliminate below pivot a_{k}{k}",
                 f"m_i{k} = a_i{k} / a_{k}{k};  R_i <- R_i - m_i{k} R{k}  for i > {k}",
                 pivot=float(pivot), **names, matrix=shown)
    return ipiv, info


def gaussian_elimination(A, b):
    r"""Solve ``A x = b`` by Gaussian elimination with partial pivoting, explaining every row operation.

    The teaching path: the augmented matrix ``[A | b]`` is reduced to upper
    triangular form one column (stage) at a time, then back substitution
    gives ``x``.  With :func:`mathforml.explain` active every row swap, pivot,
    multiplier ``m_ik`` and the augmented matrix after each stage are recorded.

    Parameters
    ----------
    A : (n, n) array_like
        Coefficient matrix.
    b : (n,) or (n, k) array_like
        Right-hand side(s).

    Returns
    -------
    x : (n,) or (n, k) ndarray
        The solution, shaped like ``b``.

    Raises
    ------
    LinAlgError
        If a pivot column is zero on and below the diagonal (the message names it).
    ValueError
        Non-square ``A``, mismatched ``b``, NaN or infinity.

    Notes
    -----
    Stage ``k``: pick ``p = argmax_{i >= k} |a_ik|`` and swap rows ``k`` and
    ``p`` (partial pivoting, so every multiplier has ``|m_ik| <= 1``); then for
    each ``i > k``: ``m_ik = a_ik / a_kk`` and ``R_i <- R_i - m_ik R_k``
    (applied to the right-hand side too).  Back substitution:
    ``x_i = (c_i - sum_{j>i} u_ij x_j) / u_ii``.  Cost ``2n^3/3`` flops; the
    result is backward stable in practice (growth factor ``<= 2^(n-1)``,
    usually small).  Warns with :class:`IllConditionedWarning` when the
    estimated reciprocal condition number is below machine epsilon.

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., sec. 3.2-3.4.

    Examples
    --------
    >>> A = [[2.0, 1.0, -1.0], [-3.0, -1.0, 2.0], [-2.0, 1.0, 2.0]]
    >>> gaussian_elimination(A, [8.0, -11.0, -3.0]).round(12)
    array([ 2.,  3., -1.])
    """
    A = as_square_matrix(A, "A")
    b = check_vector_rhs(A, b, "A", "b")
    dtype = result_dtype(A, b)
    n = A.shape[0]
    B = b[:, None] if b.ndim == 1 else b
    W = np.empty((n, n + B.shape[1]), dtype=dtype)
    W[:, :n] = A
    W[:, n:] = B
    if n == 0:
        return W[:, n:].reshape(b.shape)
    anorm = float(np.abs(A).sum(axis=0).max())
    record = active()
    with section("Forward elimination (partial pivoting)"):
        if record:
            step("Augmented matrix [A | b]", matrix=W.copy())
        ipiv, _ = _elimination_stages(W, n, record=record, raise_singular=True)
    U = np.triu(W[:, :n])
    if record:
        step("Upper triangular system [U | c]", matrix=np.hstack([U, W[:, n:]]))
    perm = _perm_from_ipiv(ipiv, n)
    warn_ill_conditioned(_rcond_from_lu(W[:, :n], perm, anorm), dtype, "A")
    x = solve_triangular(U, W[:, n:], lower=False, check_finite=False)
    if record:
        step("Solution", x=x.reshape(b.shape))
    return x.reshape(b.shape)


def _explain_lu(A: np.ndarray, F: _Factor) -> None:
    """Stage-by-stage trace for small inputs (replaying the pivots of the fast factorisation)."""
    m, n = A.shape
    if max(m, n) <= _EXPLAIN_STAGES:
        W = np.array(A, copy=True)
        with section("LU with partial pivoting"):
            step("Start", "A = P L U, P from the row swaps, L the multipliers, U the reduced matrix",
                 matrix=W.copy())
            _elimination_stages(W, n, F.ipiv, record=True, raise_singular=False)
    k = min(m, n)
    step("Factors", "A[perm] = L @ U", perm=F.perm.copy(), pivots=F.A[:k, :k].diagonal().copy(),
         first_zero_pivot=F.info)


def _factor(A: np.ndarray, dtype) -> _Factor:
    record = active()
    W = np.array(A, dtype=dtype, order="C", copy=True)
    if record:
        if max(A.shape) <= _EXPLAIN_STAGES:
            # small input: the stage-by-stage replay below says everything the panels would
            F = _getrf(W)
        else:
            with section("Blocked LU"):
                F = _getrf(W, record=True)
        _explain_lu(A.astype(dtype), F)
        return F
    return _getrf(W)


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------
def lu(A, permute_l=False, overwrite_a=False, check_finite=True):
    r"""LU factorisation with partial pivoting, ``A = P @ L @ U``.

    Parameters
    ----------
    A : (m, n) array_like
        Matrix to factor; rectangular allowed (``k = min(m, n)``).
    permute_l : bool, default False
        Return ``(P @ L, U)`` instead of ``(P, L, U)``.
    overwrite_a : bool, default False
        Accepted for scipy compatibility; ``A`` is never modified.
    check_finite : bool, default True
        Reject NaN and infinity.

    Returns
    -------
    P : (m, m) ndarray
        Permutation matrix (omitted when ``permute_l``).
    L : (m, k) ndarray
        Unit lower trapezoidal, ``|l_ij| <= 1``.
    U : (k, n) ndarray
        Upper trapezoidal.

    Notes
    -----
    Stage ``k`` pivots on ``p = argmax_{i >= k} |a_ik|``, swaps rows ``k``,
    ``p`` and forms the multipliers ``l_ik = a_ik / a_kk``; the product
    ``P L U`` reproduces ``A`` with ``||P L U - A|| <= c n eps ||L|| ||U||``.
    The implementation is the recursive blocked algorithm of the module
    docstring: most of its ``2n^3/3`` flops are the trailing GEMM updates
    ``A22 -= L21 @ U12``.  Same convention as :func:`scipy.linalg.lu`:
    ``P = I[:, perm]`` where ``A[perm] = L U``.

    References
    ----------
    S. Toledo, "Locality of reference in LU decomposition with partial
    pivoting", SIAM J. Matrix Anal. Appl. 18 (1997).  Golub & Van Loan,
    *Matrix Computations*, 4th ed., sec. 3.4.

    Examples
    --------
    >>> import numpy as np
    >>> P, L, U = lu([[1.0, 2.0], [3.0, 4.0]])
    >>> P
    array([[0., 1.],
           [1., 0.]])
    >>> L.round(4), U.round(4)           # pivot 3, multiplier 1/3, u_11 = 2 - 4/3
    (array([[1.    , 0.    ],
           [0.3333, 1.    ]]), array([[3.    , 4.    ],
           [0.    , 0.6667]]))
    >>> np.allclose(P @ L @ U, [[1, 2], [3, 4]])
    True
    """
    A = as_matrix(A, "A", check_finite=check_finite)
    dtype = result_dtype(A)
    m, n = A.shape
    k = min(m, n)
    F = _factor(A, dtype)
    LU = F.A
    L = np.tril(LU[:, :k], -1)
    L[np.arange(k), np.arange(k)] = 1.0
    U = np.triu(LU[:k, :])
    if permute_l:
        PL = np.empty_like(L)
        PL[F.perm] = L
        return PL, U
    P = np.zeros((m, m), dtype=dtype)
    P[F.perm, np.arange(m)] = 1.0
    return P, L, U


def lu_factor(A, overwrite_a=False, check_finite=True):
    r"""LU factorisation in LAPACK's compact form, like :func:`scipy.linalg.lu_factor`.

    Parameters
    ----------
    A : (m, n) array_like
        Matrix to factor.
    overwrite_a : bool, default False
        Factor in place when ``A`` is already a C-contiguous float ndarray of
        the working dtype (saves a copy).
    check_finite : bool, default True
        Reject NaN and infinity.

    Returns
    -------
    lu : (m, n) ndarray
        ``U`` in the upper triangle, the multipliers of ``L`` below it (unit
        diagonal implied).
    piv : (min(m, n),) ndarray of int32
        0-based interchanges: row ``i`` was swapped with row ``piv[i]``, in order.

    Warns
    -----
    IllConditionedWarning
        If ``U`` has an exactly zero diagonal entry (as scipy warns and returns).

    Notes
    -----
    Same algorithm as :func:`lu`; ``piv`` is LAPACK's ``ipiv`` minus one.
    Solve with :func:`lu_solve`.

    References
    ----------
    E. Anderson et al., *LAPACK Users' Guide*, 3rd ed., SIAM 1999 (xGETRF).

    Examples
    --------
    >>> lu_, piv = lu_factor([[1.0, 2.0], [3.0, 4.0]])
    >>> piv                                  # row 0 was swapped with row 1
    array([1, 1], dtype=int32)
    >>> lu_.round(4)
    array([[3.    , 4.    ],
           [0.3333, 0.6667]])
    """
    if (overwrite_a and isinstance(A, np.ndarray) and A.ndim == 2 and A.flags.c_contiguous
            and A.flags.writeable and A.dtype in (np.float32, np.float64)):
        as_matrix(A, "A", check_finite=check_finite)
        F = _getrf(A, record=active())
    else:
        A = as_matrix(A, "A", check_finite=check_finite)
        F = _factor(A, result_dtype(A))
    if F.info >= 0:
        warnings.warn(IllConditionedWarning(
            f"Diagonal number {F.info} is exactly zero. Singular matrix.", 0.0), stacklevel=2)
    return F.A, F.ipiv


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    r"""Solve ``A x = b`` (or ``A^T x = b``) from :func:`lu_factor`'s output.

    Parameters
    ----------
    lu_and_piv : tuple (lu, piv)
        Factors from :func:`lu_factor` of a square ``A``.
    b : (n,) or (n, k) array_like
        Right-hand side(s).
    trans : {0, 1, 2}, default 0
        0: ``A x = b``; 1 or 2: ``A^T x = b`` (real input).
    overwrite_b : bool, default False
        Accepted for scipy compatibility; ``b`` is never modified.
    check_finite : bool, default True
        Reject NaN and infinity.

    Returns
    -------
    x : (n,) or (n, k) ndarray

    Raises
    ------
    LinAlgError
        If ``U`` has an exactly zero diagonal entry.

    Notes
    -----
    ``A = P L U`` gives ``x = U^{-1} L^{-1} P^T b``: one permutation and two
    triangular solves (``2 n^2`` flops per right-hand side).  For
    ``A^T x = b``: ``x = P L^{-T} U^{-T} b``.

    References
    ----------
    E. Anderson et al., *LAPACK Users' Guide*, 3rd ed., SIAM (1999), routine dgetrs.

    Examples
    --------
    >>> f = lu_factor([[2.0, 1.0], [1.0, 3.0]])
    >>> lu_solve(f, [3.0, 5.0])              # 2x + y = 3, x + 3y = 5
    array([0.8, 1.4])
    """
    LU, piv = lu_and_piv
    LU = as_square_matrix(LU, "lu", check_finite=check_finite)
    piv = np.asarray(piv)
    n = LU.shape[0]
    if piv.shape != (n,):
        raise ValueError(f"piv must have shape ({n},) to match lu of shape {LU.shape}, "
                         f"got {piv.shape}")
    b = check_vector_rhs(LU, b, "lu", "b", check_finite=check_finite)
    if trans not in (0, 1, 2, "N", "T", "C"):
        raise ValueError(f"trans must be 0, 1 or 2; got {trans!r}")
    transposed = trans not in (0, "N")
    dtype = result_dtype(LU, b)
    if n == 0:
        return np.zeros(b.shape, dtype=dtype)
    d = LU.diagonal()
    if not d.all():
        i = int(np.flatnonzero(d == 0)[0])
        raise LinAlgError(f"singular matrix: U[{i}, {i}] is exactly zero (zero pivot in column {i})")
    perm = _perm_from_ipiv(piv, n)
    B = (b[:, None] if b.ndim == 1 else b).astype(dtype, copy=False)
    X = _lu_substitute(LU.astype(dtype, copy=False), perm, B, transposed)
    if active():
        step("Solve from LU", "x = U^{-1} L^{-1} P^T b" if not transposed
             else "x = P L^{-T} U^{-T} b", x=X.reshape(b.shape))
    return X.reshape(b.shape)


def _square_factor(A, name="A"):
    """Validate, factor, and raise on an exactly zero pivot (numpy semantics)."""
    F = _factor(A, result_dtype(A))
    if F.info >= 0:
        i = F.info
        raise LinAlgError(f"singular matrix: U[{i}, {i}] is exactly zero "
                          f"(zero pivot in column {i})")
    return F


def solve(A, b):
    r"""Solve the square linear system ``A x = b``, like :func:`numpy.linalg.solve`.

    Parameters
    ----------
    A : (n, n) array_like
        Coefficient matrix.
    b : (n,) or (n, k) array_like
        Right-hand side(s).

    Returns
    -------
    x : (n,) or (n, k) ndarray
        Shaped like ``b``; float32 if both inputs are float32.

    Raises
    ------
    LinAlgError
        If ``A`` is exactly singular (the message names the zero pivot).
    ValueError
        Non-square ``A``, mismatched ``b``, NaN or infinity.

    Warns
    -----
    IllConditionedWarning
        When the estimated reciprocal condition number ``1 / (||A||_1
        ||A^{-1}||_1)`` is below machine epsilon.

    Notes
    -----
    ``A[perm] = L U`` by blocked partial pivoting (:func:`lu`), then
    ``x = U^{-1} (L^{-1} b[perm])`` by two triangular solves; no inverse is
    formed.  The computed ``x`` has a small backward error
    ``||A x - b|| / (||A|| ||x||) = O(n eps)`` however ill-conditioned ``A``
    is; the forward error is about ``cond(A) eps``.

    References
    ----------
    N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., ch. 9.

    Examples
    --------
    >>> solve([[2.0, 1.0], [1.0, 3.0]], [3.0, 5.0])   # x = 0.8, y = 1.4
    array([0.8, 1.4])
    """
    A = as_square_matrix(A, "A")
    b = check_vector_rhs(A, b, "A", "b")
    dtype = result_dtype(A, b)
    n = A.shape[0]
    if n == 0:
        return np.zeros(b.shape, dtype=dtype)
    anorm = float(np.abs(A).sum(axis=0).max())
    F = _square_factor(A.astype(dtype, copy=False))
    warn_ill_conditioned(_rcond_from_lu(F.A, F.perm, anorm), dtype, "A")
    B = (b[:, None] if b.ndim == 1 else b).astype(dtype, copy=False)
    X = _lu_substitute(F.A, F.perm, B, False)
    if active():
        from .triangular import _explain_substitution

        Bp = B[F.perm]
        # the intermediate y = L^{-1} b[perm] equals U x; formed only for the explanation
        L = np.tril(F.A, -1) + np.eye(n, dtype=dtype)
        Y = np.triu(F.A) @ X
        with section("Solve by forward and back substitution"):
            step("Permute the right-hand side", "b[perm]: the row swaps of the factorisation",
                 perm=F.perm.copy(), b_perm=Bp.reshape((n,) + b.shape[1:]))
            _explain_substitution(L, Bp, Y, lower=True, unit=True, var="y", rhs="b")
            _explain_substitution(np.triu(F.A), Y, X, lower=False, unit=False, var="x", rhs="y")
            r = A @ X - B
            step("Solution", "x with residual ||A x - b||", x=X.reshape(b.shape),
                 residual_norm=float(np.sqrt(np.sum(r * r))))
    return X.reshape(b.shape)


def inv(A):
    r"""Inverse of a square matrix, like :func:`numpy.linalg.inv`.

    Parameters
    ----------
    A : (n, n) array_like

    Returns
    -------
    Ainv : (n, n) ndarray
        ``A^{-1}`` with ``A @ Ainv ~ I``.

    Raises
    ------
    LinAlgError
        If ``A`` is exactly singular (the message names the zero pivot).

    Warns
    -----
    IllConditionedWarning
        When the estimated reciprocal condition number is below machine epsilon.

    Notes
    -----
    ``A[perm] = L U``, then ``X = U^{-1} L^{-1} I[perm]``: two triangular
    solves with ``n`` right-hand sides (GEMM-rich).  Inverting explicitly is
    rarely what you want: to compute ``A^{-1} b`` call :func:`solve` (cheaper
    and more accurate), and to reuse a factorisation keep :func:`lu_factor`'s
    output and call :func:`lu_solve`.

    References
    ----------
    N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., ch. 14
    (matrix inversion, and why solving is preferable).

    Examples
    --------
    >>> inv([[2.0, 0.0], [0.0, 4.0]])
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    A = as_square_matrix(A, "A")
    dtype = result_dtype(A)
    n = A.shape[0]
    if n == 0:
        return np.zeros((0, 0), dtype=dtype)
    anorm = float(np.abs(A).sum(axis=0).max())
    F = _square_factor(A)
    warn_ill_conditioned(_rcond_from_lu(F.A, F.perm, anorm), dtype, "A")
    X = np.eye(n, dtype=dtype)[F.perm]
    _trsm(F.A, X, True, True)
    _trsm(F.A, X, False, False)
    if active():
        step("Inverse from LU", "X = U^{-1} L^{-1} P^T I", Ainv=X)
    return X


def _lu_det_parts(A):
    A = as_square_matrix(A, "A")
    dtype = result_dtype(A)
    F = _factor(A, dtype)
    d = F.A.diagonal()
    swaps = int(np.count_nonzero(F.ipiv != np.arange(F.ipiv.size)))
    return dtype, d, (-1.0 if swaps % 2 else 1.0), swaps


def det(A):
    r"""Determinant from the LU factors, like :func:`numpy.linalg.det`.

    Parameters
    ----------
    A : (n, n) array_like

    Returns
    -------
    det : float
        ``1.0`` for a 0 x 0 matrix; ``0.0`` for an exactly singular one.

    Notes
    -----
    ``det(A) = (-1)^s prod_i u_ii`` where ``s`` is the number of row
    interchanges of the partial-pivoting LU.  May overflow for large ``n``;
    :func:`slogdet` does not.

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., section 3.2.

    Examples
    --------
    >>> round(float(det([[1.0, 2.0], [3.0, 4.0]])), 12)     # 1*4 - 2*3
    -2.0
    """
    dtype, d, sign, swaps = _lu_det_parts(A)
    with np.errstate(over="ignore", under="ignore"):
        value = dtype.type(sign) * np.prod(d, dtype=dtype)
    if value == 0:
        value = dtype.type(0.0)  # no -0.0 for a singular matrix (numpy returns 0.0)
    if active():
        step("Determinant", "det(A) = (-1)^s prod u_ii", s=swaps, u_diag=d.copy(),
             det=float(value))
    return value


def slogdet(A):
    r"""Sign and natural log of ``|det(A)|``, like :func:`numpy.linalg.slogdet`.

    Parameters
    ----------
    A : (n, n) array_like

    Returns
    -------
    result : SlogdetResult(sign, logabsdet)
        ``det(A) = sign * exp(logabsdet)``; ``(0.0, -inf)`` when singular,
        ``(1.0, 0.0)`` for a 0 x 0 matrix.

    Notes
    -----
    ``sign = (-1)^s prod sign(u_ii)``, ``logabsdet = sum_i log|u_ii|``: summing
    logs avoids the overflow and underflow of the product.

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., section 3.2.

    Examples
    --------
    >>> s, l = slogdet([[1.0, 2.0], [3.0, 4.0]])
    >>> float(s), round(float(l), 12)                # det = -2
    (-1.0, 0.693147180560)
    """
    dtype, d, sign, swaps = _lu_det_parts(A)
    if not d.all():
        res = SlogdetResult(dtype.type(0.0), dtype.type(-np.inf))
    else:
        negatives = int(np.count_nonzero(d < 0))
        s = sign * (-1.0 if negatives % 2 else 1.0)
        res = SlogdetResult(dtype.type(s), np.sum(np.log(np.abs(d)), dtype=dtype))
    if active():
        step("Log-determinant", "sign = (-1)^s prod sign(u_ii);  logabsdet = sum log|u_ii|",
             s=swaps, u_diag=d.copy(), sign=float(res.sign), logabsdet=float(res.logabsdet))
    return res


def _matrix_norm(X: np.ndarray, p) -> float:
    if p == "fro":
        scale = float(np.max(np.abs(X), initial=0.0))
        if scale == 0.0:
            return 0.0
        Y = X / scale
        return scale * float(np.sqrt(np.sum(Y * Y)))
    if p == "nuc":
        from mathforml.linalg.svd import svdvals
        return float(np.sum(svdvals(X)))
    if p in (1, -1):
        s = np.sum(np.abs(X), axis=0)
        return float(s.max() if p == 1 else s.min())
    s = np.sum(np.abs(X), axis=1)
    return float(s.max() if p == np.inf else s.min())


def cond(A, p=None):
    r"""Condition number of a matrix, like :func:`numpy.linalg.cond`.

    Parameters
    ----------
    A : (m, n) array_like
        Any shape for ``p`` in {None, 2, -2}; square otherwise.
    p : {None, 2, -2, 1, -1, inf, -inf, 'fro', 'nuc'}, default None
        Norm: None/2 is ``sigma_max / sigma_min``, -2 its reciprocal; the others
        are ``||A||_p ||A^{-1}||_p``.

    Returns
    -------
    c : float
        ``inf`` for an exactly singular matrix.

    Notes
    -----
    ``cond_2(A) = sigma_1 / sigma_n`` from the singular values
    (:func:`mathforml.linalg.svd.svdvals`).  For the other norms ``A^{-1}``
    is formed by :func:`inv` and the norms are computed directly
    (``||X||_1 = max_j sum_i |x_ij|``, ``||X||_inf = max_i sum_j |x_ij|``,
    Frobenius with scaling against overflow, nuclear = sum of singular values).

    References
    ----------
    N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., ch. 15
    (condition number estimation).

    Examples
    --------
    >>> float(cond([[2.0, 0.0], [0.0, 0.5]], 1))     # ||A||_1 = 2, ||A^{-1}||_1 = 2
    4.0
    """
    if isinstance(p, str):
        ok = p in ("fro", "nuc")
    else:
        ok = p is None or (isinstance(p, (int, float, np.integer, np.floating))
                           and not isinstance(p, bool) and p in (2, -2, 1, -1, np.inf, -np.inf))
    if not ok:
        raise ValueError(f"p must be one of None, 2, -2, 1, -1, inf, -inf, 'fro', 'nuc'; got {p!r}")
    X = as_matrix(A, "A")
    dtype = result_dtype(X)
    if p is None or p in (2, -2):
        from mathforml.linalg.svd import svdvals
        if X.size == 0:
            raise LinAlgError(f"cond of an empty matrix of shape {X.shape} is undefined")
        s = svdvals(X)
        with np.errstate(divide="ignore", invalid="ignore"):
            c = s[0] / s[-1] if p != -2 else s[-1] / s[0]
        c = float(c) if np.isfinite(c) else np.inf
        if active():
            step("Condition number from singular values", "cond = sigma_max / sigma_min",
                 sigma=s, cond=c)
        return dtype.type(c)
    if X.shape[0] != X.shape[1]:
        raise LinAlgError(f"cond with p={p!r} needs a square matrix, got shape {X.shape}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IllConditionedWarning)
            Xinv = inv(X)
    except LinAlgError:
        return dtype.type(np.inf)
    c = _matrix_norm(X, p) * _matrix_norm(Xinv, p)
    if active():
        step(f"Condition number in the {p} norm", "cond = ||A|| ||A^{-1}||", cond=c)
    return dtype.type(c)
