r"""Symmetric eigenproblem and iterative eigen methods.

* :func:`eigh` / :func:`eigvalsh`: all eigenpairs of a real symmetric matrix in
  three stages, as LAPACK's ``dsyevd``:

  1. blocked Householder tridiagonalisation ``A = Q T Q^T`` (``dsytrd`` with
     ``dlatrd`` panels): per column one matrix-vector product with the
     trailing matrix, per block of ``nb`` columns one rank-``2 nb`` update
     ``A22 <- A22 - V W^T - W V^T`` as two matrix products;
  2. the tridiagonal eigenproblem ``T = Z diag(w) Z^T`` by divide and conquer
     (:func:`mathforml.linalg._tridiagonal.tridiagonal_eigh`);
  3. back-transformation ``V = Q Z``, applying the reflectors in compact-WY
     blocks ``I - V_b T_b V_b^T`` (matrix products).

* :func:`power_iteration` and :func:`inverse_iteration`: one eigenpair by
  repeated multiplication with ``A`` (or solves with ``A - shift I``).

Sign convention
---------------
Eigenvectors are only defined up to sign; LAPACK returns whatever sign the
algorithm produces.  Here each eigenvector is flipped so that its entry of
largest magnitude (the first one, in case of ties) is positive, so results
are reproducible (``svd_flip`` style).  Individual vectors may therefore
differ in sign from ``numpy.linalg.eigh``.
"""
from __future__ import annotations

import math
import warnings
from typing import NamedTuple

import numpy as np

from .._validation import as_rng, as_square_matrix, check_int, check_option, check_real
from ..exceptions import ConvergenceWarning, LinAlgError
from ..explain import active, section, step, silenced
from ._householder import apply_block_left, householder_inplace, larft
from ._tridiagonal import tridiagonal_eigh

__all__ = ["EighResult", "IterationResult", "eigh", "eigvalsh", "power_iteration",
           "inverse_iteration"]

_NB = 32  # panel width of the blocked tridiagonalisation and back-transformation
_SMALL = 8  # explain: record whole matrices up to this size


class EighResult(NamedTuple):
    """Result of :func:`eigh` (same fields as numpy 2's ``EighResult``)."""

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray


class IterationResult(NamedTuple):
    """Result of :func:`power_iteration` and :func:`inverse_iteration`."""

    eigenvalue: float
    eigenvector: np.ndarray
    n_iter: int
    converged: bool


# ---------------------------------------------------------------------------
# Stage 1: blocked Householder tridiagonalisation
# ---------------------------------------------------------------------------
def _symmetric_from_triangle(A: np.ndarray, UPLO: str) -> np.ndarray:
    """Full symmetric working copy built from the ``UPLO`` triangle of ``A``."""
    S = np.tril(A) if UPLO == "L" else np.triu(A).T
    S = np.array(S, order="C", copy=True)
    S += np.tril(S, -1).T
    return S


def _sytrd(A: np.ndarray, nb: int = _NB):
    """Reduce the full symmetric ``A`` (overwritten) to tridiagonal form.

    Returns ``d``, ``e``, ``tau``; reflector ``j`` has ``v_j[j+1] = 1`` and
    ``v_j[j+2:]`` stored in ``A[j+2:, j]`` (``A[j+1, j]`` holds 1), so that
    ``A_in = Q T Q^T`` with ``Q = H_0 H_1 ... H_{n-2}``, ``H_j = I - tau_j v_j v_j^T``.
    """
    n = A.shape[0]
    dt = A.dtype
    d = np.empty(n, dtype=dt)
    e = np.empty(max(n - 1, 0), dtype=dt)
    tau = np.zeros(max(n - 1, 0), dtype=dt)
    k = 0
    while k < n - 1:
        b = min(nb, n - 1 - k)
        m = n - k
        # panel V (reflectors) and W, interleaved as columns v_0, w_0, v_1, w_1, ... (VW) and
        # w_0, v_0, w_1, v_1, ... (WV), so that V W^T x + W V^T x = VW (WV^T x) = WV (VW^T x)
        VW = np.zeros((m, 2 * b), dtype=dt)
        WV = np.zeros((m, 2 * b), dtype=dt)
        for i in range(b):
            j = k + i
            col = A[j:, j]
            if i:
                # pending panel update A <- A - V W^T - W V^T, applied to column j
                col -= VW[i:, :2 * i] @ WV[i, :2 * i]
            d[j] = col[0]
            v = col[1:]
            tau_j, beta = householder_inplace(v)
            e[j] = beta
            tau[j] = tau_j
            VW[i + 1:, 2 * i] = v
            WV[i + 1:, 2 * i + 1] = v
            # w = tau (A v - V W^T v - W V^T v), then w <- w - (tau/2)(w^T v) v
            y = A[j + 1:, j + 1:] @ v
            if i:
                y -= VW[i + 1:, :2 * i] @ (v @ WV[i + 1:, :2 * i])
            y *= tau_j
            y += (-0.5 * tau_j * float(y @ v)) * v
            VW[i + 1:, 2 * i + 1] = y
            WV[i + 1:, 2 * i] = y
        r = k + b
        if r < n:
            V2 = VW[b:, 0::2]
            W2 = VW[b:, 1::2]
            A22 = A[r:, r:]
            A22 -= V2 @ W2.T
            A22 -= W2 @ V2.T
        k = r
    if n:
        d[n - 1] = A[n - 1, n - 1]
    return d, e, tau


def _back_transform(A: np.ndarray, tau: np.ndarray, Z: np.ndarray, nb: int = 128) -> None:
    """Overwrite ``Z`` with ``Q Z``, ``Q = H_0 ... H_{n-2}``, in compact-WY blocks."""
    n = A.shape[0]
    nref = n - 1
    starts = list(range(0, nref, nb))
    for j0 in reversed(starts):
        j1 = min(j0 + nb, nref)
        Vb = np.tril(A[j0 + 1:, j0:j1], -(0))
        # row offset: reflector j has its unit entry at row j + 1, i.e. local row j - j0
        np.fill_diagonal(Vb, 1.0)
        Tb = larft(Vb, tau[j0:j1])
        apply_block_left(Z[j0 + 1:, :], Vb, Tb)


def _flip_signs(V: np.ndarray) -> np.ndarray:
    """Make the largest-magnitude entry of every column positive (in place)."""
    if V.size:
        idx = np.argmax(np.abs(V), axis=0)
        signs = np.sign(V[idx, np.arange(V.shape[1])])
        signs[signs == 0] = 1
        V *= signs
    return V


def _eigh_impl(A, UPLO, compute_v):
    UPLO = check_option(UPLO, "UPLO", ("L", "U"))
    A = as_square_matrix(A, "A")
    n = A.shape[0]
    dt = A.dtype
    if n == 0:
        return np.zeros(0, dtype=dt), np.zeros((0, 0), dtype=dt)
    S = _symmetric_from_triangle(A, UPLO)
    # scale into [sqrt(tiny/eps), sqrt(huge*eps)] so that no stage over/underflows (dsyevd)
    finfo = np.finfo(dt)
    rmin = math.sqrt(float(finfo.tiny) / float(finfo.eps))
    rmax = math.sqrt(float(finfo.max) * float(finfo.eps))
    anrm = float(np.max(np.abs(S)))
    sigma = 1.0
    if 0.0 < anrm < rmin:
        sigma = rmin / anrm
    elif anrm > rmax:
        sigma = rmax / anrm
    if sigma != 1.0:
        S *= dt.type(sigma)
    explain = active()
    with section("Symmetric eigen-decomposition (tridiagonalise, divide and conquer, "
                 "back-transform)"):
        if explain:
            step("Input (the " + ("lower" if UPLO == "L" else "upper") + " triangle is read)",
                 "A = A^T", n=n, A=S.copy() if n <= _SMALL else f"{n} x {n} symmetric matrix")
        d, e, tau = _sytrd(S)
        if explain:
            if n <= _SMALL:
                T = np.diag(d) + np.diag(e, 1) + np.diag(e, -1)
                step("Stage 1: Householder tridiagonalisation", "A = Q T Q^T, Q = H_0 ... H_{n-2}",
                     d=d, e=e, T=T, tau=tau)
            else:
                step("Stage 1: blocked Householder tridiagonalisation (dsytrd/dlatrd panels)",
                     "A = Q T Q^T", n=n, reflectors=n - 1, panel_width=_NB,
                     d=f"diagonal of T, length {n}", e=f"off-diagonal of T, length {n - 1}")
        if not compute_v:
            w = tridiagonal_eigh(d, e, eigvals_only=True).astype(dt, copy=False)
            if sigma != 1.0:
                w = w / dt.type(sigma)
            if explain:
                step("Stage 2: eigenvalues of T by divide and conquer",
                     "1/rho + sum_k z_k^2 / (d_k - lambda) = 0 at every merge",
                     eigenvalues=w if n <= _SMALL else f"{n} eigenvalues, from {w[0]:.6g} "
                     f"to {w[-1]:.6g}")
            return w, None
        w, Z = tridiagonal_eigh(d, e)
        w = w.astype(dt, copy=False)
        if sigma != 1.0:
            w = w / dt.type(sigma)
        Z = np.array(Z, dtype=dt, order="C")
        if explain:
            step("Stage 2: eigenpairs of T by divide and conquer",
                 "T = Z diag(w) Z^T",
                 eigenvalues=w if n <= _SMALL else f"{n} eigenvalues, from {w[0]:.6g} "
                 f"to {w[-1]:.6g}",
                 Z=Z.copy() if n <= _SMALL else f"{n} x {n} orthogonal matrix")
        _back_transform(S, tau, Z)
        _flip_signs(Z)
        if explain:
            step("Stage 3: back-transformation and sign convention",
                 "V = Q Z; largest-|.| entry of each column made positive",
                 eigenvalues=w if n <= _SMALL else f"{n} eigenvalues",
                 eigenvectors=Z if n <= _SMALL else
                 f"{n} x {n} orthogonal matrix (compact-WY blocks of {_NB} reflectors)")
    return w, Z


def eigh(A, UPLO: str = "L") -> EighResult:
    r"""Eigenvalues and eigenvectors of a real symmetric matrix.

    Parameters
    ----------
    A : (n, n) array_like
        Real symmetric matrix.  Only the triangle named by ``UPLO`` is read;
        symmetry is not checked (as in ``numpy.linalg.eigh``).
    UPLO : {'L', 'U'}
        Read the lower (default) or upper triangle.

    Returns
    -------
    EighResult
        Named tuple ``(eigenvalues, eigenvectors)``: ``eigenvalues`` (n,) in
        ascending order, ``eigenvectors`` (n, n) orthonormal with
        ``A @ eigenvectors[:, j] = eigenvalues[j] * eigenvectors[:, j]``.
        Each column's largest-magnitude entry is positive (deterministic
        signs; LAPACK's signs are arbitrary, so columns may differ in sign
        from ``numpy.linalg.eigh``).

    Notes
    -----
    Three stages (see the module docstring): ``A = Q T Q^T`` by blocked
    Householder reflectors ``H_j = I - tau_j v_j v_j^T`` (after scaling ``A``
    into a safe range when its largest entry is near overflow or underflow,
    as ``dsyevd``); ``T = Z diag(w) Z^T``
    by divide and conquer on the secular equation
    ``1/rho + sum_k z_k^2/(d_k - lambda) = 0``; ``V = Q Z`` applied as
    compact-WY blocks.  Every stage is backward stable, so
    ``||A V - V diag(w)|| = O(n eps ||A||)``, ``||V^T V - I|| = O(n eps)`` and
    each eigenvalue is within ``O(n eps ||A||)`` of the exact one.  Integer
    input is promoted to float64; float32 stays float32 (the tridiagonal stage
    runs in float64).

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 8.3 and 8.4.
    LAPACK routines ``dsyevd``, ``dsytrd``, ``dlatrd``, ``dstedc``, ``dormtr``.

    Examples
    --------
    >>> w, V = eigh([[2.0, 1.0], [1.0, 2.0]])
    >>> w
    array([1., 3.])
    >>> np.round(V * np.sqrt(2), 12)
    array([[ 1.,  1.],
           [-1.,  1.]])
    """
    w, V = _eigh_impl(A, UPLO, True)
    return EighResult(w, V)


def eigvalsh(A, UPLO: str = "L") -> np.ndarray:
    r"""Eigenvalues of a real symmetric matrix, ascending.

    Parameters
    ----------
    A : (n, n) array_like
        Real symmetric matrix; only the ``UPLO`` triangle is read and symmetry
        is not checked.
    UPLO : {'L', 'U'}
        Read the lower (default) or upper triangle.

    Returns
    -------
    w : (n,) ndarray
        Eigenvalues in ascending order.

    Notes
    -----
    As :func:`eigh` without eigenvectors: the tridiagonalisation
    ``A = Q T Q^T`` and the divide and conquer on ``T`` carrying only the first
    and last rows of the eigenvector matrices (all the merges need), and no
    back-transformation.

    References
    ----------
    LAPACK ``dsyevd`` with ``jobz = 'N'``.

    Examples
    --------
    >>> eigvalsh([[2.0, 0.0], [0.0, -1.0]])
    array([-1.,  2.])
    """
    return _eigh_impl(A, UPLO, False)[0]


# ---------------------------------------------------------------------------
# Iterative methods
# ---------------------------------------------------------------------------
def _norm2(x: np.ndarray) -> float:
    return math.sqrt(float(x @ x))


def _start_vector(x0, n, dt, random_state):
    if x0 is None:
        x = as_rng(random_state).standard_normal(n).astype(dt)
    else:
        from .._validation import as_float_array
        x = as_float_array(x0, "x0", ndim=1, copy=True).astype(dt, copy=False)
        if x.shape[0] != n:
            raise ValueError(f"x0 must have length {n} to match A of shape ({n}, {n}), "
                             f"got shape {x.shape}")
    nx = _norm2(x)
    if nx == 0.0:
        raise ValueError("x0 must be a nonzero vector")
    return x / nx


def _sign_normalise(x: np.ndarray) -> np.ndarray:
    i = int(np.argmax(np.abs(x)))
    return -x if x[i] < 0 else x


def power_iteration(A, x0=None, tol: float = 1e-10, max_iter: int = 1000,
                    random_state=None) -> IterationResult:
    r"""Dominant eigenpair by the power method.

    Parameters
    ----------
    A : (n, n) array_like
        Square matrix (n >= 1) whose eigenvalue of largest magnitude is real
        and strictly dominant (e.g. symmetric with ``|lambda_1| > |lambda_2|``).
    x0 : (n,) array_like, optional
        Start vector; a standard normal vector from ``random_state`` if None.
    tol : float
        Stop when ``||A x - lambda x|| <= tol * ||A||_F`` (relative residual).
    max_iter : int
        Maximum number of products with ``A``.
    random_state : None, int or numpy.random.Generator
        Seed for the start vector.

    Returns
    -------
    IterationResult
        ``(eigenvalue, eigenvector, n_iter, converged)``; the eigenvector has
        unit 2-norm and its largest-magnitude entry positive.

    Notes
    -----
    ``y = A x_k``, Rayleigh quotient ``lambda_k = x_k^T y`` (``||x_k|| = 1``),
    residual ``r_k = ||y - lambda_k x_k||``, ``x_{k+1} = y / ||y||``.  The
    error in the direction shrinks like ``|lambda_2 / lambda_1|^k``; for a
    symmetric matrix the Rayleigh quotient converges twice as fast.  The test
    uses the residual, which for symmetric ``A`` bounds the distance from
    ``lambda_k`` to an eigenvalue.  A :class:`~mathforml.exceptions.ConvergenceWarning`
    is issued when ``max_iter`` is reached (e.g. eigenvalues ``+1`` and ``-1``
    of equal magnitude).

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 8.2.1.

    Examples
    --------
    >>> res = power_iteration([[2.0, 0.0], [0.0, 1.0]], x0=[1.0, 1.0])
    >>> round(res.eigenvalue, 8), res.converged
    (2.0, True)
    >>> np.round(res.eigenvector, 8)
    array([1., 0.])
    """
    A = as_square_matrix(A, "A")
    n = A.shape[0]
    if n == 0:
        raise ValueError("power_iteration needs a matrix of size at least 1x1, got shape (0, 0)")
    tol = check_real(tol, "tol", nonnegative=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    x = _start_vector(x0, n, A.dtype, random_state)
    normA = _norm2(A.reshape(-1))
    lam = 0.0
    converged = False
    k = 0
    with section("Power iteration"):
        for k in range(1, max_iter + 1):
            y = A @ x
            lam = float(x @ y)
            r = _norm2(y - lam * x)
            step("Iterate", "y = A x_k, lambda_k = x_k^T A x_k, r_k = ||y - lambda_k x_k||",
                 iteration=k, x=x, eigenvalue=lam, residual=r)
            if r <= tol * normA:
                converged = True
                break
            ny = _norm2(y)
            if ny == 0.0:  # A x = 0 exactly: x is an eigenvector for 0 (residual 0 above)
                break
            x = y / ny
        x = _sign_normalise(x)
        step("Result", "A x ~ lambda x", eigenvalue=lam, eigenvector=x, n_iter=k,
             converged=converged)
    if not converged:
        warnings.warn(ConvergenceWarning(
            f"power_iteration did not converge in {max_iter} iterations (residual "
            f"{r:.3g} > tol * ||A|| = {tol * normA:.3g}); the dominant eigenvalue may "
            "not be unique in magnitude"), stacklevel=2)
    return IterationResult(lam, x, k, converged)


def inverse_iteration(A, shift: float = 0.0, x0=None, tol: float = 1e-10,
                      max_iter: int = 1000, random_state=None) -> IterationResult:
    r"""Eigenpair nearest to ``shift`` by (shifted) inverse iteration.

    Parameters
    ----------
    A : (n, n) array_like
        Square matrix (n >= 1).
    shift : float
        Target: the method converges to the eigenvalue closest to ``shift``.
    x0 : (n,) array_like, optional
        Start vector; a standard normal vector from ``random_state`` if None.
    tol : float
        Stop when ``||A x - lambda x|| <= tol * ||A||_F``.
    max_iter : int
        Maximum number of solves.
    random_state : None, int or numpy.random.Generator
        Seed for the start vector.

    Returns
    -------
    IterationResult
        ``(eigenvalue, eigenvector, n_iter, converged)``; unit eigenvector with
        its largest-magnitude entry positive.

    Notes
    -----
    ``A - shift I = P L U`` is factorised once (``lu_factor``); each step solves
    ``(A - shift I) y = x_k`` and normalises, ``x_{k+1} = y / ||y||``, then
    takes the Rayleigh quotient ``lambda = x^T A x`` and the residual
    ``||A x - lambda x||``.  Convergence is linear with ratio
    ``|lambda_near - shift| / |lambda_next - shift|``.  If ``shift`` is an
    eigenvalue to working precision the factorisation is singular; the shift
    is then moved by ``eps ||A||_F`` (the nearly singular solve is harmless:
    its error lies along the wanted eigenvector).

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 8.2.2.

    Examples
    --------
    >>> res = inverse_iteration([[2.0, 0.0], [0.0, 5.0]], shift=4.0, x0=[1.0, 1.0])
    >>> round(res.eigenvalue, 8), np.round(res.eigenvector, 8)
    (5.0, array([0., 1.]))
    """
    from .elimination import lu_factor, lu_solve

    A = as_square_matrix(A, "A")
    n = A.shape[0]
    if n == 0:
        raise ValueError("inverse_iteration needs a matrix of size at least 1x1, "
                         "got shape (0, 0)")
    shift = check_real(shift, "shift")
    tol = check_real(tol, "tol", nonnegative=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    x = _start_vector(x0, n, A.dtype, random_state)
    normA = _norm2(A.reshape(-1))
    eps = float(np.finfo(A.dtype).eps)
    sigma = shift
    with section("Inverse iteration"):
        factor = None
        for attempt in range(4):
            M = A - sigma * np.eye(n, dtype=A.dtype)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    lu, piv = lu_factor(M)
                if np.all(np.diagonal(lu) != 0):
                    factor = (lu, piv)
                    break
            except LinAlgError:
                pass
            sigma = sigma + max(normA, 1.0) * eps * 2.0 ** (4 * attempt)
        if factor is None:
            raise LinAlgError(f"A - shift I stays singular near shift = {shift}")
        step("Factorise the shifted matrix once", "A - sigma I = P L U", shift=sigma)
        lam = float(x @ (A @ x))
        converged = False
        k = 0
        r = math.inf
        for k in range(1, max_iter + 1):
            with silenced():  # the loop records itself below, bounded by the recorder
                y = lu_solve(factor, x)
            ny = _norm2(y)
            x = y / ny
            Ax = A @ x
            lam = float(x @ Ax)
            r = _norm2(Ax - lam * x)
            step("Iterate", "(A - sigma I) y = x_k, x_{k+1} = y/||y||, "
                 "lambda = x^T A x, r = ||A x - lambda x||",
                 iteration=k, x=x, eigenvalue=lam, residual=r)
            if r <= tol * normA:
                converged = True
                break
        x = _sign_normalise(x)
        step("Result", "A x ~ lambda x", eigenvalue=lam, eigenvector=x, n_iter=k,
             converged=converged)
    if not converged:
        warnings.warn(ConvergenceWarning(
            f"inverse_iteration did not converge in {max_iter} iterations (residual "
            f"{r:.3g} > tol * ||A|| = {tol * normA:.3g}); two eigenvalues may be "
            f"equally close to shift = {shift}"), stacklevel=2)
    return IterationResult(lam, x, k, converged)
