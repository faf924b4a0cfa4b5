r"""Symmetric tridiagonal eigensolver: Cuppen's divide and conquer, vectorised.

``tridiagonal_eigh(d, e)`` returns the eigenvalues (ascending) and orthonormal
eigenvectors of the symmetric tridiagonal matrix ``T`` with diagonal ``d``
and off-diagonal ``e``.  It is the middle stage of :func:`mathforml.linalg.eigh`
and of the SVD (on the Golub--Kahan matrix of a bidiagonal).

Algorithm (LAPACK ``dstedc`` / ``dlaed0``-``dlaed4``)
-----------------------------------------------------
1. Split ``T`` where an off-diagonal entry is negligible,
   ``|e_i| <= eps sqrt(|d_i| |d_{i+1}|)`` (exact zeros always split), and scale
   each block by its largest entry.
2. Tear a block in the middle: ``T = diag(T1, T2) + rho v v^T`` with
   ``rho = |e_m|``, ``v = e_m + sign(e_m) e_{m+1}`` and ``rho`` subtracted from
   the two diagonal entries next to the tear.  Solve ``T1 = Q1 D1 Q1^T`` and
   ``T2 = Q2 D2 Q2^T`` recursively; small blocks go to a batched Jacobi
   solver.  Then ``T = Q (D + rho z z^T) Q^T`` with ``Q = diag(Q1, Q2)`` and
   ``z = Q^T v`` (last row of ``Q1``, first row of ``Q2``).
3. Deflation: entries with ``rho |z_i| <= tol`` and pairs of poles closer than
   ``|t c s| <= tol`` (after a Givens rotation that zeroes one of the ``z``)
   are eigenpairs already; ``tol = 8 eps max(|d|, |z|)``.
4. The remaining eigenvalues are the roots of the secular equation
   ``f(lambda) = 1/rho + sum_k z_k^2 / (d_k - lambda) = 0``, one in each gap
   ``(d_i, d_{i+1})`` and the last in ``(d_K, d_K + rho ||z||^2)``.  All roots
   are found at once: each root is stored as an offset ``tau`` from its nearer
   pole ``d_o`` so that ``d_k - lambda = (d_k - d_o) - tau`` is accurate, and
   is iterated with the "middle way" rational step of Li / LAPACK ``dlaed4``,
   safeguarded by a bracket and bisection.
5. Gu--Eisenstat: ``z`` is recomputed from the computed roots by the Löwner
   formula ``zhat_i^2 = prod_j (lambda_j - d_i) / (rho prod_{j != i} (d_j - d_i))``
   so that the eigenvectors ``u_j = (zhat_k / (d_k - lambda_j))_k / norm`` are
   orthogonal to working precision; the eigenvectors of ``T`` are one matrix
   product ``Q U``.

With ``eigvals_only=True`` only the first and last rows of every ``Q`` are
carried (they are all the merges need), so the cost is ``O(n^2)``.

References
----------
J. J. M. Cuppen, "A divide and conquer method for the symmetric tridiagonal
eigenproblem", Numer. Math. 36 (1981).
M. Gu and S. C. Eisenstat, "A divide-and-conquer algorithm for the symmetric
tridiagonal eigenproblem", SIAM J. Matrix Anal. Appl. 16 (1995).
R.-C. Li, "Solving secular equations stably and efficiently", LAPACK Working
Note 89 (1993).
E. Anderson et al., *LAPACK Users' Guide*, routines dstedc, dlaed0-dlaed4.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["tridiagonal_eigh"]

# Blocks of at most this size are solved directly by the batched Jacobi leaf solver.
_LEAF = 1


def tridiagonal_eigh(d, e, eigvals_only: bool = False):
    r"""Eigen-decomposition of a symmetric tridiagonal matrix.

    Parameters
    ----------
    d : (n,) array_like
        Diagonal of ``T``.
    e : (n-1,) array_like
        Off-diagonal of ``T`` (``T[i, i+1] = T[i+1, i] = e[i]``).
    eigvals_only : bool
        Return only the eigenvalues.

    Returns
    -------
    w : (n,) ndarray
        Eigenvalues in ascending order.
    Z : (n, n) ndarray
        Orthonormal eigenvectors, column ``Z[:, j]`` for ``w[j]`` (not
        returned when ``eigvals_only``).  Signs are as they come out of the
        algorithm (callers normalise them).

    Notes
    -----
    Divide and conquer (module docstring): ``T = Q (D + rho z z^T) Q^T``,
    the secular equation ``1/rho + sum_k z_k^2 / (d_k - lambda) = 0`` is solved
    for all roots at once, and the eigenvectors are ``Q U`` with
    ``U[k, j] = zhat_k / (d_k - lambda_j)`` (normalised), ``zhat`` from the
    Gu--Eisenstat formula.  Backward stable: ``||T Z - Z diag(w)|| = O(n eps ||T||)``
    and ``||Z^T Z - I|| = O(n eps)``.  float32 input is computed in float64 and
    returned as float32.

    References
    ----------
    Cuppen (1981); Gu and Eisenstat (1995); LAPACK ``dstedc``.

    Examples
    --------
    >>> w, Z = tridiagonal_eigh([2.0, 2.0], [1.0])
    >>> w
    array([1., 3.])
    >>> bool(np.allclose(np.abs(Z), np.sqrt(0.5)))
    True
    """
    d = np.asarray(d)
    e = np.asarray(e)
    out_dtype = np.float32 if (d.dtype == np.float32 and (e.dtype == np.float32 or e.size == 0)) \
        else np.float64
    d = np.array(d, dtype=np.float64, copy=True).reshape(-1)
    e = np.array(e, dtype=np.float64, copy=True).reshape(-1)
    n = d.shape[0]
    if e.shape[0] != max(n - 1, 0):
        raise ValueError(f"e must have length n - 1 = {max(n - 1, 0)} for d of length {n}, "
                         f"got shape {e.shape}")
    if not (np.isfinite(d).all() and np.isfinite(e).all()):
        raise ValueError("d and e must be finite (found NaN or infinity)")
    if n == 0:
        w = np.zeros(0, dtype=out_dtype)
        return w if eigvals_only else (w, np.zeros((0, 0), dtype=out_dtype))

    # 1. split at negligible off-diagonal entries
    eps = np.finfo(np.float64).eps
    small = np.abs(e) <= eps * np.sqrt(np.abs(d[:-1])) * np.sqrt(np.abs(d[1:]))
    e[small] = 0.0
    cuts = np.flatnonzero(e == 0.0) + 1
    starts = np.concatenate(([0], cuts))
    stops = np.concatenate((cuts, [n]))

    w = np.empty(n)
    Z = None if eigvals_only else np.zeros((n, n))
    for a, b in zip(starts.tolist(), stops.tolist()):
        if b - a == 1:
            w[a] = d[a]
            if Z is not None:
                Z[a, a] = 1.0
            continue
        db = d[a:b]
        eb = e[a:b - 1]
        scale = max(float(np.max(np.abs(db))), float(np.max(np.abs(eb))))
        wb, Qb = _dc(db / scale, eb / scale, not eigvals_only)
        w[a:b] = wb * scale
        if Z is not None:
            Z[a:b, a:b] = Qb
    order = np.argsort(w, kind="stable")
    w = w[order]
    if eigvals_only:
        return w.astype(out_dtype, copy=False)
    Z = Z[:, order]
    return w.astype(out_dtype, copy=False), Z.astype(out_dtype, copy=False)


# ---------------------------------------------------------------------------
# Divide and conquer
# ---------------------------------------------------------------------------
def _dc(d: np.ndarray, e: np.ndarray, full: bool):
    """Eigenpairs of an unreduced block (scaled to max entry 1).

    Returns ``(w, Q)`` with ``Q`` the full eigenvector matrix when ``full``,
    else the ``2 x n`` matrix of its first and last rows.  ``w`` is sorted.
    """
    n = d.shape[0]
    if n <= _LEAF:
        w, Q = _leaf(d, e)
        return w, (Q if full else Q[[0, -1], :])
    m = n // 2
    beta = float(e[m - 1])
    rho = abs(beta)
    s = 1.0 if beta >= 0 else -1.0
    d1 = d[:m].copy()
    d2 = d[m:].copy()
    d1[-1] -= rho
    d2[0] -= rho
    w1, Q1 = _dc(d1, e[:m - 1], full)
    w2, Q2 = _dc(d2, e[m:], full)
    z = np.concatenate((Q1[-1], s * Q2[0]))
    if full:
        Q = np.zeros((n, n))
        Q[:m, :m] = Q1
        Q[m:, m:] = Q2
    else:
        Q = np.zeros((2, n))
        Q[0, :m] = Q1[0]
        Q[1, m:] = Q2[-1]
    return _merge(np.concatenate((w1, w2)), Q, z, rho)


def _leaf(d: np.ndarray, e: np.ndarray):
    n = d.shape[0]
    if n == 1:
        return d.copy(), np.ones((1, 1))
    raise NotImplementedError


def _merge(d: np.ndarray, Q: np.ndarray, z: np.ndarray, rho: float):
    """Eigenpairs of ``Q (diag(d) + rho z z^T) Q^T`` (``Q`` may be a row subset)."""
    n = d.shape[0]
    eps = np.finfo(np.float64).eps
    znorm = math.sqrt(float(z @ z))
    z = z / znorm
    rho = rho * znorm * znorm
    perm = np.argsort(d, kind="stable")
    d = d[perm]
    z = z[perm]
    Q = Q[:, perm]
    tol = 8.0 * eps * max(float(np.max(np.abs(d))), float(np.max(np.abs(z))))
    if rho * float(np.max(np.abs(z))) <= tol:
        return d, Q

    # deflation by Givens rotations of nearly equal poles (sequential, scalar)
    keep = rho * np.abs(z) > tol
    idx = np.flatnonzero(keep).tolist()
    if len(idx) > 1:
        dl = d.tolist()
        zl = z.tolist()
        prev = idx[0]
        rotated = False
        for j in idx[1:]:
            s = zl[prev]
            c = zl[j]
            tau = math.hypot(c, s)
            t = dl[j] - dl[prev]
            c /= tau
            s = -s / tau
            if abs(t * c * s) <= tol:
                zl[j] = tau
                zl[prev] = 0.0
                qp = Q[:, prev].copy()
                qj = Q[:, j]
                Q[:, prev] = c * qp + s * qj
                Q[:, j] = c * qj - s * qp
                dp, dj = dl[prev], dl[j]
                dl[prev] = dp * c * c + dj * s * s
                dl[j] = dp * s * s + dj * c * c
                keep[prev] = False
                rotated = True
            prev = j
        if rotated:
            d = np.array(dl)
            z = np.array(zl)
    kept = np.flatnonzero(keep)
    defl = np.flatnonzero(~keep)
    dk = d[kept]
    zk = z[kept]
    lam, Delta = _secular(dk, zk, rho)
    # Gu-Eisenstat: zhat_i^2 = (d_i - lam_i) prod_{j != i} (d_i - lam_j) / (d_i - d_j) / (-rho)
    K = dk.shape[0]
    if K > 1:
        R = Delta.T / (dk[:, None] - dk[None, :] + np.eye(K))  # R[i, j] = (d_i - lam_j)/(d_i - d_j)
        np.fill_diagonal(R, -np.diagonal(Delta) / rho)
        zhat2 = np.prod(R, axis=1)
    else:
        zhat2 = np.array([-Delta[0, 0] / rho])
    zhat = np.copysign(np.sqrt(np.abs(zhat2)), zk)
    U = zhat[:, None] / Delta.T  # U[k, j] = zhat_k / (d_k - lam_j)
    U /= np.sqrt(np.einsum("ij,ij->j", U, U))
    Qk = Q[:, kept] @ U
    w = np.concatenate((lam, d[defl]))
    V = np.concatenate((Qk, Q[:, defl]), axis=1)
    order = np.argsort(w, kind="stable")
    return w[order], V[:, order]


def _secular(d: np.ndarray, z: np.ndarray, rho: float):
    """All roots of ``1/rho + sum z_k^2/(d_k - lam) = 0`` (``d`` strictly increasing).

    Returns ``lam`` (K,) and ``Delta`` (K, K) with ``Delta[j, k] = d_k - lam_j``
    computed accurately as ``(d_k - d_origin_j) - tau_j``.
    """
    K = d.shape[0]
    eps = np.finfo(np.float64).eps
    z2 = z * z
    if K == 1:
        tau = rho * z2[0]
        return d + tau, np.array([[-tau]])
    rhoinv = 1.0 / rho
    gap = d[1:] - d[:-1]
    # which pole each interior root is nearer to: sign of f at the midpoint of its gap
    mid = 0.5 * gap
    fmid = rhoinv + np.sum(z2 / ((d[None, :] - d[:-1, None]) - mid[:, None]), axis=1)
    left = fmid >= 0.0
    ar = np.arange(K)
    origin = np.empty(K, dtype=np.intp)
    origin[:-1] = np.where(left, ar[:-1], ar[:-1] + 1)
    origin[-1] = K - 1
    lo = np.empty(K)
    hi = np.empty(K)
    lo[:-1] = np.where(left, 0.0, -mid)
    hi[:-1] = np.where(left, mid, 0.0)
    lo[-1] = 0.0
    hi[-1] = rho * float(np.sum(z2))
    tau = np.empty(K)
    tau[:-1] = np.where(left, 0.5 * mid, -0.5 * mid)
    tau[-1] = 0.5 * hi[-1]
    ilo = np.minimum(ar, K - 2)  # psi = sum over k <= ilo, phi = the rest
    orgati = origin == ilo  # origin at the left pole of the pair (ilo, ilo + 1)
    DD = d[None, :] - d[origin][:, None]
    colk = ar[None, :]

    act = ar
    for _ in range(200):
        tau_a = tau[act]
        Dl = DD[act] - tau_a[:, None]
        t = z2 / Dl
        lmask = colk <= ilo[act][:, None]
        tpsi = np.where(lmask, t, 0.0)
        psi = tpsi.sum(axis=1)
        phi = t.sum(axis=1) - psi
        t2 = t / Dl
        dpsi = np.where(lmask, t2, 0.0).sum(axis=1)
        dphi = t2.sum(axis=1) - dpsi
        w = rhoinv + psi + phi
        last = act == K - 1
        # sum_k |z_k^2 / delta_k|: for interior roots psi < 0 < phi, for the last both < 0
        err = 8.0 * np.where(last, -psi - phi, phi - psi) + 2.0 * rhoinv + 3.0 * np.abs(tau_a) * (dpsi + dphi)
        conv = np.abs(w) <= eps * err
        # update brackets
        lo_a = np.where(w < 0.0, tau_a, lo[act])
        hi_a = np.where(w > 0.0, tau_a, hi[act])
        lo[act] = lo_a
        hi[act] = hi_a
        conv |= (hi_a - lo_a) <= 4.0 * eps * np.maximum(np.abs(lo_a), np.abs(hi_a))
        # rational ("middle way") step
        rows = np.arange(act.shape[0])
        i0 = ilo[act]
        del_i = Dl[rows, i0]
        del_j = Dl[rows, i0 + 1]
        dw = dpsi + dphi
        og = orgati[act]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            C_int = np.where(og, w - del_j * dw - (del_i - del_j) * (z2[i0] / (del_i * del_i)),
                             w - del_i * dw - (del_j - del_i) * (z2[i0 + 1] / (del_j * del_j)))
            C_last = np.abs(w - del_i * dpsi - del_j * dphi)
            C = np.where(last, C_last, C_int)
            A = (del_i + del_j) * w - del_i * del_j * dw
            B = del_i * del_j * w
            disc = np.sqrt(np.abs(A * A - 4.0 * B * C))
            eta_int = np.where(A <= 0.0, (A - disc) / (2.0 * C), 2.0 * B / (A + disc))
            eta_last = np.where(A >= 0.0, (A + disc) / (2.0 * C), 2.0 * B / (A - disc))
            eta = np.where(last, eta_last, eta_int)
            eta = np.where(C == 0.0, B / A, eta)
            newton = -w / dw
            eta = np.where((w * eta >= 0.0) | ~np.isfinite(eta), newton, eta)
            tnew = tau_a + eta
        bad = ~((tnew > lo_a) & (tnew < hi_a)) | ~np.isfinite(tnew)
        tnew = np.where(bad, 0.5 * (lo_a + hi_a), tnew)
        tau[act] = np.where(conv, tau_a, tnew)
        act = act[~conv]
        if act.shape[0] == 0:
            break
    lam = d[origin] + tau
    Delta = DD - tau[:, None]
    return lam, Delta
