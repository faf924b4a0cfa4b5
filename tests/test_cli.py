"""The mathforml command: parsing without eval, explain output, one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from mathforml.cli import COMMANDS, InputError, main, parse_array


@pytest.mark.parametrize("text, want", [
    ("[[2,1],[1,3]]", [[2, 1], [1, 3]]),
    ("2 1; 1 3", [[2, 1], [1, 3]]),
    ("2,1;1,3", [[2, 1], [1, 3]]),
    ("2 1\n1 3", [[2, 1], [1, 3]]),
    ("[3, 5]", [3, 5]),
    ("3 5", [3, 5]),
    ("1e-3 -2.5E2", [1e-3, -250.0]),
    ("[[1.5]]", [[1.5]]),
])
def test_parse_array(text, want):
    np.testing.assert_array_equal(parse_array(text), np.array(want, dtype=float))


@pytest.mark.parametrize("text, match", [
    ("", "empty"),
    ("[[1,2],[3]]", "different lengths"),
    ("1 2; 3", "different lengths"),
    ("[[1,2],", "malformed"),
    ("__import__('os').system('true')", "not a number"),
    ("[[\"a\", 1]]", "must be numbers"),
    ("[[[1]]]", "at most 2 levels"),
    ("[1, [2]]", "mix of numbers"),
    ("[true]", "must be numbers"),
    ("1 2 x", "not a number"),
])
def test_parse_array_rejects(text, match):
    with pytest.raises(InputError, match=match):
        parse_array(text)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "mathforml", *args], capture_output=True, text=True)


def test_readme_example_solves_and_explains():
    r = run_cli("explain", "solve", "[[2,1],[1,3]]", "[3,5]")
    assert r.returncode == 0, r.stderr
    assert "Result" in r.stdout
    assert "0.8" in r.stdout and "1.4" in r.stdout
    assert "pivot" in r.stdout.lower()


def test_matlab_style_and_markdown_and_json(capsys):
    assert main(["explain", "--format", "markdown", "lu", "4 3; 6 3"]) == 0
    out = capsys.readouterr().out
    assert r"\begin{bmatrix}" in out
    assert main(["explain", "--format", "json", "det", "[[1,2],[3,4]]"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["steps"] and "-2" in payload["result"]


@pytest.mark.parametrize("args, match", [
    (["explain", "solve", "[[2,1],[1,3]", "[3,5]"], "malformed"),
    (["explain", "solve", "[[2,1],[1,3]]", "[3,5,7]"], "shape"),
    (["explain", "solve", "[[1,2],[2,4]]", "[3,5]"], "singular"),
    (["explain", "solve", "1 2 3; 4 5 6", "1 2"], "square"),
    (["explain", "cholesky", "[[1,2],[2,1]]"], "positive definite"),
    (["explain", "nosuchthing", "1"], "invalid choice"),
    (["explain", "solve", "os.system(1)", "1"], "not a number"),
])
def test_bad_input_is_one_line_and_exit_2(args, match):
    r = run_cli(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("mathforml: error:")
    assert match in lines[0].lower()
    assert "Traceback" not in r.stderr


def test_every_command_resolves_to_a_function():
    for cmd in COMMANDS:
        assert callable(cmd.resolve()), cmd.name


@pytest.mark.parametrize("args", [
    ["gauss", "2 1 -1; -3 -1 2; -2 1 2", "8 -11 -3"],
    ["qr", "[[1,2],[3,4],[5,6]]"],
    ["eigh", "2 1; 1 2"],
    ["eig", "0 -1; 1 0"],
    ["svd", "3 0; 4 5"],
    ["lstsq", "1 1; 1 2; 1 3", "1 2 2", "--method", "svd"],
    ["low-rank", "3 0; 4 5", "1"],
    ["norm", "3 4", "--ord", "1"],
    ["power", "2 1; 1 2"],
    ["inverse-iteration", "2 1; 1 2", "--shift", "0.5"],
    ["cond", "1 2; 3 4", "--p", "fro"],
    ["angle", "1 0", "0 1", "--degrees"],
    ["gram-schmidt", "1 1; 0 1"],
    ["pinv", "1 2; 2 4"],
    ["rank", "1 2; 2 4"],
    ["null-space", "1 2; 2 4"],
])
def test_commands_run(args, capsys):
    assert main(["explain", *args]) == 0
    out = capsys.readouterr().out
    assert "Result" in out


def test_no_arguments_prints_help(capsys):
    assert main([]) == 0
    assert "explain" in capsys.readouterr().out


def test_output_piped_into_a_reader_that_stops_early_gives_no_traceback(monkeypatch):
    import io
    import os
    read_end, write_end = os.pipe()
    os.close(read_end)                           # the reader has gone (like `| head` after a line)
    stdout = io.TextIOWrapper(os.fdopen(write_end, "wb", buffering=0), write_through=True)
    monkeypatch.setattr(sys, "stdout", stdout)
    try:
        status = main(["explain", "solve", "[[2,1],[1,3]]", "[3,5]"])
    finally:
        monkeypatch.undo()
        stdout.close()
    assert status == 0
