r"""Householder reflectors and their compact-WY blocks, shared by every factorisation.

A Householder reflector ``H = I - tau v v^T`` (with ``v[0] = 1``) maps a vector
``x`` onto a multiple of the first unit vector: ``H x = beta e_1``.  QR,
symmetric tridiagonalisation, Hessenberg reduction and bidiagonalisation are
all sequences of such reflectors.

A product of ``k`` reflectors ``H_1 H_2 ... H_k`` equals ``I - V T V^T`` where
``V`` holds the vectors as columns (unit lower trapezoidal) and ``T`` is
``k x k`` upper triangular (the *compact WY* representation, Schreiber and Van
Loan 1989).  Applying the block costs three matrix products, so most flops of a
blocked factorisation land in BLAS-3.

Conventions follow LAPACK's ``dlarfg``/``dlarft``/``dlarfb``.

References
----------
G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., sections 5.1 and 5.2.
R. Schreiber and C. Van Loan, "A storage-efficient WY representation for
products of Householder transformations", SIAM J. Sci. Stat. Comput. 10 (1989).
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["householder", "householder_inplace", "larft", "apply_block_left",
           "apply_block_right", "vector_norm2"]


_SAFMIN: dict = {}  # dtype char -> LAPACK's safe minimum tiny / eps, cached


def vector_norm2(x: np.ndarray) -> float:
    """Euclidean norm of a 1-D array without overflow or harmful underflow.

    The fast path is ``sqrt(x . x)``; when that overflows or underflows the
    vector is rescaled by its largest magnitude first (as LAPACK's ``dnrm2``).

    >>> vector_norm2(np.array([3e200, 4e200]))
    5e+200
    >>> vector_norm2(np.array([3e-200, 4e-200]))
    5e-200
    """
    with np.errstate(over="ignore", under="ignore"):  # the fallback below handles both
        s = float(x @ x)
    if s == 0.0 and not x.any():
        return 0.0
    safmin = _SAFMIN.get(x.dtype.char)
    if safmin is None:
        safmin = _SAFMIN.setdefault(x.dtype.char, float(np.finfo(x.dtype).tiny / np.finfo(x.dtype).eps))
    if math.isfinite(s) and s > safmin:
        return math.sqrt(s)
    scale = float(np.max(np.abs(x)))
    if scale == 0.0 or not math.isfinite(scale):
        return scale  # 0, inf, or nan for non-finite input (no rescaling needed or possible)
    y = x / scale
    return scale * math.sqrt(float(y @ y))


def householder(x: np.ndarray) -> tuple[np.ndarray, float, float]:
    r"""Reflector ``H = I - tau v v^T`` with ``H x = beta e_1`` and ``v[0] = 1``.

    Notes
    -----
    With ``alpha = x[0]`` and ``sigma = ||x[1:]||``:
    ``beta = -sign(alpha) sqrt(alpha^2 + sigma^2)``,
    ``tau = (beta - alpha) / beta``, ``v = [1, x[1:] / (alpha - beta)]``.
    Choosing the sign of ``beta`` opposite to ``alpha`` avoids cancellation in
    ``alpha - beta``.  When ``sigma = 0`` the reflector is the identity
    (``tau = 0``), as in LAPACK's ``dlarfg``.

    Examples
    --------
    >>> v, tau, beta = householder(np.array([3.0, 4.0]))
    >>> beta, tau
    (-5.0, 1.6)
    >>> x = np.array([3.0, 4.0]); x - tau * v * (v @ x)
    array([-5.,  0.])
    """
    x = np.asarray(x)
    v = np.array(x, copy=True)
    tau, beta = householder_inplace(v)
    return v, tau, beta


def householder_inplace(x: np.ndarray) -> tuple[float, float]:
    """As :func:`householder`, overwriting ``x`` with ``v`` (``x[0] = 1``).

    Returns ``(tau, beta)``.
    """
    alpha = float(x[0])
    if x.shape[0] == 1:
        x[0] = 1.0
        return 0.0, alpha
    sigma = vector_norm2(x[1:])
    if sigma == 0.0:
        x[0] = 1.0
        return 0.0, alpha
    r = math.hypot(alpha, sigma)
    beta = -r if alpha >= 0 else r
    knt = 0
    safmin = _SAFMIN.get(x.dtype.char)
    if safmin is None:
        safmin = _SAFMIN.setdefault(x.dtype.char, float(np.finfo(x.dtype).tiny / np.finfo(x.dtype).eps))
    if abs(beta) < safmin:
        # dlarfg's rescaling: near underflow the entries have lost relative precision, so
        # scale by an exact power of two (1 / safmin) until beta is safely normal, then undo
        rsafmn = 1.0 / safmin
        while abs(beta) < safmin and knt < 20:
            x[1:] *= rsafmn
            alpha *= rsafmn
            beta *= rsafmn
            knt += 1
        sigma = vector_norm2(x[1:])
        r = math.hypot(alpha, sigma)
        beta = -r if alpha >= 0 else r
    tau = (beta - alpha) / beta
    # divide rather than multiply by the reciprocal, so nothing overflows when alpha - beta
    # is tiny: |x_i| <= sigma <= |alpha - beta|
    x[1:] /= alpha - beta
    x[0] = 1.0
    for _ in range(knt):
        beta *= safmin
    return tau, beta


def larft(V: np.ndarray, tau: np.ndarray) -> np.ndarray:
    r"""Upper-triangular ``T`` with ``H_1 ... H_k = I - V T V^T`` (forward, columnwise).

    ``V`` is ``m x k`` with the reflector vectors as columns (unit diagonal,
    zeros above it); ``tau`` has length ``k``.

    Notes
    -----
    Column ``i`` of ``T`` is ``T[:i, i] = -tau_i T[:i, :i] (V[:, :i]^T v_i)``,
    ``T[i, i] = tau_i``.  The Gram matrix ``V^T V`` is formed once with one
    BLAS-3 product, so the loop only does small triangular products.

    Examples
    --------
    >>> V = np.array([[1.0, 0.0], [0.5, 1.0], [0.25, 0.5]])
    >>> tau = np.array([1.2, 1.5])
    >>> T = larft(V, tau)
    >>> H1 = np.eye(3) - tau[0] * np.outer(V[:, 0], V[:, 0])
    >>> H2 = np.eye(3) - tau[1] * np.outer(V[:, 1], V[:, 1])
    >>> bool(np.allclose(H1 @ H2, np.eye(3) - V @ T @ V.T))
    True
    """
    k = V.shape[1]
    T = np.zeros((k, k), dtype=V.dtype)
    if k == 0:
        return T
    G = V.T @ V
    for i in range(k):
        T[i, i] = tau[i]
        if i and tau[i] != 0.0:
            T[:i, i] = (-tau[i]) * (T[:i, :i] @ G[:i, i])
    return T


def apply_block_left(C: np.ndarray, V: np.ndarray, T: np.ndarray, trans: bool = False) -> None:
    r"""Overwrite ``C`` with ``(I - V T V^T) C`` or, if ``trans``, ``(I - V T^T V^T) C``.

    ``(I - V T^T V^T)`` is the transpose of the block, i.e. ``H_k ... H_1``:
    the form QR uses to reduce the trailing matrix.  Three BLAS-3 products:
    ``W = V^T C``, ``W <- T^(T) W``, ``C -= V W``.
    """
    if C.size == 0 or V.shape[1] == 0:
        return
    if C.flags.f_contiguous and not C.flags.c_contiguous:
        # (H C)^T = C^T H^T: work on the C-ordered transpose so the update streams rows
        apply_block_right(C.T, V, T, trans=not trans)
        return
    W = V.T @ C
    W = (T.T if trans else T) @ W
    C -= V @ W


def apply_block_right(C: np.ndarray, V: np.ndarray, T: np.ndarray, trans: bool = False) -> None:
    r"""Overwrite ``C`` with ``C (I - V T V^T)`` or, if ``trans``, ``C (I - V T^T V^T)``."""
    if C.size == 0 or V.shape[1] == 0:
        return
    if C.flags.f_contiguous and not C.flags.c_contiguous:
        apply_block_left(C.T, V, T, trans=not trans)
        return
    W = C @ V
    W = W @ (T.T if trans else T)
    C -= W @ V.T
