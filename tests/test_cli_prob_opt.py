"""`mathforml explain bayes|ttest|entropy|kl|gd|newton|anneal` from the command line."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
import scipy.stats as st

from mathforml.cli import main


def run(capsys, *args):
    status = main(["explain", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def result(out: str) -> dict:
    tail = out.split("\nResult\n", 1)[1]
    found = {}
    for line in tail.splitlines():
        if " = " in line and not line.startswith(" "):
            k, v = line.split(" = ", 1)
            found[k] = v
    return found


def trace_rows(out: str) -> list[list[str]]:
    """Rows of the 'trace:' table printed in the result."""
    lines = out.split("\ntrace:\n", 1)[1].splitlines()
    return [ln.split() for ln in lines[1:] if ln.startswith("  ")]


# -- bayes ------------------------------------------------------------------------
def test_bayes_with_false_positive_rate(capsys):
    status, out, err = run(capsys, "bayes", "--prior", "0.01", "--likelihood", "0.9",
                           "--false-positive", "0.09")
    assert status == 0 and err == ""
    r = result(out)
    evidence = 0.9 * 0.01 + 0.09 * 0.99
    assert float(r["evidence"]) == pytest.approx(evidence, rel=1e-5)
    assert float(r["posterior"]) == pytest.approx(0.9 * 0.01 / evidence, rel=1e-5)
    assert "P(A | B)" in out              # the formula is shown with its terms


def test_bayes_with_evidence(capsys):
    status, out, _ = run(capsys, "bayes", "--prior", "0.1", "--likelihood", "0.8",
                         "--evidence", "0.2")
    assert status == 0 and float(result(out)["posterior"]) == pytest.approx(0.4)


@pytest.mark.parametrize("args,match", [
    (["--prior", "0.1", "--likelihood", "0.8"], "exactly one of --evidence"),
    (["--prior", "0.1", "--likelihood", "0.8", "--evidence", "0.2", "--false-positive", "0.1"],
     "got both"),
    (["--prior", "1.5", "--likelihood", "0.8", "--evidence", "0.2"], "--prior must be a probability"),
    (["--prior", "0.5", "--likelihood", "0.9", "--evidence", "0.1"], "inconsistent|exceed"),
    (["--prior", "x", "--likelihood", "0.8", "--evidence", "0.2"], "--prior"),
])
def test_bayes_bad_input_one_line_exit_2(capsys, args, match):
    status, out, err = run(capsys, "bayes", *args)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("mathforml: error:")
    assert re.search(match, err)


# -- ttest ----------------------------------------------------------------------
A = [5.1, 4.9, 5.6, 5.8, 6.0, 5.3]
B = [4.2, 4.8, 5.0, 4.1, 5.5, 4.6]


def test_ttest_one_sample_matches_scipy(capsys):
    status, out, _ = run(capsys, "ttest", " ".join(map(str, A)), "--mu", "5")
    ref = st.ttest_1samp(A, 5.0)
    r = result(out)
    assert status == 0 and "one-sample" in r["test"]
    assert float(r["statistic"]) == pytest.approx(ref.statistic, rel=1e-5)
    assert float(r["pvalue"]) == pytest.approx(ref.pvalue, rel=1e-5)
    lo, hi = map(float, r["confidence_interval"].strip("[]").split())
    ci = ref.confidence_interval()
    assert (lo, hi) == (pytest.approx(ci.low, rel=1e-5), pytest.approx(ci.high, rel=1e-5))


@pytest.mark.parametrize("flags,kw", [([], {"equal_var": False}), (["--equal-var"], {"equal_var": True})])
def test_ttest_two_sample_matches_scipy(capsys, flags, kw):
    status, out, _ = run(capsys, "ttest", str(A), str(B), *flags)
    ref = st.ttest_ind(A, B, **kw)
    r = result(out)
    assert float(r["statistic"]) == pytest.approx(ref.statistic, rel=1e-5)
    assert float(r["pvalue"]) == pytest.approx(ref.pvalue, rel=1e-5)
    assert float(r["df"]) == pytest.approx(ref.df, rel=1e-5)


def test_ttest_paired_and_alternative(capsys):
    status, out, _ = run(capsys, "ttest", str(A), str(B), "--paired", "--alternative", "greater")
    ref = st.ttest_rel(A, B, alternative="greater")
    assert float(result(out)["pvalue"]) == pytest.approx(ref.pvalue, rel=1e-5)


@pytest.mark.parametrize("args,match", [
    (["1 2 3", "--paired"], "need a second sample"),
    (["1 2 3", "4 5", "--paired"], "shape|length"),
    (["1 2 nan"], "NaN"),
    (["5"], "at least 2|2 observations"),
    (["1 2 3", "--confidence", "1.5"], "--confidence"),
])
def test_ttest_bad_input(capsys, args, match):
    status, out, err = run(capsys, "ttest", *args)
    assert status == 2 and re.search(match, err) and err.count("\n") == 1


def test_ttest_unknown_alternative_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["explain", "ttest", "1 2 3", "--alternative", "bigger"])
    assert exc.value.code == 2
    assert "two-sided, less, greater" in capsys.readouterr().err


# -- entropy and kl ------------------------------------------------------------------
def test_entropy_bits_and_nats(capsys):
    status, out, _ = run(capsys, "entropy", "0.5 0.25 0.25", "--base", "2")
    assert status == 0 and float(result(out)["entropy"]) == 1.5 and result(out)["unit"] == "bits"
    status, out, _ = run(capsys, "entropy", "[0.2, 0.8]")
    assert float(result(out)["entropy"]) == pytest.approx(st.entropy([0.2, 0.8]), rel=1e-5)
    assert result(out)["unit"] == "nats"


def test_kl_term_by_term(capsys):
    status, out, _ = run(capsys, "kl", "0.5 0.5", "0.9 0.1")
    assert status == 0
    assert result(out)["kl_divergence"] == "0.510826"
    # each term p_i log(p_i / q_i) is shown with its number
    assert f"{0.5 * math.log(0.5 / 0.9):.6g}" in out       # -0.293893
    assert f"{0.5 * math.log(0.5 / 0.1):.6g}" in out       # 0.804719


@pytest.mark.parametrize("cmd,args,match", [
    ("kl", ["0.5 0.5", "0.2 0.3 0.5"], "same length"),
    ("kl", ["0.5 0.6", "0.5 0.5"], "sum to 1"),
    ("entropy", ["0.5 -0.5 1"], "negative|>= 0|\\[0, 1\\]"),
    ("entropy", ["0.5 0.5", "--base", "1"], "--base"),
    ("entropy", ["[[0.5, 0.5]]"], "vector"),
])
def test_entropy_kl_bad_input(capsys, cmd, args, match):
    status, out, err = run(capsys, cmd, *args)
    assert status == 2 and re.search(match, err) and err.count("\n") == 1


# -- gd: the seed 004 table -------------------------------------------------------------
def test_gd_prints_the_seed_table(capsys):
    status, out, err = run(capsys, "gd", "--f", "(x-3)**2", "--x0", "7", "--lr", "0.1",
                           "--steps", "20")
    assert status == 0
    rows = trace_rows(out)
    assert len(rows) == 21
    x = 7.0
    for k, row in enumerate(rows):
        assert int(row[0]) == k
        assert float(row[1]) == pytest.approx(x, rel=1e-7)
        assert float(row[2]) == pytest.approx((x - 3) ** 2, rel=1e-7)
        x = x - 0.1 * 2 * (x - 3)
    assert rows[1][1] == "6.2" and rows[2][1] == "5.56" and rows[3][1] == "5.048"
    # every iteration also appears in the recorded steps, with the seed's numbers
    steps = out.split("\nResult\n")[0]
    xs = re.findall(r"\[(\d+)\] Iteration\n\s+x\s+= \[([-\d.e]+)\]", steps)
    assert [(int(k), v) for k, v in xs[:3]] == [(1, "6.2"), (2, "5.56"), (3, "5.048")]
    assert len(xs) == 20
    assert float(result(out)["x"].strip("[]")) == pytest.approx(3 + 4 * 0.8 ** 20, rel=1e-5)


def test_gd_two_variables_and_line_search(capsys):
    status, out, _ = run(capsys, "gd", "--f", "(x-1)^2 + 2*(y+2)^2", "--x0", "x=0, y=0",
                         "--steps", "200", "--gtol", "1e-10", "--line-search", "armijo")
    x = np.array(result(out)["x"].strip("[]").split(), dtype=float)
    assert status == 0 and np.allclose(x, [1.0, -2.0], atol=1e-8)


def test_gd_divergence_is_reported_not_raised(capsys):
    status, out, err = run(capsys, "gd", "--f", "(x-3)**2", "--x0", "7", "--lr", "1.5",
                           "--steps", "200")
    assert status == 0
    assert result(out)["success"] == "False"
    assert "smaller" in result(out)["message"]


@pytest.mark.parametrize("args,match", [
    (["--f", "(x-3)**2", "--x0", "7", "--lr", "0"], "--lr must be > 0"),
    (["--f", "(x-3)**2", "--x0", "7", "--steps", "0"], "--steps"),
    (["--f", "(x-3)**2 + y", "--x0", "7"], "--x0 has 1 value"),
    (["--f", "log(x)", "--x0", "-1"], "not finite"),
    (["--f", "__import__('os')", "--x0", "1"], "expression"),
    (["--f", "x**", "--x0", "1"], "expression"),
])
def test_gd_bad_input(capsys, args, match):
    status, out, err = run(capsys, "gd", *args)
    assert status == 2 and re.search(match, err) and err.count("\n") == 1


# -- newton ------------------------------------------------------------------------------
def test_newton_on_rosenbrock_shows_hessian_solves(capsys):
    status, out, _ = run(capsys, "newton", "--f", "(1-x)^2 + 100*(y-x^2)^2", "--x0",
                         "x=-1.2, y=1")
    assert status == 0
    r = result(out)
    assert r["success"] == "True"
    x = np.array(r["x"].strip("[]").split(), dtype=float)
    assert np.allclose(x, [1.0, 1.0], atol=1e-6)
    steps = out.split("\nResult\n")[0]
    assert re.search(r"H\s+= \[1330\s+480\]", steps)      # the Hessian at (-1.2, 1)
    assert "Cholesky" in steps and re.search(r"\n\s+d\s+= ", steps)
    # Newton on a quadratic: one step
    status, out, _ = run(capsys, "newton", "--f", "(x-1)^2 + 3*(y+2)^2 + x*y", "--x0", "0, 0",
                         "--line-search", "none")
    assert int(result(out)["nit"]) == 1


# -- anneal --------------------------------------------------------------------------------
def test_anneal_finds_the_global_minimum_and_shows_decisions(capsys):
    status, out, _ = run(capsys, "anneal", "--f", "x^2 + 10 - 10*cos(2*pi*x)", "--x0", "3.3",
                         "--T0", "10", "--seed", "0")
    assert status == 0
    assert abs(float(result(out)["x"].strip("[]"))) < 1e-4
    steps = out.split("Result")[0]
    assert "accept" in steps and "reject" in steps and "T " in steps.replace("T=", "T ")
    status2, out2, _ = run(capsys, "anneal", "--f", "x^2 + 10 - 10*cos(2*pi*x)", "--x0", "3.3",
                           "--T0", "10", "--seed", "0")
    assert out2 == out                     # reproducible by seed


def test_anneal_bad_input(capsys):
    status, _, err = run(capsys, "anneal", "--f", "x^2", "--x0", "1", "--T0", "-1")
    assert status == 2 and "--T0 must be > 0" in err
