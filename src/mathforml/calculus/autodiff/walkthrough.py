r"""The chain rule, node by node, rendered from the tape after the fact.

The engine has no hooks: every node already knows its operation, its value and
its parents, so the walk-through re-runs the reverse sweep on the recorded
tape with bookkeeping.  For each edge (node ``z`` → parent ``x``) it reports

* the operation and the node's value,
* the local derivative ``∂z/∂x`` (for elementwise operations and scalars; for
  others the rule's formula, e.g. ``g @ yᵀ``),
* the upstream adjoint ``g = ∂L/∂z`` and
* their product, the contribution to ``∂L/∂x``.

>>> from mathforml.calculus.autodiff import Tensor, sin
>>> x = Tensor(2.0, requires_grad=True, name="x")
>>> y = x * sin(x)
>>> rows = chain_rule_table(y)
>>> [(r["node"], r["op"], r["input"]) for r in rows]
[('v2', 'mul', 'x'), ('v2', 'mul', 'v1'), ('v1', 'sin', 'x')]
>>> round(float(rows[1]["product"]), 6)      # ∂y/∂v1 · 1 = x = 2
2.0
"""
from __future__ import annotations

import numpy as np

from ...explain import section, step
from .tensor import Tensor, _value, topological_order, unbroadcast

__all__ = ["chain_rule_table", "record_walkthrough", "node_names"]


def node_names(order) -> dict:
    """Labels: a leaf keeps its ``name`` (else x0, x1, ...); other nodes are v1, v2, ..."""
    names, nleaf, nnode = {}, 0, 0
    for node in order:
        if node.op is None:
            names[id(node)] = node.name or f"x{nleaf}"
            nleaf += 1
        else:
            nnode += 1
            names[id(node)] = node.name or f"v{nnode}"
    return names


def _label(p, names) -> str:
    if type(p) is Tensor:
        return names.get(id(p), "const")
    v = np.asarray(p)
    return repr(float(v)) if v.size == 1 else f"const{v.shape}"


def _bindings(node, names) -> str:
    """'x = x0, y = v1': which node plays which variable of the op's formula."""
    n = len(node.parents)
    return ", ".join(f"{_letter(k, n)} = {_label(p, names)}" for k, p in enumerate(node.parents))


def _letter(k: int, n: int) -> str:
    return ("x", "y")[k] if n <= 2 else f"x{k}"


def chain_rule_table(output: Tensor, seed=None, wrt=None) -> list:
    """One row per edge of the reverse sweep from ``output``, in the order the sweep visits them.

    Parameters
    ----------
    output : Tensor
        The result of a recorded computation.
    seed : array_like, optional
        ``∂L/∂output`` (default 1 for a scalar output).
    wrt : sequence of Tensor, optional
        Stop at these tensors (as :func:`grad` does).

    Returns
    -------
    list of dict
        Keys ``node``, ``op``, ``formula``, ``value``, ``input``, ``input_value``,
        ``rule`` (the VJP formula), ``local`` (∂node/∂input for elementwise or
        scalar nodes, else None; for an elementwise node it has the node's shape,
        so a broadcast input shows one local derivative per copy), ``upstream``,
        ``product`` (``upstream·local`` summed over the copies of a broadcast
        input: the input's shape).
    """
    if type(output) is not Tensor or not output.requires_grad:
        return []
    if seed is None:
        seed = np.ones_like(output.data)
    stop = None if wrt is None else {id(t) for t in wrt}
    order = topological_order(output, stop)
    names = node_names(order)
    grads = {id(output): np.asarray(seed, dtype=output.dtype)}
    rows = []
    for node in reversed(order):
        g = grads.pop(id(node), None)
        if g is None or node.op is None or (stop is not None and id(node) in stop):
            continue
        args = [_value(p) for p in node.parents]
        kw = node.params or {}
        z = node.data
        for k, p in enumerate(node.parents):
            if type(p) is not Tensor or not p.requires_grad:
                continue
            text, rule = node.op.partials[k]
            product = unbroadcast(rule(g, z, *args, **kw), p.shape)
            local = None
            if node.op.elementwise:
                # in the node's shape: entry [i] is ∂z[i]/∂x at the copy of x that z[i]
                # used, so product = Σ over broadcast copies of upstream·local (summing
                # the local derivatives themselves would not give the product)
                local = np.array(np.broadcast_to(rule(np.ones_like(z), z, *args, **kw), z.shape))
            elif z.size == 1 and p.size == 1:
                local = unbroadcast(rule(np.ones_like(z), z, *args, **kw), p.shape)
            rows.append({
                "node": names[id(node)], "op": node.op.name,
                "formula": f"z = {node.op.formula} with {_bindings(node, names)}",
                "value": z, "input": names[id(p)], "input_value": p.data, "rule": text,
                "variable": _letter(k, len(node.parents)),
                "local": local, "upstream": g, "product": product,
            })
            prev = grads.get(id(p))
            grads[id(p)] = product if prev is None else prev + product
    return rows


def record_walkthrough(output: Tensor, seed=None, wrt=None, max_edges: int = 200) -> None:
    """Record the forward values and the chain-rule table as explain steps."""
    stop = None if wrt is None else {id(t) for t in wrt}
    order = topological_order(output, stop)
    names = node_names(order)
    with section("Forward pass (the tape)"):
        for node in order[:max_edges]:
            if node.op is None:
                step(f"input {names[id(node)]}", value=node.data)
            else:
                args = ", ".join(_label(q, names) for q in node.parents)
                step(f"{names[id(node)]} = {node.op.name}({args})",
                     f"z = {node.op.formula} with {_bindings(node, names)}", value=node.data)
    rows = chain_rule_table(output, seed, wrt)
    with section("Backward pass: chain rule, output to inputs"):
        for i, r in enumerate(rows[:max_edges]):
            values = {"op": r["op"], "value": r["value"], "upstream g": r["upstream"]}
            if r["local"] is not None:
                values[f"∂{r['node']}/∂{r['input']}"] = r["local"]
            values["product"] = r["product"]
            step(f"∂L/∂{r['input']} += ∂L/∂{r['node']} · ∂{r['node']}/∂{r['input']}",
                 f"{r['formula']}:  g·∂z/∂{r['variable']} = {r['rule']}", **values)
        if len(rows) > max_edges:
            step(f"... {len(rows) - max_edges} more edges not shown")
    leaves = [n for n in order if n.op is None or (stop is not None and id(n) in stop)]
    grads = {}
    for r in rows:
        grads[r["input"]] = grads.get(r["input"], 0) + r["product"]
    with section("Gradients"):
        for leaf in leaves:
            name = names[id(leaf)]
            if name in grads:
                step(f"∂L/∂{name}", value=leaf.data, gradient=grads[name])
