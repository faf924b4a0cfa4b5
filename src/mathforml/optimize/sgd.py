r"""The training loop: batch, mini-batch and stochastic gradient descent over (X, y).

:func:`train` is one loop for the three flavours the seeds name — they differ
only in how many rows of the data each gradient sees:

==================  ===================  =========================================
flavour             ``batch_size``       gradient per step
==================  ===================  =========================================
batch GD            None (or >= n)       the whole data set: exact, one step/epoch
mini-batch GD       b (e.g. 32)          b rows: cheap, a little noisy
stochastic GD       1                    one row: cheapest, noisiest
==================  ===================  =========================================

Every epoch draws a fresh permutation of the rows from ``rng`` (so a seed
makes a run reproducible), gathers the shuffled data once (``X[perm]`` into a
buffer reused across epochs) and walks it in contiguous slices, handing each
batch to ``grad_fn`` and the result to the optimiser's in-place ``step``.  The
per-batch work is only that: no validation, no allocation by the loop, no
explanation unless a recorder listens — so an epoch costs what a hand-written
NumPy loop costs.

>>> from mathforml.optimize.gradient import GradientDescent
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((100, 2)); w_true = np.array([2.0, -1.0]); y = X @ w_true
>>> def grad_fn(w, Xb, yb):                  # gradient of the mean squared error / 2
...     return Xb.T @ (Xb @ w - yb) / len(yb)
>>> res = train(grad_fn, np.zeros(2), X, y, optimizer=GradientDescent(lr=0.1),
...             epochs=20, batch_size=10, rng=0)
>>> np.round(res.params, 6), res.n_steps
(array([ 2., -1.]), 200)

References
----------
L. Bottou, F. E. Curtis and J. Nocedal, "Optimization methods for large-scale
machine learning", SIAM Review 60(2), 2018.  I. Goodfellow, Y. Bengio and A.
Courville, *Deep Learning*, MIT Press 2016, section 8.1.3 (batch and
mini-batch algorithms).
"""
from __future__ import annotations

import math

import numpy as np

from .._validation import as_rng, check_int, check_option
from ..explain import active, section, silenced, step
from .gradient import get_optimizer

__all__ = ["train", "TrainResult"]

_SCHEDULE_BY = ("epoch", "iteration")


class TrainResult:
    """The outcome of :func:`train`.

    Attributes
    ----------
    params : ndarray or list of ndarray
        The trained parameters (the caller's arrays, updated in place, when
        they were writeable float arrays).
    loss_history : ndarray, shape (n_epochs,)
        The loss after each epoch (see :func:`train` for which loss; NaN when
        none can be computed).
    batch_loss_history : ndarray, shape (n_epochs,)
        The batch-size-weighted mean of the batch losses during each epoch when
        ``grad_fn`` returns ``(loss, grads)`` (each batch loss evaluated before
        its update); NaN otherwise.
    lr_history : ndarray, shape (n_epochs,)
        The learning rate of each epoch's first step.
    initial_loss : float
        ``loss_fn`` on the full data before training (NaN without ``loss_fn``).
    n_epochs : int
        Epochs completed.
    n_steps : int
        Optimiser steps taken (batches processed).
    success : bool
        False when training diverged.
    status : int
        0 finished (or stopped by the callback), 2 diverged.
    message : str
        What happened, in words.
    optimizer : Optimizer
        The optimiser (its state can continue in another call).
    """

    __slots__ = ("params", "loss_history", "batch_loss_history", "lr_history", "initial_loss",
                 "n_epochs", "n_steps", "success", "status", "message", "optimizer")

    def __init__(self, **fields):
        for name in self.__slots__:
            setattr(self, name, fields[name])

    @property
    def loss(self) -> float:
        """The final epoch's loss (``initial_loss`` when no epoch ran)."""
        return float(self.loss_history[-1]) if len(self.loss_history) else self.initial_loss

    def __repr__(self) -> str:
        loss = f"{self.loss:.6g}"
        return (f"TrainResult(success={self.success}, n_epochs={self.n_epochs}, "
                f"n_steps={self.n_steps}, loss={loss}, message={self.message!r})")


def _params_in(params):
    """(params to update, single?) — float writeable arrays are used in place."""
    def usable(p):
        return isinstance(p, np.ndarray) and p.dtype.kind == "f" and p.flags.writeable

    if isinstance(params, (list, tuple)) and params and all(
            isinstance(p, np.ndarray) for p in params):
        return [p if usable(p) else np.array(p, dtype=np.float64) for p in params], False
    if usable(params):
        return params, True
    try:
        arr = np.array(params, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("params must be an ndarray or a list/tuple of ndarrays, got "
                        f"{type(params).__name__}") from None
    return arr, True


def _split_output(out, single: bool, m: int) -> bool:
    """Whether ``grad_fn`` returned ``(loss, grads)`` (decided once, on the first batch)."""
    if single:
        if isinstance(out, (tuple, list)):
            if len(out) != 2:
                raise TypeError("grad_fn must return the gradient (an array like params) or the "
                                f"pair (loss, gradient); got a sequence of length {len(out)}")
            return True
        return False
    if (isinstance(out, (tuple, list)) and len(out) == 2 and np.ndim(out[0]) == 0
            and isinstance(out[1], (tuple, list)) and len(out[1]) == m):
        return True
    if not isinstance(out, (tuple, list)) or len(out) != m:
        got = f"length {len(out)}" if isinstance(out, (tuple, list)) else type(out).__name__
        raise TypeError(f"grad_fn must return {m} gradients (one per parameter array) or the "
                        f"pair (loss, gradients); got {got}")
    return False


def _autodiff_grad_fn(loss_fn, single: bool, m: int):
    """``grad_fn`` from ``loss_fn`` by reverse-mode autodiff (gradients only)."""
    from ..calculus import value_and_grad
    if single:
        vg = value_and_grad(loss_fn, argnums=0)

        def grad_fn(params, Xb, yb):
            return vg(params, Xb, yb)[1]
        return grad_fn

    def loss_of(*a):
        return loss_fn(list(a[:m]), a[m], a[m + 1])

    vg_list = value_and_grad(loss_of, argnums=tuple(range(m)))

    def grad_fn_list(params, Xb, yb):
        return vg_list(*params, Xb, yb)[1]
    return grad_fn_list


def _all_finite(params, single: bool) -> bool:
    if single:
        return bool(np.isfinite(params).all())
    return all(np.isfinite(p).all() for p in params)


def train(grad_fn, params, X, y, *, optimizer, epochs: int = 10, batch_size: int | None = None,
          shuffle: bool = True, rng=None, loss_fn=None, callback=None,
          schedule_by: str = "epoch") -> TrainResult:
    r"""Fit parameters by batch, mini-batch or stochastic gradient descent over (X, y).

    Parameters
    ----------
    grad_fn : callable or None
        ``grad_fn(params, X_batch, y_batch)`` returning the gradient of the
        batch loss — an array shaped like ``params`` (or a list of arrays for a
        list of parameters) — or the pair ``(loss, gradient)``.  None: the
        gradient of ``loss_fn`` by reverse-mode autodiff
        (:func:`mathforml.calculus.value_and_grad`; ``loss_fn`` must then be
        written with NumPy ufuncs / ``@``).
    params : ndarray or list of ndarray
        Initial parameters.  Writeable float arrays are updated *in place*
        (and returned); anything else is first copied to float64.  A list or
        tuple of ndarrays is a list of parameter arrays.
    X : array_like, shape (n, ...)
        Inputs, one sample per row (axis 0).
    y : array_like, shape (n, ...) or None
        Targets, one per row of ``X`` (any dtype: integer class labels stay
        integers).
    optimizer : Optimizer, str or float
        A :class:`~mathforml.optimize.gradient.Optimizer` (its state carries
        over between calls; ``optimizer.reset()`` starts afresh), an optimiser
        name (default hyper-parameters) or a learning rate for plain SGD.
    epochs : int, default 10
        Passes over the data.
    batch_size : int or None
        Rows per step: None (or >= n) batch GD, 1 stochastic GD, else mini-batch.
        The last batch of an epoch holds the remaining ``n mod b`` rows.
    shuffle : bool, default True
        Draw a fresh permutation of the rows every epoch (mini-batch and
        stochastic only: the full-batch gradient does not depend on the order).
    rng : None, int or numpy.random.Generator
        Source of the permutations.
    loss_fn : callable, optional
        ``loss_fn(params, X, y) -> float``; evaluated on the full data before
        training and after every epoch.
    callback : callable, optional
        ``callback(epoch, params, loss)`` after each epoch (``epoch`` counts
        completed epochs from 1); a truthy return stops training.
    schedule_by : {"epoch", "iteration"}, default "epoch"
        When the optimiser's learning-rate schedule advances: ``"epoch"``
        evaluates it at the epoch number ``0, 1, ...`` of this call (every step
        in an epoch uses that rate); ``"iteration"`` at the optimiser's own
        step counter ``t`` (every step).

    Returns
    -------
    TrainResult
        ``params``, ``loss_history``, ``batch_loss_history``, ``lr_history``,
        ``initial_loss``, ``n_epochs``, ``n_steps``, ``success``, ``status``,
        ``message``, ``optimizer``.

    Raises
    ------
    ValueError
        Mismatched lengths of ``X`` and ``y``; ``epochs < 1``,
        ``batch_size < 1``; unknown ``schedule_by`` or optimiser name.
    TypeError
        ``grad_fn`` and ``loss_fn`` both None; a ``grad_fn`` result that is
        neither gradients nor ``(loss, gradients)``.

    Notes
    -----
    One epoch, with :math:`\pi` a random permutation of :math:`1..n` and
    batches :math:`B_j = \pi(jb+1 .. (j+1)b)`:

    .. math:: \theta \leftarrow \mathrm{step}(\theta,\ \nabla_\theta L_{B_j}(\theta)),
              \quad j = 0, 1, \dots, \lceil n/b \rceil - 1,

    where ``step`` is the optimiser's update rule (:math:`\theta - \eta g`
    for plain SGD).  Mini-batch gradients are unbiased estimates of the full
    gradient with variance shrinking like :math:`1/b`; with a constant rate
    SGD hovers around the minimum at a distance that grows with the rate and
    that variance, so a decaying schedule (e.g. :class:`InverseTimeDecay`)
    is needed to converge exactly unless every per-sample gradient vanishes
    at the optimum.

    **Which loss is recorded.**  With ``loss_fn``, ``loss_history[e]`` is
    ``loss_fn`` on the full, unshuffled data at the end of epoch ``e + 1``
    (one extra full pass per epoch).  Without it, when ``grad_fn`` returns
    ``(loss, grads)``, it is the mean of that epoch's batch losses weighted by
    batch size (each computed before its own update, as Keras reports it);
    otherwise NaN.  The batch-loss mean is always kept in
    ``batch_loss_history`` when available.  ``grad_fn``'s return convention
    is read once, from the first batch: for a single array a tuple/list of
    length 2 means ``(loss, grads)``; for a list of *m* arrays, a pair whose
    first item is a scalar and whose second is a list/tuple of *m* arrays.

    **Divergence.**  After each epoch: a non-finite parameter or recorded
    loss, or a ``loss_fn`` value above :math:`10^{12}(1 + |L_0|)`, stops
    training with ``success`` False and a message suggesting a smaller
    learning rate (the parameters are left as they are).

    **Cost.**  Shuffling gathers ``X[perm]`` once per epoch into a buffer
    allocated once; batches are then contiguous views prepared once, so the
    loop body is ``grad_fn`` plus the optimiser's in-place update.  Under
    :func:`mathforml.explain` one ``Epoch`` step is recorded per epoch (loss,
    rate, parameters), thinned by the recorder for long runs; gradient
    computations inside the loop are not explained.

    References
    ----------
    H. Robbins and S. Monro, "A stochastic approximation method", Ann. Math.
    Statist. 22(3), 1951.  L. Bottou, F. E. Curtis and J. Nocedal, SIAM Review
    60(2), 2018.

    Examples
    --------
    Least squares :math:`L(w) = \frac{1}{2n}\lVert Xw - y\rVert^2` with the
    gradient by autodiff and the full-data loss recorded each epoch:

    >>> from mathforml.optimize.gradient import GradientDescent
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]); y = np.array([1.0, 2.0, 3.0])
    >>> loss = lambda w, Xb, yb: 0.5 * ((Xb @ w - yb) ** 2).mean()
    >>> res = train(None, np.zeros(2), X, y, optimizer=GradientDescent(lr=1.0), loss_fn=loss,
    ...             epochs=100)
    >>> np.round(res.params, 6), float(res.loss) < 1e-12
    (array([1., 2.]), True)
    """
    # -- validation (once per call) ------------------------------------------
    if grad_fn is None and loss_fn is None:
        raise TypeError("give grad_fn, or loss_fn so that the gradient comes from autodiff")
    if grad_fn is not None and not callable(grad_fn):
        raise TypeError(f"grad_fn must be callable, got {type(grad_fn).__name__}")
    if loss_fn is not None and not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {type(callback).__name__}")
    opt = get_optimizer(optimizer)
    epochs = check_int(epochs, "epochs", minimum=1)
    schedule_by = check_option(schedule_by, "schedule_by", _SCHEDULE_BY)
    params, single = _params_in(params)
    m = 1 if single else len(params)
    X = np.asarray(X)
    if X.ndim == 0:
        raise ValueError("X must have one sample per row (at least 1-D), got a scalar")
    n = X.shape[0]
    if n == 0:
        raise ValueError("X has no rows")
    if y is not None:
        y = np.asarray(y)
        if y.ndim == 0 or y.shape[0] != n:
            raise ValueError(f"X and y must have the same number of rows, got X with {n} and y "
                             f"with shape {y.shape}")
    b = n if batch_size is None else check_int(batch_size, "batch_size", minimum=1)
    b = min(b, n)
    rng = as_rng(rng)
    if grad_fn is None:
        grad_fn = _autodiff_grad_fn(loss_fn, single, m)

    # -- the data, gathered once per epoch into buffers allocated once ---------
    n_batches = -(-n // b)
    shuffling = bool(shuffle) and n_batches > 1
    if shuffling:
        Xs = np.empty_like(X, order="C")
        ys = None if y is None else np.empty_like(y, order="C")
    else:
        Xs, ys = X, y
    batches = [(Xs[i:i + b], None if ys is None else ys[i:i + b], min(b, n - i))
               for i in range(0, n, b)]

    explaining = active()
    schedule = opt.schedule
    by_epoch = schedule_by == "epoch"
    opt_step = opt.step
    rule = ("for each batch B of the shuffled rows: params <- step(params, grad L_B(params)); "
            f"step: {opt.rule}")

    def evaluate_loss():
        with silenced():
            return float(loss_fn(params, X, y))

    initial_loss = evaluate_loss() if loss_fn is not None else math.nan
    loss_limit = 1e12 * (1.0 + abs(initial_loss)) if math.isfinite(initial_loss) else math.inf

    loss_hist, batch_hist, lr_hist = [], [], []
    returns_loss = None
    n_steps = 0
    status, message = 0, ""
    epoch = 0
    with np.errstate(over="ignore", invalid="ignore"), section("Training"):
        if explaining:
            step("Setup", rule, n_samples=n, batch_size=b, n_batches=n_batches, epochs=epochs,
                 optimizer=repr(opt), shuffle=shuffling, schedule_by=schedule_by,
                 initial_loss=initial_loss)
        for epoch in range(1, epochs + 1):
            if shuffling:
                perm = rng.permutation(n)
                np.take(X, perm, axis=0, out=Xs, mode="clip")
                if ys is not None:
                    np.take(y, perm, axis=0, out=ys, mode="clip")
            lr = schedule(epoch - 1) if by_epoch else None
            lr_hist.append(lr if by_epoch else opt.learning_rate())
            it = iter(batches)
            total = 0.0
            with silenced():
                if returns_loss is None:            # first batch: read grad_fn's convention
                    Xb, yb, nb = next(it)
                    out = grad_fn(params, Xb, yb)
                    returns_loss = _split_output(out, single, m)
                    if returns_loss:
                        total += float(out[0]) * nb
                        out = out[1]
                    opt_step(params, out, lr)
                if returns_loss:
                    for Xb, yb, nb in it:
                        loss_b, g = grad_fn(params, Xb, yb)
                        total += float(loss_b) * nb
                        opt_step(params, g, lr)
                else:
                    for Xb, yb, _ in it:
                        opt_step(params, grad_fn(params, Xb, yb), lr)
            n_steps += n_batches
            batch_loss = total / n if returns_loss else math.nan
            loss = evaluate_loss() if loss_fn is not None else batch_loss
            loss_hist.append(loss)
            batch_hist.append(batch_loss)
            if explaining:
                step("Epoch", rule, iteration=epoch, epoch=epoch, lr=lr_hist[-1], loss=loss,
                     n_steps=n_steps, params=params)
            recorded = loss_fn is not None or returns_loss
            if ((recorded and not (math.isfinite(loss) and loss <= loss_limit))
                    or not _all_finite(params, single)):
                status = 2
                base = schedule.lr if schedule.lr is not None else lr_hist[-1]
                message = (f"training diverged in epoch {epoch}: the loss is {loss:.6g} "
                           f"(initially {initial_loss:.6g}) or the parameters are not finite; "
                           "the learning rate is too large — try a smaller learning rate "
                           f"(e.g. lr={base / 10:g})")
                break
            if callback is not None and callback(epoch, params, loss):
                message = f"stopped by callback after epoch {epoch}"
                break
        else:
            message = f"finished {epochs} epoch(s), {n_steps} step(s)"
        n_done = len(loss_hist)
        if explaining:
            step("Result", n_epochs=n_done, n_steps=n_steps, loss=loss_hist[-1],
                 success=status == 0, message=message)
    return TrainResult(params=params, loss_history=np.array(loss_hist, dtype=float),
                       batch_loss_history=np.array(batch_hist, dtype=float),
                       lr_history=np.array(lr_hist, dtype=float), initial_loss=initial_loss,
                       n_epochs=n_done, n_steps=n_steps, success=status == 0, status=status,
                       message=message, optimizer=opt)
