"""Learning-rate schedules: closed forms, PyTorch's schedulers, validation."""
from __future__ import annotations

import math

import numpy as np
import pytest

from mathforml.optimize.schedules import (
    SCHEDULES, Constant, CosineDecay, ExponentialDecay, InverseTimeDecay, LambdaSchedule,
    Schedule, StepDecay, WarmupCosine, get_schedule,
)

T = np.arange(0, 60)


def _torch_rates(make_scheduler, lr, steps):
    """The rate PyTorch's scheduler gives at t = 0 .. steps-1."""
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True, dtype=torch.float64)
    opt = torch.optim.SGD([p], lr=lr)
    sched = make_scheduler(torch.optim.lr_scheduler, opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(rates)


# -- closed forms ---------------------------------------------------------------
@pytest.mark.parametrize("schedule, formula", [
    (Constant(0.3), lambda t: 0.3 + 0 * t),
    (StepDecay(0.5, step_size=7, gamma=0.3), lambda t: 0.5 * 0.3 ** np.floor(t / 7)),
    (ExponentialDecay(0.2, gamma=0.95), lambda t: 0.2 * 0.95 ** t),
    (InverseTimeDecay(0.4, decay_rate=0.5, decay_steps=3), lambda t: 0.4 / (1 + 0.5 * t / 3)),
    (CosineDecay(1.5, total_steps=40, min_lr=0.1),
     lambda t: 0.1 + 1.4 * 0.5 * (1 + np.cos(np.pi * np.minimum(t, 40) / 40))),
])
def test_closed_forms_scalar_and_array(schedule, formula):
    expected = formula(T.astype(float))
    scalar = np.array([schedule(int(t)) for t in T])
    np.testing.assert_allclose(scalar, expected, rtol=1e-14, atol=0)
    np.testing.assert_allclose(schedule(T), expected, rtol=1e-14, atol=0)
    assert isinstance(schedule(3), float)
    assert isinstance(schedule(np.int64(3)), float)


def test_warmup_cosine_by_hand():
    s = WarmupCosine(0.8, warmup_steps=5, total_steps=25, min_lr=0.05)
    # warm-up: 0.8 * t / 5
    assert [s(t) for t in range(5)] == [0.0, 0.8 * 1 / 5, 0.8 * 2 / 5, 0.8 * 3 / 5, 0.8 * 4 / 5]
    assert s(5) == 0.8                              # the peak
    # half-way through the cosine phase: mid-point of [min_lr, lr]
    assert s(15) == pytest.approx(0.05 + 0.75 * 0.5, rel=1e-15)
    assert s(25) == pytest.approx(0.05, rel=1e-15)
    assert s(26) == s(1000) == 0.05
    # Hugging Face's get_cosine_schedule_with_warmup lambda (min_lr = 0), up to total_steps
    # (past it HF's cosine climbs again; ours stays at min_lr)
    h = WarmupCosine(1.0, warmup_steps=4, total_steps=20)
    for t in range(21):
        if t < 4:
            ref = t / 4
        else:
            progress = (t - 4) / 16
            ref = max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))
        assert h(t) == pytest.approx(ref, abs=1e-15)
    np.testing.assert_allclose(h(np.arange(25)), [h(t) for t in range(25)], rtol=1e-13, atol=1e-16)


def test_warmup_zero_is_cosine_decay():
    a = WarmupCosine(0.5, warmup_steps=0, total_steps=30, min_lr=0.01)
    b = CosineDecay(0.5, total_steps=30, min_lr=0.01)
    np.testing.assert_allclose(a(T), b(T), rtol=1e-13, atol=1e-16)


# -- PyTorch's schedulers ----------------------------------------------------------
def test_step_decay_matches_torch_steplr():
    got = StepDecay(0.1, step_size=5, gamma=0.5)(np.arange(40))
    ref = _torch_rates(lambda S, o: S.StepLR(o, step_size=5, gamma=0.5), 0.1, 40)
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_exponential_matches_torch():
    got = ExponentialDecay(0.1, gamma=0.9)(np.arange(40))
    ref = _torch_rates(lambda S, o: S.ExponentialLR(o, gamma=0.9), 0.1, 40)
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_cosine_matches_torch_cosine_annealing_up_to_total():
    got = CosineDecay(0.1, total_steps=30, min_lr=0.001)(np.arange(31))
    ref = _torch_rates(lambda S, o: S.CosineAnnealingLR(o, T_max=30, eta_min=0.001), 0.1, 31)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-15)


def test_inverse_time_matches_torch_lambdalr():
    got = InverseTimeDecay(0.1, decay_rate=0.3, decay_steps=2)(np.arange(30))
    ref = _torch_rates(lambda S, o: S.LambdaLR(o, lambda t: 1 / (1 + 0.3 * t / 2)), 0.1, 30)
    np.testing.assert_allclose(got, ref, rtol=1e-12)


# -- get_schedule ---------------------------------------------------------------------
def test_get_schedule_forms():
    assert get_schedule(0.1) == Constant(0.1)
    assert get_schedule(1) == Constant(1.0)
    s = StepDecay(0.1, 3)
    assert get_schedule(s) is s
    assert get_schedule("Step", lr=0.1, step_size=3) == s
    assert get_schedule("inverse-time", lr=0.1, decay_rate=1.0) == InverseTimeDecay(0.1, 1.0)
    assert type(get_schedule("warmup_cosine", lr=1.0, warmup_steps=1, total_steps=3)) \
        is WarmupCosine
    f = get_schedule(lambda t: 1.0 / (t + 1))
    assert isinstance(f, LambdaSchedule) and f(3) == 0.25
    np.testing.assert_allclose(f(np.arange(3)), [1.0, 0.5, 1 / 3])
    assert set(SCHEDULES) == {"constant", "step", "exponential", "inverse_time", "cosine",
                              "warmup_cosine"}
    assert all(issubclass(c, Schedule) for c in SCHEDULES.values())


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="schedule must be one of 'constant', 'step', "
                                         "'exponential', 'inverse_time', 'cosine', "
                                         "'warmup_cosine'; got 'linear'"):
        get_schedule("linear", lr=0.1)


@pytest.mark.parametrize("make", [
    lambda: get_schedule(0.0), lambda: get_schedule(-0.1), lambda: Constant(0),
    lambda: StepDecay(-1.0, 3), lambda: ExponentialDecay(0.0, 0.9),
    lambda: InverseTimeDecay(-2, 1.0), lambda: CosineDecay(0.0, 10),
    lambda: WarmupCosine(-1.0, 2, 10), lambda: get_schedule("cosine", lr=0, total_steps=3),
])
def test_lr_must_be_positive(make):
    with pytest.raises(ValueError, match="lr must be > 0"):
        make()


@pytest.mark.parametrize("make, match", [
    (lambda: StepDecay(0.1, 0), "step_size must be >= 1"),
    (lambda: StepDecay(0.1, 2, gamma=1.5), r"gamma must be in \(0, 1\]"),
    (lambda: ExponentialDecay(0.1, 0.0), r"gamma must be in \(0, 1\]"),
    (lambda: InverseTimeDecay(0.1, -1.0), "decay_rate must be >= 0"),
    (lambda: InverseTimeDecay(0.1, 1.0, decay_steps=0), "decay_steps must be > 0"),
    (lambda: CosineDecay(0.1, 0), "total_steps must be >= 1"),
    (lambda: CosineDecay(0.1, 10, min_lr=0.2), "min_lr must be <= lr"),
    (lambda: CosineDecay(0.1, 10, min_lr=-0.1), "min_lr must be >= 0"),
    (lambda: WarmupCosine(0.1, 10, 10), "total_steps must be > warmup_steps"),
    (lambda: WarmupCosine(0.1, -1, 10), "warmup_steps must be >= 0"),
    (lambda: Constant(float("nan")), "lr must be finite"),
])
def test_bad_parameters(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_type_errors():
    with pytest.raises(TypeError, match="lr must be a positive number"):
        get_schedule(True)
    with pytest.raises(TypeError, match="lr must be a positive number"):
        get_schedule([0.1])
    with pytest.raises(TypeError, match="keyword arguments are only accepted"):
        get_schedule(0.1, gamma=0.5)
    with pytest.raises(TypeError, match="step_size must be an integer"):
        StepDecay(0.1, 2.5)
    with pytest.raises(TypeError, match="fn must be callable"):
        LambdaSchedule(3)


def test_negative_step_rejected():
    s = ExponentialDecay(0.1, 0.5)
    with pytest.raises(ValueError, match="t must be >= 0"):
        s(-1)
    with pytest.raises(ValueError, match="t must be >= 0"):
        s(np.array([0, -2]))


def test_repr_round_trips():
    for s in [Constant(0.1), StepDecay(0.1, 5, 0.5), ExponentialDecay(0.1, 0.9),
              InverseTimeDecay(0.1, 0.5, 2.0), CosineDecay(0.1, 100, 0.001),
              WarmupCosine(0.1, 10, 100, 0.001)]:
        ns = {c.__name__: c for c in SCHEDULES.values()}
        assert eval(repr(s), ns) == s
    assert repr(StepDecay(0.1, 5, 0.5)) == "StepDecay(lr=0.1, step_size=5, gamma=0.5)"
    assert repr(LambdaSchedule(math.sqrt)) == "LambdaSchedule(sqrt)"


def test_docstrings_carry_formulas():
    for cls in SCHEDULES.values():
        assert "Notes" in cls.__doc__ or cls is Constant
        assert "Examples" in cls.__doc__
