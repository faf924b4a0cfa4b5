"""The gradient-descent family: optimiser objects and minimisers.

References: the seed 004 numbers (closed form x_k = 3 + 4 * 0.8^k), PyTorch's
torch.optim on the same gradient sequences, hand-written update rules, and
known minima (numpy.linalg.solve for the quadratic, (1, 3) for Booth).
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import mathforml
from mathforml.exceptions import ConvergenceWarning
from mathforml.optimize.gradient import (
    OPTIMIZERS, AdaGrad, Adam, GradientDescent, Momentum, Nesterov, Optimizer, RMSProp,
    adagrad, adam, get_optimizer, gradient_descent, momentum, nesterov, rmsprop,
)
from mathforml.optimize.schedules import Constant, ExponentialDecay, StepDecay

def seed_f(x):
    return (x[0] - 3.0) ** 2


# ---------------------------------------------------------------------------
# Seed 004
# ---------------------------------------------------------------------------
def test_seed_004_history_and_explain():
    with mathforml.explain(head=30) as work:
        res = gradient_descent(seed_f, [7.0], lr=0.1)
    k = np.arange(20)
    expected = 3.0 + 4.0 * 0.8 ** k          # x_{k+1} - 3 = (1 - 2 lr)(x_k - 3)
    np.testing.assert_allclose(res.history.x[:20, 0], expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.history.f[:20], (expected - 3.0) ** 2, rtol=0, atol=1e-12)
    assert res.history.x[0, 0] == 7.0 and res.history.x[1, 0] == 6.2
    np.testing.assert_allclose(res.history.x[2:4, 0], [5.56, 5.048], rtol=0, atol=1e-12)
    iters = work.find("Iteration")
    xs = [float(s.values["x"][0]) for s in iters[:20]]
    np.testing.assert_allclose(xs, expected, rtol=0, atol=1e-12)
    assert [s.iteration for s in iters[:3]] == [0, 1, 2]
    first = iters[1].values                    # x_1 = 7 - 0.1 * 8 = 6.2
    assert first["lr"] == 0.1
    np.testing.assert_allclose(first["step"], [-0.8], atol=1e-15)
    np.testing.assert_allclose(first["grad"], [6.4], atol=1e-14)   # f'(6.2) = 2 * 3.2
    assert first["f"] == pytest.approx(10.24, abs=1e-12)
    assert iters[0].values["grad"][0] == 8.0
    assert "x_{k+1} = x_k - lr * grad f(x_k)" in str(work)
    assert work.find("Result")[-1].values["nit"] == res.nit
    # the loop converges: |x_k - 3| = 4 * 0.8^k, gradient 8 * 0.8^k <= 1e-6
    assert res.success and res.status == 0
    assert res.nit == math.ceil(math.log(1e-6 / 8) / math.log(0.8))
    assert abs(res.x[0] - 3.0) < 1e-6
    assert res.history.extra["lr"][1:4] == [0.1, 0.1, 0.1]


def test_seed_004_optimizer_object():
    opt = GradientDescent(lr=0.1)
    x = np.array([7.0])
    seen = [float(x[0])]
    for _ in range(5):
        out = opt.step(x, 2.0 * (x - 3.0))
        assert out is x
        seen.append(float(x[0]))
    np.testing.assert_allclose(seen, 3 + 4 * 0.8 ** np.arange(6), rtol=0, atol=1e-12)
    assert opt.t == 5


# ---------------------------------------------------------------------------
# Against PyTorch and hand-written rules
# ---------------------------------------------------------------------------
def _gradient_sequence(shapes, steps=20, seed=0):
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(s) * (1 + 0.5 * k % 3) for s in shapes] for k in range(steps)]


TORCH_CASES = [
    ("sgd", lambda: GradientDescent(lr=0.05), lambda o, ps: o.SGD(ps, lr=0.05)),
    ("momentum", lambda: Momentum(lr=0.05, beta=0.8),
     lambda o, ps: o.SGD(ps, lr=0.05, momentum=0.8)),
    ("nesterov", lambda: Nesterov(lr=0.05, beta=0.8),
     lambda o, ps: o.SGD(ps, lr=0.05, momentum=0.8, nesterov=True)),
    ("adagrad", lambda: AdaGrad(lr=0.3, eps=1e-8),
     lambda o, ps: o.Adagrad(ps, lr=0.3, eps=1e-8)),
    ("rmsprop", lambda: RMSProp(lr=0.01, rho=0.9, eps=1e-8),
     lambda o, ps: o.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-8)),
    ("adam", lambda: Adam(lr=0.02, beta1=0.8, beta2=0.99, eps=1e-8),
     lambda o, ps: o.Adam(ps, lr=0.02, betas=(0.8, 0.99), eps=1e-8)),
]


@pytest.mark.parametrize("name, ours, theirs", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_matches_torch_on_same_gradients(name, ours, theirs):
    torch = pytest.importorskip("torch")
    shapes = [(3,), (2, 4)]
    rng = np.random.default_rng(42)
    init = [rng.standard_normal(s) for s in shapes]
    grads = _gradient_sequence(shapes)
    # ours, list of parameters
    params = [p.copy() for p in init]
    opt = ours()
    # theirs
    tparams = [torch.tensor(p.copy(), dtype=torch.float64, requires_grad=True) for p in init]
    topt = theirs(torch.optim, tparams)
    for gs in grads:
        opt.step(params, gs)
        for tp, g in zip(tparams, gs):
            tp.grad = torch.tensor(g, dtype=torch.float64)
        topt.step()
        for p, tp in zip(params, tparams):
            np.testing.assert_allclose(p, tp.detach().numpy(), rtol=0, atol=1e-12)
    assert opt.t == len(grads)
    # a single array gives the same as the first entry of the list
    single = init[0].copy()
    opt1 = ours()
    for gs in grads:
        opt1.step(single, gs[0])
    np.testing.assert_allclose(single, params[0], rtol=0, atol=0)


@pytest.mark.parametrize("name, ours, theirs", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_matches_torch_on_a_quadratic_trajectory(name, ours, theirs):
    """Gradients that depend on the iterate: both follow the same path."""
    torch = pytest.importorskip("torch")
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    x = np.array([2.0, -3.0])
    tx = torch.tensor(x.copy(), dtype=torch.float64, requires_grad=True)
    opt, topt = ours(), theirs(torch.optim, [tx])
    for _ in range(25):
        opt.step(x, A @ x - b)
        tx.grad = torch.tensor(A @ tx.detach().numpy() - b, dtype=torch.float64)
        topt.step()
        np.testing.assert_allclose(x, tx.detach().numpy(), rtol=0, atol=1e-12)


def test_schedule_matches_torch_scheduler():
    """Adam + StepDecay (per step) equals torch Adam + StepLR stepped after each update."""
    torch = pytest.importorskip("torch")
    grads = _gradient_sequence([(4,)], steps=30, seed=3)
    x = np.zeros(4)
    opt = Adam(lr=StepDecay(0.05, step_size=7, gamma=0.5))
    tx = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    topt = torch.optim.Adam([tx], lr=0.05)
    sched = torch.optim.lr_scheduler.StepLR(topt, step_size=7, gamma=0.5)
    for (g,) in grads:
        opt.step(x, g)
        tx.grad = torch.tensor(g, dtype=torch.float64)
        topt.step()
        sched.step()
        np.testing.assert_allclose(x, tx.detach().numpy(), rtol=0, atol=1e-12)


def _reference_run(name, grads, x0):
    """The update rules written out directly (no out=, no state objects)."""
    x = x0.copy()
    v = np.zeros_like(x)
    s = np.zeros_like(x)
    m = np.zeros_like(x)
    for t, g in enumerate(grads, start=1):
        if name == "sgd":
            x = x - 0.05 * g
        elif name == "momentum":
            v = 0.8 * v + g
            x = x - 0.05 * v
        elif name == "nesterov":
            v = 0.8 * v + g
            x = x - 0.05 * (g + 0.8 * v)
        elif name == "adagrad":
            s = s + g * g
            x = x - 0.3 * g / (np.sqrt(s) + 1e-8)
        elif name == "rmsprop":
            s = 0.9 * s + 0.1 * g * g
            x = x - 0.01 * g / (np.sqrt(s) + 1e-8)
        elif name == "adam":                       # Kingma & Ba, algorithm 1
            m = 0.8 * m + 0.2 * g
            v = 0.99 * v + 0.01 * g * g
            m_hat = m / (1 - 0.8 ** t)
            v_hat = v / (1 - 0.99 ** t)
            x = x - 0.02 * m_hat / (np.sqrt(v_hat) + 1e-8)
    return x


@pytest.mark.parametrize("name, ours, theirs", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_matches_hand_written_rules(name, ours, theirs):
    grads = [g[0] for g in _gradient_sequence([(5,)], steps=20, seed=7)]
    x0 = np.linspace(-1, 1, 5)
    x = x0.copy()
    opt = ours()
    for g in grads:
        opt.step(x, g)
    np.testing.assert_allclose(x, _reference_run(name, grads, x0), rtol=0, atol=1e-12)


# ---------------------------------------------------------------------------
# Optimiser API
# ---------------------------------------------------------------------------
def test_step_in_place_reset_and_none_gradient():
    w = np.ones(3)
    b = np.zeros(2)
    opt = Momentum(lr=0.1, beta=0.5)
    out = opt.step([w, b], [np.ones(3), None])
    assert out[0] is w and out[1] is b
    np.testing.assert_allclose(w, 0.9)
    np.testing.assert_allclose(b, 0.0)                # None: left alone
    opt.step([w, b], [np.ones(3), np.ones(2)])
    np.testing.assert_allclose(w, 0.9 - 0.1 * 1.5)    # v = 0.5 * 1 + 1
    np.testing.assert_allclose(b, -0.1)               # its velocity starts at 0
    assert opt.t == 2
    opt.reset()
    assert opt.t == 0 and opt._state is None
    x = np.array([1.0])
    opt.step(x, np.array([1.0]))                      # fresh state: v = 1
    np.testing.assert_allclose(x, 0.9)


def test_float32_params_keep_dtype():
    x = np.ones(4, dtype=np.float32)
    Adam(lr=0.1).step(x, np.full(4, 2.0))
    assert x.dtype == np.float32
    np.testing.assert_allclose(x, 0.9, rtol=1e-6)


def test_schedule_is_evaluated_at_the_step_counter():
    opt = GradientDescent(lr=ExponentialDecay(1.0, gamma=0.5))
    x = np.zeros(1)
    for _ in range(4):
        opt.step(x, np.ones(1))
    np.testing.assert_allclose(x, -(1 + 0.5 + 0.25 + 0.125))
    assert opt.learning_rate() == 0.0625 and opt.learning_rate(0) == 1.0
    y = np.zeros(1)
    opt.step(y, np.ones(1), lr=0.3)                  # explicit override
    np.testing.assert_allclose(y, -0.3)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: GradientDescent(0.1).step(np.zeros(3, dtype=int), np.ones(3)), TypeError,
     "floating dtype"),
    (lambda: GradientDescent(0.1).step([np.zeros(3)], [np.ones(2)]), ValueError,
     r"grads\[0\] has shape \(2,\) but params\[0\] has shape \(3,\)"),
    (lambda: GradientDescent(0.1).step([np.zeros(3)], [np.ones(3), np.ones(3)]), ValueError,
     "grads must match params"),
    (lambda: GradientDescent(0.1).step([[0.0, 1.0]], [np.ones(2)]), TypeError,
     "must be an ndarray"),
    (lambda: GradientDescent(0.0), ValueError, "lr must be > 0"),
    (lambda: Adam(-1e-3), ValueError, "lr must be > 0"),
    (lambda: Momentum(0.1, beta=1.0), ValueError, r"beta must be in \[0, 1\)"),
    (lambda: Adam(0.1, beta2=-0.1), ValueError, r"beta2 must be in \[0, 1\)"),
    (lambda: RMSProp(0.1, eps=-1.0), ValueError, "eps must be >= 0"),
    (lambda: GradientDescent("warp"), ValueError, "schedule must be one of"),
    (lambda: get_optimizer("lbfgs"), ValueError, "optimizer must be one of 'gd', 'sgd'"),
    (lambda: get_optimizer([1]), TypeError, "optimizer must be an Optimizer"),
])
def test_optimizer_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_changing_the_number_of_parameters_needs_reset():
    opt = Adam(0.1)
    opt.step([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="call reset"):
        opt.step([np.zeros(2), np.zeros(2)], [np.ones(2), np.ones(2)])


def test_read_only_params_rejected():
    x = np.zeros(2)
    x.setflags(write=False)
    with pytest.raises(ValueError, match="read-only"):
        GradientDescent(0.1).step(x, np.ones(2))


def test_repr_and_registry():
    assert repr(Adam()) == "Adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08)"
    assert repr(Nesterov(0.1, 0.5)) == "Nesterov(lr=0.1, beta=0.5)"
    assert repr(GradientDescent(ExponentialDecay(0.1, 0.9))) == \
        "GradientDescent(lr=ExponentialDecay(lr=0.1, gamma=0.9))"
    assert isinstance(get_optimizer("RMSProp", lr=0.1), RMSProp)
    assert get_optimizer(0.2).schedule == Constant(0.2)
    opt = Momentum()
    assert get_optimizer(opt) is opt
    assert set(OPTIMIZERS) == {"gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"}
    assert all(issubclass(c, Optimizer) and c.rule for c in OPTIMIZERS.values())


# ---------------------------------------------------------------------------
# Convergence
# ---------------------------------------------------------------------------
_rng = np.random.default_rng(1)
_Q, _ = np.linalg.qr(_rng.standard_normal((5, 5)))
A_ILL = _Q @ np.diag([1.0, 3.0, 10.0, 30.0, 100.0]) @ _Q.T      # condition number 100
B_ILL = _rng.standard_normal(5)
X_ILL = np.linalg.solve(A_ILL, B_ILL)


def ill_quadratic(x):
    return 0.5 * x @ (A_ILL @ x) - B_ILL @ x


def booth(x):
    return (x[0] + 2 * x[1] - 7) ** 2 + (2 * x[0] + x[1] - 5) ** 2


# hyper-parameters: GD at 2/(L + mu); heavy ball at its optimum 4/(sqrt L + sqrt mu)^2,
# ((sqrt k - 1)/(sqrt k + 1))^2; Nesterov at 1/L, (sqrt k - 1)/(sqrt k + 1)
METHODS = [
    ("gd", gradient_descent, dict(lr=2 / 101), dict(lr=0.1)),
    ("momentum", momentum, dict(lr=4 / 121, beta=(9 / 11) ** 2), dict(lr=0.05, beta=0.5)),
    ("nesterov", nesterov, dict(lr=0.01, beta=9 / 11), dict(lr=0.05, beta=0.5)),
    ("adagrad", adagrad, dict(lr=1.0), dict(lr=1.0)),
    ("rmsprop", rmsprop, dict(lr=ExponentialDecay(0.05, 0.995)),
     dict(lr=ExponentialDecay(0.05, 0.995))),
    ("adam", adam, dict(lr=0.1), dict(lr=0.1)),
]


@pytest.mark.parametrize("name, fn, kw_quad, kw_booth", METHODS, ids=[m[0] for m in METHODS])
def test_reaches_the_minimum_of_convex_functions(name, fn, kw_quad, kw_booth):
    res = fn(ill_quadratic, np.zeros(5), gtol=1e-9, maxiter=10_000, **kw_quad)
    assert res.success and res.status == 0, res.message
    np.testing.assert_allclose(res.x, X_ILL, rtol=0, atol=1e-6)
    assert res.fun == pytest.approx(-0.5 * B_ILL @ X_ILL, abs=1e-10)
    res = fn(booth, [0.0, 0.0], gtol=1e-9, maxiter=10_000, **kw_booth)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, [1.0, 3.0], rtol=0, atol=1e-6)
    # one history row per iteration plus x0; nfev counts every evaluation
    assert len(res.history) == res.nit + 1
    assert res.nfev == res.njev == res.nit + 1


def test_analytic_gradient_paths_agree_with_autodiff():
    jac = lambda x: A_ILL @ x - B_ILL                       # noqa: E731
    both = lambda x: (ill_quadratic(x), jac(x))              # noqa: E731
    with pytest.warns(ConvergenceWarning):
        r_ad = gradient_descent(ill_quadratic, np.zeros(5), lr=0.019, maxiter=50)
    with pytest.warns(ConvergenceWarning):
        r_j = gradient_descent(ill_quadratic, np.zeros(5), lr=0.019, maxiter=50, jac=jac)
    with pytest.warns(ConvergenceWarning):
        r_t = gradient_descent(both, np.zeros(5), lr=0.019, maxiter=50, jac=True)
    np.testing.assert_allclose(r_j.history.x, r_ad.history.x, rtol=0, atol=1e-13)
    np.testing.assert_allclose(r_t.history.x, r_ad.history.x, rtol=0, atol=1e-13)


def test_schedule_in_the_minimiser():
    """x_{k+1} = x_k - 0.4 * 0.9^k * 2 (x_k - 3): checked against the recursion by hand."""
    res = gradient_descent(seed_f, [7.0], lr=ExponentialDecay(0.4, gamma=0.9), maxiter=15,
                           gtol=1e-3)
    x = 7.0
    for k in range(len(res.history) - 1):
        x = x - 0.4 * 0.9 ** k * 2 * (x - 3)
        assert res.history.x[k + 1, 0] == pytest.approx(x, abs=1e-12)
        assert res.history.extra["lr"][k + 1] == pytest.approx(0.4 * 0.9 ** k, rel=1e-15)


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


@pytest.mark.parametrize("ls", ["armijo", "wolfe"])
def test_line_search_gd_on_rosenbrock_makes_progress(ls):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = gradient_descent(rosenbrock, [-1.2, 1.0], lr=1.0, line_search=ls, maxiter=2000)
    assert res.status in (0, 1)
    if ls == "wolfe":       # room to expand the step: reaches (1, 1) in a few hundred steps
        assert res.success
        np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-5)
    f = res.history.f
    assert f[0] == pytest.approx(24.2)
    assert np.all(np.diff(f) <= 0)                 # sufficient decrease: f never goes up
    assert f[-1] < 1e-3                            # from 24.2, down the curved valley
    assert np.linalg.norm(res.x - [1, 1]) < 0.1
    alphas = res.history.extra["lr"][1:]
    assert all(a > 0 for a in alphas)
    # a fixed rate 1.0 diverges at once on Rosenbrock; the search is what makes it work
    fixed = gradient_descent(rosenbrock, [-1.2, 1.0], lr=1.0, maxiter=100)
    assert fixed.status == 2


def test_line_search_explains_alpha():
    with mathforml.explain() as work:
        with pytest.warns(ConvergenceWarning):
            gradient_descent(rosenbrock, [-1.2, 1.0], lr=1.0, line_search="armijo", maxiter=5)
    it = work.find("Iteration")
    assert "Armijo" in it[0].formula
    assert all(s.values["alpha"] == s.values["lr"] > 0 for s in it[1:])
    assert not work.find("Trial step")                 # the inner search stays quiet


def test_wolfe_reuses_the_gradient_of_the_accepted_step():
    with mathforml.explain(head=10_000) as work:
        res = gradient_descent(booth, [0.0, 0.0], lr=0.05, line_search="wolfe", gtol=1e-9)
    assert res.success
    np.testing.assert_allclose(res.x, [1.0, 3.0], atol=1e-8)
    ls_nfev = work.values("ls_nfev")
    assert len(ls_nfev) == res.nit
    # x0 once, then only the search's own evaluations: the accepted point is not recomputed
    assert res.nfev == res.njev == 1 + sum(ls_nfev)


# ---------------------------------------------------------------------------
# Failure modes
# ---------------------------------------------------------------------------
def test_divergence_with_too_large_rate():
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # divergence is not a warning
        res = gradient_descent(seed_f, [7.0], lr=1.5)
    assert res.success is False and res.status == 2
    assert "diverged" in res.message and "smaller learning rate" in res.message
    assert "lr=0.15" in res.message
    # |x_k - 3| doubles each step: stopped once f passed 1e12 (1 + f0)
    assert res.fun > 1e12 * 17
    assert res.nit == next(k for k in range(100) if 16.0 * 4.0 ** k > 1e12 * 17)   # 20
    np.testing.assert_allclose(np.abs(res.history.x[:5, 0] - 3), 4 * 2.0 ** np.arange(5))


@pytest.mark.parametrize("fn", [momentum, nesterov])
def test_divergence_for_momentum_methods(fn):
    res = fn(seed_f, [7.0], lr=2.0, beta=0.9)
    assert res.status == 2 and "smaller learning rate" in res.message


def test_nan_objective_along_the_way_is_divergence():
    # sqrt from 1 with rate 10: x_1 = 1 - 10 * 0.5 = -4, where sqrt is NaN
    res = gradient_descent(lambda x: np.sqrt(x[0]), [1.0], lr=10.0)
    assert res.status == 2 and res.nit == 1
    assert "smaller learning rate" in res.message
    assert res.history.x[1, 0] == -4.0


def test_iteration_limit_warns():
    with pytest.warns(ConvergenceWarning, match="maxiter=5"):
        res = gradient_descent(seed_f, [7.0], lr=0.1, maxiter=5)
    assert res.status == 1 and res.success is False and res.nit == 5
    assert "iteration limit" in res.message
    assert res.x[0] == pytest.approx(3 + 4 * 0.8 ** 5, abs=1e-12)
    with pytest.warns(ConvergenceWarning):
        res = adam(booth, [0.0, 0.0], maxiter=3)
    assert res.status == 1


def test_already_converged_start():
    res = gradient_descent(seed_f, [3.0])
    assert res.success and res.nit == 0 and res.x[0] == 3.0


@pytest.mark.parametrize("fun, jac, match", [
    (lambda x: np.inf * x[0] ** 2, lambda x: 2 * x, "f\\(x0\\) is not finite"),
    (lambda x: np.log(x[0]), lambda x: 1 / x, "f\\(x0\\) is not finite"),
    (lambda x: x[0] ** 2, lambda x: np.array([np.nan]), "gradient at x0 is not finite"),
])
def test_non_finite_start_raises(fun, jac, match):
    with np.errstate(all="ignore"):
        with pytest.raises(ValueError, match=match):
            gradient_descent(fun, [-1.0], jac=jac)


@pytest.mark.parametrize("fn", [gradient_descent, momentum, nesterov, adagrad, rmsprop, adam])
@pytest.mark.parametrize("lr", [0.0, -0.1])
def test_non_positive_rate_raises(fn, lr):
    with pytest.raises(ValueError, match="lr must be > 0"):
        fn(seed_f, [7.0], lr=lr)


def test_bad_options():
    with pytest.raises(ValueError, match="line_search must be one of 'armijo', 'wolfe'; "
                                         "got 'goldstein'"):
        gradient_descent(seed_f, [7.0], line_search="goldstein")
    with pytest.raises(ValueError, match="schedule must be one of"):
        gradient_descent(seed_f, [7.0], lr="linear")
    with pytest.raises(ValueError, match="maxiter must be >= 0"):
        gradient_descent(seed_f, [7.0], maxiter=-1)
    with pytest.raises(ValueError, match="gtol must be >= 0"):
        gradient_descent(seed_f, [7.0], gtol=-1.0)
    with pytest.raises(TypeError, match="callback must be callable"):
        gradient_descent(seed_f, [7.0], callback=3)
    with pytest.raises(TypeError, match="fun must be callable"):
        gradient_descent(3.0, [7.0])
    # strong-Wolfe spellings are accepted
    res = gradient_descent(seed_f, [7.0], line_search="Strong-Wolfe", lr=1.0)
    assert res.success


def test_callback_stops_and_sees_copies():
    seen = []

    def cb(xk):
        seen.append(xk)
        return len(seen) == 3

    res = gradient_descent(seed_f, [7.0], lr=0.1, callback=cb)
    assert res.success and res.status == 0 and res.message == "stopped by callback"
    assert res.nit == 3
    np.testing.assert_allclose([v[0] for v in seen], [6.2, 5.56, 5.048], atol=1e-12)


def test_explain_is_bit_identical_and_bounded():
    plain = gradient_descent(ill_quadratic, np.zeros(5), lr=0.0198, gtol=1e-9, maxiter=5000)
    with mathforml.explain(head=5, every=100) as work:
        shown = gradient_descent(ill_quadratic, np.zeros(5), lr=0.0198, gtol=1e-9, maxiter=5000)
    assert np.array_equal(plain.x, shown.x) and plain.nit == shown.nit
    assert np.array_equal(plain.history.x, shown.history.x)
    its = work.find("Iteration")
    assert plain.nit > 900
    assert len(its) <= 5 + plain.nit // 100 + 2
    assert its[-1].iteration == plain.nit                  # the last iterate is shown
    assert np.array_equal(its[-1].values["x"], shown.x)
    assert work.omitted > 0
    # autodiff's chain-rule walk-through stays out of the optimiser's log
    assert len(work.steps) == len(its) + 1


@pytest.mark.parametrize("fn, kw", [(momentum, {}), (nesterov, {}), (adagrad, {}),
                                    (rmsprop, {}), (adam, {})])
def test_every_minimiser_explains(fn, kw):
    with mathforml.explain() as work:
        with pytest.warns(ConvergenceWarning):
            res = fn(booth, [0.0, 0.0], maxiter=3, **kw)
    its = work.find("Iteration")
    assert [s.iteration for s in its] == [0, 1, 2, 3]
    for s in its[1:]:
        assert set(s.values) >= {"x", "f", "grad", "grad_norm", "lr", "step"}
    np.testing.assert_allclose(its[3].values["x"], res.x)
    np.testing.assert_allclose(its[2].values["step"], res.history.x[2] - res.history.x[1])
    assert "x <- x - lr" in its[1].formula
    assert work.find("Result")[-1].values["nit"] == 3
