r"""Is this function convex?  Evidence from Hessian eigenvalues and the midpoint inequality.

A twice-differentiable :math:`f` is convex exactly when its Hessian is positive
semi-definite everywhere, and any convex :math:`f` satisfies the midpoint
inequality :math:`f\bigl(\tfrac{x+y}{2}\bigr) \le \tfrac{f(x) + f(y)}{2}`.
:func:`check_convexity` tests both at sample points.  A failure is a proof of
non-convexity (it returns the counter-example); passing is evidence on the
samples, not a proof.

>>> r = check_convexity(lambda x: (x ** 2).sum(), np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 0.0]]))
>>> r.is_convex, r.min_eigenvalue
(True, 2.0)
>>> r = check_convexity(lambda x: np.sin(x).sum(), np.array([[1.0], [2.0], [-1.0]]))
>>> r.is_convex, r.counterexample["kind"]
(False, 'hessian')
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validation import as_float_array, as_rng, check_int, check_real
from ..explain import section, step

__all__ = ["check_convexity", "ConvexityResult"]


@dataclass
class ConvexityResult:
    """The verdict of :func:`check_convexity`.

    Attributes
    ----------
    is_convex : bool
        False when a sample point disproves convexity.
    verdict : str
        The conclusion in words (with its caveat when True).
    min_eigenvalue : float
        The smallest Hessian eigenvalue seen over the sample points (NaN when
        Hessians were not checked).
    counterexample : dict or None
        For a Hessian failure: ``{"kind": "hessian", "x", "eigenvalue",
        "direction"}``; for a midpoint failure: ``{"kind": "midpoint", "x", "y",
        "f_mid", "chord_mid"}``.
    n_points, n_pairs : int
        How many points and pairs were checked.
    """

    is_convex: bool
    verdict: str
    min_eigenvalue: float
    counterexample: dict | None = None
    n_points: int = 0
    n_pairs: int = 0
    eigenvalues: list = field(default_factory=list, repr=False)

    def __bool__(self) -> bool:
        return self.is_convex


def check_convexity(f, sample_points, *, hessian: bool = True, n_pairs: int = 200,
                    tol: float = 1e-9, rng=None) -> ConvexityResult:
    r"""Look for evidence against the convexity of ``f`` at sample points.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for a 1-D array ``x``; written with NumPy ufuncs so
        our autodiff can take its Hessian (otherwise pass ``hessian=False``, or
        the check falls back to finite differences).
    sample_points : array_like, shape (m, n)
        Points at which to test (a 1-D array is taken as m points in 1-D).
    hessian : bool, default True
        Test :math:`\lambda_{\min}(\nabla^2 f(x)) \ge -tol\,(1 + \lVert\nabla^2 f(x)\rVert)`
        at every point.
    n_pairs : int, default 200
        Random pairs :math:`(x, y)` of sample points for the midpoint test.
    tol : float
        Relative tolerance for rounding errors in both tests.
    rng : None, int or Generator
        Chooses the pairs.

    Returns
    -------
    ConvexityResult

    Notes
    -----
    Hessian test: :math:`f` convex :math:`\iff \nabla^2 f(x) \succeq 0` for all
    :math:`x`; an eigenvector :math:`v` with :math:`v^T\nabla^2 f(x)v < 0` is a
    direction along which :math:`f` curves downward.  Midpoint test: convexity
    implies :math:`f(\tfrac{x+y}{2}) \le \tfrac12(f(x) + f(y))`; a violation is
    a chord lying below the graph.  Eigenvalues come from our symmetric
    eigensolver :func:`mathforml.linalg.eigh`.

    Examples
    --------
    :math:`f(x) = x^4` is convex although its Hessian vanishes at 0:

    >>> check_convexity(lambda x: (x ** 4).sum(), np.linspace(-2, 2, 9)).is_convex
    True
    """
    from ..linalg import eigh

    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    P = as_float_array(sample_points, "sample_points")
    if P.ndim == 1:
        P = P[:, None]
    if P.ndim != 2 or P.shape[0] == 0:
        raise ValueError(f"sample_points must have shape (m, n) with m >= 1, got {P.shape}")
    P = P.astype(np.float64, copy=False)
    n_pairs = check_int(n_pairs, "n_pairs", minimum=0)
    tol = check_real(tol, "tol", nonnegative=True)
    rng = as_rng(rng)
    m, n = P.shape
    values = np.array([float(f(p)) for p in P])
    if not np.isfinite(values).all():
        i = int(np.argmax(~np.isfinite(values)))
        raise ValueError(f"f is not finite at sample point {i}: f({P[i]}) = {values[i]}")

    min_eig = np.nan
    eigs = []
    with section("Convexity check"):
        if hessian:
            from ..calculus import hessian as ad_hessian
            from ..calculus import hessian_fd
            H_of = ad_hessian(f)
            for i, p in enumerate(P):
                try:
                    H = np.asarray(H_of(p), dtype=float).reshape(n, n)
                except TypeError:             # f not written for autodiff
                    H = np.asarray(hessian_fd(f, p), dtype=float).reshape(n, n)
                H = 0.5 * (H + H.T)
                lam, V = eigh(H)
                eigs.append(lam)
                min_eig = float(lam[0]) if np.isnan(min_eig) else min(min_eig, float(lam[0]))
                step("Hessian eigenvalues", "f convex <=> all eigenvalues of the Hessian >= 0",
                     iteration=i, x=p, eigenvalues=lam)
                scale = 1.0 + float(np.abs(lam).max())
                if lam[0] < -tol * scale:
                    ce = {"kind": "hessian", "x": p.copy(), "eigenvalue": float(lam[0]),
                          "direction": V[:, 0].copy()}
                    verdict = (f"not convex: the Hessian at x = {np.array2string(p, precision=6)} "
                               f"has eigenvalue {lam[0]:.6g} < 0 (f curves downward along "
                               f"{np.array2string(V[:, 0], precision=4)})")
                    step("Verdict", verdict)
                    return ConvexityResult(False, verdict, min_eig, ce, i + 1, 0, eigs)
        pairs_done = 0
        if m >= 2 and n_pairs:
            I = rng.integers(0, m, size=n_pairs)
            J = rng.integers(0, m, size=n_pairs)
            for k, (i, j) in enumerate(zip(I, J)):
                if i == j:
                    continue
                pairs_done += 1
                mid = 0.5 * (P[i] + P[j])
                f_mid = float(f(mid))
                chord = 0.5 * (values[i] + values[j])
                scale = 1.0 + max(abs(values[i]), abs(values[j]))
                if f_mid > chord + tol * scale:
                    ce = {"kind": "midpoint", "x": P[i].copy(), "y": P[j].copy(),
                          "f_mid": f_mid, "chord_mid": chord}
                    verdict = (f"not convex: f((x+y)/2) = {f_mid:.6g} > (f(x)+f(y))/2 = "
                               f"{chord:.6g} for x = {np.array2string(P[i], precision=6)}, "
                               f"y = {np.array2string(P[j], precision=6)}")
                    step("Verdict", verdict)
                    return ConvexityResult(False, verdict, min_eig, ce, m, pairs_done, eigs)
            step("Midpoint inequality", "f((x+y)/2) <= (f(x) + f(y))/2", pairs=pairs_done)
        verdict = (f"no evidence against convexity at {m} points"
                   + (f" (smallest Hessian eigenvalue {min_eig:.6g})" if hessian else "")
                   + (f" and {pairs_done} midpoint pairs" if pairs_done else "")
                   + "; this supports convexity on the sampled region but does not prove it")
        step("Verdict", verdict)
    return ConvexityResult(True, verdict, min_eig, None, m, pairs_done, eigs)
