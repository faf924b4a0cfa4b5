"""`mathforml explain derivative|grad|taylor`: expressions as text, parsed without eval."""
from __future__ import annotations

import json
import math
import re
import subprocess
import sys

import pytest

from mathforml.cli import EXPRESSION_COMMANDS, InputError, main, parse_point

X0 = 1.5
D1 = 2 * X0 * math.sin(X0) + X0 ** 2 * math.cos(X0)                     # (x² sin x)'
D2 = 2 * math.sin(X0) + 4 * X0 * math.cos(X0) - X0 ** 2 * math.sin(X0)   # (x² sin x)''


def result_lines(out: str) -> dict:
    """``name = value`` lines after the 'Result' header."""
    tail = out.split("\nResult\n", 1)[1]
    found = {}
    for line in tail.splitlines():
        if " = " in line and not line.startswith(" "):
            k, v = line.split(" = ", 1)
            found[k] = v
    return found


def numbers(text: str) -> list[float]:
    return [float(t) for t in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def run_main(capsys, *args):
    status = main(["explain", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


# ---------------------------------------------------------------------------
# derivative
# ---------------------------------------------------------------------------
def test_derivative_autodiff_value_and_walkthrough(capsys):
    status, out, _ = run_main(capsys, "--digits", "17", "derivative", "x**2*sin(x)", "--at", "1.5")
    assert status == 0
    res = result_lines(out)
    assert float(res["value"]) == pytest.approx(D1, rel=1e-15)
    assert res["method"] == "autodiff"
    assert res["derivative"] == "d/dx [x ** 2 * sin(x)] at x = 1.5"
    # the chain-rule walk-through from the tape
    assert "== Forward pass (the tape) ==" in out
    assert "== Backward pass: chain rule, output to inputs ==" in out
    assert "v1 = sin(x)" in out and "g·cos(x)" in out


def test_derivative_second_order_autodiff(capsys):
    status, out, _ = run_main(capsys, "--digits", "17", "derivative", "x^2*sin(x)", "--at", "1.5",
                              "--n", "2")
    assert status == 0
    res = result_lines(out)
    assert float(res["value"]) == pytest.approx(D2, rel=1e-14)
    assert res["derivative"].startswith("d^2/dx^2")
    assert "[1] Derivative of order 1" in out
    m = re.search(r"\[1\] Derivative of order 1\n.*\n\s+value = (\S+)", out)
    assert float(m.group(1)) == pytest.approx(D1, rel=1e-15)


@pytest.mark.parametrize("method, rel", [("central", 1e-12), ("forward", 1e-8),
                                         ("backward", 1e-8)])
def test_derivative_finite_differences(capsys, method, rel):
    status, out, _ = run_main(capsys, "--digits", "17", "derivative", "x**2*sin(x)",
                              "--at", "1.5", "--method", method)
    assert status == 0
    res = result_lines(out)
    assert float(res["value"]) == pytest.approx(D1, rel=rel)
    assert float(res["h"]) > 0 and float(res["error_estimate"]) < 1e-6
    # the explain work of numeric.derivative: steps h and difference quotients
    assert "difference quotient" in out and "h_i = (x + h/2^i) - x" in out


def test_derivative_fd_second_order_with_given_step(capsys):
    status, out, _ = run_main(capsys, "--digits", "17", "derivative", "exp(x)", "--at", "0",
                              "--n", "2", "--method", "central", "--h", "0.1")
    assert status == 0
    assert float(result_lines(out)["value"]) == pytest.approx(1.0, rel=1e-10)


def test_derivative_named_variable_and_symbolic_point(capsys):
    status, out, _ = run_main(capsys, "--digits", "17", "derivative", "sin(t)^3",
                              "--at", "t = pi/4")
    assert status == 0
    t = math.pi / 4
    assert float(result_lines(out)["value"]) == pytest.approx(
        3 * math.sin(t) ** 2 * math.cos(t), rel=1e-15)


def test_derivative_of_a_constant_is_zero(capsys):
    status, out, _ = run_main(capsys, "derivative", "2*pi", "--at", "3")
    assert status == 0
    assert float(result_lines(out)["value"]) == 0.0


# ---------------------------------------------------------------------------
# grad
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("at", ["x=1, y=2", "y=2, x=1", "[1, 2]", "1, 2", " x = 1 ,y=2 "])
def test_grad_points_in_every_notation(capsys, at):
    status, out, _ = run_main(capsys, "grad", "x**2 + 3*x*y", "--at", at)
    assert status == 0
    res = result_lines(out)
    assert float(res["value"]) == 7.0
    grad = dict(re.findall(r"∂f/∂(\w) += (\S+)", out))
    assert {k: float(v) for k, v in grad.items()} == {"x": 8.0, "y": 3.0}     # (2x + 3y, 3x)


def test_grad_with_hessian_rosenbrock(capsys):
    status, out, _ = run_main(capsys, "grad", "(1-x)^2 + 100*(y - x^2)^2", "--at", "[1, 1]",
                              "--hessian")
    assert status == 0
    res = out.split("\nResult\n", 1)[1]
    hess = res.split("hessian =", 1)[1]
    assert numbers(hess) == [802.0, -400.0, -400.0, 200.0]
    assert numbers(result_lines(out)["gradient"]) == [0.0, 0.0]
    assert "Hessian = Jacobian of the gradient" in out


def test_grad_walkthrough_names_the_variables(capsys):
    status, out, _ = run_main(capsys, "grad", "x*exp(y)", "--at", "x=2, y=0")
    assert status == 0
    assert "input x" in out and "input y" in out
    assert "∂L/∂x" in out and "∂L/∂y" in out
    assert numbers(result_lines(out)["gradient"]) == [1.0, 2.0]      # (e^y, x e^y)


def test_grad_extra_named_variable_gets_zero(capsys):
    status, out, _ = run_main(capsys, "grad", "x^2", "--at", "x=3, z=1")
    assert status == 0
    assert numbers(result_lines(out)["gradient"]) == [6.0, 0.0]


# ---------------------------------------------------------------------------
# taylor
# ---------------------------------------------------------------------------
def test_taylor_exp(capsys):
    status, out, _ = run_main(capsys, "--digits", "17", "taylor", "exp(x)", "--at", "0",
                              "--order", "5")
    assert status == 0
    res = result_lines(out)
    coeffs = numbers(res["coefficients"])
    assert coeffs == pytest.approx([1 / math.factorial(k) for k in range(6)], rel=1e-15)
    assert res["polynomial"].startswith("1 + x + 0.5*x^2")
    assert "Term k = 5" in out


def test_taylor_log1p_at_a_point_and_eval(capsys):
    status, out, _ = run_main(capsys, "--digits", "17", "taylor", "log(1 + t)", "--at", "t=0",
                              "--order", "4", "--eval", "0.1")
    assert status == 0
    res = result_lines(out)
    assert numbers(res["coefficients"]) == pytest.approx([0, 1, -1 / 2, 1 / 3, -1 / 4],
                                                         rel=1e-15, abs=0)
    p = 0.1 - 0.1 ** 2 / 2 + 0.1 ** 3 / 3 - 0.1 ** 4 / 4
    assert float(res["p_x"]) == pytest.approx(p, rel=1e-15)
    assert float(res["f_x"]) == pytest.approx(math.log1p(0.1), rel=1e-15)
    assert float(res["error"]) == pytest.approx(math.log1p(0.1) - p, rel=1e-9)
    assert "t" in res["polynomial"] and "x" not in res["polynomial"]


def test_taylor_sin_around_pi(capsys):
    status, out, _ = run_main(capsys, "--digits", "17", "taylor", "sin(x)", "--at", "pi",
                              "--order", "3")
    assert status == 0
    c = numbers(result_lines(out)["coefficients"])
    assert c == pytest.approx([0, -1, 0, 1 / 6], abs=1e-15)


# ---------------------------------------------------------------------------
# formats, help, the command table
# ---------------------------------------------------------------------------
def test_json_and_markdown_formats(capsys):
    status, out, _ = run_main(capsys, "--format", "json", "derivative", "x^3", "--at", "2")
    assert status == 0
    payload = json.loads(out)
    assert payload["steps"] and "value = 12" in payload["result"]
    status, out, _ = run_main(capsys, "--format", "markdown", "grad", "x*y", "--at", "1, 2")
    assert status == 0
    assert "gradient = [2  1]" in out


def test_explain_help_lists_the_expression_commands(capsys):
    with pytest.raises(SystemExit) as info:
        main(["explain", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for name in ("derivative", "grad", "taylor"):
        assert re.search(rf"^\s+{name}\s", out, re.M), name
    assert "sigmoid" in out and '--at "x=1, y=2"' in out


def test_expression_command_table():
    assert [c.name for c in EXPRESSION_COMMANDS] == ["derivative", "grad", "taylor"]
    for c in EXPRESSION_COMMANDS:
        assert callable(c.runner) and c.help


@pytest.mark.parametrize("text, want", [
    ("1.5", (None, [1.5])),
    ("pi/4", (None, [math.pi / 4])),
    ("-2", (None, [-2.0])),
    ("[1, 2]", (None, [1.0, 2.0])),
    ("1, 2, 3", (None, [1.0, 2.0, 3.0])),
    ("x=1, y=2", (("x", "y"), [1.0, 2.0])),
    ("max(1, 2), sqrt(4)", (None, [2.0, 2.0])),
    ("theta = 2*pi", (("theta",), [2 * math.pi])),
])
def test_parse_point(text, want):
    assert parse_point(text) == want


@pytest.mark.parametrize("text, match", [
    ("", "no value given"),
    ("[]", "no value given"),
    ("1,", "empty value"),
    ("x=1, 2", "name every value"),
    ("x=1, x=2", "given twice"),
    ("1x=2", "not a variable name"),
    ("open('f')", "unknown function 'open'"),
    ("x", "unknown name 'x'"),
    ("1/0", "constant part evaluates to inf"),
    ("().__class__", "attribute access"),
])
def test_parse_point_rejects(text, match):
    with pytest.raises(InputError, match=match):
        parse_point(text)


# ---------------------------------------------------------------------------
# bad input: one line on stderr, exit 2, no traceback
# ---------------------------------------------------------------------------
BAD = [
    (["derivative", "__import__('os').system('echo hacked')", "--at", "1"], "attribute access"),
    (["derivative", "().__class__.__bases__", "--at", "1"], "attribute access"),
    (["derivative", "open('f').read()", "--at", "1"], "attribute access"),
    (["derivative", "exec('1')", "--at", "1"], "unknown function 'exec'"),
    (["derivative", "[x for x in y]", "--at", "1"], "comprehensions"),
    (["derivative", "lambda: 1", "--at", "1"], "lambda"),
    (["derivative", "x if x else 1", "--at", "1"], "conditional"),
    (["derivative", "9**9**9**9*x", "--at", "1"], "constant part"),
    (["derivative", "x +* 2", "--at", "1"], "invalid syntax at column 4"),
    (["derivative", "x*y", "--at", "1"], "2 variables (x, y)"),
    (["derivative", "x**2", "--at", "y=1"], "no value for x"),
    (["derivative", "x**2", "--at", "1, 2"], "one value expected"),
    (["derivative", "x**2"], "required: --at"),
    (["derivative", "log(x)", "--at", "-1"], "not finite at x = -1"),
    (["derivative", "x**2", "--at", "1", "--n", "0"], "--n must be between 1 and 10"),
    (["derivative", "x**2", "--at", "1", "--n", "7", "--method", "central"],
     "--n must be between 1 and 6"),
    (["derivative", "x**2", "--at", "1", "--method", "symbolic"], "must be one of autodiff"),
    (["derivative", "x**2", "--at", "1", "--h", "0.1"], "--h applies to the finite"),
    (["derivative", "x**2", "--at", "1", "--method", "central", "--h", "-1"], "h must be > 0"),
    (["derivative", "sqrt(x)", "--at", "0", "--method", "central"], "non-finite"),
    (["grad", "x*y", "--at", "1"], "1 value(s) but the expression has 2 variable(s)"),
    (["grad", "3", "--at", "1"], "no variable"),
    (["grad", "x*y", "--at", "x=1, z=2"], "no value for y"),
    (["grad", "x.y", "--at", "1"], "attribute access"),
    (["taylor", "x*y"], "2 variables"),
    (["taylor", "exp(x)", "--order", "-1"], "--order must be between 0 and 30"),
    (["taylor", "exp(x)", "--eval", "1, 2"], "one value expected"),
    (["taylor", "log(x)", "--at", "0"], "not finite"),
]


@pytest.mark.parametrize("args, match", BAD)
def test_bad_input_one_line_exit_2(capsys, args, match):
    status = None
    try:
        status = main(["explain", *args])
    except SystemExit as exc:          # argparse errors exit from inside main
        status = exc.code
    out = capsys.readouterr()
    assert status == 2
    assert out.out == ""
    lines = out.err.strip().splitlines()
    assert len(lines) == 1, out.err
    assert lines[0].startswith("mathforml: error:")
    assert match in lines[0]


# ---------------------------------------------------------------------------
# the real command, in a subprocess
# ---------------------------------------------------------------------------
def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "mathforml", *args], capture_output=True,
                          text=True, timeout=120)


def test_subprocess_derivative_many_digits():
    r = run_cli("explain", "--digits", "17", "derivative", "x**2*sin(x)", "--at", "1.5")
    assert r.returncode == 0, r.stderr
    value = float(result_lines(r.stdout)["value"])
    assert abs(value - D1) <= 4 * math.ulp(D1)
    assert "Backward pass" in r.stdout


def test_subprocess_rejects_code_with_exit_2_and_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    r = run_cli("explain", "derivative", f"__import__('os').system('touch {marker}')",
                "--at", "1")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("mathforml: error: expression")
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not marker.exists()
