"""The project's promises about itself: README commands, CI, layout rules."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = re.match(r"```bash\n(.*?)\n```", text, re.S)
    assert block, "README.md must open with a bash block holding the two commands"
    lines = [ln for ln in block.group(1).splitlines() if ln.strip()]
    assert len(lines) == 2, lines
    return lines


def test_ci_runs_exactly_the_readme_test_command():
    test_cmd = readme_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci
    run_lines = [ln for ln in ci.splitlines() if ln and not ln.startswith("#")]
    assert run_lines[-1] == test_cmd


def test_readme_main_command_runs_the_cli():
    main_cmd = readme_commands()[0]
    assert "pip install ." in main_cmd and "mathforml explain solve" in main_cmd


@pytest.mark.parametrize("module", ["mathforml", "mathforml.linalg", "mathforml.calculus",
                                    "mathforml.probability", "mathforml.optimize"])
def test_pillars_do_not_import_heavy_or_reference_libraries(module):
    code = (f"import sys, {module}; "
            "bad = [m for m in ('matplotlib', 'sklearn', 'scipy', 'scipy.linalg') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


FORBIDDEN = (
    "numpy.linalg", "scipy.linalg", "scipy.optimize", "scipy.stats", "sklearn",
    # the calculus pillar's references
    "scipy.integrate", "scipy.differentiate", "scipy.misc", "numpy.polynomial", "numpy.gradient",
    "numpy.trapezoid", "numpy.trapz", "torch", "jax", "sympy", "mpmath",
)


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def test_source_never_calls_a_reference_implementation():
    """The maths is ours: src/ imports and uses no production reference (LinAlgError aside)."""
    offenders = []
    for path in (ROOT / "src" / "mathforml").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module + "." + a.name for a in node.names]
            elif isinstance(node, ast.Attribute):
                names = [_dotted(node).replace("np.", "numpy.", 1)]
            for name in names:
                if name.endswith("LinAlgError"):
                    continue
                if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert not offenders, "\n".join(sorted(set(offenders)))


# scipy.special functions that *are* the distributions we implement (erf, gammainc, betainc
# and friends are allowed: they are the special functions underneath)
DISTRIBUTION_SPECIALS = {
    "ndtr", "ndtri", "log_ndtr", "ndtri_exp", "stdtr", "stdtrit", "stdtridf", "chdtr", "chdtrc",
    "chdtri", "chdtriv", "fdtr", "fdtrc", "fdtri", "fdtridfd", "bdtr", "bdtrc", "bdtri", "pdtr",
    "pdtrc", "pdtri", "pdtrik", "nbdtr", "nbdtrc", "nbdtri", "btdtr", "btdtri", "gdtr", "gdtrc",
    "gdtria", "nrdtrimn", "nrdtrisd", "chndtr", "ncfdtr", "nctdtr", "smirnov", "kolmogorov",
}
# Generator methods that would sample a whole distribution for us; the base variates
# (random, standard_normal, standard_exponential, standard_gamma, integers, binomial,
# poisson, permutation, shuffle, choice without p) are allowed
DISTRIBUTION_SAMPLERS = {
    "beta", "gamma", "chisquare", "noncentral_chisquare", "f", "noncentral_f", "standard_t",
    "multivariate_normal", "multinomial", "multivariate_hypergeometric", "negative_binomial",
    "dirichlet", "exponential", "normal", "uniform", "lognormal", "standard_cauchy", "geometric",
    "hypergeometric", "logseries", "laplace", "logistic", "gumbel", "pareto", "power",
    "rayleigh", "triangular", "vonmises", "wald", "weibull", "zipf",
}


def test_probability_uses_no_distribution_from_scipy_special_or_numpy_random():
    offenders = []
    for path in (ROOT / "src" / "mathforml").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "scipy.special":
                offenders += [f"{path.name}:{node.lineno}: {a.name}" for a in node.names
                              if a.name in DISTRIBUTION_SPECIALS]
            elif isinstance(node, ast.Attribute) and node.attr in DISTRIBUTION_SPECIALS:
                offenders.append(f"{path.name}:{node.lineno}: {_dotted(node)}")
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in DISTRIBUTION_SAMPLERS
                  and "rng" in _dotted(node.func.value).lower()):
                offenders.append(f"{path.name}:{node.lineno}: {_dotted(node.func)}")
    assert not offenders, "\n".join(sorted(set(offenders)))


def test_every_third_party_import_in_src_is_a_declared_dependency():
    """A fresh `pip install .` must be able to run everything (found the hard way: scipy)."""
    tomllib = pytest.importorskip("tomllib")          # Python >= 3.11
    declared = {re.split(r"[<>=!~ \[]", d, maxsplit=1)[0].lower()
                for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    used = set()
    for path in (ROOT / "src" / "mathforml").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                used |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                used.add(node.module.split(".")[0])
    third_party = {m for m in used if m not in sys.stdlib_module_names and m != "mathforml"}
    assert third_party <= declared, sorted(third_party - declared)
