r"""Singular value decomposition by bidiagonalisation and the Golub–Kahan tridiagonal.

``A = U diag(S) V^T`` is computed in three stages:

1. **Bidiagonalisation** (Golub and Kahan 1965).  Householder reflectors from
   the left and the right reduce ``A`` (``m x n``, ``m >= n``; a wide matrix is
   transposed first) to an upper bidiagonal ``B = Q_B^T A P_B`` with diagonal
   ``d`` and superdiagonal ``e``.  For a tall matrix (``m >= 1.6 n``) a QR
   factorisation ``A = Q R`` comes first and ``R`` is bidiagonalised, which
   saves work (Chan 1982).
2. **Bidiagonal SVD through the Golub–Kahan (TGK) tridiagonal.**  The
   ``2n x 2n`` symmetric tridiagonal matrix with zero diagonal and
   off-diagonal ``(d_1, e_1, d_2, e_2, ..., d_n)`` is a perfect shuffle of
   ``[[0, B^T], [B, 0]]``; its eigenvalues are ``+/- sigma_i`` and the
   eigenvector of ``+sigma_i`` is ``y = (v_1, u_1, v_2, u_2, ...) / sqrt(2)``
   with ``B v = sigma u``.  This is LAPACK's ``dbdsvdx`` approach (Marques and
   Vasconcelos 2016): the eigenpairs of the ``n`` largest eigenvalues come from
   the shared tridiagonal eigensolver.
3. **Back-transformation** ``U = Q_B U_B``, ``V = P_B V_B`` with the
   compact-WY blocks of the reflectors (matrix-matrix products).

The sign of every singular pair is fixed as in scikit-learn's ``svd_flip``:
the entry of largest magnitude in each column of ``U`` is positive, and the
matching row of ``Vh`` is flipped with it.  Extra columns of a full ``U`` and
extra rows of a full ``Vh`` (bases of the null spaces) follow the same rule on
their own entries.

References
----------
G. H. Golub and W. Kahan, "Calculating the singular values and pseudo-inverse
of a matrix", SIAM J. Numer. Anal. B 2 (1965).
T. F. Chan, "An improved algorithm for computing the singular value
decomposition", ACM TOMS 8 (1982).
O. Marques and P. B. Vasconcelos, "Computing the bidiagonal SVD through an
associated tridiagonal eigenproblem", VECPAR 2016, LNCS 10150 (LAPACK
``dbdsvdx``).
G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., section 8.6.
"""
from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .._validation import as_matrix
from ..explain import active, section, step
from ._householder import apply_block_left, householder_inplace, larft

__all__ = ["svd", "svdvals", "SVDResult"]

SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])
SVDResult.__doc__ = "Result of :func:`svd`: ``A = U @ diag(S) @ Vh`` (numpy 2 field names)."

# Block size of the blocked back-transformation.
_NB = 64
# Panel width of the blocked bidiagonalisation and the size below which it is unblocked.
_NB_BRD = 32
_NX_BRD = 64
# Ratio m / n from which a QR factorisation precedes the bidiagonalisation.
_QR_RATIO = 1.6
# Singular values below _TAIL * sigma_max get their vectors re-orthogonalised.
_TAIL = 0.05


# ---------------------------------------------------------------------------
# Stage 1: bidiagonalisation
# ---------------------------------------------------------------------------
def _bidiagonalize_unblocked(A: np.ndarray, tauq, taup, d, e) -> None:
    """Unblocked ``dgebd2``: alternate left and right reflectors, rank-1 updates."""
    m, n = A.shape
    for i in range(n):
        v = A[i:, i]
        tq, d[i] = householder_inplace(v)
        tauq[i] = tq
        if i + 1 < n:
            C = A[i:, i + 1:]
            if tq != 0.0:
                w = v @ C
                w *= tq
                C -= np.multiply.outer(v, w)
            u = A[i, i + 1:]
            tp, e[i] = householder_inplace(u)
            taup[i] = tp
            if tp != 0.0:
                C = A[i + 1:, i + 1:]
                w = C @ u
                w *= tp
                C -= np.multiply.outer(w, u)


def _labrd(A: np.ndarray, nb: int, tauq, taup, d, e):
    """Panel of the blocked reduction (LAPACK ``dlabrd``, ``m >= n``).

    Reduces the first ``nb`` rows and columns of ``A`` (a view of the trailing
    matrix) and returns ``X`` (``m x nb``) and ``Y`` (``n x nb``) such that the
    trailing matrix is updated by ``A[nb:, nb:] -= V Y^T + X U`` (``V`` the
    left vectors in ``A[nb:, :nb]``, ``U`` the right vectors in ``A[:nb, nb:]``).
    Only matrix-vector products touch the trailing matrix inside the panel.
    """
    m, n = A.shape
    dt = A.dtype
    X = np.zeros((m, nb), dtype=dt)
    Y = np.zeros((n, nb), dtype=dt)
    for i in range(nb):
        a = A[i:, i]
        if i:
            a -= A[i:, :i] @ Y[i, :i]
            a -= X[i:, :i] @ A[:i, i]
        tq, d[i] = householder_inplace(a)
        tauq[i] = tq
        if i + 1 < n:
            # Y[i+1:, i] = tau_q (A_i^T v - Y V^T v - U^T X^T v), the trailing matrix implicitly updated
            y = A[i:, i + 1:].T @ a
            if i:
                y -= Y[i + 1:, :i] @ (A[i:, :i].T @ a)
                y -= A[:i, i + 1:].T @ (X[i:, :i].T @ a)
            y *= tq
            Y[i + 1:, i] = y
            # update row i, then the right reflector
            r = A[i, i + 1:]
            r -= Y[i + 1:, :i + 1] @ A[i, :i + 1]
            if i:
                r -= A[:i, i + 1:].T @ X[i, :i]
            tp, e[i] = householder_inplace(r)
            taup[i] = tp
            # X[i+1:, i] = tau_p (A_i u - V Y^T u - X U u)
            x = A[i + 1:, i + 1:] @ r
            x -= A[i + 1:, :i + 1] @ (Y[i + 1:, :i + 1].T @ r)
            if i:
                x -= X[i + 1:, :i] @ (A[:i, i + 1:] @ r)
            x *= tp
            X[i + 1:, i] = x
    return X, Y


def _bidiagonalize(A: np.ndarray, nb: int = _NB_BRD):
    """Overwrite ``A`` (``m x n``, ``m >= n``) with the reflectors of ``Q_B^T A P_B = B``.

    Returns ``(tauq, taup, d, e)``; the left vectors live below the diagonal
    and the right vectors to the right of the superdiagonal (unit entries
    implied), as in LAPACK's ``dgebrd``.  Blocked like ``dgebrd``: panels of
    ``nb`` columns by :func:`_labrd`, then the trailing matrix is updated by
    one matrix product ``A22 -= [V X] [Y^T; U]``; the last columns unblocked.
    """
    m, n = A.shape
    dt = A.dtype
    tauq = np.zeros(n, dtype=dt)
    taup = np.zeros(n, dtype=dt)
    d = np.zeros(n, dtype=dt)
    e = np.zeros(max(n - 1, 0), dtype=dt)
    i = 0
    while n - i > _NX_BRD:
        A_t = A[i:, i:]
        X, Y = _labrd(A_t, nb, tauq[i:i + nb], taup[i:i + nb], d[i:i + nb], e[i:i + nb])
        # A22 -= V Y^T + X U  as one product with inner dimension 2 nb
        L = np.concatenate([A_t[nb:, :nb], X[nb:]], axis=1)
        R = np.concatenate([Y[nb:].T, A_t[:nb, nb:]], axis=0)
        A_t[nb:, nb:] -= L @ R
        i += nb
    _bidiagonalize_unblocked(A[i:, i:], tauq[i:], taup[i:], d[i:], e[i:])
    return tauq, taup, d, e


def _left_vectors(A: np.ndarray, j0: int, j1: int) -> np.ndarray:
    """Unit lower-trapezoidal ``V`` of the left reflectors ``j0 .. j1-1``."""
    V = np.tril(A[j0:, j0:j1], -1)
    V[np.arange(j1 - j0), np.arange(j1 - j0)] = 1.0
    return V


def _right_vectors(A: np.ndarray, j0: int, j1: int) -> np.ndarray:
    """Unit lower-trapezoidal ``V`` of the right reflectors ``j0 .. j1-1`` (acting on rows j0+1:)."""
    V = np.triu(A[j0:j1, j0 + 1:], 1).T.copy()
    k = j1 - j0
    V[np.arange(k), np.arange(k)] = 1.0
    return V


def _padded(Us: np.ndarray, m: int, k: int, dt) -> np.ndarray:
    """``[[Us, 0], [0, I]]`` of shape ``(m, k)``: the small factor embedded for back-transformation."""
    n = Us.shape[0]
    U = np.zeros((m, k), dtype=dt)
    U[:n, :n] = Us
    if k > n:
        U[n:, n:] = np.eye(m - n, dtype=dt)
    return U


def _apply_left_reflectors(A, tauq, C, nb=_NB):
    """Overwrite ``C`` (``m x k``) with ``Q_B C``, ``Q_B = H_0 H_1 ... H_{n-1}``."""
    n = tauq.shape[0]
    starts = list(range(0, n, nb))
    for j0 in reversed(starts):
        j1 = min(j0 + nb, n)
        V = _left_vectors(A, j0, j1)
        T = larft(V, tauq[j0:j1])
        apply_block_left(C[j0:, :], V, T)


def _apply_right_reflectors(A, taup, C, nb=_NB):
    """Overwrite ``C`` (``n x k``) with ``P_B C``, ``P_B = G_0 G_1 ... G_{n-2}``."""
    n = taup.shape[0]
    nr = max(n - 1, 0)
    starts = list(range(0, nr, nb))
    for j0 in reversed(starts):
        j1 = min(j0 + nb, nr)
        V = _right_vectors(A, j0, j1)
        T = larft(V, taup[j0:j1])
        apply_block_left(C[j0 + 1:, :], V, T)


# ---------------------------------------------------------------------------
# Stage 2: bidiagonal SVD through the TGK tridiagonal
# ---------------------------------------------------------------------------
def _tridiagonal_eigh(d, e, eigvals_only):
    from ._tridiagonal import tridiagonal_eigh

    return tridiagonal_eigh(d, e, eigvals_only=eigvals_only)


def _tgk_offdiagonal(d: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Off-diagonal ``(d_1, e_1, d_2, ..., e_{n-1}, d_n)`` of the TGK matrix."""
    n = d.shape[0]
    off = np.empty(2 * n - 1, dtype=np.float64)
    off[0::2] = d
    off[1::2] = e
    return off


def _bidiagonal_svdvals(d: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Singular values (descending) of the upper bidiagonal ``B = diag(d) + diag(e, 1)``."""
    n = d.shape[0]
    scale = float(max(np.max(np.abs(d), initial=0.0), np.max(np.abs(e), initial=0.0)))
    if scale == 0.0:
        return np.zeros(n)
    off = _tgk_offdiagonal(d, e) / scale
    w = _tridiagonal_eigh(np.zeros(2 * n), off, True)
    S = np.abs(np.asarray(w, dtype=np.float64)[n:][::-1])
    S = -np.sort(-S)
    return S * scale


def _orthonormalise_tail(X: np.ndarray, k0: int, nb: int = 32) -> None:
    """Make the columns ``k0:`` of ``X`` (``n x k``) orthonormal and orthogonal to ``X[:, :k0]``.

    ``X[:, :k0]`` must already be orthonormal.  Classical Gram–Schmidt twice
    ("twice is enough"), in descending order of the singular values and in
    blocks of ``nb`` columns: each block is projected against all columns
    before it with two matrix products, then its columns one by one against
    each other.  A column that keeps less than half of its length is replaced
    by the coordinate vector least represented by the columns before it (the
    smallest row norm, tracked incrementally), projected again.
    """
    n, k = X.shape
    if k0 >= k:
        return
    rows = np.einsum("ij,ij->i", X[:, :k0], X[:, :k0])  # squared row norms of the finished columns
    for b0 in range(k0, k, nb):
        b1 = min(b0 + nb, k)
        P = X[:, :b0]
        Y = X[:, b0:b1].copy()
        if b0:
            for _ in range(2):
                Y -= P @ (P.T @ Y)
        for j in range(b1 - b0):
            x = Y[:, j].copy()
            if j:
                Qb = Y[:, :j]
                for _ in range(2):
                    x -= Qb @ (Qb.T @ x)
            nrm = math.sqrt(float(x @ x))
            if nrm < 0.5:
                x = np.zeros(n, dtype=X.dtype)
                x[int(np.argmin(rows))] = 1.0
                for _ in range(2):
                    if b0:
                        x -= P @ (P.T @ x)
                    if j:
                        x -= Y[:, :j] @ (Y[:, :j].T @ x)
                nrm = math.sqrt(float(x @ x))
            x /= nrm
            Y[:, j] = x
            rows += x * x
        X[:, b0:b1] = Y


def _bidiagonal_svd(d: np.ndarray, e: np.ndarray):
    """``B = U_B diag(S) V_B^T`` for the upper bidiagonal ``B`` (float64, ``n x n`` each)."""
    n = d.shape[0]
    d = np.asarray(d, dtype=np.float64)
    e = np.asarray(e, dtype=np.float64)
    scale = float(max(np.max(np.abs(d), initial=0.0), np.max(np.abs(e), initial=0.0)))
    if scale == 0.0:
        return np.eye(n), np.zeros(n), np.eye(n)
    if n == 1:  # B = [d_1]: sigma = |d_1| exactly
        return np.array([[1.0 if d[0] >= 0 else -1.0]]), np.abs(d), np.ones((1, 1))
    off = _tgk_offdiagonal(d, e) / scale
    w, Z = _tridiagonal_eigh(np.zeros(2 * n), off, False)
    w = np.asarray(w, dtype=np.float64)
    Z = np.asarray(Z, dtype=np.float64)
    # the n largest eigenvalues, in descending order, and their eigenvectors
    S = w[n:][::-1]
    Y = Z[:, n:][:, ::-1]
    V = Y[0::2, :]
    U = Y[1::2, :]
    # eigenvalues of tiny singular values may come out slightly negative
    S = np.abs(S)
    order = np.argsort(-S, kind="stable")
    if np.any(order != np.arange(n)):
        S, U, V = S[order], U[:, order], V[:, order]
    # Normalise u and v separately: this undoes mixing between the +sigma and
    # -sigma eigenvectors (each part has norm 1/sqrt(2) in exact arithmetic).
    nu = np.sqrt(np.einsum("ij,ij->j", U, U))
    nv = np.sqrt(np.einsum("ij,ij->j", V, V))
    U = U / np.where(nu > 0, nu, 1.0)
    V = V / np.where(nv > 0, nv, 1.0)
    # Repair: vectors of singular values tiny relative to sigma_max lose
    # orthogonality (the +/- sigma mixing is of size eps sigma_max / sigma);
    # re-orthogonalise them and complete to an orthonormal basis.
    lost = (nu < 0.5) | (nv < 0.5)  # a part (nearly) vanished
    small = S < _TAIL * S[0]
    bad = small | lost
    if bad.any():
        k0 = int(np.argmax(bad))
        _orthonormalise_tail(U, k0)
        _orthonormalise_tail(V, k0)
    return U, S * scale, V


# ---------------------------------------------------------------------------
# Drivers
# ---------------------------------------------------------------------------
def _flip_signs(U: np.ndarray, Vh: np.ndarray, k: int) -> None:
    """svd_flip: largest-|.| entry of each column of ``U`` positive, rows of ``Vh`` follow."""
    if U.size:
        idx = np.argmax(np.abs(U), axis=0)
        sgn = np.sign(U[idx, np.arange(U.shape[1])])
        sgn[sgn == 0] = 1
        U *= sgn
        Vh[: min(k, U.shape[1])] *= sgn[: min(k, Vh.shape[0])][:, None]
    if Vh.shape[0] > k and Vh.shape[1]:
        R = Vh[k:]
        idx = np.argmax(np.abs(R), axis=1)
        sgn = np.sign(R[np.arange(R.shape[0]), idx])
        sgn[sgn == 0] = 1
        R *= sgn[:, None]


def _svd_tall(A: np.ndarray, full_matrices: bool, compute_uv: bool):
    """SVD of a tall or square ``A`` (``m >= n >= 1``), ``A`` overwritten.

    Returns ``(U, S, V)`` with ``V`` (not ``Vh``), or ``S`` alone.  When
    ``m >= 1.6 n`` a QR factorisation ``A = Q R`` comes first (Chan 1982):
    ``R`` is bidiagonalised and ``U = Q U_R``.
    """
    m, n = A.shape
    dt = A.dtype
    record = active()
    if m >= _QR_RATIO * n and n > 1:
        from .qr import qr

        with section(f"QR first (m = {m} >= {_QR_RATIO} n = {_QR_RATIO * n:g}): A = Q R"):
            H, tau = qr(A, mode="raw")
            R = np.triu(H[:n])
            if record:
                if n <= 8:
                    step("Triangular factor", "A = Q R, then SVD of the n x n R", R=R)
                else:
                    step("Triangular factor", "A = Q R, then SVD of the n x n R",
                         shape=f"{m} x {n} -> R {n} x {n}")
        res = _svd_tall(R, False, compute_uv)
        if not compute_uv:
            return res
        UR, S, V = res
        with section("Back-transform U = Q U_R"):
            U = _padded(UR, m, m if full_matrices else n, dt)
            _apply_left_reflectors(H, tau, U)
            if record:
                step("Back-transformation", "U = Q [U_R 0; 0 I] (compact-WY blocks of the QR)",
                     U_shape=U.shape)
        return U, S, V

    with section("Bidiagonalise A = Q_B B P_B^T"):
        tauq, taup, d, e = _bidiagonalize(A)
        if record:
            if n <= 8:
                step("Upper bidiagonal B", "B = Q_B^T A P_B (Householder from the left and right)",
                     B=np.diag(d) + np.diag(e, 1), d=d, e=e)
            else:
                step("Upper bidiagonal B", "B = Q_B^T A P_B (Householder from the left and right)",
                     shape=f"{m} x {n} -> {n} x {n} bidiagonal", reflectors=f"{n} left, {max(n - 1, 0)} right")
    if not compute_uv:
        with section("Singular values of B from the TGK tridiagonal"):
            S = _bidiagonal_svdvals(d, e).astype(dt)
            if record:
                step("Eigenvalues of the TGK matrix", "T_GK = tridiag(0; d_1, e_1, d_2, ..., d_n), "
                     "eigenvalues +/- sigma_i", size=f"{2 * n} x {2 * n}", S=S)
        return S
    with section("SVD of B from the TGK tridiagonal"):
        Ub, S, Vb = _bidiagonal_svd(d, e)
        if record:
            if n <= 8:
                off = _tgk_offdiagonal(d, e)
                extra = {"T_GK": np.diag(off, 1) + np.diag(off, -1)} if n <= 4 else {}
                step("Eigenpairs of the TGK matrix", "T_GK y = sigma y,  y = (v_1, u_1, v_2, u_2, ...) / sqrt(2)",
                     offdiagonal=off, **extra, S=S, U_B=Ub, V_B=Vb)
            else:
                step("Eigenpairs of the TGK matrix", "T_GK y = sigma y,  y = (v_1, u_1, v_2, u_2, ...) / sqrt(2)",
                     size=f"{2 * n} x {2 * n}", S=S)
    with section("Back-transform U = Q_B U_B, V = P_B V_B"):
        U = _padded(Ub, m, m if full_matrices else n, dt)
        _apply_left_reflectors(A, tauq, U)
        V = Vb.astype(dt)
        _apply_right_reflectors(A, taup, V)
        if record:
            step("Back-transformation", "U = Q_B U_B,  V = P_B V_B (compact-WY blocks)",
                 U_shape=U.shape, V_shape=V.shape)
    return U, S.astype(dt), V


def svd(A, full_matrices: bool = True, compute_uv: bool = True):
    r"""Singular value decomposition ``A = U @ diag(S) @ Vh``.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Real matrix (int/bool promoted to float64; float32 stays float32).
    full_matrices : bool, default True
        If True ``U`` is ``m x m`` and ``Vh`` is ``n x n``; otherwise ``U`` is
        ``m x k`` and ``Vh`` is ``k x n`` with ``k = min(m, n)``.
    compute_uv : bool, default True
        If False return only the singular values.

    Returns
    -------
    SVDResult(U, S, Vh) or S
        ``U`` (m, m) or (m, k) with orthonormal columns; ``S`` (k,) the
        singular values, non-negative and descending; ``Vh`` (n, n) or
        (k, n) with orthonormal rows.  Only ``S`` when ``compute_uv`` is False.

    Raises
    ------
    ValueError
        ``A`` is not 2-D or holds NaN or infinity.
    TypeError
        ``A`` is complex.

    Notes
    -----
    For ``m >= n`` (else ``A^T`` is decomposed and the factors swapped):

    * ``A = Q_B B P_B^T`` with ``B`` upper bidiagonal (diagonal ``d``,
      superdiagonal ``e``) by alternating left and right Householder
      reflectors; when ``m >= 1.6 n``, ``A = Q R`` first and ``R`` is
      bidiagonalised.
    * The Golub–Kahan matrix ``T_GK = tridiag(0; d_1, e_1, ..., d_n)``
      (``2n x 2n``) has eigenvalues ``+/- sigma_i``; the eigenvector of
      ``+sigma_i`` interleaves ``(v_1, u_1, v_2, u_2, ...)`` with
      ``B v = sigma u``.  ``u`` and ``v`` are normalised separately, which
      undoes mixing of the ``+sigma`` and ``-sigma`` eigenvectors.  Vectors of
      singular values below ``0.05 sigma_max`` are re-orthogonalised against
      the others (Gram–Schmidt twice, in descending order) and, where a part
      vanished (zero singular values), completed to an orthonormal basis —
      LAPACK's ``dbdsvdx`` approach.
    * ``U = Q_B U_B``, ``V = P_B V_B`` by compact-WY block reflectors; a full
      ``U`` is ``Q_B [[U_B, 0], [0, I]]``.

    The reduction is blocked like LAPACK's ``dgebrd``/``dlabrd``: a panel of
    32 columns is reduced with matrix-vector products against the implicitly
    updated trailing matrix, which is then updated once by
    ``A22 -= [V X] [Y^T; U]``.  ``A`` is scaled by a power of two when its
    entries are near underflow or overflow, and ``S`` is scaled back.

    Signs: the largest-magnitude entry of each column of ``U`` is positive
    (scikit-learn's ``svd_flip``), and the corresponding row of ``Vh`` follows.

    References
    ----------
    Golub and Kahan (1965); Marques and Vasconcelos (2016), LAPACK ``dbdsvdx``;
    Golub and Van Loan, *Matrix Computations*, 4th ed., section 8.6.

    Examples
    --------
    >>> A = np.array([[3.0, 0.0], [0.0, -2.0]])
    >>> U, S, Vh = svd(A)
    >>> S.round(12)
    array([3., 2.])
    >>> U.round(12) + 0.0
    array([[1., 0.],
           [0., 1.]])
    >>> Vh.round(12) + 0.0
    array([[ 1.,  0.],
           [ 0., -1.]])
    >>> bool(np.allclose(U @ np.diag(S) @ Vh, A))
    True
    """
    A = as_matrix(A, "A")
    dt = A.dtype
    m, n = A.shape
    k = min(m, n)
    if k == 0:
        if not compute_uv:
            return np.zeros(0, dtype=dt)
        if full_matrices:
            return SVDResult(np.eye(m, dtype=dt), np.zeros(0, dtype=dt), np.eye(n, dtype=dt))
        return SVDResult(np.zeros((m, 0), dtype=dt), np.zeros(0, dtype=dt), np.zeros((0, n), dtype=dt))
    transposed = m < n
    W = np.array(A.T if transposed else A, dtype=dt, order="C", copy=True)
    # Like LAPACK's dgesvd, scale by a power of two (exact) when max|a_ij| is
    # outside [sqrt(tiny)/eps, eps/sqrt(tiny)], so that the reflectors neither
    # overflow nor lose accuracy to subnormal numbers.
    amax = float(np.max(np.abs(W)))
    fi = np.finfo(dt)
    small = math.sqrt(float(fi.tiny)) / float(fi.eps)
    pow2 = 0
    if amax != 0.0 and (amax < small or amax > 1.0 / small):
        pow2 = -math.frexp(amax)[1]
        W = np.ldexp(W, pow2)
    with section(f"SVD of a {m} x {n} matrix"):
        if active():
            step("Orientation", "m >= n: decompose A; m < n: decompose A^T and swap U, V",
                 shape=(m, n), transposed=transposed)
        res = _svd_tall(W, full_matrices, compute_uv)
        if pow2:
            if compute_uv:
                res = (res[0], np.ldexp(res[1], -pow2), res[2])
            else:
                res = np.ldexp(res, -pow2)
        if not compute_uv:
            if active():
                step("Singular values", "sigma_1 >= ... >= sigma_k >= 0", S=res)
            return res
        U, S, V = res
        if transposed:
            U, V = V, U
        Vh = np.ascontiguousarray(V.T)
        _flip_signs(U, Vh, k)
        if active():
            if k <= 8:
                step("Result", "A = U diag(S) Vh; largest-|.| entry of each column of U positive",
                     U=U, S=S, Vh=Vh)
            else:
                step("Result", "A = U diag(S) Vh; largest-|.| entry of each column of U positive",
                     U_shape=U.shape, S=S, Vh_shape=Vh.shape)
    return SVDResult(U, S, Vh)


def svdvals(A) -> np.ndarray:
    r"""Singular values of ``A``, descending.

    Parameters
    ----------
    A : array_like, shape (m, n)

    Returns
    -------
    S : ndarray, shape (min(m, n),)
        ``sigma_1 >= sigma_2 >= ... >= 0``.

    Notes
    -----
    Same stages as :func:`svd` without the vectors: bidiagonalise
    ``B = Q_B^T A P_B``, then the eigenvalues ``+/- sigma_i`` of the
    Golub–Kahan tridiagonal ``tridiag(0; d_1, e_1, ..., d_n)``.

    References
    ----------
    O. Marques and P. B. Vasconcelos, "Computing the bidiagonal SVD through an
    associated tridiagonal eigenproblem", VECPAR 2016 (LAPACK ``dbdsvdx``).

    Examples
    --------
    >>> svdvals([[0.0, 2.0], [1.0, 0.0]]).round(12)
    array([2., 1.])
    """
    return svd(A, compute_uv=False)
