"""The training loop: batch, mini-batch and stochastic gradient descent.

References: the least-squares solution by numpy.linalg.lstsq, a hand-written
NumPy loop (same permutations, same slices), and losses computed by hand.
"""
from __future__ import annotations

import numpy as np
import pytest

import mathforml
from mathforml.optimize.gradient import Adam, GradientDescent, Momentum
from mathforml.optimize.schedules import InverseTimeDecay, StepDecay
from mathforml.optimize.sgd import TrainResult, train

RNG = np.random.default_rng(123)
N, D = 200, 4
X = RNG.standard_normal((N, D)) * np.array([1.0, 2.0, 0.5, 1.5])
W_TRUE = np.array([1.5, -2.0, 0.5, 3.0])
Y = X @ W_TRUE + 0.3 * RNG.standard_normal(N)
W_LSQ = np.linalg.lstsq(X, Y, rcond=None)[0]          # the normal-equation solution
L_MAX = np.linalg.eigvalsh(X.T @ X / N).max()          # curvature of the mean loss


def mse_grad(w, Xb, yb):
    """Gradient of (1 / 2b) ||Xb w - yb||^2."""
    return Xb.T @ (Xb @ w - yb) / len(yb)


def mse_loss(w, Xb, yb):
    r = Xb @ w - yb
    return 0.5 * (r * r).mean()


# ---------------------------------------------------------------------------
# Least squares: batch, mini-batch, stochastic
# ---------------------------------------------------------------------------
def test_batch_gd_recovers_least_squares():
    res = train(mse_grad, np.zeros(D), X, Y, optimizer=GradientDescent(1.0 / L_MAX),
                epochs=600, loss_fn=mse_loss)
    assert isinstance(res, TrainResult) and res.success
    np.testing.assert_allclose(res.params, W_LSQ, rtol=0, atol=1e-8)
    assert res.n_steps == 600 and res.n_epochs == 600               # one step per epoch
    assert res.loss == pytest.approx(mse_loss(W_LSQ, X, Y), rel=1e-12)
    assert res.initial_loss == pytest.approx(0.5 * np.mean(Y ** 2), rel=1e-14)
    assert np.all(np.diff(res.loss_history) <= 1e-15)               # monotone for lr <= 1/L


@pytest.mark.parametrize("batch_size", [16, 1])
def test_minibatch_and_sgd_recover_least_squares(batch_size):
    # noisy targets: per-sample gradients do not vanish at the optimum, so the rate must decay
    # (eta_e = 0.05 / (1 + r e): Robbins-Monro; SGD takes N steps per epoch, so it averages
    # more noise per epoch and tolerates a faster decay)
    lr = InverseTimeDecay(0.05, decay_rate=1.0 if batch_size == 1 else 0.1)
    res = train(mse_grad, np.zeros(D), X, Y, optimizer=GradientDescent(lr), epochs=300,
                batch_size=batch_size, rng=0, schedule_by="epoch", loss_fn=mse_loss)
    assert res.success
    np.testing.assert_allclose(res.params, W_LSQ, rtol=0, atol=5e-4 if batch_size == 1 else 5e-3)
    assert res.n_steps == 300 * -(-N // batch_size)
    assert res.loss <= mse_loss(W_LSQ, X, Y) * (1 + 1e-4)


@pytest.mark.parametrize("batch_size", [None, 32, 1])
def test_exact_targets_converge_exactly_for_every_batch_size(batch_size):
    y = X @ W_TRUE                      # every per-sample gradient vanishes at W_TRUE
    lr = {None: 1.0 / L_MAX, 32: 0.1, 1: 0.02}[batch_size]
    res = train(mse_grad, np.zeros(D), X, y, optimizer=GradientDescent(lr), epochs=400,
                batch_size=batch_size, rng=1)
    np.testing.assert_allclose(res.params, W_TRUE, rtol=0, atol=1e-8)


@pytest.mark.parametrize("opt", [lambda: Momentum(0.01, 0.9), lambda: Adam(0.05)])
def test_other_optimisers_drive_the_same_loop(opt):
    res = train(mse_grad, np.zeros(D), X, Y, optimizer=opt(), epochs=400, batch_size=N)
    np.testing.assert_allclose(res.params, W_LSQ, rtol=0, atol=1e-6)


# ---------------------------------------------------------------------------
# Equivalence with a hand-written loop; shuffling
# ---------------------------------------------------------------------------
def _hand_loop(w, b, epochs, seed, lrs):
    rng = np.random.default_rng(seed)
    for e in range(epochs):
        idx = rng.permutation(N)
        for i in range(0, N, b):
            bi = idx[i:i + b]
            g = X[bi].T @ (X[bi] @ w - Y[bi]) / len(bi)
            w -= lrs(e) * g
    return w


def test_bit_identical_to_a_hand_written_numpy_loop():
    res = train(mse_grad, np.zeros(D), X, Y, optimizer=GradientDescent(0.01), epochs=3,
                batch_size=24, rng=7)          # 200 = 8 * 24 + 8: a short last batch
    ref = _hand_loop(np.zeros(D), 24, 3, 7, lambda e: 0.01)
    assert np.array_equal(res.params, ref)
    assert res.n_steps == 3 * 9


def test_schedule_per_epoch_matches_hand_loop():
    sched = StepDecay(0.02, step_size=2, gamma=0.5)
    res = train(mse_grad, np.zeros(D), X, Y, optimizer=GradientDescent(sched), epochs=5,
                batch_size=50, rng=3, schedule_by="epoch")
    ref = _hand_loop(np.zeros(D), 50, 5, 3, lambda e: 0.02 * 0.5 ** (e // 2))
    assert np.array_equal(res.params, ref)
    np.testing.assert_allclose(res.lr_history, [0.02, 0.02, 0.01, 0.01, 0.005])


def test_schedule_per_iteration():
    sched = StepDecay(0.02, step_size=2, gamma=0.5)
    opt = GradientDescent(sched)
    res = train(mse_grad, np.zeros(D), X, Y, optimizer=opt, epochs=2, batch_size=100,
                shuffle=False, schedule_by="iteration")
    w = np.zeros(D)
    t = 0
    for _ in range(2):
        for i in range(0, N, 100):
            w -= 0.02 * 0.5 ** (t // 2) * mse_grad(w, X[i:i + 100], Y[i:i + 100])
            t += 1
    np.testing.assert_allclose(res.params, w, rtol=0, atol=1e-15)
    assert opt.t == 4
    np.testing.assert_allclose(res.lr_history, [0.02, 0.01])     # rate of each epoch's 1st step


def test_shuffling_reproducible_by_seed():
    kw = dict(optimizer=None, epochs=2, batch_size=10)
    runs = [train(mse_grad, np.zeros(D), X, Y, **{**kw, "optimizer": GradientDescent(0.01)},
                  rng=seed).params for seed in (5, 5, 6)]
    assert np.array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])
    gen = train(mse_grad, np.zeros(D), X, Y, **{**kw, "optimizer": GradientDescent(0.01)},
                rng=np.random.default_rng(5)).params
    assert np.array_equal(gen, runs[0])
    # without shuffling the order is the data's and the seed does not matter
    a = train(mse_grad, np.zeros(D), X, Y, **{**kw, "optimizer": GradientDescent(0.01)},
              shuffle=False, rng=1).params
    b = train(mse_grad, np.zeros(D), X, Y, **{**kw, "optimizer": GradientDescent(0.01)},
              shuffle=False, rng=2).params
    assert np.array_equal(a, b)
    X_before = X.copy()
    assert np.array_equal(X, X_before)                           # the data is not shuffled in place


# ---------------------------------------------------------------------------
# Gradient sources and loss bookkeeping
# ---------------------------------------------------------------------------
def test_autodiff_loss_fn_matches_hand_gradient():
    hand = train(mse_grad, np.zeros(D), X, Y, optimizer=GradientDescent(0.02), epochs=5,
                 batch_size=20, rng=11)
    auto = train(None, np.zeros(D), X, Y, optimizer=GradientDescent(0.02), epochs=5,
                 batch_size=20, rng=11, loss_fn=mse_loss)
    np.testing.assert_allclose(auto.params, hand.params, rtol=0, atol=1e-12)
    assert np.isnan(hand.loss_history).all()                     # no loss to report
    np.testing.assert_allclose(auto.loss_history[-1], mse_loss(auto.params, X, Y), rtol=1e-14)


def test_list_of_parameters_with_loss_and_grads():
    """Intercept model y = X w + c; grad_fn returns (loss, [g_w, g_c])."""
    y = Y + 4.0
    seen = []

    def grad_fn(params, Xb, yb):
        w, c = params
        r = Xb @ w + c - yb
        loss = 0.5 * np.mean(r * r)
        seen.append((len(yb), loss))
        return loss, [Xb.T @ r / len(yb), np.array(r.mean())]

    w, c = np.zeros(D), np.array(0.0)
    res = train(grad_fn, [w, c], X, y, optimizer=GradientDescent(1.0 / (L_MAX + 1)),
                epochs=800, batch_size=None)
    assert res.params[0] is w and res.params[1] is c             # updated in place
    Xc = np.column_stack([X, np.ones(N)])
    ref = np.linalg.lstsq(Xc, y, rcond=None)[0]
    np.testing.assert_allclose(np.append(w, c), ref, rtol=0, atol=1e-7)
    # the recorded loss: batch-size-weighted mean of batch losses, each before its update
    assert res.loss_history[0] == pytest.approx(seen[0][1], rel=1e-15)
    np.testing.assert_array_equal(res.loss_history, res.batch_loss_history)


def test_batch_loss_mean_weighted_by_batch_size():
    sizes, losses = [], []

    def grad_fn(w, Xb, yb):
        loss = mse_loss(w, Xb, yb)
        sizes.append(len(yb))
        losses.append(loss)
        return loss, mse_grad(w, Xb, yb)

    res = train(grad_fn, np.zeros(D), X, Y, optimizer=GradientDescent(0.01), epochs=1,
                batch_size=64, rng=0)
    assert sizes == [64, 64, 64, 8]
    expected = sum(s * v for s, v in zip(sizes, losses)) / N
    assert res.loss_history[0] == pytest.approx(expected, rel=1e-14)


def test_autodiff_list_parameters():
    def loss(params, Xb, yb):
        w, c = params
        r = Xb @ w + c - yb
        return 0.5 * (r * r).mean()

    def grad(params, Xb, yb):
        w, c = params
        r = Xb @ w + c - yb
        return [Xb.T @ r / len(yb), np.array(r.mean())]

    a = train(None, [np.zeros(D), np.array(0.0)], X, Y + 1, optimizer=Adam(0.05), epochs=3,
              batch_size=40, rng=2, loss_fn=loss)
    b = train(grad, [np.zeros(D), np.array(0.0)], X, Y + 1, optimizer=Adam(0.05), epochs=3,
              batch_size=40, rng=2)
    for p, q in zip(a.params, b.params):
        np.testing.assert_allclose(p, q, rtol=0, atol=1e-12)


def test_params_and_targets_conversion():
    labels = (Y > 0).astype(np.int64)
    dtypes = []

    def grad_fn(w, Xb, yb):
        dtypes.append(yb.dtype)
        p = 1 / (1 + np.exp(-(Xb @ w)))
        return Xb.T @ (p - yb) / len(yb)

    res = train(grad_fn, [0, 0, 0, 0], X, labels, optimizer="sgd", epochs=2, batch_size=50)
    assert set(dtypes) == {np.dtype(np.int64)}                   # labels stay integers
    assert isinstance(res.params, np.ndarray) and res.params.dtype == np.float64
    # y may be None (unsupervised objectives)
    res = train(lambda w, Xb, yb: w - Xb.mean(axis=0), np.zeros(D), X, None,
                optimizer=GradientDescent(0.5), epochs=30)
    np.testing.assert_allclose(res.params, X.mean(axis=0), atol=1e-8)


# ---------------------------------------------------------------------------
# Failure modes, callback, explain
# ---------------------------------------------------------------------------
def test_divergence_stops_with_a_message():
    res = train(mse_grad, np.zeros(D), X, Y, optimizer=GradientDescent(5.0 / L_MAX),
                epochs=500, loss_fn=mse_loss)
    assert res.success is False and res.status == 2
    assert "diverged" in res.message and "smaller learning rate" in res.message
    assert res.n_epochs < 500
    res = train(mse_grad, np.zeros(D), X, Y, optimizer=GradientDescent(5.0 / L_MAX),
                epochs=3000)                                     # no loss: caught on params
    assert res.status == 2 and res.n_epochs < 3000


def test_callback_stops_training():
    calls = []

    def cb(epoch, params, loss):
        calls.append((epoch, loss))
        return epoch == 4

    res = train(mse_grad, np.zeros(D), X, Y, optimizer=GradientDescent(0.1), epochs=50,
                loss_fn=mse_loss, callback=cb)
    assert res.success and res.n_epochs == 4 and "callback" in res.message
    assert [e for e, _ in calls] == [1, 2, 3, 4]
    assert calls[-1][1] == res.loss


def test_explain_per_epoch_bounded_and_identical():
    kw = dict(optimizer=None, epochs=200, batch_size=50, rng=4, loss_fn=mse_loss)
    plain = train(mse_grad, np.zeros(D), X, Y, **{**kw, "optimizer": GradientDescent(0.05)})
    with mathforml.explain(head=10, every=10) as work:
        shown = train(mse_grad, np.zeros(D), X, Y, **{**kw, "optimizer": GradientDescent(0.05)})
    assert np.array_equal(plain.params, shown.params)
    assert np.array_equal(plain.loss_history, shown.loss_history)
    epochs = work.find("Epoch")
    assert len(epochs) <= 10 + 200 // 10 + 1
    assert epochs[0].values["epoch"] == 1 and epochs[-1].values["epoch"] == 200
    assert epochs[-1].values["loss"] == shown.loss_history[-1]
    setup = work.find("Setup")[0].values
    assert setup["n_batches"] == 4 and setup["batch_size"] == 50
    assert work.find("Result")[0].values["n_steps"] == 800


def test_explain_does_not_record_autodiff_per_batch():
    with mathforml.explain() as work:
        train(None, np.zeros(D), X, Y, optimizer=GradientDescent(0.05), epochs=2,
              batch_size=50, loss_fn=mse_loss)
    titles = {s.title for s in work.steps}
    assert titles == {"Setup", "Epoch", "Result"}


@pytest.mark.parametrize("call, exc, match", [
    (lambda: train(mse_grad, np.zeros(D), X, Y[:-1], optimizer="sgd"), ValueError,
     "same number of rows"),
    (lambda: train(mse_grad, np.zeros(D), X, Y, optimizer="sgd", epochs=0), ValueError,
     "epochs must be >= 1"),
    (lambda: train(mse_grad, np.zeros(D), X, Y, optimizer="sgd", batch_size=0), ValueError,
     "batch_size must be >= 1"),
    (lambda: train(mse_grad, np.zeros(D), X, Y, optimizer="sgd", schedule_by="batch"),
     ValueError, "schedule_by must be one of 'epoch', 'iteration'"),
    (lambda: train(mse_grad, np.zeros(D), X, Y, optimizer="adamw"), ValueError,
     "optimizer must be one of"),
    (lambda: train(mse_grad, np.zeros(D), X, Y, optimizer=GradientDescent(-1.0)), ValueError,
     "lr must be > 0"),
    (lambda: train(None, np.zeros(D), X, Y, optimizer="sgd"), TypeError,
     "give grad_fn, or loss_fn"),
    (lambda: train(lambda w, a, b: (1.0, w, w), np.zeros(D), X, Y, optimizer="sgd"), TypeError,
     "grad_fn must return the gradient"),
    (lambda: train(lambda p, a, b: [p[0]], [np.zeros(D), np.zeros(1)], X, Y, optimizer="sgd"),
     TypeError, "grad_fn must return 2 gradients"),
    (lambda: train(mse_grad, np.zeros(D), np.empty((0, D)), np.empty(0), optimizer="sgd"),
     ValueError, "X has no rows"),
    (lambda: train("grad", np.zeros(D), X, Y, optimizer="sgd"), TypeError,
     "grad_fn must be callable"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_repr():
    res = train(mse_grad, np.zeros(D), X, Y, optimizer=GradientDescent(0.1), epochs=2,
                loss_fn=mse_loss)
    text = repr(res)
    assert text.startswith("TrainResult(success=True, n_epochs=2, n_steps=2, loss=")
