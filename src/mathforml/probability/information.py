r"""Information theory: entropy, cross-entropy, KL divergence, Jensen–Shannon, mutual information.

Entropy measures the average surprise of a distribution; cross-entropy is
the average surprise when outcomes from ``p`` are coded with ``q`` (the loss
of every classifier); the Kullback–Leibler divergence is their difference,
the extra cost of using ``q`` in place of ``p``:

.. math::

    H(p) = -\sum_i p_i \log p_i, \qquad
    H(p, q) = -\sum_i p_i \log q_i, \qquad
    D_{KL}(p \,\|\, q) = \sum_i p_i \log \frac{p_i}{q_i} = H(p, q) - H(p).

Conventions
-----------
* **Units.** Natural logarithms (nats) by default; ``base=2`` gives bits,
  ``base=10`` hartleys.  A result in base ``b`` is the result in nats
  divided by ``ln b``.
* **Zeros.** ``0 log 0 = 0`` and ``0 log(0 / q) = 0``; a ``p_i > 0`` where
  ``q_i = 0`` makes cross-entropy and KL infinite (``q`` says impossible
  what ``p`` says happens).
* **Probabilities, not counts.** Unlike :func:`scipy.stats.entropy`, which
  silently normalises its input, every function here requires probability
  vectors: non-negative and summing to 1 along ``axis`` (to within
  ``max(1e-9, 100 eps) + 4 eps K`` for ``K`` entries, ``eps`` the dtype's
  machine epsilon).  Anything else is a ``ValueError`` naming the argument —
  normalising would hide bugs such as passing logits or the wrong axis.
  Turn counts into probabilities first: ``counts / counts.sum()``.
* **Distribution objects.** :func:`entropy` accepts anything with an
  ``entropy()`` method (differential entropy for continuous
  distributions); :func:`kl_divergence` and :func:`cross_entropy` have
  closed forms for two ``Normal`` or two ``MultivariateNormal``
  distributions.

Examples
--------
The issue's check value, ``0.5 ln(0.5/0.9) + 0.5 ln(0.5/0.1)``:

>>> from mathforml.probability.information import entropy, kl_divergence
>>> round(kl_divergence([0.5, 0.5], [0.9, 0.1]), 4)
0.5108
>>> entropy([0.5, 0.5], base=2)          # a fair coin carries one bit
1.0
"""
from __future__ import annotations

import math

import numpy as np

from ..explain import active, format_number, silenced, step
from .._validation import as_float_array, check_real
from .distributions._base import _scalar

__all__ = [
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "jensen_shannon",
    "jensen_shannon_distance",
    "mutual_information",
    "conditional_entropy",
    "joint_entropy",
]

_UNITS = {2.0: "bits", math.e: "nats", 10.0: "hartleys"}
_DETAIL_MAX = 12  # term-by-term text for vectors up to this length


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def _log_base(base) -> float:
    """``ln(base)`` (1 for nats), validating the base."""
    if base is None:
        return 1.0
    b = check_real(base, "base", positive=True)
    if b == 1.0:
        raise ValueError("base must be > 0 and != 1, got 1.0")
    return math.log(b)


def _unit(base) -> str:
    if base is None:
        return "nats"
    b = float(base)
    return _UNITS.get(b, f"base-{format_number(b)} units")


def _is_distribution(x) -> bool:
    """True for distribution objects (anything with an ``entropy()`` method, not an array)."""
    return not isinstance(x, (np.ndarray, np.generic, list, tuple, int, float)) and callable(
        getattr(x, "entropy", None))


def _probabilities(p, name: str, axis: int) -> np.ndarray:
    """Validate probability vectors along ``axis``: finite, non-negative, summing to 1."""
    if isinstance(p, str):
        raise TypeError(f"{name} must be an array of probabilities, got {p!r}")
    P = as_float_array(p, name)
    if P.ndim == 0:
        raise ValueError(f"{name} must be a vector of probabilities, got a scalar {P.item()!r}")
    try:
        K = P.shape[axis]
    except IndexError:
        raise ValueError(f"axis {axis} is out of bounds for {name} with shape {P.shape}") from None
    if K == 0:
        raise ValueError(f"{name} must not be empty (shape {P.shape})")
    neg = P < 0
    if neg.any():
        raise ValueError(f"{name} must be non-negative (probabilities), got {float(P[neg][0])!r}")
    eps = float(np.finfo(P.dtype).eps)
    total = P.sum(axis=axis)
    tol = max(1e-9, 100 * eps) + 4 * eps * K
    bad = np.abs(total - 1) > tol
    if np.any(bad):
        t = float(np.atleast_1d(total)[np.atleast_1d(bad)][0])
        raise ValueError(f"{name} must sum to 1 along axis {axis}, got sum {t:.10g}; "
                         f"to use counts, divide by their total ({name} / {name}.sum()) first")
    return P


def _pair(p, q, axis: int):
    P = _probabilities(p, "p", axis)
    Q = _probabilities(q, "q", axis)
    if P.shape != Q.shape:
        raise ValueError(f"p and q must have the same shape, got {P.shape} and {Q.shape}")
    return P, Q


def _xlogy(x, y):
    """``x log y`` with ``0 log y = 0`` (scipy.special.xlogy)."""
    from scipy.special import xlogy
    return xlogy(x, y)


def _kl_terms(P: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """``p log(p/q)`` elementwise: 0 where p = 0, inf where p > 0 = q.

    Where ``|p - q| <= q/2`` the log ratio is ``log1p((p - q)/q)`` (``p - q``
    is exact there, so nearly equal p and q keep full relative accuracy);
    elsewhere ``log p - log q`` (no overflow of ``p/q`` for tiny q).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d = P - Q
        close = np.abs(d) <= 0.5 * Q
        log_ratio = np.where(close, np.log1p(d / Q), np.log(P) - np.log(Q))
        return np.where(P > 0, P * log_ratio, 0.0).astype(P.dtype, copy=False)


def _detail(P, Q, terms, fmt: str) -> str | None:
    """A readable 'p_i log(p_i/q_i) = t_i' list for short vectors (explanation only)."""
    if P.ndim != 1 or P.shape[0] > _DETAIL_MAX:
        return None
    parts = [fmt.format(p=format_number(p), q=format_number(q)) + f" = {format_number(t)}"
             for p, q, t in zip(P, Q, terms)]
    return "; ".join(parts)


def _normal_classes():
    """(Normal, MultivariateNormal) when the distributions module is available."""
    try:
        from .distributions.normal import MultivariateNormal, Normal
    except ImportError:  # pragma: no cover - only while the module is being written
        return None, None
    return Normal, MultivariateNormal


def _kind(d) -> str:
    Normal, MVN = _normal_classes()
    if MVN is not None and isinstance(d, MVN):
        return "mvn"
    if Normal is not None and isinstance(d, Normal):
        return "normal"
    return type(d).__name__


def _mvn_parts(d, name: str):
    """Mean vector and covariance matrix of a MultivariateNormal object (float64)."""
    mu = None
    for attr in ("mean_vector", "loc", "mu"):
        v = getattr(d, attr, None)
        if v is not None and not callable(v):
            mu = v
            break
    if mu is None:
        mu = d.mean()
    cov = None
    for attr in ("cov", "covariance", "Sigma", "sigma"):
        v = getattr(d, attr, None)
        if v is not None:
            cov = v() if callable(v) else v
            break
    if cov is None:
        cov = d.var()
    mu = np.asarray(mu, dtype=np.float64)
    cov = np.asarray(cov, dtype=np.float64)
    if mu.ndim != 1 or cov.shape != (mu.shape[0], mu.shape[0]):
        raise ValueError(f"{name}: expected a single MultivariateNormal with a mean vector "
                         f"(d,) and covariance (d, d), got shapes {mu.shape} and {cov.shape}")
    return mu, cov


def _tril_of(d, S: np.ndarray, cholesky) -> np.ndarray:
    """The lower Cholesky factor of ``S``: the object's own (``scale_tril``) when it has one."""
    L = getattr(d, "scale_tril", None)
    if L is not None and not callable(L):
        L = np.asarray(L, dtype=np.float64)
        if L.shape == S.shape:
            return L
    return cholesky(S)


def _mvn_pieces(p, q):
    """tr(Σq⁻¹Σp), (μq-μp)ᵀΣq⁻¹(μq-μp), ln det Σq, ln det Σp, d (Cholesky solves)."""
    from ..linalg import cholesky, solve_triangular
    mu_p, S_p = _mvn_parts(p, "p")
    mu_q, S_q = _mvn_parts(q, "q")
    if mu_p.shape != mu_q.shape:
        raise ValueError(f"p and q must have the same dimension, got {mu_p.shape[0]} and "
                         f"{mu_q.shape[0]}")
    with silenced():
        L_p = _tril_of(p, S_p, cholesky)
        L_q = _tril_of(q, S_q, cholesky)
        A = solve_triangular(L_q, L_p, lower=True)        # L_q⁻¹ L_p
        z = solve_triangular(L_q, mu_q - mu_p, lower=True)  # L_q⁻¹ (μq - μp)
    trace = float(np.sum(A * A))                 # tr(Σq⁻¹Σp) = ‖L_q⁻¹ L_p‖_F²
    maha = float(z @ z)                          # (μq-μp)ᵀ Σq⁻¹ (μq-μp)
    logdet_q = 2.0 * float(np.sum(np.log(np.diag(L_q))))
    logdet_p = 2.0 * float(np.sum(np.log(np.diag(L_p))))
    return trace, maha, logdet_q, logdet_p, mu_p.shape[0]


def _distribution_pair(p, q, what: str) -> str:
    """'normal' or 'mvn' for a supported pair of objects; TypeError otherwise."""
    if not (_is_distribution(p) and _is_distribution(q)):
        which = "p" if _is_distribution(p) else "q"
        raise TypeError(f"{what}: {which} is a distribution object but the other argument is not; "
                        "pass two probability arrays or two distributions")
    kp, kq = _kind(p), _kind(q)
    if kp == kq and kp in ("normal", "mvn"):
        return kp
    raise TypeError(f"{what} has closed forms for two Normal or two MultivariateNormal "
                    f"distributions, got {type(p).__name__} and {type(q).__name__}")


# ---------------------------------------------------------------------------
# Entropy
# ---------------------------------------------------------------------------
def entropy(p, base=None, axis: int = -1):
    r"""Shannon entropy of a discrete distribution, or a distribution object's entropy.

    Parameters
    ----------
    p : array_like or distribution
        Probability vector(s) along ``axis`` (non-negative, summing to 1), or
        any object with an ``entropy()`` method returning nats (for a
        continuous distribution, its differential entropy).
    base : float, optional
        Logarithm base: None for nats, 2 for bits.
    axis : int, default -1
        The axis holding the probabilities (arrays only).

    Returns
    -------
    H : float or ndarray
        ``p``'s shape without ``axis`` (a float for a single vector).

    Raises
    ------
    ValueError
        Negative entries, sums other than 1, a scalar or empty ``p``, or a
        base that is not positive or equals 1.

    Notes
    -----
    ``H = -Σ_i p_i log p_i / log(base)`` with ``0 log 0 = 0`` (``xlogy``).
    For a distribution object, ``H = p.entropy() / log(base)``.
    Equals ``scipy.stats.entropy(p, base=base)`` on normalised input.

    References
    ----------
    C. E. Shannon, "A mathematical theory of communication", Bell System
    Technical Journal 27 (1948).  T. M. Cover & J. A. Thomas, *Elements of
    Information Theory*, 2nd ed., Wiley 2006, ch. 2 and 8.

    Examples
    --------
    >>> entropy([0.5, 0.25, 0.25], base=2)     # 0.5*1 + 0.25*2 + 0.25*2 bits
    1.5
    >>> round(entropy([1.0, 0.0]), 6)           # certain: no surprise
    0.0
    """
    log_b = _log_base(base)
    if _is_distribution(p):
        h = np.asarray(p.entropy(), dtype=np.float64)
        H = h / log_b
        step("Entropy of a distribution", "H = p.entropy() / ln(base)", distribution=repr(p),
             entropy_nats=_scalar(h), H=_scalar(H), unit=_unit(base))
        return _scalar(H)
    P = _probabilities(p, "p", axis)
    terms = -_xlogy(P, P)
    H = terms.sum(axis=axis) / log_b
    if active():
        step("Entropy terms", "-p_i ln p_i  (0 ln 0 = 0)", p=P, terms=terms,
             detail=_detail(P, P, terms, "-{p} ln {p}"))
        step("Entropy", "H(p) = -Σ_i p_i ln p_i / ln(base)", H=_scalar(H), unit=_unit(base))
    return _scalar(H)


def joint_entropy(joint, base=None):
    r"""Entropy of a joint distribution table, ``H(X, Y) = -Σ_xy p(x,y) log p(x,y)``.

    Parameters
    ----------
    joint : (m, n) array_like
        ``p(x, y)`` with ``x`` along the rows and ``y`` along the columns;
        non-negative, summing to 1.
    base : float, optional
        Logarithm base (None: nats).

    Returns
    -------
    float

    Notes
    -----
    The entropy of the flattened table.

    Examples
    --------
    >>> joint_entropy([[0.25, 0.25], [0.25, 0.25]], base=2)   # two fair coins: 2 bits
    2.0
    """
    J = _joint(joint)
    return entropy(J.ravel(), base=base)


def _joint(joint) -> np.ndarray:
    if isinstance(joint, str):
        raise TypeError(f"joint must be a 2-D table of probabilities, got {joint!r}")
    J = as_float_array(joint, "joint")
    if J.ndim != 2:
        raise ValueError(f"joint must be a 2-D table p(x, y), got shape {J.shape}")
    if J.size == 0:
        raise ValueError(f"joint must not be empty (shape {J.shape})")
    _probabilities(J.ravel(), "joint", -1)
    return J


def conditional_entropy(joint, base=None, given: int = 0):
    r"""Conditional entropy ``H(Y | X)`` from a joint table (``X`` along the rows).

    Parameters
    ----------
    joint : (m, n) array_like
        ``p(x, y)``; non-negative, summing to 1.
    base : float, optional
        Logarithm base (None: nats).
    given : {0, 1}, default 0
        The axis of the conditioning variable: 0 gives ``H(Y | X)`` (condition
        on the row variable), 1 gives ``H(X | Y)``.

    Returns
    -------
    float

    Notes
    -----
    ``H(Y | X) = -Σ_xy p(x,y) log(p(x,y) / p(x)) = H(X, Y) - H(X)``, summed
    over cells with ``p(x,y) > 0``.  It is 0 when ``Y`` is a function of
    ``X`` and ``H(Y)`` when they are independent.

    Examples
    --------
    >>> conditional_entropy([[0.5, 0.0], [0.0, 0.5]])            # Y = X
    0.0
    >>> conditional_entropy([[0.25, 0.25], [0.25, 0.25]], base=2)  # independent fair coins
    1.0
    """
    J = _joint(joint)
    if given not in (0, 1) or isinstance(given, bool):
        raise ValueError("given must be 0 (condition on the rows) or 1 (the columns), "
                         f"got {given!r}")
    log_b = _log_base(base)
    p_cond_var = J.sum(axis=1 - given, keepdims=True)          # p(x) (or p(y))
    with np.errstate(divide="ignore", invalid="ignore"):
        cond = np.where(J > 0, J / p_cond_var, 1.0)             # p(y | x)
    terms = -_xlogy(J, cond)
    H = float(terms.sum()) / log_b
    if active():
        step("Conditional entropy",
             "H(Y | X) = -Σ_xy p(x,y) ln(p(x,y) / p(x))" if given == 0 else
             "H(X | Y) = -Σ_xy p(x,y) ln(p(x,y) / p(y))",
             marginal=np.ravel(p_cond_var), conditional=cond, terms=terms, H=H, unit=_unit(base))
    return H


# ---------------------------------------------------------------------------
# Cross-entropy and KL divergence
# ---------------------------------------------------------------------------
def cross_entropy(p, q, base=None, axis: int = -1):
    r"""Cross-entropy ``H(p, q) = -Σ_i p_i log q_i``: coding ``p``'s outcomes with ``q``.

    Parameters
    ----------
    p, q : array_like or distribution
        Probability vectors of the same shape (along ``axis``), or two
        ``Normal`` / two ``MultivariateNormal`` distributions.
    base : float, optional
        Logarithm base (None: nats; 2: bits).
    axis : int, default -1
        The axis holding the probabilities (arrays only).

    Returns
    -------
    float or ndarray
        ``inf`` where some ``p_i > 0`` has ``q_i = 0``.

    Raises
    ------
    ValueError
        Invalid probabilities (named ``p`` or ``q``) or shapes that differ.
    TypeError
        A distribution paired with an array, or an unsupported pair.

    Notes
    -----
    ``H(p, q) = H(p) + D_KL(p || q) >= H(p)``.  Closed forms:
    Normal: ``½ ln(2π σ_q²) + (σ_p² + (μ_p - μ_q)²) / (2 σ_q²)``;
    MultivariateNormal: ``½ [d ln 2π + ln det Σ_q + tr(Σ_q⁻¹ Σ_p) +
    (μ_q - μ_p)ᵀ Σ_q⁻¹ (μ_q - μ_p)]``, by Cholesky solves (no inverse).

    References
    ----------
    Cover & Thomas, *Elements of Information Theory*, 2nd ed., ch. 2.

    Examples
    --------
    >>> round(cross_entropy([0.5, 0.5], [0.25, 0.75], base=2), 6)   # ½·2 + ½·log2(4/3)
    1.207519
    """
    log_b = _log_base(base)
    if _is_distribution(p) or _is_distribution(q):
        kind = _distribution_pair(p, q, "cross_entropy")
        if kind == "normal":
            mu_p, s_p = np.asarray(p.loc, float), np.asarray(p.scale, float)
            mu_q, s_q = np.asarray(q.loc, float), np.asarray(q.scale, float)
            Hn = (0.5 * np.log(2 * np.pi * s_q ** 2)
                  + (s_p ** 2 + (mu_p - mu_q) ** 2) / (2 * s_q ** 2))
            formula = "H(p, q) = ½ ln(2π σ_q²) + (σ_p² + (μ_p - μ_q)²) / (2 σ_q²)"
        else:
            trace, maha, logdet_q, _, d = _mvn_pieces(p, q)
            Hn = 0.5 * (d * math.log(2 * math.pi) + logdet_q + trace + maha)
            formula = ("H(p, q) = ½ [d ln 2π + ln det Σ_q + tr(Σ_q⁻¹ Σ_p) "
                       "+ (μ_q - μ_p)ᵀ Σ_q⁻¹ (μ_q - μ_p)]")
        H = np.asarray(Hn) / log_b
        step("Cross-entropy (closed form)", formula, H=_scalar(H), unit=_unit(base))
        return _scalar(H)
    P, Q = _pair(p, q, axis)
    terms = -_xlogy(P, Q)
    H = terms.sum(axis=axis) / log_b
    if active():
        step("Cross-entropy terms", "-p_i ln q_i", p=P, q=Q, terms=terms,
             detail=_detail(P, Q, terms, "-{p} ln {q}"))
        step("Cross-entropy", "H(p, q) = -Σ_i p_i ln q_i / ln(base)", H=_scalar(H),
             unit=_unit(base))
    return _scalar(H)


def kl_divergence(p, q, base=None, axis: int = -1):
    r"""Kullback–Leibler divergence ``D_KL(p || q) = Σ_i p_i log(p_i / q_i)``.

    Parameters
    ----------
    p, q : array_like or distribution
        Probability vectors of the same shape (along ``axis``), or two
        ``Normal`` / two ``MultivariateNormal`` distributions.
    base : float, optional
        Logarithm base (None: nats; 2: bits).
    axis : int, default -1
        The axis holding the probabilities (arrays only).

    Returns
    -------
    D : float or ndarray
        ``>= 0``, zero only when ``p = q``; ``inf`` where some ``p_i > 0`` has
        ``q_i = 0``.  Not symmetric in ``p`` and ``q``.

    Raises
    ------
    ValueError
        Invalid probabilities (named ``p`` or ``q``), shapes that differ, or
        MultivariateNormals of different dimensions.
    TypeError
        A distribution paired with an array, or an unsupported pair.

    Notes
    -----
    Discrete: terms ``p_i log(p_i / q_i)`` with ``0 log(0/q) = 0``; the log
    ratio is ``log1p((p_i - q_i)/q_i)`` where ``|p_i - q_i| <= q_i/2`` (no
    cancellation when ``p ≈ q``) and ``log p_i - log q_i`` elsewhere.

    Normal: ``ln(σ_q/σ_p) + (σ_p² + (μ_p - μ_q)²) / (2 σ_q²) - ½``.

    MultivariateNormal: ``½ [tr(Σ_q⁻¹Σ_p) + (μ_q - μ_p)ᵀ Σ_q⁻¹ (μ_q - μ_p) - d
    + ln det Σ_q - ln det Σ_p]``, with ``Σ = L Lᵀ`` (Cholesky):
    ``tr(Σ_q⁻¹Σ_p) = ‖L_q⁻¹ L_p‖_F²``, the quadratic form is
    ``‖L_q⁻¹(μ_q - μ_p)‖²``
    and ``ln det Σ = 2 Σ ln diag L`` — triangular solves, no inverse.

    References
    ----------
    S. Kullback & R. A. Leibler, "On information and sufficiency", Ann. Math.
    Statist. 22 (1951).  Cover & Thomas, *Elements of Information Theory*,
    2nd ed., sec. 2.3.  J. Duchi, "Derivations for linear algebra and
    optimization" (the Gaussian KL).

    Examples
    --------
    >>> round(kl_divergence([0.5, 0.5], [0.9, 0.1]), 6)   # ½ ln(5/9) + ½ ln 5
    0.510826
    >>> kl_divergence([0.5, 0.5], [1.0, 0.0])             # q rules out what p allows
    inf
    """
    log_b = _log_base(base)
    if _is_distribution(p) or _is_distribution(q):
        kind = _distribution_pair(p, q, "kl_divergence")
        if kind == "normal":
            mu_p, s_p = np.asarray(p.loc, float), np.asarray(p.scale, float)
            mu_q, s_q = np.asarray(q.loc, float), np.asarray(q.scale, float)
            log_term = np.log(s_q / s_p)
            quad_term = (s_p ** 2 + (mu_p - mu_q) ** 2) / (2 * s_q ** 2)
            Dn = log_term + quad_term - 0.5
            D = Dn / log_b
            step("KL divergence (Normal, closed form)",
                 "D = ln(σ_q/σ_p) + (σ_p² + (μ_p - μ_q)²) / (2 σ_q²) - ½",
                 mu_p=_scalar(mu_p), sigma_p=_scalar(s_p), mu_q=_scalar(mu_q),
                 sigma_q=_scalar(s_q), log_term=_scalar(log_term), quad_term=_scalar(quad_term),
                 D=_scalar(D), unit=_unit(base))
            return _scalar(D)
        trace, maha, logdet_q, logdet_p, d = _mvn_pieces(p, q)
        Dn = 0.5 * (trace + maha - d + logdet_q - logdet_p)
        D = Dn / log_b
        step("KL divergence (MultivariateNormal, closed form)",
             "D = ½ [tr(Σ_q⁻¹Σ_p) + (μ_q - μ_p)ᵀ Σ_q⁻¹ (μ_q - μ_p) - d "
             "+ ln det Σ_q - ln det Σ_p]",
             trace=trace, mahalanobis=maha, d=d, logdet_q=logdet_q, logdet_p=logdet_p,
             D=D, unit=_unit(base))
        return D
    P, Q = _pair(p, q, axis)
    terms = _kl_terms(P, Q)
    D = terms.sum(axis=axis) / log_b
    if active():
        step("KL terms", "p_i ln(p_i / q_i)  (0 ln(0/q) = 0)", p=P, q=Q, terms=terms,
             detail=_detail(P, Q, terms, "{p} ln({p}/{q})"))
        step("KL divergence", "D_KL(p || q) = Σ_i p_i ln(p_i / q_i) / ln(base)", D=_scalar(D),
             unit=_unit(base))
    return _scalar(D)


# ---------------------------------------------------------------------------
# Jensen–Shannon and mutual information
# ---------------------------------------------------------------------------
def jensen_shannon(p, q, base=None, axis: int = -1):
    r"""Jensen–Shannon divergence: the mean KL of ``p`` and ``q`` from their midpoint.

    Parameters
    ----------
    p, q : array_like
        Probability vectors of the same shape (along ``axis``).
    base : float, optional
        Logarithm base (None: nats; with ``base=2`` the value lies in [0, 1]).
    axis : int, default -1

    Returns
    -------
    JS : float or ndarray
        In ``[0, ln 2]`` nats; symmetric, finite even where ``q`` or ``p`` is 0.

    Notes
    -----
    ``m = (p + q)/2``, ``JS = ½ D_KL(p || m) + ½ D_KL(q || m)``.  This is the
    *divergence*; its square root, :func:`jensen_shannon_distance`, is a
    metric and is what ``scipy.spatial.distance.jensenshannon`` returns.
    Rounding can make the sum a hair below 0; it is clipped at 0.

    References
    ----------
    J. Lin, "Divergence measures based on the Shannon entropy", IEEE Trans.
    Inf. Theory 37 (1991).

    Examples
    --------
    >>> jensen_shannon([1.0, 0.0], [0.0, 1.0], base=2)   # disjoint supports: 1 bit
    1.0
    """
    log_b = _log_base(base)
    P, Q = _pair(p, q, axis)
    M = 0.5 * (P + Q)
    kl_pm = _kl_terms(P, M).sum(axis=axis)
    kl_qm = _kl_terms(Q, M).sum(axis=axis)
    JS = np.maximum(0.5 * (kl_pm + kl_qm), 0.0) / log_b
    step("Jensen-Shannon divergence", "m = (p + q)/2;  JS = ½ D(p || m) + ½ D(q || m)",
         m=M, kl_pm=_scalar(kl_pm), kl_qm=_scalar(kl_qm), JS=_scalar(JS), unit=_unit(base))
    return _scalar(JS)


def jensen_shannon_distance(p, q, base=None, axis: int = -1):
    r"""Jensen–Shannon distance ``sqrt(JS(p, q))``, a metric on distributions.

    Parameters
    ----------
    p, q : array_like
        Probability vectors of the same shape (along ``axis``).
    base : float, optional
        Logarithm base of the divergence under the root (None: nats).
    axis : int, default -1

    Returns
    -------
    float or ndarray

    Notes
    -----
    ``sqrt(jensen_shannon(p, q, base))``, as
    ``scipy.spatial.distance.jensenshannon(p, q, base)`` (which also
    normalises its input; this function requires probabilities).

    References
    ----------
    D. M. Endres & J. E. Schindelin, "A new metric for probability
    distributions", IEEE Trans. Inf. Theory 49 (2003).

    Examples
    --------
    >>> jensen_shannon_distance([1.0, 0.0], [0.0, 1.0], base=2)
    1.0
    """
    return _scalar(np.sqrt(jensen_shannon(p, q, base=base, axis=axis)))


def mutual_information(joint, base=None):
    r"""Mutual information ``I(X; Y)`` of a discrete joint distribution table.

    Parameters
    ----------
    joint : (m, n) array_like
        ``p(x, y)`` with ``x`` along the rows and ``y`` along the columns;
        non-negative, summing to 1 (divide a contingency table of counts by
        its total first).  Zero cells are fine.
    base : float, optional
        Logarithm base (None: nats).

    Returns
    -------
    float
        ``>= 0``; 0 exactly when ``X`` and ``Y`` are independent.

    Notes
    -----
    ``I(X; Y) = Σ_xy p(x,y) log(p(x,y) / (p(x) p(y)))
    = D_KL(p(x,y) || p(x) p(y)) = H(X) + H(Y) - H(X, Y)``, with
    ``p(x) = Σ_y p(x,y)`` and ``p(y) = Σ_x p(x,y)``; cells with
    ``p(x,y) = 0`` contribute 0.  Equals
    ``sklearn.metrics.mutual_info_score(None, None, contingency=counts)``.

    References
    ----------
    Cover & Thomas, *Elements of Information Theory*, 2nd ed., sec. 2.4.

    Examples
    --------
    >>> mutual_information([[0.5, 0.0], [0.0, 0.5]], base=2)   # Y = X: one bit shared
    1.0
    >>> mutual_information([[0.25, 0.25], [0.25, 0.25]])        # independent
    0.0
    """
    J = _joint(joint)
    log_b = _log_base(base)
    p_x = J.sum(axis=1)
    p_y = J.sum(axis=0)
    indep = np.multiply.outer(p_x, p_y)
    terms = _kl_terms(J, indep)
    mi = max(float(terms.sum()), 0.0) / log_b
    if active():
        step("Marginals", "p(x) = Σ_y p(x,y),  p(y) = Σ_x p(x,y)", p_x=p_x, p_y=p_y)
        step("Mutual information", "I(X; Y) = Σ_xy p(x,y) ln(p(x,y) / (p(x) p(y))) / ln(base)",
             independent=indep, terms=terms, I=mi, unit=_unit(base))
    return mi
