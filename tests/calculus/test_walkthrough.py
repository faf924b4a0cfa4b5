"""The chain-rule walk-through of a backward pass: every number checked against a hand computation."""
from __future__ import annotations

import numpy as np
import pytest

import mathforml
from mathforml.calculus.autodiff import (
    Tensor, chain_rule_table, grad, hessian, jacobian, jvp, sin, sum, tanh, value_and_grad,
)

X0 = 2.0
SIN2, COS2 = np.sin(X0), np.cos(X0)


def backward_steps(work):
    return [s for s in work.steps if s.section == ("Backward pass: chain rule, output to inputs",)]


def local_of(step):
    """The local derivative ∂node/∂input of a step (its key names the node and the input)."""
    keys = [k for k in step.values if k.startswith("∂")]
    assert len(keys) <= 1, keys
    return step.values[keys[0]] if keys else None


def check_x_sin_x_steps(work, input_name):
    """y = x·sin x at x = 2, by hand:  v1 = sin x,  v2 = x·v1.

    edge v2 → x : upstream 1, local v1 = sin 2, product sin 2
    edge v2 → v1: upstream 1, local x = 2,      product 2
    edge v1 → x : upstream 2, local cos 2,      product 2 cos 2
    total dy/dx = sin 2 + 2 cos 2
    """
    forward = [s for s in work.steps if s.section == ("Forward pass (the tape)",)]
    assert [float(s.values["value"]) for s in forward] == [X0, SIN2, X0 * SIN2]
    assert "sin" in forward[1].title and "mul" in forward[2].title

    steps = backward_steps(work)
    assert [s.values["op"] for s in steps] == ["mul", "mul", "sin"]   # output to inputs
    want = [  # (value, upstream, local, product)
        (X0 * SIN2, 1.0, SIN2, SIN2),
        (X0 * SIN2, 1.0, X0, X0),
        (SIN2, X0, COS2, X0 * COS2),
    ]
    for s, (value, upstream, local, product) in zip(steps, want):
        assert np.isclose(float(s.values["value"]), value, rtol=1e-15, atol=0)
        assert np.isclose(float(s.values["upstream g"]), upstream, rtol=1e-15, atol=0)
        assert np.isclose(float(local_of(s)), local, rtol=1e-15, atol=0)
        assert np.isclose(float(s.values["product"]), product, rtol=1e-15, atol=0)
    # the titles say which adjoint each edge adds to
    assert steps[0].title.startswith(f"∂L/∂{input_name} +=")
    assert steps[2].title.startswith(f"∂L/∂{input_name} +=")
    # the rule of each edge, as a formula
    assert "g·cos(x)" in steps[2].formula and "g·y" in steps[0].formula

    final = [s for s in work.steps if s.section == ("Gradients",)]
    assert len(final) == 1
    assert np.isclose(float(final[0].values["gradient"]), SIN2 + X0 * COS2, rtol=1e-15, atol=0)
    assert float(final[0].values["value"]) == X0


def test_tensor_backward_records_the_walkthrough():
    x = Tensor(X0, requires_grad=True, name="x")
    with mathforml.explain() as work:
        y = x * sin(x)
        y.backward()
    check_x_sin_x_steps(work, "x")
    assert np.isclose(float(x.grad), SIN2 + X0 * COS2, rtol=1e-15)


def test_grad_records_the_walkthrough_with_the_parameter_name():
    with mathforml.explain() as work:
        g = grad(lambda x: x * sin(x))(X0)
    check_x_sin_x_steps(work, "x")
    assert np.isclose(float(g), SIN2 + X0 * COS2, rtol=1e-15)


def test_value_and_grad_records_the_walkthrough():
    with mathforml.explain() as work:
        value_and_grad(lambda t: t * sin(t))(X0)
    check_x_sin_x_steps(work, "t")


def test_chain_rule_table_rows():
    x = Tensor(X0, requires_grad=True, name="x")
    rows = chain_rule_table(x * sin(x))
    assert [(r["op"], r["input"]) for r in rows] == [("mul", "x"), ("mul", "v1"), ("sin", "x")]
    assert np.isclose(float(rows[2]["local"]), COS2, rtol=1e-15)
    assert np.isclose(float(rows[2]["product"]), X0 * COS2, rtol=1e-15)
    assert rows[0]["variable"] == "x" and rows[1]["variable"] == "y"


def test_no_recorder_no_table_for_untracked_output():
    assert chain_rule_table(Tensor(1.0) * 2.0) == []


# ---------------------------------------------------------------------------
# A 2x2 example with broadcasting:  L = Σ tanh(W ⊙ b),  W (2, 2), b (2,) broadcast over rows
# ---------------------------------------------------------------------------
W0 = np.array([[1.0, 2.0], [3.0, 4.0]])
B0 = np.array([0.5, -1.0])


def test_broadcasting_walkthrough_by_hand():
    W = Tensor(W0, requires_grad=True, name="W")
    b = Tensor(B0, requires_grad=True, name="b")
    with mathforml.explain() as work:
        L = sum(tanh(W * b))
        L.backward()

    z = W0 * B0[None, :]                    # v1, with b copied into both rows
    t = np.tanh(z)                          # v2
    dtanh = 1 - t ** 2                      # local derivative of v2
    steps = backward_steps(work)
    assert [s.values["op"] for s in steps] == ["sum", "tanh", "mul", "mul"]
    s_sum, s_tanh, s_W, s_b = steps

    # sum: upstream 1, the adjoint is broadcast back (no elementwise local derivative shown)
    assert float(s_sum.values["upstream g"]) == 1.0 and local_of(s_sum) is None
    np.testing.assert_array_equal(s_sum.values["product"], np.ones((2, 2)))
    assert np.isclose(float(s_sum.values["value"]), t.sum(), rtol=1e-15)

    # tanh: local 1 − tanh², upstream 1
    np.testing.assert_allclose(s_tanh.values["value"], t, rtol=1e-15)
    np.testing.assert_array_equal(s_tanh.values["upstream g"], np.ones((2, 2)))
    np.testing.assert_allclose(local_of(s_tanh), dtanh, rtol=1e-14)
    np.testing.assert_allclose(s_tanh.values["product"], dtanh, rtol=1e-14)

    # mul → W: ∂(W_ij b_j)/∂W_ij = b_j, upstream 1 − tanh²
    np.testing.assert_allclose(s_W.values["value"], z, rtol=1e-15)
    np.testing.assert_allclose(s_W.values["upstream g"], dtanh, rtol=1e-14)
    np.testing.assert_array_equal(local_of(s_W), [[0.5, -1.0], [0.5, -1.0]])
    np.testing.assert_allclose(s_W.values["product"], dtanh * B0, rtol=1e-14)
    assert s_W.title.startswith("∂L/∂W +=")

    # mul → b: ∂(W_ij b_j)/∂b_j = W_ij for each copy i; the product sums the copies
    np.testing.assert_array_equal(local_of(s_b), W0)
    assert s_b.values["product"].shape == (2,)
    np.testing.assert_allclose(s_b.values["product"], (dtanh * W0).sum(axis=0), rtol=1e-14)
    # the step's own numbers multiply out: product = Σ_copies upstream · local
    np.testing.assert_allclose(s_b.values["product"],
                               (s_b.values["upstream g"] * local_of(s_b)).sum(axis=0),
                               rtol=1e-15)
    assert s_b.title.startswith("∂L/∂b +=")

    final = {s.title: s.values for s in work.steps if s.section == ("Gradients",)}
    np.testing.assert_allclose(final["∂L/∂W"]["gradient"], dtanh * B0, rtol=1e-14)
    np.testing.assert_allclose(final["∂L/∂b"]["gradient"], (dtanh * W0).sum(axis=0), rtol=1e-14)
    # and they are what backward() stored
    np.testing.assert_array_equal(final["∂L/∂W"]["gradient"], W.grad)
    np.testing.assert_array_equal(final["∂L/∂b"]["gradient"], b.grad)


def test_broadcast_scalar_input_shows_one_local_derivative_per_copy():
    s = Tensor(3.0, requires_grad=True, name="s")
    x = np.array([[1.0, -2.0], [0.5, 4.0]])
    rows = chain_rule_table(sum(s * x * x))      # v1 = s·x (s copied 4 times), v2 = v1·x
    (row,) = [r for r in rows if r["input"] == "s"]
    np.testing.assert_array_equal(row["local"], x)         # ∂(s x_ij)/∂s = x_ij per copy
    assert row["product"].shape == ()
    assert float(row["product"]) == float(np.sum(x * x))   # Σ upstream x_ij = Σ x_ij²


def test_reused_node_walkthrough_sums_both_edges():
    a = Tensor(1.5, requires_grad=True, name="a")
    with mathforml.explain() as work:
        b = a + a
        c = b + b
        c.backward()
    steps = backward_steps(work)
    assert [s.values["op"] for s in steps] == ["add"] * 4
    assert [float(s.values["upstream g"]) for s in steps] == [1.0, 1.0, 2.0, 2.0]
    assert [float(s.values["product"]) for s in steps] == [1.0, 1.0, 2.0, 2.0]
    (final,) = [s for s in work.steps if s.section == ("Gradients",)]
    assert float(final.values["gradient"]) == 4.0


def test_long_walkthroughs_are_bounded():
    x = Tensor(0.5, requires_grad=True, name="x")
    y = x
    for _ in range(300):
        y = y * 1.001
    with mathforml.explain() as work:
        y.backward()
    steps = backward_steps(work)
    assert len(steps) == 201 and "100 more edges not shown" in steps[-1].title


# ---------------------------------------------------------------------------
# Recording never changes results
# ---------------------------------------------------------------------------
def _bits(a):
    a = np.asarray(a)
    return a.dtype, a.shape, a.tobytes()


def _run_all():
    W = Tensor(W0, requires_grad=True)
    b = Tensor(B0.astype(np.float32), requires_grad=True)
    sum(tanh(W * b) * sin(W)).backward()
    f = lambda v: sum(tanh(v * v) * sin(v))          # noqa: E731
    v = np.array([0.3, -1.2, 2.0])
    return [W.grad, b.grad, grad(f)(v), value_and_grad(f)(v)[0], hessian(f)(v),
            jacobian(lambda u: sin(u) * u)(v), jvp(f, (v,), (np.ones(3),))[1],
            grad(lambda x: x * sin(x))(X0)]


def test_results_are_bit_identical_with_and_without_a_recorder():
    plain = _run_all()
    with mathforml.explain() as work:
        recorded = _run_all()
    assert work.steps                                   # something was recorded
    for p, r in zip(plain, recorded):
        assert _bits(p) == _bits(r)


def test_transforms_inside_transforms_do_not_flood_the_recorder():
    with mathforml.explain() as work:
        hessian(lambda v: sum(sin(v) * v))(np.array([0.1, 0.2]))
    assert [s.title for s in work.steps] == ["Hessian = Jacobian of the gradient"]


@pytest.mark.parametrize("seed", [None, np.array([1.0, -2.0])])
def test_walkthrough_with_an_explicit_upstream_gradient(seed):
    x = Tensor([0.5, 1.5], requires_grad=True, name="x")
    y = sin(x)
    with mathforml.explain() as work:
        if seed is None:
            sum(y).backward()
        else:
            y.backward(seed)
    (s,) = [st for st in backward_steps(work) if st.values["op"] == "sin"]
    upstream = np.ones(2) if seed is None else seed
    np.testing.assert_array_equal(s.values["upstream g"], upstream)
    np.testing.assert_allclose(local_of(s), np.cos([0.5, 1.5]), rtol=1e-15)
    np.testing.assert_allclose(s.values["product"], upstream * np.cos([0.5, 1.5]), rtol=1e-15)
