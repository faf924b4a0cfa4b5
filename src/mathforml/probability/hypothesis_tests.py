r"""Classical hypothesis tests: z, t (one-sample, two-sample, paired), chi-square, F, ANOVA.

Every test returns a :class:`TestResult` that unpacks as the 4-tuple
``(statistic, pvalue, df, confidence_interval)`` -- ``df`` is None for the z-test and a
pair ``(dfn, dfd)`` for the F-tests; ``confidence_interval`` is None where the test has
none -- and carries the rest as attributes (``name``, ``alternative``, ``estimate``,
``stderr``, ``confidence``, ``details``; ``expected`` for the contingency table).
``print(result)`` gives a readable report.

Conventions
-----------
* p-values come from the survival function of the null distribution, computed directly
  (never ``1 - cdf``): ``greater``: ``p = S(t)``; ``less``: ``p = F(t)``; two-sided:
  ``p = min(1, 2 S(|t|))`` for the symmetric t and normal laws and
  ``p = min(1, 2 min(F(x), S(x)))`` for the F law.  So tiny p-values (``1e-300``) keep
  their relative accuracy.
* Confidence intervals use the quantiles of the same law through ``isf``:
  two-sided ``estimate -+ q se`` with ``q = isf((1 - confidence)/2)``; ``greater`` gives
  ``(estimate - isf(1 - confidence) se, inf)`` and ``less``
  ``(-inf, estimate + isf(1 - confidence) se)`` (as SciPy's ``confidence_interval()``).
* :func:`ttest_ind` is **Welch's** test by default (``equal_var=False``), which does not
  assume equal variances and loses almost nothing when they are equal.  SciPy's default
  is ``equal_var=True`` (Student's pooled test); pass ``equal_var=True`` to get that.
* Missing data: there is no ``nan_policy``.  NaN or infinity raises ``ValueError`` naming
  the argument; remove missing values first.
* Zero variance (all values equal, up to rounding): the statistic is ``+-inf`` (a nonzero
  effect, ``p = 0``) or NaN (no effect, ``p = NaN``), with a ``RuntimeWarning`` -- SciPy's
  behaviour, but with a warning that says why.

Show your work
--------------
Under :func:`mathforml.explain` each test records the sample summaries (sizes, means,
variances), the statistic with its formula and numbers, the degrees of freedom, the
p-value and the confidence interval.  Results are bit-identical with and without a
recorder.

References
----------
E. L. Lehmann and J. P. Romano, *Testing Statistical Hypotheses*, 3rd ed., Springer,
2005.  B. L. Welch, "The generalization of 'Student's' problem when several different
population variances are involved", *Biometrika* 34 (1947), 28--35.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from mathforml._validation import as_float_array, check_option, check_real
from mathforml.explain import active, format_number, section, step

__all__ = [
    "TestResult",
    "z_test",
    "ttest_1samp",
    "ttest_ind",
    "ttest_rel",
    "chisquare",
    "chi2_contingency",
    "f_test",
    "f_oneway",
]

_ALTERNATIVES = ("two-sided", "less", "greater")
_RESOLUTION = float(np.finfo(np.float64).resolution)  # 1e-15, SciPy's "constant data" level


# ---------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------
class TestResult(tuple):
    """``(statistic, pvalue, df, confidence_interval)`` of a hypothesis test, with a report.

    Attributes
    ----------
    statistic : float
        The test statistic.
    pvalue : float
        The p-value for ``alternative``.
    df : int, float, tuple or None
        Degrees of freedom of the null distribution (``(dfn, dfd)`` for F; None for z).
    confidence_interval : tuple of float or None
        ``(low, high)`` for the parameter named in ``estimate_name`` (one side infinite
        for a one-sided alternative), or None.
    name : str
        The test.
    alternative : str or None
        ``'two-sided'``, ``'less'`` or ``'greater'`` (None where not applicable).
    estimate : float or None
        The point estimate the interval is about (a mean, a difference of means, a
        variance ratio).
    estimate_name : str or None
        What ``estimate`` is.
    stderr : float or None
        Standard error of ``estimate`` (for the z- and t-tests).
    confidence : float or None
        Level of the interval.
    details : dict
        Intermediate numbers (sample sizes, means, variances, sums of squares, ...).
    expected : ndarray or None
        The expected frequencies (chi-square tests).
    """

    __test__ = False  # not a pytest test class, despite the name

    def __new__(cls, statistic, pvalue, df, confidence_interval, *, name="", alternative=None,
                estimate=None, estimate_name=None, stderr=None, confidence=None,
                details=None, expected=None):
        ci = None if confidence_interval is None else (float(confidence_interval[0]),
                                                        float(confidence_interval[1]))
        self = super().__new__(cls, (float(statistic), float(pvalue), df, ci))
        self.name = name
        self.alternative = alternative
        self.estimate = None if estimate is None else float(estimate)
        self.estimate_name = estimate_name
        self.stderr = None if stderr is None else float(stderr)
        self.confidence = confidence
        self.details = dict(details or {})
        self.expected = expected
        return self

    def __getnewargs_ex__(self):
        return (tuple(self), {"name": self.name, "alternative": self.alternative,
                              "estimate": self.estimate, "estimate_name": self.estimate_name,
                              "stderr": self.stderr, "confidence": self.confidence,
                              "details": self.details, "expected": self.expected})

    statistic = property(lambda self: self[0], doc="The test statistic.")
    pvalue = property(lambda self: self[1], doc="The p-value.")
    df = property(lambda self: self[2], doc="Degrees of freedom (None for the z-test).")
    confidence_interval = property(lambda self: self[3], doc="(low, high) or None.")

    def __repr__(self) -> str:
        return (f"TestResult(statistic={self[0]!r}, pvalue={self[1]!r}, df={self[2]!r}, "
                f"confidence_interval={self[3]!r})")

    def __str__(self) -> str:
        fmt = format_number
        head = self.name or "Hypothesis test"
        if self.alternative is not None:
            head += f" (alternative: {self.alternative})"
        lines = [head]
        for key, value in self.details.items():
            if isinstance(value, (float, int, np.floating, np.integer)):
                lines.append(f"  {key} = {fmt(value)}")
        if self.estimate is not None:
            lines.append(f"  estimate ({self.estimate_name}) = {fmt(self.estimate)}"
                         + (f", standard error = {fmt(self.stderr)}"
                            if self.stderr is not None else ""))
        df = self[2]
        if isinstance(df, tuple):
            df_text = "(" + ", ".join(fmt(d) for d in df) + ")"
        else:
            df_text = None if df is None else fmt(df)
        lines.append(f"  statistic = {fmt(self[0])}" + (f", df = {df_text}" if df_text else ""))
        lines.append(f"  p-value = {fmt(self[1])}")
        if self[3] is not None:
            level = f"{100 * self.confidence:g}% " if self.confidence is not None else ""
            lines.append(f"  {level}confidence interval: ({fmt(self[3][0])}, {fmt(self[3][1])})")
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------
def _sample(x, name: str, min_n: int = 2) -> np.ndarray:
    """A 1-D float64 sample with at least ``min_n`` observations (finiteness checked later)."""
    a = as_float_array(x, name, ndim=1, check_finite=False, dtype=np.float64)
    if a.shape[0] < min_n:
        raise ValueError(f"{name} needs at least {min_n} observation{'s' if min_n > 1 else ''},"
                         f" got {a.shape[0]}")
    return a


def _not_finite(a: np.ndarray, name: str):
    bad = int(a.size - np.count_nonzero(np.isfinite(a)))
    if bad:
        return ValueError(f"{name} contains NaN or infinity ({bad} non-finite of {a.size} "
                          "entries); remove missing values first (there is no nan_policy)")
    return ValueError(f"{name} overflows: its sum is not finite; rescale the data")


def _mean_var(a: np.ndarray, name: str):
    """``(mean, variance (ddof 1), zero)``: two passes, the finiteness check for free.

    A NaN or inf anywhere makes the mean non-finite, so the full check runs only then.
    ``zero`` flags a variance at the rounding level of the mean (constant data); the
    variance is then set to exactly 0.
    """
    n = a.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(a.mean())
    if not math.isfinite(mean):
        raise _not_finite(a, name)
    d = a - mean
    ss = float(d @ d)
    if not math.isfinite(ss):
        raise _not_finite(a, name)
    var = ss / (n - 1) if n > 1 else 0.0
    zero = var <= (_RESOLUTION * mean) ** 2
    if zero:
        var = 0.0
    return mean, var, zero


def _check_alternative(alternative):
    return check_option(alternative, "alternative", _ALTERNATIVES)


def _check_confidence(confidence):
    confidence = check_real(confidence, "confidence")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return confidence


def _warn_zero_variance(what: str, stat: float):
    outcome = "NaN (no effect to measure)" if math.isnan(stat) else f"{stat} (p = 0)"
    warnings.warn(f"{what} has zero variance (all values equal): the test statistic is "
                  f"{outcome}", RuntimeWarning, stacklevel=3)


def _ratio(num: float, den: float, zero_num: bool = False) -> float:
    """``num / den`` with ``den = 0`` giving ``+-inf`` (or NaN when ``num`` is 0 too)."""
    if den > 0:
        return num / den
    if num == 0 or zero_num:
        return math.nan
    return math.copysign(math.inf, num)


def _pvalue(law, stat: float, alternative: str, symmetric: bool = True) -> float:
    """Tail probability of ``stat`` under ``law()`` (built only for a finite ``stat``)."""
    if math.isnan(stat):
        return math.nan
    if math.isinf(stat):
        upper = stat > 0
        if alternative == "greater":
            return 0.0 if upper else 1.0
        if alternative == "less":
            return 1.0 if upper else 0.0
        return 0.0
    D = law()
    if alternative == "greater":
        return float(D.sf(stat))
    if alternative == "less":
        return float(D.cdf(stat))
    if symmetric:
        return min(1.0, 2.0 * float(D.sf(abs(stat))))
    return min(1.0, 2.0 * min(float(D.cdf(stat)), float(D.sf(stat))))


def _location_ci(law, estimate: float, se: float, alternative: str, confidence: float):
    """Interval for a location from a symmetric law's upper quantiles (``isf``)."""
    if se == 0 or not math.isfinite(se):
        q = 0.0 if se == 0 else math.nan
    else:
        D = law()
        q = float(D.isf((1.0 - confidence) / 2.0 if alternative == "two-sided"
                        else 1.0 - confidence))
    if alternative == "greater":
        return (estimate - q * se, math.inf), q
    if alternative == "less":
        return (-math.inf, estimate + q * se), q
    return (estimate - q * se, estimate + q * se), q


def _t_law(df):
    """A factory for the null law t_df (imported and built only when a p-value needs it)."""
    def law():
        from mathforml.probability.distributions.sampling_dists import StudentT

        return StudentT(df)
    return law


def _normal_law():
    from mathforml.probability.distributions.normal import Normal

    return Normal(0.0, 1.0)


def _report(stat_name, formula, stat, df, p, alternative, ci, confidence, **numbers):
    """The shared tail of every explanation: statistic, p-value, interval."""
    step("Test statistic", formula, **numbers, **{stat_name: stat})
    p_formula = {"greater": "p = S(stat) = P(T >= stat)",
                 "less": "p = F(stat) = P(T <= stat)",
                 "two-sided": "p = min(1, 2 S(|stat|))"}[alternative]
    step("p-value", p_formula + "  (S: survival function of the null law)",
         alternative=alternative, df="none" if df is None else df, pvalue=p)
    if ci is not None:
        step("Confidence interval", "estimate -+ q se,  q = isf((1 - confidence)/2)"
             if alternative == "two-sided" else "one-sided: q = isf(1 - confidence)",
             confidence=confidence, low=ci[0], high=ci[1])


def _location_test(name, estimate, estimate_name, null, se, zero, law, df, alternative,
                   confidence, stat_name, formula, what, details):
    """Statistic ``(estimate - null) / se``, its p-value and interval, explained."""
    diff = estimate - null
    if zero and abs(diff) <= _RESOLUTION * max(abs(estimate), abs(null)):
        diff = 0.0
    stat = _ratio(diff, se)
    if zero:
        _warn_zero_variance(what, stat)
    p = _pvalue(law, stat, alternative)
    ci, q = _location_ci(law, estimate, se, alternative, confidence)
    if active():
        _report(stat_name, formula, stat, df, p, alternative, ci, confidence,
                estimate=estimate, null_value=null, stderr=se)
    return TestResult(stat, p, df, ci, name=name, alternative=alternative, estimate=estimate,
                      estimate_name=estimate_name, stderr=se, confidence=confidence,
                      details=details)


# ---------------------------------------------------------------------------
# z and t tests
# ---------------------------------------------------------------------------
def z_test(x, mu0=0.0, sigma=None, alternative="two-sided", confidence=0.95):
    r"""One-sample z-test of ``H0: E[X] = mu0`` with a known standard deviation.

    Parameters
    ----------
    x : array_like, shape (n,)
        The sample (``n >= 1`` with ``sigma`` given, ``n >= 2`` without).
    mu0 : float
        The mean under the null hypothesis.
    sigma : float or None
        The known population standard deviation (``> 0``).  None uses the sample standard
        deviation ``s`` (ddof 1) in its place -- the large-sample z-test; for small ``n``
        prefer :func:`ttest_1samp`, which accounts for the estimate.
    alternative : {'two-sided', 'less', 'greater'}
        ``H1: E[X] != mu0``, ``< mu0`` or ``> mu0``.
    confidence : float
        Level of the interval for ``E[X]``, in (0, 1).

    Returns
    -------
    TestResult
        ``(z, pvalue, None, (low, high))``; the interval is for the mean.

    Notes
    -----
    ``z = (xbar - mu0) / (sigma / sqrt(n))``, standard normal under H0.
    Interval: ``xbar -+ z_{(1+c)/2} sigma / sqrt(n)`` with ``z_q`` from ``Normal.isf``.

    Examples
    --------
    >>> r = z_test([2.0, 4.0, 3.0, 3.0], mu0=2.0, sigma=1.0)   # z = (3 - 2)/(1/2) = 2
    >>> r.statistic, round(r.pvalue, 6), r.df
    (2.0, 0.0455, None)
    >>> [round(v, 4) for v in r.confidence_interval]            # 3 -+ 1.96/2
    [2.02, 3.98]
    """
    alternative = _check_alternative(alternative)
    confidence = _check_confidence(confidence)
    mu0 = check_real(mu0, "mu0")
    if sigma is not None:
        sigma = check_real(sigma, "sigma", positive=True)
    x = _sample(x, "x", min_n=1 if sigma is not None else 2)
    n = x.shape[0]
    with section("One-sample z-test"):
        xbar, var, zero = _mean_var(x, "x")
        if sigma is None:
            s, source = math.sqrt(var), "sample standard deviation (ddof 1)"
        else:
            s, source, zero = sigma, "known sigma", False
        se = s / math.sqrt(n)
        if active():
            step("Sample", "xbar = sum x_i / n,  se = sigma / sqrt(n)", n=n, mean=xbar,
                 variance=var, sigma=s, sigma_source=source, stderr=se)
        return _location_test(
            "One-sample z-test", xbar, "mean", mu0, se, zero, _normal_law, None,
            alternative, confidence, "z", "z = (xbar - mu0) / (sigma / sqrt(n))", "x",
            {"n": n, "mean": xbar, "sigma": s})


def ttest_1samp(x, popmean, alternative="two-sided", confidence=0.95):
    r"""One-sample Student t-test of ``H0: E[X] = popmean``.

    Parameters
    ----------
    x : array_like, shape (n,)
        The sample, ``n >= 2``.
    popmean : float
        The mean under the null hypothesis.
    alternative : {'two-sided', 'less', 'greater'}
        ``H1: E[X] != popmean``, ``< popmean`` or ``> popmean``.
    confidence : float
        Level of the interval for ``E[X]``.

    Returns
    -------
    TestResult
        ``(t, pvalue, n - 1, (low, high))``; the interval is for the mean (as SciPy's
        ``ttest_1samp(...).confidence_interval()``).

    Notes
    -----
    ``t = (xbar - popmean) / (s / sqrt(n))``, ``s^2 = sum (x_i - xbar)^2 / (n - 1)``
    (two passes); ``t ~ t_{n-1}`` under H0 for normal data.
    Interval: ``xbar -+ t_{n-1}.isf((1 - c)/2) s / sqrt(n)``.

    Examples
    --------
    >>> r = ttest_1samp([1.0, 2.0, 3.0, 4.0, 5.0], 2.0)   # t = (3 - 2) / (sqrt(2.5)/sqrt(5))
    >>> round(r.statistic, 6), r.df, round(r.pvalue, 6)
    (1.414214, 4, 0.2302)
    """
    alternative = _check_alternative(alternative)
    confidence = _check_confidence(confidence)
    popmean = check_real(popmean, "popmean")
    x = _sample(x, "x")
    n = x.shape[0]
    with section("One-sample t-test"):
        xbar, var, zero = _mean_var(x, "x")
        se = math.sqrt(var / n)
        df = n - 1
        if active():
            step("Sample", "xbar = sum x_i / n,  s^2 = sum (x_i - xbar)^2 / (n - 1)",
                 n=n, mean=xbar, variance=var, stderr=se, df=df)
        return _location_test(
            "One-sample t-test", xbar, "mean", popmean, se, zero, _t_law(df), df,
            alternative, confidence, "t", "t = (xbar - popmean) / (s / sqrt(n))", "x",
            {"n": n, "mean": xbar, "variance": var})


def ttest_ind(a, b, equal_var=False, alternative="two-sided", confidence=0.95):
    r"""Two-sample t-test of ``H0: E[A] = E[B]``: Welch's by default, Student's pooled on request.

    Parameters
    ----------
    a, b : array_like, shape (n1,), (n2,)
        Independent samples, each with at least 2 observations.
    equal_var : bool
        False (default): Welch's test, no equal-variance assumption.  True: Student's
        pooled-variance test.  **SciPy's default is** ``equal_var=True``.
    alternative : {'two-sided', 'less', 'greater'}
        ``H1: E[A] - E[B] != 0``, ``< 0`` or ``> 0``.
    confidence : float
        Level of the interval for ``E[A] - E[B]``.

    Returns
    -------
    TestResult
        ``(t, pvalue, df, (low, high))``; ``df`` is a float for Welch (Welch--Satterthwaite)
        and ``n1 + n2 - 2`` for the pooled test; the interval is for the difference in means.

    Notes
    -----
    ``t = (xbar1 - xbar2) / se``.

    * Welch: ``se^2 = v1/n1 + v2/n2`` and
      ``df = se^4 / ((v1/n1)^2/(n1 - 1) + (v2/n2)^2/(n2 - 1))``.
    * Pooled: ``sp^2 = ((n1 - 1) v1 + (n2 - 1) v2) / (n1 + n2 - 2)``,
      ``se = sp sqrt(1/n1 + 1/n2)``, ``df = n1 + n2 - 2``.

    Each sample takes two passes (mean, then the centred sum of squares as one dot
    product); the NaN check costs nothing unless the mean is not finite.

    Examples
    --------
    >>> r = ttest_ind([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])      # se^2 = 1/3 + 1/3
    >>> round(r.statistic, 6), r.df, round(r.pvalue, 6)
    (-3.674235, 4.0, 0.021312)
    >>> r = ttest_ind([1.0, 2.0, 3.0], [4.0, 5.0, 6.0], equal_var=True)
    >>> round(r.statistic, 6), r.df
    (-3.674235, 4)
    """
    alternative = _check_alternative(alternative)
    confidence = _check_confidence(confidence)
    a = _sample(a, "a")
    b = _sample(b, "b")
    n1, n2 = a.shape[0], b.shape[0]
    test = "Welch two-sample t-test" if not equal_var else "Two-sample t-test (pooled variance)"
    with section(test):
        m1, v1, z1 = _mean_var(a, "a")
        m2, v2, z2 = _mean_var(b, "b")
        if not equal_var:
            w1, w2 = v1 / n1, v2 / n2
            se2 = w1 + w2
            se = math.sqrt(se2)
            den = w1 * w1 / (n1 - 1) + w2 * w2 / (n2 - 1)
            df = se2 * se2 / den if den > 0 else math.nan
            formula = ("se^2 = v1/n1 + v2/n2,  df = se^4 / ((v1/n1)^2/(n1 - 1) + "
                       "(v2/n2)^2/(n2 - 1))")
        else:
            df = n1 + n2 - 2
            sp2 = ((n1 - 1) * v1 + (n2 - 1) * v2) / df
            se = math.sqrt(sp2 * (1.0 / n1 + 1.0 / n2))
            formula = ("sp^2 = ((n1 - 1) v1 + (n2 - 1) v2) / (n1 + n2 - 2),  "
                       "se = sp sqrt(1/n1 + 1/n2),  df = n1 + n2 - 2")
        zero = z1 and z2
        if active():
            step("Samples", "xbar_j = mean,  v_j = sum (x - xbar_j)^2 / (n_j - 1)",
                 n1=n1, n2=n2, mean1=m1, mean2=m2, var1=v1, var2=v2)
            step("Standard error and degrees of freedom", formula, stderr=se, df=df)
        law = _t_law(df) if math.isfinite(df) else None
        return _location_test(
            test, m1 - m2, "mean(a) - mean(b)", 0.0, se, zero, law, df, alternative,
            confidence, "t", "t = (xbar1 - xbar2) / se", "a and b each",
            {"n1": n1, "n2": n2, "mean1": m1, "mean2": m2, "var1": v1, "var2": v2})


def ttest_rel(a, b, alternative="two-sided", confidence=0.95):
    r"""Paired t-test of ``H0: E[A - B] = 0`` (a one-sample t-test on the differences).

    Parameters
    ----------
    a, b : array_like, shape (n,)
        Paired observations (same length ``n >= 2``).
    alternative : {'two-sided', 'less', 'greater'}
        ``H1: E[A - B] != 0``, ``< 0`` or ``> 0``.
    confidence : float
        Level of the interval for the mean difference.

    Returns
    -------
    TestResult
        ``(t, pvalue, n - 1, (low, high))``.

    Notes
    -----
    ``d_i = a_i - b_i``, ``t = dbar / (s_d / sqrt(n))``, ``t ~ t_{n-1}`` under H0.

    Examples
    --------
    >>> r = ttest_rel([2.0, 4.0, 6.0], [1.0, 2.0, 3.0])     # d = 1, 2, 3: t = 2 / (1/sqrt(3))
    >>> round(r.statistic, 6), r.df
    (3.464102, 2)
    """
    alternative = _check_alternative(alternative)
    confidence = _check_confidence(confidence)
    a = as_float_array(a, "a", ndim=1, check_finite=False, dtype=np.float64)
    b = as_float_array(b, "b", ndim=1, check_finite=False, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape for a paired test, got shapes "
                         f"{a.shape} and {b.shape}")
    _sample(a, "a")
    for arr, name in ((a, "a"), (b, "b")):
        if not np.isfinite(arr).all():
            raise _not_finite(arr, name)
    d = a - b
    n = d.shape[0]
    with section("Paired t-test"):
        dbar, var, zero = _mean_var(d, "a - b")
        se = math.sqrt(var / n)
        df = n - 1
        if active():
            step("Differences", "d_i = a_i - b_i,  dbar = mean(d),  s_d^2 = var(d)",
                 n=n, d=d, mean_difference=dbar, variance=var, stderr=se, df=df)
        return _location_test(
            "Paired t-test", dbar, "mean(a - b)", 0.0, se, zero, _t_law(df), df,
            alternative, confidence, "t", "t = dbar / (s_d / sqrt(n))", "a - b",
            {"n": n, "mean difference": dbar, "variance of differences": var})


# ---------------------------------------------------------------------------
# Chi-square tests
# ---------------------------------------------------------------------------
def _counts(x, name):
    arr = as_float_array(x, name, check_finite=False, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise _not_finite(arr, name)
    if (arr < 0).any():
        raise ValueError(f"{name} must be non-negative frequencies, got "
                         f"{arr[arr < 0].ravel()[0]}")
    return arr


def _chi2_p(stat, df):
    from mathforml.probability.distributions.gamma_beta import ChiSquared

    return float(ChiSquared(df).sf(stat))


def chisquare(f_obs, f_exp=None, ddof=0):
    r"""Pearson's chi-square goodness-of-fit test of observed against expected frequencies.

    Parameters
    ----------
    f_obs : array_like, shape (k,)
        Observed counts (non-negative), ``k >= 2``.
    f_exp : array_like, shape (k,), optional
        Expected counts (positive).  Their sum must equal that of ``f_obs`` to a relative
        tolerance ``sqrt(eps)`` (as SciPy); rescale them first.  Default: all equal.
    ddof : int
        Extra degrees of freedom lost (parameters estimated from the data):
        ``df = k - 1 - ddof`` must be ``>= 1``.

    Returns
    -------
    TestResult
        ``(chi2, pvalue, df, None)`` with ``expected`` set.

    Notes
    -----
    ``chi2 = sum_i (O_i - E_i)^2 / E_i``, approximately ``chi^2_{k - 1 - ddof}`` under H0;
    ``p = S(chi2)``.

    Examples
    --------
    >>> r = chisquare([10, 20, 30])          # E = 20 each: (100 + 0 + 100)/20 = 10
    >>> r.statistic, r.df, round(r.pvalue, 6)
    (10.0, 2, 0.006738)
    """
    O = _counts(f_obs, "f_obs")
    if O.ndim != 1:
        raise ValueError(f"f_obs must be 1-D, got shape {O.shape}")
    k = O.shape[0]
    if k < 2:
        raise ValueError(f"f_obs needs at least 2 categories, got {k}")
    if isinstance(ddof, (bool, np.bool_)) or not isinstance(ddof, (int, np.integer)):
        raise TypeError(f"ddof must be an integer, got {ddof!r}")
    df = k - 1 - int(ddof)
    if df < 1:
        raise ValueError(f"df = k - 1 - ddof = {k} - 1 - {ddof} = {df} must be >= 1")
    if f_exp is None:
        E = np.full(k, O.mean())
    else:
        E = _counts(f_exp, "f_exp")
        if E.shape != O.shape:
            raise ValueError(f"f_exp must have the shape of f_obs, got shapes {E.shape} and "
                             f"{O.shape}")
        if (E <= 0).any():
            raise ValueError(f"f_exp must be positive, got {E[E <= 0][0]}")
        so, se_ = float(O.sum()), float(E.sum())
        rtol = math.sqrt(np.finfo(np.float64).eps)
        if abs(so - se_) > rtol * min(so, se_):
            raise ValueError(f"sum(f_obs) = {so:g} and sum(f_exp) = {se_:g} differ by a "
                             f"relative {abs(so - se_) / min(so, se_):.3g} > {rtol:.3g}; "
                             "rescale f_exp to the observed total")
    if f_exp is None and not O.sum() > 0:
        raise ValueError("f_obs sums to 0: there are no observations")
    with section("Chi-square goodness-of-fit test"):
        terms = (O - E) ** 2 / E
        stat = float(terms.sum())
        p = _chi2_p(stat, df)
        if active():
            step("Observed and expected", "E_i given, or sum(O) / k", observed=O, expected=E)
            step("Test statistic", "chi2 = sum_i (O_i - E_i)^2 / E_i", terms=terms,
                 chi2=stat, df=df)
            step("p-value", "p = S_{chi2(df)}(chi2),  df = k - 1 - ddof", df=df, pvalue=p)
    return TestResult(stat, p, df, None, name="Chi-square goodness-of-fit test",
                      details={"categories": k, "total": float(O.sum())}, expected=E)


def chi2_contingency(table, correction=True):
    r"""Pearson's chi-square test of independence on a contingency table.

    Parameters
    ----------
    table : array_like, shape (r, c) (or more dimensions)
        Observed counts, non-negative.
    correction : bool
        Apply Yates' continuity correction when ``df = 1`` (a 2x2 table): each observed
        count moves 0.5 towards its expected value (by less if closer), as SciPy.

    Returns
    -------
    TestResult
        ``(chi2, pvalue, df, None)``; ``result.expected`` is the table of expected counts.

    Raises
    ------
    ValueError
        Fewer than 2 dimensions, negative or non-finite counts, or an expected count of
        0 (a row or column of zeros).

    Notes
    -----
    Under independence ``E = outer(row sums, column sums) / N`` (for ``d`` dimensions the
    outer product of the ``d`` marginals over ``N^{d-1}``);
    ``chi2 = sum (O - E)^2 / E``, ``df = prod(shape) - sum(shape) + d - 1``
    (``(r - 1)(c - 1)`` for a table), ``p = S(chi2)``.  ``df = 0`` gives
    ``chi2 = 0``, ``p = 1``.

    Examples
    --------
    >>> r = chi2_contingency([[10, 20], [20, 10]], correction=False)
    >>> r.expected                                        # all 15
    array([[15., 15.],
           [15., 15.]])
    >>> round(r.statistic, 6), r.df                       # 4 * 25/15
    (6.666667, 1)
    """
    O = _counts(table, "table")
    if O.ndim < 2:
        raise ValueError(f"table must have at least 2 dimensions, got shape {O.shape}")
    if O.size == 0:
        raise ValueError(f"table must not be empty, got shape {O.shape}")
    N = float(O.sum())
    d = O.ndim
    E = None
    for axis in range(d):
        marginal = O.sum(axis=tuple(i for i in range(d) if i != axis))
        E = marginal if E is None else np.multiply.outer(E, marginal)
    E = E / N ** (d - 1) if N > 0 else E
    if (E == 0).any():
        where = tuple(int(i) for i in np.argwhere(E == 0)[0])
        raise ValueError(f"the expected frequencies have a zero at {where} (a row or column "
                         "of the table sums to 0); drop empty rows/columns")
    df = int(O.size - sum(O.shape) + d - 1)
    with section("Chi-square test of independence"):
        if active():
            step("Expected counts under independence", "E = outer(row sums, column sums) / N",
                 observed=O, expected=E, N=N, df=df)
        if df == 0:
            stat, p = 0.0, 1.0
        else:
            Oc = O
            if correction and df == 1:
                diff = E - O
                Oc = O + np.minimum(0.5, np.abs(diff)) * np.sign(diff)
                if active():
                    step("Yates' continuity correction",
                         "O' = O + sign(E - O) min(0.5, |E - O|)", corrected=Oc)
            terms = (Oc - E) ** 2 / E
            stat = float(terms.sum())
            p = _chi2_p(stat, df)
            if active():
                step("Test statistic", "chi2 = sum (O - E)^2 / E", terms=terms, chi2=stat)
        if active():
            step("p-value", "p = S_{chi2(df)}(chi2),  df = (r - 1)(c - 1)", df=df, pvalue=p)
    return TestResult(stat, p, df, None, name="Chi-square test of independence",
                      details={"total": N, "yates": bool(correction and df == 1)},
                      expected=E)


# ---------------------------------------------------------------------------
# F tests
# ---------------------------------------------------------------------------
def _f_law(dfn, dfd):
    """A factory for the null law F(dfn, dfd)."""
    def law():
        from mathforml.probability.distributions.sampling_dists import F

        return F(dfn, dfd)
    return law


def f_test(a, b, alternative="two-sided", confidence=0.95):
    r"""F-test for equal variances of two normal samples, ``H0: var(A) = var(B)``.

    Parameters
    ----------
    a, b : array_like, shape (n1,), (n2,)
        Independent samples, each with at least 2 observations.
    alternative : {'two-sided', 'less', 'greater'}
        ``H1: var(A)/var(B) != 1``, ``< 1`` or ``> 1``.
    confidence : float
        Level of the interval for the ratio ``var(A)/var(B)``.

    Returns
    -------
    TestResult
        ``(F, pvalue, (n1 - 1, n2 - 1), (low, high))``.

    Notes
    -----
    ``F = s_a^2 / s_b^2 ~ F(n1 - 1, n2 - 1)`` under H0 (normal data; the test is sensitive
    to non-normality).  ``greater``: ``p = S(F)``; ``less``: ``p = cdf(F)``; two-sided:
    ``p = min(1, 2 min(cdf(F), S(F)))``.  Since ``F / rho ~ F(n1-1, n2-1)`` for the true
    ratio ``rho``, the interval is ``(F / isf(alpha/2), F / ppf(alpha/2))``,
    ``alpha = 1 - confidence`` (one-sided: ``(F / isf(alpha), inf)`` or
    ``(0, F / ppf(alpha))``).

    Examples
    --------
    >>> r = f_test([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0])   # F = (5/3) / (20/3)
    >>> r.statistic, r.df
    (0.25, (3, 3))
    """
    alternative = _check_alternative(alternative)
    confidence = _check_confidence(confidence)
    a = _sample(a, "a")
    b = _sample(b, "b")
    dfn, dfd = a.shape[0] - 1, b.shape[0] - 1
    with section("F-test for equal variances"):
        m1, v1, z1 = _mean_var(a, "a")
        m2, v2, z2 = _mean_var(b, "b")
        stat = _ratio(v1, v2, zero_num=z1 and z2)
        if z2:
            _warn_zero_variance("b" if not z1 else "a and b each", stat)
        law = _f_law(dfn, dfd)
        p = _pvalue(law, stat, alternative, symmetric=False)
        alpha = 1.0 - confidence
        if math.isfinite(stat):
            D = law()
            if alternative == "two-sided":
                ci = (stat / float(D.isf(alpha / 2)), stat / float(D.ppf(alpha / 2)))
            elif alternative == "greater":
                ci = (stat / float(D.isf(alpha)), math.inf)
            else:
                ci = (0.0, stat / float(D.ppf(alpha)))
        else:
            ci = (stat, stat) if alternative == "two-sided" else (
                (stat, math.inf) if alternative == "greater" else (0.0, stat))
        if active():
            step("Samples", "s_j^2 = sum (x - xbar_j)^2 / (n_j - 1)", n1=dfn + 1, n2=dfd + 1,
                 var1=v1, var2=v2)
            _report("F", "F = s_a^2 / s_b^2", stat, (dfn, dfd), p, alternative, None,
                    confidence)
            step("Confidence interval for var(a)/var(b)",
                 "(F / F.isf(alpha/2), F / F.ppf(alpha/2))" if alternative == "two-sided"
                 else "one-sided, alpha = 1 - confidence", confidence=confidence,
                 low=ci[0], high=ci[1])
    return TestResult(stat, p, (dfn, dfd), ci, name="F-test for equal variances",
                      alternative=alternative, estimate=stat, estimate_name="var(a) / var(b)",
                      confidence=confidence,
                      details={"n1": dfn + 1, "n2": dfd + 1, "var1": v1, "var2": v2})


def f_oneway(*groups):
    r"""One-way analysis of variance: do ``k`` groups share one mean?

    Parameters
    ----------
    *groups : array_like, shape (n_j,)
        ``k >= 2`` samples, each with at least one observation, ``N = sum n_j > k``.

    Returns
    -------
    TestResult
        ``(F, pvalue, (k - 1, N - k), None)``; ``details`` holds the sums of squares.

    Notes
    -----
    With group means ``xbar_j`` and grand mean ``xbar``:
    ``SSB = sum_j n_j (xbar_j - xbar)^2`` (between), ``SSW = sum_j sum_i (x_ij - xbar_j)^2``
    (within, centred per group), ``F = (SSB / (k - 1)) / (SSW / (N - k))``,
    ``F ~ F(k - 1, N - k)`` under H0; ``p = S(F)``.  Constant groups (``SSW = 0``) give
    ``F = inf`` (means differ) or NaN (all equal) with a ``RuntimeWarning``, as SciPy.

    Examples
    --------
    >>> r = f_oneway([1.0, 2.0, 3.0], [3.0, 4.0, 5.0])     # SSB = 6, SSW = 4
    >>> r.statistic, r.df                                  # (6/1) / (4/4)
    (6.0, (1, 4))
    """
    if len(groups) < 2:
        raise ValueError(f"f_oneway needs at least 2 groups, got {len(groups)}")
    arrays = [_sample(g, f"groups[{j}]", min_n=1) for j, g in enumerate(groups)]
    k = len(arrays)
    sizes = np.array([g.shape[0] for g in arrays], dtype=float)
    N = int(sizes.sum())
    if N <= k:
        raise ValueError(f"f_oneway needs more observations than groups (N > k), got N = {N}"
                         f", k = {k}")
    with section("One-way ANOVA"):
        means = np.empty(k)
        ssw = 0.0
        for j, g in enumerate(arrays):           # a loop over groups, not elements
            m = float(g.mean())
            if not math.isfinite(m):
                raise _not_finite(g, f"groups[{j}]")
            d = g - m
            means[j] = m
            ssw += float(d @ d)
        grand = float(sizes @ means) / N
        ssb = float(sizes @ (means - grand) ** 2)
        dfn, dfd = k - 1, N - k
        zero = ssw <= N * (_RESOLUTION * float(np.max(np.abs(means)))) ** 2
        if zero:
            ssw = 0.0
            same = ssb <= N * (_RESOLUTION * float(np.max(np.abs(means)))) ** 2
            stat = math.nan if same else math.inf
            warnings.warn(f"f_oneway: every group is constant (zero within-group variance); "
                          f"F = {stat}", RuntimeWarning, stacklevel=2)
        else:
            stat = (ssb / dfn) / (ssw / dfd)
        p = _pvalue(_f_law(dfn, dfd), stat, "greater")
        if active():
            step("Group means", "xbar_j = mean(group j),  xbar = sum n_j xbar_j / N",
                 sizes=sizes, means=means, grand_mean=grand)
            step("Sums of squares",
                 "SSB = sum n_j (xbar_j - xbar)^2,  SSW = sum_j sum_i (x_ij - xbar_j)^2",
                 SSB=ssb, SSW=ssw, MSB=ssb / dfn, MSW=ssw / dfd)
            step("Test statistic", "F = (SSB / (k - 1)) / (SSW / (N - k))", F=stat,
                 df=np.array([dfn, dfd]))
            step("p-value", "p = S_{F(k-1, N-k)}(F)", pvalue=p)
    return TestResult(stat, p, (dfn, dfd), None, name="One-way ANOVA",
                      details={"groups": k, "N": N, "SSB": ssb, "SSW": ssw,
                               "MSB": ssb / dfn, "MSW": ssw / dfd})
