"""Nelder-Mead against scipy.optimize.minimize(method='Nelder-Mead') and known minima."""
import numpy as np
import pytest
from scipy.optimize import minimize as sp_minimize
from scipy.optimize import rosen

import mathforml
from mathforml.exceptions import ConvergenceWarning
from mathforml.optimize.nelder_mead import nelder_mead

STARTS = [[-1.2, 1.0], [0.0, 0.0], [2.0, 2.0, 2.0], [-1.0, 1.0, -1.0, 1.0, 0.5]]


@pytest.mark.parametrize("x0", STARTS)
@pytest.mark.parametrize("adaptive", [False, True])
def test_same_path_as_scipy(x0, adaptive):
    ours = nelder_mead(rosen, x0, adaptive=adaptive)
    ref = sp_minimize(rosen, x0, method="Nelder-Mead", options={"adaptive": adaptive})
    # the same rules, start simplex and tie-breaking: the same evaluations and answer
    assert ours.nfev == ref.nfev
    assert abs(ours.nit - ref.nit) <= 1          # SciPy starts its counter at 1
    np.testing.assert_allclose(ours.x, ref.x, rtol=0, atol=1e-12)
    assert ours.fun == pytest.approx(ref.fun, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("f,x0,xmin", [
    (lambda x: (x[0] + 2 * x[1] - 7) ** 2 + (2 * x[0] + x[1] - 5) ** 2, [0.0, 0.0], [1.0, 3.0]),
    (lambda x: (1.5 - x[0] + x[0] * x[1]) ** 2 + (2.25 - x[0] + x[0] * x[1] ** 2) ** 2
     + (2.625 - x[0] + x[0] * x[1] ** 3) ** 2, [1.0, 1.0], [3.0, 0.5]),
    (lambda x: np.abs(x - 0.3).sum(), [2.0, -1.0], [0.3, 0.3]),   # non-smooth
])
def test_reaches_known_minima(f, x0, xmin):
    res = nelder_mead(f, x0, xatol=1e-10, fatol=1e-12, maxiter=10_000, maxfev=20_000)
    assert res.success
    np.testing.assert_allclose(res.x, xmin, atol=1e-6)


def test_history_and_final_simplex():
    res = nelder_mead(rosen, [-1.2, 1.0])
    assert len(res.history) == res.nit + 1
    assert (np.diff(res.history.f) <= 0).all()            # the best vertex never gets worse
    sim, fsim = res.final_simplex
    assert sim.shape == (3, 2) and (np.diff(fsim) >= 0).all()
    assert set(res.history.extra["action"][1:]) <= {"reflect", "expand", "contract outside",
                                                    "contract inside", "shrink"}


def test_limits_warn():
    with pytest.warns(ConvergenceWarning, match="maxiter=5"):
        res = nelder_mead(rosen, [-1.2, 1.0], maxiter=5)
    assert res.status == 1 and not res.success
    with pytest.warns(ConvergenceWarning, match="maxfev=10"):
        nelder_mead(rosen, [-1.2, 1.0], maxfev=10)


@pytest.mark.filterwarnings("ignore:invalid value encountered in log")
def test_bad_input():
    with pytest.raises(ValueError, match="f\\(x0\\) is not finite"):
        nelder_mead(lambda x: np.log(x[0]), [-1.0])
    with pytest.raises(ValueError, match="initial_simplex must have shape \\(3, 2\\)"):
        nelder_mead(rosen, [0.0, 0.0], initial_simplex=np.zeros((2, 2)))
    with pytest.raises(TypeError, match="callable"):
        nelder_mead(3, [0.0])
    with pytest.raises(ValueError, match="xatol must be >= 0"):
        nelder_mead(rosen, [0.0, 0.0], xatol=-1)


def test_explain_and_callback():
    with mathforml.explain(head=3, every=1000) as work:
        a = nelder_mead(rosen, [-1.2, 1.0])
    b = nelder_mead(rosen, [-1.2, 1.0])
    assert np.array_equal(a.x, b.x)
    its = work.find("Iteration")
    assert its[0].values["action"] in ("reflect", "expand", "contract outside",
                                       "contract inside", "shrink")
    assert len(its) < a.nit                          # bounded for long runs
    calls = []
    res = nelder_mead(rosen, [-1.2, 1.0], callback=lambda x: calls.append(x) or len(calls) == 4)
    assert res.nit == 4 and res.success and res.message == "stopped by callback"
