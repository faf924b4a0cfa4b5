r"""Markov chain Monte Carlo: random-walk Metropolis–Hastings, Hamiltonian Monte Carlo, diagnostics.

Bayesian inference asks for the posterior ``π(θ | data) ∝ p(data | θ) p(θ)``;
its normalising constant is an integral nobody can do in closed form once the
model is interesting.  MCMC sidesteps the integral: it builds a Markov chain
whose stationary distribution is ``π`` using only the *unnormalised*
log-density ``log π(θ) + const``, and averages over the visited states.

* :func:`metropolis_hastings` — propose ``x' = x + λ L z`` (``z ~ N(0, I)``),
  accept with probability ``min(1, π(x') / π(x))``.
* :func:`hmc` — Hamiltonian Monte Carlo: simulate Hamiltonian dynamics with the
  leapfrog integrator (:func:`leapfrog`), gradients from our autodiff, and
  correct the integration error with a Metropolis test on the energy.
* Diagnostics on arrays of shape ``(n_chains, n_draws)``:
  :func:`autocorrelation`, :func:`effective_sample_size` (Geyer's initial
  monotone sequence over the combined-chain autocorrelation, as in Stan and
  ArviZ), :func:`split_rhat` (Gelman–Rubin on split chains) and
  :func:`mcmc_summary` (mean, sd, quantiles, MCSE, ESS, R-hat).

Every sampler returns an :class:`MCMCResult` whose ``samples`` have shape
``(n_chains, n_draws, d)`` (a 1-D target keeps ``d = 1``; nothing is squeezed).

Conventions
-----------
* ``n_samples`` is the number of *kept* draws per chain: a run makes
  ``burn_in + n_samples * thin`` transitions and keeps every ``thin``-th one
  after the burn-in (Stan's *warm-up*, PyMC's *tune*).
* A scalar ``x0`` means a 1-D target and ``logpdf`` receives a scalar; a
  vector ``x0`` of length ``d`` means ``logpdf`` receives a ``(d,)`` array;
  an ``(n_chains, d)`` array gives each chain its own start.  With
  ``vectorized=True`` ``logpdf`` receives all chains at once — ``(n_chains,)``
  for a scalar target, ``(n_chains, d)`` otherwise — and returns ``(n_chains,)``.
* ``logpdf`` returns ``-inf`` outside the support (a rejection); NaN (or
  ``+inf``) at a proposed point is an error in ``logpdf`` and raises
  :class:`ValueError` naming the point (HMC counts a non-finite energy inside a
  trajectory as a divergence instead, since the integrator may step outside
  the support).

>>> import numpy as np
>>> res = metropolis_hastings(lambda x: -0.5 * x ** 2, 0.0, 2000, proposal_scale=2.4, rng=0)
>>> res.samples.shape
(1, 2000, 1)
>>> bool(abs(res.samples.mean()) < 0.2 and 0.3 < res.acceptance_rate[0] < 0.6)
True

References
----------
Metropolis, Rosenbluth, Rosenbluth, Teller & Teller (1953); Hastings (1970);
Neal, "MCMC using Hamiltonian dynamics", *Handbook of MCMC* (2011);
Hoffman & Gelman, "The No-U-Turn Sampler", JMLR 15 (2014);
Vehtari, Gelman, Simpson, Carpenter & Bürkner, "Rank-normalization, folding, and
localization: an improved R-hat", *Bayesian Analysis* 16 (2021);
Stan Reference Manual, "Posterior analysis".
"""
from __future__ import annotations

from numbers import Real

import numpy as np

from .._validation import as_float_array, as_rng, check_int, check_real
from ..explain import active, section, silenced, step

__all__ = [
    "MCMCResult",
    "MCMCSummary",
    "metropolis_hastings",
    "hmc",
    "leapfrog",
    "autocorrelation",
    "effective_sample_size",
    "split_rhat",
    "mcmc_summary",
]

#: An energy error above this marks an HMC transition as divergent (Stan's threshold).
DIVERGENCE_THRESHOLD = 1000.0


# ---------------------------------------------------------------------------
# Result objects
# ---------------------------------------------------------------------------
def _fmt(a, digits: int = 4) -> str:
    a = np.asarray(a)
    if a.ndim == 0:
        return f"{a.item():.{digits}g}" if a.dtype.kind == "f" else str(a.item())
    return np.array2string(a, precision=digits, separator=", ", threshold=8,
                           floatmode="maxprec")


class MCMCResult:
    r"""Draws of a Markov chain Monte Carlo run and how they were made.

    Attributes
    ----------
    samples : (n_chains, n_draws, d) ndarray
        The kept draws (after burn-in and thinning).  A 1-D target has ``d = 1``.
    logpdf_values : (n_chains, n_draws) ndarray
        ``log π`` at each kept draw (up to the target's constant).
    acceptance_rate : (n_chains,) ndarray
        Fraction of accepted proposals per chain over the sampling phase
        (every transition after burn-in, thinned-out ones included).
    n_divergent : (n_chains,) ndarray of int or None
        HMC: divergent transitions per chain in the sampling phase; ``None`` for
        Metropolis–Hastings.
    step_size : (n_chains,) ndarray
        HMC: the leapfrog step ``ε`` used in the sampling phase (after
        adaptation when it was on).  Metropolis–Hastings: the random-walk
        multiplier ``λ`` in ``x' = x + λ L z`` (for a scalar ``proposal_scale``
        ``L = I`` and ``λ`` starts at ``proposal_scale``; NaN for a custom
        proposal).
    method : str
        ``'metropolis_hastings'`` or ``'hmc'``.
    burn_in, thin : int
        The run's settings.
    n_divergent_burn_in : (n_chains,) ndarray of int or None
        HMC divergences during the burn-in (adaptation), reported separately.
    """

    def __init__(self, samples, logpdf_values, acceptance_rate, *, method, step_size,
                 burn_in, thin, n_divergent=None, n_divergent_burn_in=None):
        self.samples = samples
        self.logpdf_values = logpdf_values
        self.acceptance_rate = acceptance_rate
        self.n_divergent = n_divergent
        self.n_divergent_burn_in = n_divergent_burn_in
        self.step_size = step_size
        self.method = method
        self.burn_in = burn_in
        self.thin = thin

    @property
    def n_chains(self) -> int:
        """Number of chains."""
        return self.samples.shape[0]

    @property
    def n_draws(self) -> int:
        """Kept draws per chain."""
        return self.samples.shape[1]

    @property
    def dim(self) -> int:
        """Dimension ``d`` of the target."""
        return self.samples.shape[2]

    @property
    def flat(self) -> np.ndarray:
        """All chains' draws stacked: shape ``(n_chains * n_draws, d)``."""
        return self.samples.reshape(-1, self.samples.shape[2])

    def chain(self, i: int) -> np.ndarray:
        """The draws of chain ``i``: shape ``(n_draws, d)``."""
        i = check_int(i, "i", minimum=-self.n_chains, maximum=self.n_chains - 1)
        return self.samples[i]

    def summary(self, quantiles=(0.05, 0.5, 0.95), names=None) -> "MCMCSummary":
        """Per-dimension posterior summary (see :func:`mcmc_summary`)."""
        return mcmc_summary(self.samples, quantiles=quantiles, names=names)

    def __repr__(self) -> str:
        lines = [f"MCMCResult(method={self.method!r}, n_chains={self.n_chains}, "
                 f"n_draws={self.n_draws}, dim={self.dim}, burn_in={self.burn_in}, "
                 f"thin={self.thin})",
                 f"  acceptance_rate = {_fmt(self.acceptance_rate, 3)}",
                 f"  step_size       = {_fmt(self.step_size, 4)}"]
        if self.n_divergent is not None:
            lines.append(f"  n_divergent     = {_fmt(self.n_divergent)}")
        return "\n".join(lines)


class MCMCSummary:
    r"""Per-dimension summary of MCMC draws (rows: dimensions).

    Attributes
    ----------
    names : list of str
        Row labels (``x[0]``, ``x[1]``, ... unless given).
    mean, sd : (d,) ndarray
        Mean and standard deviation (``ddof=1``) over all chains' draws.
    quantile_levels : tuple of float
        The probabilities of ``quantiles``.
    quantiles : (d, len(quantile_levels)) ndarray
        Empirical quantiles of the pooled draws (linear interpolation).
    mcse_mean : (d,) ndarray
        Monte Carlo standard error of the mean, ``sd / sqrt(ESS_mean)``.
    ess_bulk, ess_tail : (d,) ndarray
        Bulk (rank-normalised split) and tail (5 % / 95 % quantile) ESS.
    r_hat : (d,) ndarray
        Split R-hat (Stan's formula, :func:`split_rhat`).
    """

    def __init__(self, names, mean, sd, quantile_levels, quantiles, mcse_mean, ess_bulk,
                 ess_tail, r_hat):
        self.names = names
        self.mean = mean
        self.sd = sd
        self.quantile_levels = quantile_levels
        self.quantiles = quantiles
        self.mcse_mean = mcse_mean
        self.ess_bulk = ess_bulk
        self.ess_tail = ess_tail
        self.r_hat = r_hat

    def to_dict(self) -> dict:
        """Column name → (d,) array, quantile columns named ``'q5%'`` etc."""
        out = {"mean": self.mean, "sd": self.sd}
        for j, q in enumerate(self.quantile_levels):
            out[f"q{100 * q:g}%"] = self.quantiles[:, j]
        out.update(mcse_mean=self.mcse_mean, ess_bulk=self.ess_bulk, ess_tail=self.ess_tail,
                   r_hat=self.r_hat)
        return out

    def __str__(self) -> str:
        cols = self.to_dict()
        header = ["", *cols]
        rows = [header]
        for i, name in enumerate(self.names):
            row = [name]
            for key, col in cols.items():
                v = float(col[i])
                if key.startswith("ess"):
                    row.append("nan" if not np.isfinite(v) else f"{v:.0f}")
                elif key == "r_hat":
                    row.append(f"{v:.3f}")
                else:
                    row.append(f"{v:.4g}")
            rows.append(row)
        widths = [max(len(r[j]) for r in rows) for j in range(len(header))]
        return "\n".join("  ".join(c.rjust(w) if j else c.ljust(w)
                                   for j, (c, w) in enumerate(zip(r, widths))) for r in rows)

    __repr__ = __str__


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------
def _check_callable(f, name: str) -> None:
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__}")


def _start(x0, n_chains: int):
    """(n_chains, d) starting points and whether the target is scalar."""
    x = as_float_array(x0, "x0", ndim=(0, 1, 2), dtype=np.float64)
    if x.ndim == 0:
        return np.full((n_chains, 1), float(x)), True
    if x.ndim == 1:
        if x.size == 0:
            raise ValueError("x0 must hold at least one coordinate, got an empty array")
        return np.tile(x, (n_chains, 1)), False
    if x.shape[0] != n_chains or x.shape[1] == 0:
        raise ValueError(f"x0 of shape {x.shape} must be (n_chains, d) = ({n_chains}, d) "
                         "with d >= 1 (one starting point per chain)")
    return x.copy(), False


def _common(logpdf, n_samples, n_chains, burn_in, thin):
    _check_callable(logpdf, "logpdf")
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    n_chains = check_int(n_chains, "n_chains", minimum=1)
    burn_in = check_int(burn_in, "burn_in", minimum=0)
    thin = check_int(thin, "thin", minimum=1)
    return n_samples, n_chains, burn_in, thin


def _target_accept(value, name: str) -> float:
    value = check_real(value, name)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be in (0, 1), got {value}")
    return value


def _proposal_factor(proposal_scale, d: int):
    """Split proposal_scale into (λ0, L): x' = x + λ (L z); L None means identity."""
    if isinstance(proposal_scale, Real) and not isinstance(proposal_scale, (bool, np.bool_)):
        return check_real(proposal_scale, "proposal_scale", positive=True), None, "scalar"
    S = as_float_array(proposal_scale, "proposal_scale", ndim=(0, 1, 2), dtype=np.float64)
    if S.ndim == 0:
        return check_real(float(S), "proposal_scale", positive=True), None, "scalar"
    if S.ndim == 1:
        if S.shape != (d,):
            raise ValueError(f"proposal_scale as a vector must have one entry per dimension "
                             f"(shape ({d},)), got shape {S.shape}")
        if np.any(S <= 0):
            raise ValueError(f"proposal_scale must be > 0 in every dimension, got {S}")
        return 1.0, S.copy(), "diagonal"
    if S.shape != (d, d):
        raise ValueError(f"proposal_scale as a covariance matrix must have shape ({d}, {d}), "
                         f"got shape {S.shape}")
    if not np.allclose(S, S.T, rtol=1e-10, atol=0.0):
        raise ValueError("proposal_scale as a covariance matrix must be symmetric")
    from ..exceptions import LinAlgError
    from ..linalg.cholesky import cholesky
    try:
        with silenced():
            L = cholesky(S)
    except LinAlgError as exc:
        raise ValueError("proposal_scale as a covariance matrix must be positive definite: "
                         f"{exc}") from None
    return 1.0, L, "cholesky"


# ---------------------------------------------------------------------------
# The target: log π (and ∇ log π) evaluated for every chain
# ---------------------------------------------------------------------------
class _Target:
    """Evaluate log π and its gradient on a (n_chains, d) batch of points."""

    def __init__(self, logpdf, *, scalar: bool, vectorized: bool, n_chains: int, d: int,
                 grad_logpdf=None, need_grad: bool = False):
        self.logpdf = logpdf
        self.scalar = scalar
        self.vectorized = bool(vectorized)
        self.n = n_chains
        self.d = d
        self.grad_logpdf = grad_logpdf
        self._vg = None
        from ..calculus.autodiff.tensor import Tensor
        self._Tensor = Tensor
        if need_grad and grad_logpdf is None:
            from ..calculus.autodiff.functional import value_and_grad
            if self.vectorized:
                def total(X):
                    v = logpdf(X)
                    return v.sum(), v
                self._vg = value_and_grad(total, has_aux=True)
            else:
                self._vg = value_and_grad(logpdf)

    # -- shapes ------------------------------------------------------------
    def batch(self, X):
        """What a vectorised logpdf or a custom proposal sees."""
        return X[:, 0] if self.scalar else X

    def _point(self, X, c):
        return X[c, 0] if self.scalar else X[c]

    def _scalar_value(self, v):
        if isinstance(v, float):
            return v
        if isinstance(v, self._Tensor):
            v = v.data
        a = np.asarray(v)
        if a.dtype.kind not in "fiu":
            raise TypeError(f"logpdf must return a number, got {type(v).__name__}")
        if a.size != 1:
            raise ValueError(f"logpdf must return a single number per point, got shape {a.shape}")
        return float(a.reshape(-1)[0])

    def _batch_values(self, v):
        if isinstance(v, self._Tensor):
            v = v.data
        a = np.asarray(v, dtype=np.float64)
        if a.shape != (self.n,):
            a = a.reshape(-1) if a.size == self.n else a
            if a.shape != (self.n,):
                raise ValueError("logpdf with vectorized=True must return one value per chain, "
                                 f"shape ({self.n},), got shape {np.shape(v)}")
        return a

    def _grad_array(self, g, vectorized: bool):
        if isinstance(g, self._Tensor):
            g = g.data
        g = np.asarray(g, dtype=np.float64)
        want = (self.n, self.d) if vectorized else (self.d,)
        if g.size != (self.n * self.d if vectorized else self.d):
            raise ValueError(f"grad_logpdf must return the gradient with the point's shape "
                             f"({'(n_chains, d)' if vectorized else '(d,)'}), got shape {g.shape}")
        return g.reshape(want)

    # -- evaluations ---------------------------------------------------------
    def value(self, X) -> np.ndarray:
        with silenced():
            if self.vectorized:
                return self._batch_values(self.logpdf(self.batch(X)))
            out = np.empty(self.n)
            for c in range(self.n):
                out[c] = self._scalar_value(self.logpdf(self._point(X, c)))
            return out

    def grad(self, X) -> np.ndarray:
        if self.grad_logpdf is None:
            return self.value_and_grad(X)[1]
        with silenced():
            if self.vectorized:
                return self._grad_array(self.grad_logpdf(self.batch(X)), True)
            G = np.empty((self.n, self.d))
            for c in range(self.n):
                G[c] = self._grad_array(self.grad_logpdf(self._point(X, c)), False)
            return G

    def value_and_grad(self, X):
        if self.grad_logpdf is not None:
            return self.value(X), self.grad(X)
        with silenced():
            if self.vectorized:
                (_, v), G = self._vg(self.batch(X))
                return self._batch_values(v), self._grad_array(G, True)
            lp = np.empty(self.n)
            G = np.empty((self.n, self.d))
            for c in range(self.n):
                v, g = self._vg(self._point(X, c))
                lp[c] = self._scalar_value(v)
                G[c] = self._grad_array(g, False)
            return lp, G


def _point_text(X, c: int, scalar: bool) -> str:
    if scalar:
        return repr(float(X[c, 0]))
    return np.array2string(X[c], separator=", ", threshold=10)


def _check_values(lp, X, what: str, scalar: bool) -> None:
    """NaN or +inf from logpdf is a bug in logpdf: name the point."""
    bad = np.isnan(lp) | (lp == np.inf)
    if bad.any():
        c = int(np.flatnonzero(bad)[0])
        raise ValueError(f"logpdf returned {lp[c]} at the {what} x = {_point_text(X, c, scalar)} "
                         f"(chain {c}); "
                         "return -inf outside the support and a finite value inside it")


def _check_start(lp, X, scalar: bool) -> None:
    _check_values(lp, X, "starting point", scalar)
    bad = lp == -np.inf
    if bad.any():
        c = int(np.flatnonzero(bad)[0])
        raise ValueError(f"logpdf(x0) is -inf at x0 = {_point_text(X, c, scalar)} (chain {c}): "
                         "the starting "
                         "point lies outside the target's support")


def _show(a, n_chains):
    """How an explanation shows a per-chain array: drop the chain axis for one chain."""
    return a[0] if n_chains == 1 else a


def _run(transition, *, burn_in, n_samples, thin, n_chains, d, state, end_burn_in):
    """Drive the chains: burn-in, then sampling with thinning; count acceptances."""
    samples = np.empty((n_chains, n_samples, d))
    logps = np.empty((n_chains, n_samples))
    accepted = np.zeros(n_chains)
    divergent = np.zeros(n_chains, dtype=np.int64)
    divergent_burn = np.zeros(n_chains, dtype=np.int64)
    if burn_in:
        with section("Burn-in"):
            for k in range(burn_in):
                acc, div = transition(k, "burn-in")
                divergent_burn += div
    end_burn_in()
    with section("Sampling"):
        j = 0
        for k in range(n_samples * thin):
            acc, div = transition(k, "sampling")
            accepted += acc
            divergent += div
            if (k + 1) % thin == 0:
                samples[:, j] = state["x"]
                logps[:, j] = state["lp"]
                j += 1
    rate = accepted / (n_samples * thin)
    return samples, logps, rate, divergent, divergent_burn


# ---------------------------------------------------------------------------
# Random-walk Metropolis–Hastings
# ---------------------------------------------------------------------------
def metropolis_hastings(logpdf, x0, n_samples, *, proposal_scale=1.0, n_chains=1, burn_in=0,
                        thin=1, rng=None, adapt=False, target_accept=None, proposal=None,
                        vectorized=False) -> MCMCResult:
    r"""Random-walk Metropolis–Hastings sampling from an unnormalised log-density.

    Parameters
    ----------
    logpdf : callable
        ``log π(x)`` up to an additive constant; ``-inf`` outside the support.
        Receives one point — a scalar for a scalar ``x0``, else a ``(d,)``
        array — or, with ``vectorized=True``, all chains at once
        (``(n_chains,)`` or ``(n_chains, d)``) returning ``(n_chains,)``.
    x0 : float, (d,) or (n_chains, d) array_like
        Starting point (shared by all chains) or one per chain.
    n_samples : int
        Draws kept per chain (>= 1).
    proposal_scale : float, (d,) or (d, d) array_like, default 1.0
        Random-walk step: a scalar ``s`` (``x' = x + s z``), per-dimension
        scales ``s`` (``x' = x + s ⊙ z``) or a proposal covariance ``Σ``
        (``x' = x + L z`` with ``Σ = L Lᵀ`` by :func:`mathforml.linalg.cholesky`).
    n_chains : int, default 1
        Independent chains, advanced together (vectorised).
    burn_in : int, default 0
        Transitions discarded before sampling (the adaptation window when
        ``adapt`` is on).
    thin : int, default 1
        Keep every ``thin``-th transition after burn-in.
    rng : None, int or numpy.random.Generator
        Randomness (fixed seed → reproducible chains).
    adapt : bool, default False
        During burn-in, tune a per-chain multiplier ``λ`` of the step toward
        ``target_accept`` (Robbins–Monro on ``log λ``); frozen afterwards so
        the sampling phase is a proper Markov chain.
    target_accept : float, optional
        Acceptance rate that ``adapt`` aims at; default 0.44 for ``d = 1`` and
        0.234 otherwise (the optimal rates of Roberts, Gelman & Gilks).
    proposal : callable, optional
        Custom **symmetric** proposal ``proposal(x, rng) -> x'`` on the batch
        ``x`` (``(n_chains,)`` for a scalar target, else ``(n_chains, d)``);
        ``proposal_scale`` is then unused.  Symmetry
        ``q(x' | x) = q(x | x')`` is the caller's promise: the acceptance
        ratio has no Hastings correction.
    vectorized : bool, default False
        ``logpdf`` takes all chains at once.

    Returns
    -------
    MCMCResult
        ``samples`` ``(n_chains, n_samples, d)``, ``acceptance_rate``
        ``(n_chains,)``, ``step_size`` (the final ``λ``), ``n_divergent`` None.

    Raises
    ------
    TypeError
        ``logpdf`` (or ``proposal``) not callable; non-integer counts.
    ValueError
        ``n_samples < 1``, ``proposal_scale <= 0`` or a covariance that is not
        positive definite, ``logpdf(x0) = -inf``, NaN from ``logpdf`` (the
        message names the point), ``adapt`` without burn-in or with a custom
        proposal.

    Notes
    -----
    Each transition, for every chain at once::

        x'        = x + λ L z,            z ~ N(0, I)
        log α     = log π(x') − log π(x)
        u         = 1 − U,                U ~ Uniform[0, 1)   (u ∈ (0, 1], log u finite)
        accept    ⇔  log u < log α       (x ← x', else x stays)

    The proposal is symmetric, so the Hastings ratio ``q(x|x')/q(x'|x)`` is 1
    and ``π``'s normalising constant cancels.  Log space avoids overflow of
    ``π(x')/π(x)``; ``log π(x') = -inf`` gives ``log α = -inf``, always a
    rejection.  Adaptation (Andrieu & Thoms 2008, sec. 5):
    ``log λ ← log λ + γ_k (α_k − α*)`` with ``α_k = min(1, e^{log α})`` and
    ``γ_k = (k + 1)^{-0.6}`` during burn-in only.

    Under :func:`mathforml.explain` each transition records the current point,
    the proposal, ``log α``, ``u`` and the decision (bounded by the recorder's
    iteration policy), in sections "Burn-in" and "Sampling".

    References
    ----------
    Metropolis et al., "Equation of state calculations by fast computing
    machines", J. Chem. Phys. 21 (1953); Hastings, Biometrika 57 (1970);
    Roberts, Gelman & Gilks, Ann. Appl. Probab. 7 (1997); Andrieu & Thoms,
    "A tutorial on adaptive MCMC", Stat. Comput. 18 (2008).

    Examples
    --------
    Beta(3, 5) known up to a constant (``x² (1 − x)⁴`` on (0, 1)); its mean is 3/8:

    >>> import numpy as np
    >>> def logpdf(x):
    ...     return 2 * np.log(x) + 4 * np.log1p(-x) if 0 < x < 1 else -np.inf
    >>> res = metropolis_hastings(logpdf, 0.5, 4000, proposal_scale=0.3, n_chains=2,
    ...                           burn_in=200, rng=1)
    >>> res.samples.shape
    (2, 4000, 1)
    >>> bool(abs(res.samples.mean() - 3 / 8) < 0.02)
    True
    """
    n_samples, n_chains, burn_in, thin = _common(logpdf, n_samples, n_chains, burn_in, thin)
    X, scalar = _start(x0, n_chains)
    d = X.shape[1]
    if proposal is not None:
        _check_callable(proposal, "proposal")
        if adapt:
            raise ValueError("adapt=True tunes the random-walk scale and cannot be combined "
                             "with a custom proposal")
        lam0, L, kind = float("nan"), None, "custom"
    else:
        lam0, L, kind = _proposal_factor(proposal_scale, d)
    adapt = bool(adapt)
    if adapt and burn_in == 0:
        raise ValueError("adapt=True adapts during the burn-in: burn_in must be > 0, got 0")
    alpha_star = (_target_accept(target_accept, "target_accept") if target_accept is not None
                  else (0.44 if d == 1 else 0.234))
    rng = as_rng(rng)
    target = _Target(logpdf, scalar=scalar, vectorized=vectorized, n_chains=n_chains, d=d)

    lp = target.value(X)
    _check_start(lp, X, scalar)
    log_lam = np.full(n_chains, np.log(lam0) if kind != "custom" else 0.0)
    record = active()
    if record:
        step("Setup", "x' = x + λ L z,  accept if log u < log π(x') − log π(x)",
             x0=_show(X, n_chains), logpdf_x0=_show(lp, n_chains), proposal=kind,
             lam=float(lam0), L=(np.eye(d) if L is None else (np.diag(L) if L.ndim == 1 else L)),
             n_chains=n_chains, burn_in=burn_in, thin=thin, adapt=adapt)
    state = {"x": X, "lp": lp}
    formula = "log α = log π(x') − log π(x); accept if log u < log α"

    def transition(k, phase):
        x, lpx = state["x"], state["lp"]
        if kind == "custom":
            xb = target.batch(x)
            out = np.asarray(proposal(xb.copy(), rng), dtype=np.float64)
            if out.shape != xb.shape:
                raise ValueError(f"proposal must return an array of shape {xb.shape} "
                                 f"(like its input), got shape {out.shape}")
            x_prop = out.reshape(n_chains, d)
        else:
            z = rng.standard_normal((n_chains, d))
            Lz = z if L is None else (z * L if L.ndim == 1 else z @ L.T)
            x_prop = x + np.exp(log_lam)[:, None] * Lz
        lp_prop = target.value(x_prop)
        _check_values(lp_prop, x_prop, "proposed point", scalar)
        log_alpha = lp_prop - lpx
        log_u = np.log1p(-rng.random(n_chains))
        accept = log_u < log_alpha
        if record:
            step("Metropolis step", formula, iteration=k, phase=phase,
                 x=_show(x, n_chains), proposal=_show(x_prop, n_chains),
                 log_alpha=_show(log_alpha, n_chains), u=_show(np.exp(log_u), n_chains),
                 accepted=_show(accept, n_chains))
        if adapt and phase == "burn-in":
            with np.errstate(over="ignore"):
                alpha = np.exp(np.minimum(log_alpha, 0.0))
            log_lam[:] += (k + 1.0) ** -0.6 * (alpha - alpha_star)
        state["x"] = np.where(accept[:, None], x_prop, x)
        state["lp"] = np.where(accept, lp_prop, lpx)
        return accept, 0

    def end_burn_in():
        if record and adapt:
            step("Adaptation frozen", "λ after Robbins–Monro on log λ toward α*",
                 lam=_show(np.exp(log_lam), n_chains), target_accept=alpha_star)

    samples, logps, rate, _, _ = _run(transition, burn_in=burn_in, n_samples=n_samples,
                                      thin=thin, n_chains=n_chains, d=d, state=state,
                                      end_burn_in=end_burn_in)
    lam = np.exp(log_lam) if kind != "custom" else np.full(n_chains, np.nan)
    if record:
        step("Result", "acceptance rate = accepted / transitions after burn-in",
             acceptance_rate=_show(rate, n_chains), n_draws=n_samples, step_size=_show(lam, n_chains))
    return MCMCResult(samples, logps, rate, method="metropolis_hastings", step_size=lam,
                      burn_in=burn_in, thin=thin)


# ---------------------------------------------------------------------------
# Hamiltonian Monte Carlo
# ---------------------------------------------------------------------------
def _leapfrog_batch(q, p, g, eps, n_steps, inv_mass, target):
    """Leapfrog on a (n_chains, d) batch; returns (q, p, log π(q), ∇ log π(q))."""
    p = p + 0.5 * eps * g
    for i in range(n_steps):
        q = q + eps * (inv_mass * p)
        if i < n_steps - 1:
            g = target.grad(q)
            p = p + eps * g
    lp, g = target.value_and_grad(q)
    p = p + 0.5 * eps * g
    return q, p, lp, g


def leapfrog(grad_logpdf, q, p, step_size, n_steps, *, mass=None):
    r"""Simulate Hamiltonian dynamics with the leapfrog (Störmer–Verlet) integrator.

    Parameters
    ----------
    grad_logpdf : callable
        ``∇ log π(q)``, returning an array of ``q``'s shape.
    q, p : array_like
        Position and momentum, same shape.
    step_size : float
        ``ε > 0``.
    n_steps : int
        Number of leapfrog steps ``L >= 1`` (trajectory length ``L ε``).
    mass : float or array_like, optional
        Diagonal mass ``M`` (broadcast against ``q``); identity by default.

    Returns
    -------
    q, p : ndarray
        The state after ``L`` steps.

    Notes
    -----
    With ``H(q, p) = −log π(q) + ½ pᵀ M⁻¹ p``, each step is::

        p ← p + (ε/2) ∇log π(q)     (half step in momentum)
        q ← q + ε M⁻¹ p             (full step in position)
        p ← p + (ε/2) ∇log π(q)     (half step in momentum)

    (consecutive half steps merged into full ones).  The map is symplectic
    and time-reversible — negating ``p`` and integrating again returns to the
    start — and its energy error is ``O(ε²)`` over a fixed trajectory length,
    which is why HMC's Metropolis correction accepts most proposals.

    References
    ----------
    Neal, "MCMC using Hamiltonian dynamics" (2011), sec. 5.2.3; Hairer, Lubich
    & Wanner, *Geometric Numerical Integration*, ch. I.

    Examples
    --------
    One step of size 0.5 on ``π ∝ exp(−q²/2)`` (``∇log π = −q``) from
    ``(q, p) = (1, 0)``: ``p = −0.25``, ``q = 1 − 0.125 = 0.875``,
    ``p = −0.25 − 0.21875 = −0.46875``.

    >>> q, p = leapfrog(lambda q: -q, 1.0, 0.0, 0.5, 1)
    >>> float(q), float(p)
    (0.875, -0.46875)
    """
    _check_callable(grad_logpdf, "grad_logpdf")
    eps = check_real(step_size, "step_size", positive=True)
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    q = as_float_array(q, "q", dtype=np.float64, copy=True)
    p = as_float_array(p, "p", dtype=np.float64, copy=True)
    if q.shape != p.shape:
        raise ValueError(f"q and p must have the same shape, got {q.shape} and {p.shape}")
    inv_mass = 1.0 if mass is None else 1.0 / _mass(mass, q.shape)
    q0, p0 = q.copy(), p.copy()

    def g(x):
        with silenced():
            return np.asarray(grad_logpdf(x), dtype=np.float64).reshape(q.shape)

    p = p + 0.5 * eps * g(q)
    for i in range(n_steps):
        q = q + eps * (inv_mass * p)
        p = p + (eps if i < n_steps - 1 else 0.5 * eps) * g(q)
    step("Leapfrog", "p ← p + ε/2 ∇log π(q); q ← q + ε M⁻¹ p; p ← p + ε/2 ∇log π(q)",
         q0=q0, p0=p0, q=q, p=p, step_size=eps, n_steps=n_steps)
    return q, p


def _mass(mass, shape):
    m = as_float_array(mass, "mass", dtype=np.float64)
    if m.ndim > 1:
        raise ValueError(f"mass must be a scalar or the diagonal of M (a vector), got shape "
                         f"{m.shape}; a dense mass matrix is not supported")
    if np.any(m <= 0):
        raise ValueError(f"mass must be > 0, got {m if m.ndim else float(m)}")
    if m.ndim == 1 and (not len(shape) or m.shape[0] != shape[-1]):
        raise ValueError(f"mass must have one entry per dimension "
                         f"({shape[-1] if len(shape) else 'a scalar q takes a scalar mass'}), "
                         f"got shape {m.shape}")
    return m


def hmc(logpdf, x0, n_samples, *, step_size=0.1, n_leapfrog=20, grad_logpdf=None, mass=None,
        n_chains=1, burn_in=0, thin=1, rng=None, adapt_step_size=False, target_accept=0.8,
        vectorized=False) -> MCMCResult:
    r"""Hamiltonian Monte Carlo with a fixed number of leapfrog steps.

    Parameters
    ----------
    logpdf : callable
        ``log π(x)`` up to a constant (same conventions as
        :func:`metropolis_hastings`).  Without ``grad_logpdf`` it is
        differentiated by :func:`mathforml.calculus.value_and_grad`, so write
        it with NumPy ufuncs, ``@`` and the operations of
        :mod:`mathforml.calculus` (not the ``math`` module).
    x0 : float, (d,) or (n_chains, d) array_like
        Starting point(s).
    n_samples : int
        Draws kept per chain (>= 1).
    step_size : float, default 0.1
        Leapfrog step ``ε > 0`` (the initial one when adapting).
    n_leapfrog : int, default 20
        Leapfrog steps per transition ``L >= 1``.
    grad_logpdf : callable, optional
        Hand-written ``∇ log π``, same calling convention as ``logpdf``
        (returns ``(d,)``, or ``(n_chains, d)`` when ``vectorized``).
    mass : float or (d,) array_like, optional
        Diagonal mass matrix ``M`` (identity by default); a good choice is the
        posterior precision's diagonal, ``1 / Var(x_i)``.
    n_chains, burn_in, thin, rng, vectorized
        As in :func:`metropolis_hastings`.
    adapt_step_size : bool, default False
        During burn-in, tune each chain's ``ε`` by dual averaging toward
        ``target_accept``; afterwards use the averaged ``ε̄`` (frozen).
    target_accept : float, default 0.8
        Mean acceptance probability the adaptation aims at.

    Returns
    -------
    MCMCResult
        ``samples`` ``(n_chains, n_samples, d)``, ``acceptance_rate``,
        ``n_divergent`` (sampling phase; ``n_divergent_burn_in`` separately)
        and ``step_size`` ``(n_chains,)``.

    Raises
    ------
    TypeError
        Non-callable ``logpdf``/``grad_logpdf``, non-integer counts.
    ValueError
        ``step_size <= 0``, ``n_leapfrog < 1``, ``n_samples < 1``, bad
        ``mass``, ``logpdf(x0)`` not finite, ``adapt_step_size`` without
        burn-in.

    Notes
    -----
    Each transition, for every chain at once::

        p ~ N(0, M)                                  (fresh momentum)
        H(q, p) = −log π(q) + ½ pᵀ M⁻¹ p
        (q*, p*) = leapfrog(q, p, ε, L)              (see :func:`leapfrog`)
        ΔH = H(q*, p*) − H(q, p)                     (energy error)
        accept ⇔ log u < −ΔH,  u ∈ (0, 1]

    A transition with ``ΔH > 1000`` or non-finite is *divergent*
    (the trajectory left a region the integrator can follow, or stepped
    outside the support): it is rejected and counted.  Dual averaging
    (Hoffman & Gelman 2014, Alg. 5; ``γ = 0.05, t₀ = 10, κ = 0.75,
    μ = log(10 ε₀)``) with ``α_m = min(1, e^{−ΔH})``::

        H̄_m = (1 − 1/(m + t₀)) H̄_{m−1} + (δ − α_m)/(m + t₀)
        log ε_m = μ − √m H̄_m / γ
        log ε̄_m = m^{−κ} log ε_m + (1 − m^{−κ}) log ε̄_{m−1}

    With a fixed trajectory length ``L ε`` close to a multiple of a
    half-period of the target's oscillation the chain can be slow (the
    trajectory comes back near its start); vary ``L ε`` if the ESS is low.

    Under :func:`mathforml.explain` each transition records the current point,
    the proposal, the energy error ``ΔH``, ``u`` and the decision.

    References
    ----------
    Duane, Kennedy, Pendleton & Roweth, "Hybrid Monte Carlo", Phys. Lett. B
    195 (1987); Neal, "MCMC using Hamiltonian dynamics", *Handbook of MCMC*
    (2011); Hoffman & Gelman, JMLR 15 (2014); Betancourt, "A conceptual
    introduction to Hamiltonian Monte Carlo" (2017).

    Examples
    --------
    A standard normal; the gradient ``−x`` comes from autodiff:

    >>> res = hmc(lambda x: -0.5 * x ** 2, 0.0, 500, step_size=0.3, n_leapfrog=5, rng=0)
    >>> res.samples.shape, int(res.n_divergent[0])
    ((1, 500, 1), 0)
    >>> bool(res.acceptance_rate[0] > 0.9 and abs(res.samples.mean()) < 0.2)
    True
    """
    n_samples, n_chains, burn_in, thin = _common(logpdf, n_samples, n_chains, burn_in, thin)
    eps0 = check_real(step_size, "step_size", positive=True)
    n_leapfrog = check_int(n_leapfrog, "n_leapfrog", minimum=1)
    if grad_logpdf is not None:
        _check_callable(grad_logpdf, "grad_logpdf")
    X, scalar = _start(x0, n_chains)
    d = X.shape[1]
    m = np.ones(d) if mass is None else np.broadcast_to(_mass(mass, (d,)), (d,)).astype(float)
    inv_mass = 1.0 / m
    sqrt_mass = np.sqrt(m)
    adapt = bool(adapt_step_size)
    if adapt and burn_in == 0:
        raise ValueError("adapt_step_size=True adapts during the burn-in: burn_in must be > 0, "
                         "got 0")
    delta = _target_accept(target_accept, "target_accept")
    rng = as_rng(rng)
    target = _Target(logpdf, scalar=scalar, vectorized=vectorized, n_chains=n_chains, d=d,
                     grad_logpdf=grad_logpdf, need_grad=True)

    lp, G = target.value_and_grad(X)
    _check_start(lp, X, scalar)
    if not np.all(np.isfinite(G)):
        c = int(np.flatnonzero(~np.isfinite(G).all(axis=1))[0])
        raise ValueError(f"the gradient of logpdf is not finite at x0 = "
                         f"{_point_text(X, c, scalar)} (chain {c})")
    eps = np.full(n_chains, eps0)
    # dual-averaging state (Hoffman & Gelman 2014, Alg. 5)
    mu, gamma, t0, kappa = np.log(10 * eps0), 0.05, 10.0, 0.75
    H_bar = np.zeros(n_chains)
    log_eps_bar = np.zeros(n_chains)
    record = active()
    if record:
        step("Setup", "H(q, p) = −log π(q) + ½ pᵀ M⁻¹ p",
             x0=_show(X, n_chains), logpdf_x0=_show(lp, n_chains), grad_x0=_show(G, n_chains),
             step_size=eps0, n_leapfrog=n_leapfrog, mass=m,
             gradient="hand-written" if grad_logpdf is not None else "autodiff",
             adapt_step_size=adapt)
    state = {"x": X, "lp": lp, "g": G}
    formula = "ΔH = H(q*, p*) − H(q, p); accept if log u < −ΔH (divergent if ΔH > 1000)"

    def transition(k, phase):
        q, lpq, g = state["x"], state["lp"], state["g"]
        p = sqrt_mass * rng.standard_normal((n_chains, d))
        H0 = -lpq + 0.5 * np.sum(p * p * inv_mass, axis=1)
        with np.errstate(all="ignore"):
            q1, p1, lp1, g1 = _leapfrog_batch(q, p, g, eps[:, None], n_leapfrog, inv_mass,
                                              target)
            H1 = -lp1 + 0.5 * np.sum(p1 * p1 * inv_mass, axis=1)
            dH = H1 - H0
        divergent = ~np.isfinite(dH) | (dH > DIVERGENCE_THRESHOLD)
        log_u = np.log1p(-rng.random(n_chains))
        accept = (log_u < -dH) & ~divergent
        if record:
            step("HMC step", formula, iteration=k, phase=phase, x=_show(q, n_chains),
                 proposal=_show(q1, n_chains), energy_error=_show(dH, n_chains),
                 u=_show(np.exp(log_u), n_chains), accepted=_show(accept, n_chains),
                 divergent=_show(divergent, n_chains), step_size=_show(eps, n_chains))
        if adapt and phase == "burn-in":
            with np.errstate(over="ignore", invalid="ignore"):
                alpha = np.where(divergent, 0.0, np.exp(np.minimum(-dH, 0.0)))
            mm = k + 1.0
            H_bar[:] = (1 - 1 / (mm + t0)) * H_bar + (delta - alpha) / (mm + t0)
            log_eps = mu - np.sqrt(mm) / gamma * H_bar
            eta = mm ** -kappa
            log_eps_bar[:] = eta * log_eps + (1 - eta) * log_eps_bar
            eps[:] = np.exp(log_eps)
        state["x"] = np.where(accept[:, None], q1, q)
        state["lp"] = np.where(accept, lp1, lpq)
        state["g"] = np.where(accept[:, None], g1, g)
        return accept, divergent

    def end_burn_in():
        if adapt:
            eps[:] = np.exp(log_eps_bar)
            if record:
                step("Adaptation frozen", "ε = exp(log ε̄) from dual averaging",
                     step_size=_show(eps, n_chains), target_accept=delta)

    samples, logps, rate, n_div, n_div_burn = _run(
        transition, burn_in=burn_in, n_samples=n_samples, thin=thin, n_chains=n_chains, d=d,
        state=state, end_burn_in=end_burn_in)
    if record:
        step("Result", "acceptance rate = accepted / transitions after burn-in",
             acceptance_rate=_show(rate, n_chains), n_divergent=_show(n_div, n_chains),
             n_draws=n_samples, step_size=_show(eps, n_chains))
    return MCMCResult(samples, logps, rate, method="hmc", step_size=eps.copy(), burn_in=burn_in,
                      thin=thin, n_divergent=n_div, n_divergent_burn_in=n_div_burn)


# ---------------------------------------------------------------------------
# Diagnostics
# ---------------------------------------------------------------------------
def _as_chains(chains, name: str = "chains") -> np.ndarray:
    """(n_chains, n_draws) float64 array from (n_draws,) or (n_chains, n_draws)."""
    x = as_float_array(chains, name, ndim=(1, 2), dtype=np.float64)
    return x[None, :] if x.ndim == 1 else x


def _need_draws(x: np.ndarray, minimum: int, who: str) -> None:
    if x.shape[1] < minimum:
        raise ValueError(f"{who} needs at least {minimum} draws per chain, got {x.shape[1]}")


def _autocov(x: np.ndarray) -> np.ndarray:
    """Biased autocovariance along the last axis by FFT: c_t = (1/n) Σ (x_i − x̄)(x_{i+t} − x̄)."""
    n = x.shape[-1]
    xc = x - x.mean(axis=-1, keepdims=True)
    nfft = 1 << int(2 * n - 1).bit_length()   # zero-pad to >= 2n: no circular wrap-around
    f = np.fft.rfft(xc, n=nfft, axis=-1)
    return np.fft.irfft(f * np.conj(f), n=nfft, axis=-1)[..., :n] / n


def autocorrelation(x, max_lag=None) -> np.ndarray:
    r"""Sample autocorrelation function of one chain or of each of several chains.

    Parameters
    ----------
    x : (n_draws,) or (n_chains, n_draws) array_like
        Draws (at least 2 per chain).
    max_lag : int, optional
        Largest lag returned (``0 <= max_lag <= n_draws - 1``); all by default.

    Returns
    -------
    rho : (max_lag + 1,) or (n_chains, max_lag + 1) ndarray
        ``rho[..., t]``; ``rho[..., 0] = 1``.  NaN for a constant chain
        (zero variance: undefined).

    Notes
    -----
    ``c_t = (1/n) Σ_{i=0}^{n-1-t} (x_i − x̄)(x_{i+t} − x̄)`` (the biased,
    positive semi-definite estimator used by Stan and ArviZ) and
    ``rho_t = c_t / c_0``.  All lags at once by FFT:
    ``c = IFFT(|FFT(x − x̄)|²) / n`` with zero padding to at least ``2n``
    points so the circular correlation equals the linear one.
    ``O(n log n)`` instead of ``O(n²)``.

    References
    ----------
    Box, Jenkins & Reinsel, *Time Series Analysis*, ch. 2; Geyer, "Practical
    Markov chain Monte Carlo", Statist. Sci. 7 (1992).

    Examples
    --------
    ``x = (1, −1, 1, −1)``: ``x̄ = 0``, ``c_0 = 1``, ``c_1 = −3/4``, ``c_2 = 2/4``, ``c_3 = −1/4``.

    >>> autocorrelation([1.0, -1.0, 1.0, -1.0]).round(12)
    array([ 1.  , -0.75,  0.5 , -0.25])
    """
    X = as_float_array(x, "x", ndim=(1, 2), dtype=np.float64)
    one = X.ndim == 1
    X = X[None, :] if one else X
    n = X.shape[1]
    if n < 2:
        raise ValueError(f"autocorrelation needs at least 2 draws per chain, got {n}")
    if max_lag is None:
        max_lag = n - 1
    max_lag = check_int(max_lag, "max_lag", minimum=0, maximum=n - 1)
    c = _autocov(X)[:, : max_lag + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        c0 = c[:, :1]
        rho = np.where(c0 > 0, c / np.where(c0 > 0, c0, 1.0), np.nan)
    rho[:, 0] = np.where(c0[:, 0] > 0, 1.0, np.nan)
    return rho[0] if one else rho


def _split(x: np.ndarray) -> np.ndarray:
    """Split each chain into its first and second half (dropping the middle draw if n is odd)."""
    half = x.shape[1] // 2
    return np.concatenate([x[:, :half], x[:, x.shape[1] - half:]], axis=0)


def _z_scale(x: np.ndarray) -> np.ndarray:
    """Rank-normalise: z = Φ⁻¹((r − 3/8) / (S + 1/4)), r the pooled average ranks."""
    from scipy.special import erfcinv
    flat = x.ravel()
    _, inv, counts = np.unique(flat, return_inverse=True, return_counts=True)
    avg_rank = np.cumsum(counts) - (counts - 1) / 2.0     # ties share their mean rank
    r = avg_rank[inv].reshape(x.shape)
    prob = (r - 0.375) / (flat.size + 0.25)
    return -np.sqrt(2.0) * erfcinv(2.0 * prob)            # Φ⁻¹(p) = −√2 erfcinv(2p)


def _geyer_ess(x: np.ndarray):
    """Stan/ArviZ ESS of (m, n) chains as given; returns (ess, tau_hat, rho_hat, max_t)."""
    m, n = x.shape
    acov = _autocov(x)
    chain_mean = x.mean(axis=1)
    mean_var = np.mean(acov[:, 0]) * n / (n - 1.0)          # W, the mean within-chain variance
    var_plus = mean_var * (n - 1.0) / n
    if m > 1:
        var_plus += np.var(chain_mean, ddof=1)              # + B/n
    if not var_plus > 0:
        return float("nan"), float("nan"), np.full(1, np.nan), 0
    acov_mean = acov.mean(axis=0)
    rho_hat = np.zeros(n)
    rho_even = 1.0
    rho_hat[0] = rho_even
    rho_odd = 1.0 - (mean_var - acov_mean[1]) / var_plus
    rho_hat[1] = rho_odd
    # Geyer's initial positive sequence: keep pairs P_k = rho_2k + rho_2k+1 while positive
    t = 1
    while t < n - 3 and rho_even + rho_odd > 0.0:
        rho_even = 1.0 - (mean_var - acov_mean[t + 1]) / var_plus
        rho_odd = 1.0 - (mean_var - acov_mean[t + 2]) / var_plus
        if rho_even + rho_odd >= 0.0:
            rho_hat[t + 1] = rho_even
            rho_hat[t + 2] = rho_odd
        t += 2
    max_t = t - 2
    if rho_even > 0:                                        # the improved (antithetic) estimate
        rho_hat[max_t + 1] = rho_even
    # Geyer's initial monotone sequence: pair sums never increase
    t = 1
    while t <= max_t - 2:
        if rho_hat[t + 1] + rho_hat[t + 2] > rho_hat[t - 1] + rho_hat[t]:
            rho_hat[t + 1] = (rho_hat[t - 1] + rho_hat[t]) / 2.0
            rho_hat[t + 2] = rho_hat[t + 1]
        t += 2
    S = m * n
    tau_hat = -1.0 + 2.0 * np.sum(rho_hat[: max_t + 1]) + np.sum(rho_hat[max_t + 1: max_t + 2])
    tau_hat = max(tau_hat, 1.0 / np.log10(S))              # ESS <= S log10 S
    return S / tau_hat, tau_hat, rho_hat[: max_t + 2], max_t


_ESS_METHODS = ("bulk", "tail", "mean", "basic")


def _ess(x: np.ndarray, method: str) -> float:
    """ESS of (m, n) chains without validation or explanation; NaN when undefined."""
    if x.shape[1] < 4 or not np.ptp(x) > 0:
        return float("nan")
    if method == "basic":
        return _geyer_ess(x)[0]
    if method == "mean":
        return _geyer_ess(_split(x))[0]
    if method == "bulk":
        return _geyer_ess(_z_scale(_split(x)))[0]
    lo, hi = np.quantile(x, [0.05, 0.95])
    ess_lo = _indicator_ess(x <= lo)
    ess_hi = _indicator_ess(x >= hi)
    return float(np.fmin(ess_lo, ess_hi))


def _indicator_ess(I: np.ndarray) -> float:
    """Split-chain ESS of a 0/1 indicator (NaN when it is constant)."""
    if I.all() or not I.any():
        return float("nan")
    return _geyer_ess(_split(I.astype(np.float64)))[0]


def effective_sample_size(chains, *, method="bulk") -> float:
    r"""Effective sample size of MCMC draws: how many independent draws they are worth.

    Parameters
    ----------
    chains : (n_draws,) or (n_chains, n_draws) array_like
        Draws of one scalar quantity (at least 4 per chain).
    method : {'bulk', 'mean', 'tail', 'basic'}, default 'bulk'
        * ``'basic'`` — Geyer's estimator on the chains as given (Stan's
          classic ``n_eff``).
        * ``'mean'`` — the same on split chains (each chain cut in half; ArviZ's
          ``method='mean'``): the ESS that sets the Monte Carlo error of the mean.
        * ``'bulk'`` — on rank-normalised split chains (Vehtari et al. 2021;
          Stan's ``ess_bulk``, ArviZ's default): robust to heavy tails.
        * ``'tail'`` — the smaller ESS of the indicators ``x ≤ q₀.₀₅`` and
          ``x ≥ q₀.₉₅`` (split chains; Stan's ``ess_tail``).

    Returns
    -------
    float
        ``ESS``; NaN when the draws are constant (zero variance).

    Notes
    -----
    For ``m`` chains of ``n`` draws with autocovariances ``c_{j,t}`` (biased,
    by FFT, see :func:`autocorrelation`), chain means ``x̄_j``::

        W      = mean_j c_{j,0} · n/(n−1)                 (within-chain variance)
        var⁺   = (n−1)/n · W + var_j(x̄_j)                 (B/n = var of chain means)
        ρ̂_t    = 1 − (W − mean_j c_{j,t}) / var⁺          (combined-chain autocorrelation)
        P̂_k    = ρ̂_{2k} + ρ̂_{2k+1}                       (pair sums, positive and
                                                           decreasing for a reversible chain)

    Geyer's *initial positive sequence* keeps pairs while ``P̂_k > 0``, the
    *initial monotone sequence* replaces each ``P̂_k`` by
    ``min(P̂_k, P̂_{k−1})``; with ``K`` the last kept lag,
    ``τ̂ = −1 + 2 Σ_{t≤K} ρ̂_t + max(ρ̂_{K+1}, 0)`` (Stan's improved estimate)
    and ``ESS = m n / τ̂``, capped at ``m n log10(m n)``.  Rank
    normalisation replaces each draw by ``Φ⁻¹((r − 3/8)/(S + 1/4))`` with ``r``
    its average rank among all ``S`` draws (``Φ⁻¹`` via ``erfcinv``).

    For iid draws ``ESS ≈ m n``; for an AR(1) chain ``x_t = φ x_{t−1} + e_t``,
    ``ρ_t = φ^t`` and ``ESS ≈ m n (1 − φ)/(1 + φ)``.

    References
    ----------
    Geyer, "Practical Markov chain Monte Carlo", Statist. Sci. 7 (1992);
    Vehtari, Gelman, Simpson, Carpenter & Bürkner, Bayesian Analysis 16 (2021);
    Stan Reference Manual, "Effective sample size"; ArviZ ``ess``.

    Examples
    --------
    >>> import numpy as np
    >>> draws = np.random.default_rng(0).standard_normal((4, 1000))   # iid: ESS ≈ 4000
    >>> bool(3600 < effective_sample_size(draws) < 4400)
    True
    """
    from .._validation import check_option
    method = check_option(method, "method", _ESS_METHODS)
    x = _as_chains(chains)
    _need_draws(x, 4, "effective_sample_size")
    ess = _ess(x, method)
    if active():
        info = None
        if method != "tail" and np.ptp(x) > 0:
            xs = {"basic": x, "mean": _split(x)}.get(method)
            if method == "bulk":
                xs = _z_scale(_split(x))
            info = _geyer_ess(xs)
        if info is not None:
            _, tau, rho, max_t = info
            step("Effective sample size",
                 "ESS = m n / τ̂,  τ̂ = −1 + 2 Σ_{t≤K} ρ̂_t + ρ̂_{K+1}",
                 method=method, n_chains=x.shape[0], n_draws=x.shape[1], rho_hat=rho,
                 truncation_lag=max_t, tau_hat=tau, ess=ess)
        else:
            step("Effective sample size", "ESS_tail = min(ESS(x ≤ q05), ESS(x ≥ q95))"
                 if method == "tail" else "constant draws: ESS undefined",
                 method=method, n_chains=x.shape[0], n_draws=x.shape[1], ess=ess)
    return float(ess)


def _rhat_split(x: np.ndarray, *, presplit: bool = False):
    """Split R-hat pieces for (m, n) chains: (rhat, W, B/n, var_plus, half-chain means)."""
    xs = x if presplit else _split(x)
    n = xs.shape[1]
    means = xs.mean(axis=1)
    W = np.mean(np.var(xs, axis=1, ddof=1))
    B_over_n = np.var(means, ddof=1)
    var_plus = (n - 1.0) / n * W + B_over_n
    if W > 0:
        rhat = np.sqrt(var_plus / W)
    else:
        rhat = np.inf if B_over_n > 0 else np.nan
    return float(rhat), W, B_over_n, var_plus, means


def _rhat(x: np.ndarray, method: str) -> float:
    if x.shape[1] < 4:
        return float("nan")
    if method == "split":
        return _rhat_split(x)[0]
    if not np.ptp(x) > 0:
        return float("nan")
    # rank-normalise the split sequences (pooled ranks over the draws that are kept)
    bulk = _rhat_split(_z_scale(_split(x)), presplit=True)[0]
    folded = np.abs(x - np.median(x))
    tail = (_rhat_split(_z_scale(_split(folded)), presplit=True)[0] if np.ptp(folded) > 0
            else np.nan)
    return float(np.fmax(bulk, tail))


def split_rhat(chains, *, method="split") -> float:
    r"""Split R-hat (potential scale reduction): do the chains agree with each other?

    Parameters
    ----------
    chains : (n_draws,) or (n_chains, n_draws) array_like
        Draws of one scalar quantity (at least 4 per chain).
    method : {'split', 'rank'}, default 'split'
        ``'split'`` — Stan's split R-hat on the draws.  ``'rank'`` — the
        rank-normalised version of Vehtari et al. (2021): the larger of the
        split R-hat of the rank-normalised draws and of the rank-normalised
        folded draws ``|x − median|`` (detects different scales too).

    Returns
    -------
    float
        ``R̂ >= 1`` up to rounding; close to 1 (< 1.01) when the chains mix.
        ``inf`` when each chain is constant but they differ; NaN when all
        draws are equal.

    Notes
    -----
    Each chain is split into halves (the middle draw dropped when ``n`` is
    odd), giving ``m`` sequences of ``n`` draws with means ``x̄_j`` and
    variances ``s_j²`` (``ddof = 1``)::

        W    = mean_j s_j²                   (within-sequence variance)
        B/n  = var_j(x̄_j)   (ddof = 1)       (between-sequence variance / n)
        var⁺ = (n − 1)/n · W + B/n
        R̂    = sqrt(var⁺ / W)

    Splitting catches a single chain that has not reached stationarity (its
    halves disagree).

    References
    ----------
    Gelman & Rubin, "Inference from iterative simulation using multiple
    sequences", Statist. Sci. 7 (1992); Gelman et al., *Bayesian Data
    Analysis*, 3rd ed., sec. 11.4; Vehtari et al., Bayesian Analysis 16 (2021).

    Examples
    --------
    Chains (1, 2, 3, 4) and (5, 6, 7, 8) split into (1, 2), (3, 4), (5, 6),
    (7, 8): ``W = 0.5``, ``B/n = var(1.5, 3.5, 5.5, 7.5) = 20/3``,
    ``var⁺ = 0.25 + 6.667``, ``R̂ = sqrt(13.833) ≈ 3.7193``:

    >>> round(split_rhat([[1.0, 2, 3, 4], [5, 6, 7, 8]]), 4)
    3.7193
    """
    from .._validation import check_option
    method = check_option(method, "method", ("split", "rank"))
    x = _as_chains(chains)
    _need_draws(x, 4, "split_rhat")
    rhat = _rhat(x, method)
    if active():
        _, W, B_over_n, var_plus, means = _rhat_split(x)
        step("Split R-hat", "R̂ = sqrt(var⁺ / W),  var⁺ = (n−1)/n W + B/n",
             method=method, half_chain_means=means, W=W, B_over_n=B_over_n, var_plus=var_plus,
             r_hat=rhat)
    return rhat


def mcmc_summary(samples, *, quantiles=(0.05, 0.5, 0.95), names=None) -> MCMCSummary:
    r"""Posterior summary of MCMC draws, one row per dimension.

    Parameters
    ----------
    samples : MCMCResult or array_like
        An :class:`MCMCResult`, or draws of shape ``(n_chains, n_draws, d)``,
        ``(n_chains, n_draws)`` (a scalar quantity) or ``(n_draws,)`` (one chain).
    quantiles : sequence of float, default (0.05, 0.5, 0.95)
        Probabilities in [0, 1] of the reported quantiles.
    names : sequence of str, optional
        Row labels; ``x[0], x[1], ...`` by default.

    Returns
    -------
    MCMCSummary
        ``mean``, ``sd``, ``quantiles``, ``mcse_mean``, ``ess_bulk``,
        ``ess_tail`` and ``r_hat`` (each ``(d,)``); ``str()`` prints a table.
        ESS and R-hat are NaN for chains shorter than 4 draws.

    Notes
    -----
    Over all ``S = m n`` draws of dimension ``i``: ``mean``, ``sd`` (``ddof=1``),
    linear-interpolation quantiles; ``mcse_mean = sd / sqrt(ESS_mean)`` with
    the split-chain ESS (:func:`effective_sample_size` ``method='mean'``);
    ``ess_bulk``/``ess_tail`` as in :func:`effective_sample_size`;
    ``r_hat`` = :func:`split_rhat` (Stan's formula).  Rule of thumb: trust
    the summary when ``r_hat < 1.01`` and ``ess_bulk > 100 m``.

    References
    ----------
    Vehtari et al., Bayesian Analysis 16 (2021); Stan's ``summary``; ArviZ ``summary``.

    Examples
    --------
    >>> import numpy as np
    >>> draws = np.random.default_rng(1).normal(3.0, 2.0, size=(4, 500, 1))
    >>> s = mcmc_summary(draws)
    >>> round(float(s.mean[0]), 1), round(float(s.sd[0]), 1), bool(s.r_hat[0] < 1.01)
    (3.0, 2.0, True)
    """
    if isinstance(samples, MCMCResult):
        x = samples.samples
    else:
        x = as_float_array(samples, "samples", ndim=(1, 2, 3), dtype=np.float64)
        if x.ndim == 1:
            x = x[None, :, None]
        elif x.ndim == 2:
            x = x[:, :, None]
    m, n, d = x.shape
    if n < 1:
        raise ValueError("samples must hold at least one draw per chain, got 0")
    q = as_float_array(quantiles, "quantiles", ndim=1, dtype=np.float64)
    if np.any((q < 0) | (q > 1)):
        raise ValueError(f"quantiles must lie in [0, 1], got {q}")
    if names is None:
        names = [f"x[{i}]" for i in range(d)]
    else:
        names = [str(s) for s in names]
        if len(names) != d:
            raise ValueError(f"names must have one label per dimension ({d}), got {len(names)}")
    flat = x.reshape(m * n, d)
    mean = flat.mean(axis=0)
    sd = flat.std(axis=0, ddof=1) if m * n > 1 else np.full(d, np.nan)
    qs = np.quantile(flat, q, axis=0).T.reshape(d, q.size)
    ess_bulk = np.empty(d)
    ess_tail = np.empty(d)
    ess_mean = np.empty(d)
    r_hat = np.empty(d)
    with silenced():
        for i in range(d):                    # a loop over parameters, each a whole-array job
            xi = x[:, :, i]
            ess_bulk[i] = _ess(xi, "bulk")
            ess_tail[i] = _ess(xi, "tail")
            ess_mean[i] = _ess(xi, "mean")
            r_hat[i] = _rhat(xi, "split")
    with np.errstate(invalid="ignore", divide="ignore"):
        mcse = sd / np.sqrt(ess_mean)
    summary = MCMCSummary(names, mean, sd, tuple(float(v) for v in q), qs, mcse, ess_bulk,
                          ess_tail, r_hat)
    if active():
        step("Posterior summary",
             "mcse = sd / sqrt(ESS_mean); ESS = m n / τ̂; R̂ = sqrt(var⁺ / W)",
             n_chains=m, n_draws=n, mean=mean, sd=sd, quantiles=qs, mcse_mean=mcse,
             ess_bulk=ess_bulk, ess_tail=ess_tail, r_hat=r_hat)
    return summary
