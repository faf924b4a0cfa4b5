"""The step recorder: free when off, faithful when on, bounded, renderable."""
from __future__ import annotations

import json
import threading
import timeit

import numpy as np
import pytest

from mathforml.explain import ArrayPreview, Work, active, explain, format_number, section, step


def test_off_by_default_and_step_is_a_noop():
    assert not active()
    assert step("nothing", "x = 1", x=1) is None


def test_section_when_off_is_one_shared_object():
    assert section("a") is section("b")
    with section("a"):
        pass


def test_step_is_cheap_when_off():
    n = 200_000
    t = timeit.timeit(lambda: step("t", "f", x=1.0), number=n) / n
    lam = timeit.timeit(lambda: None, number=n) / n
    # the call itself (minus the lambda overhead) should be well under a microsecond
    assert t - lam < 1e-6, f"step() costs {(t - lam) * 1e9:.0f} ns when off"


def test_records_copies_of_arrays():
    a = np.array([1.0, 2.0])
    with explain() as work:
        step("before", a=a)
        a[0] = 99.0
        step("after", a=a)
    assert work.steps[0].values["a"][0] == 1.0
    assert work.steps[1].values["a"][0] == 99.0


def test_large_arrays_are_previewed():
    big = np.arange(200 * 200, dtype=float).reshape(200, 200)
    with explain(max_elements=100, corner=3) as work:
        step("big", M=big)
    pv = work.steps[0].values["M"]
    assert isinstance(pv, ArrayPreview)
    assert pv.shape == (200, 200) and pv.corner.shape == (3, 3)
    assert pv.norm == pytest.approx(np.sqrt((big ** 2).sum()))
    assert "200, 200" in str(work)


def test_sections_nest_and_render():
    with explain() as work:
        with section("Outer"):
            step("one", x=1)
            with section("Inner"):
                step("two", y=2)
        step("three")
    assert [s.section for s in work.steps] == [("Outer",), ("Outer", "Inner"), ()]
    text = str(work)
    assert "== Outer ==" in text and "== Inner ==" in text
    assert text.index("one") < text.index("two") < text.index("three")


def test_iteration_log_is_bounded_and_keeps_the_last():
    with explain(head=3, every=50) as work:
        with section("loop"):
            for k in range(1000):
                step("iterate", iteration=k, x=float(k))
        step("done")
    its = [s.iteration for s in work.steps if s.iteration is not None]
    assert its[:3] == [0, 1, 2]
    assert its[-1] == 999
    assert all(k < 3 or k % 50 == 0 or k == 999 for k in its)
    assert len(its) == 3 + 19 + 1  # head 0..2, multiples of 50 from 50 to 950, the last (999)
    assert work.omitted == 1000 - len(its)
    assert work.steps[-1].title == "done"
    assert work.steps[-2].iteration == 999 and "not shown" in (work.steps[-2].note or "")


def test_last_iteration_comes_before_a_following_plain_step():
    with explain(head=1, every=1000) as work:
        for k in range(5):
            step("it", iteration=k)
        step("result")
    assert [s.iteration for s in work.steps] == [0, 4, None]


def test_matrices_print_as_matrices():
    with explain() as work:
        step("M", "M = A", M=np.array([[1.0, -2.5], [10.0, 0.125]]))
    lines = str(work).splitlines()
    i = next(j for j, ln in enumerate(lines) if "M = [" in ln)
    # rows line up under each other, right-aligned
    assert lines[i].endswith("[ 1   -2.5]")
    assert lines[i + 1].endswith("[10  0.125]")
    assert lines[i].index("[") == lines[i + 1].index("[")


def test_markdown_has_latex_matrices():
    with explain() as work:
        with section("Stage"):
            step("pivot", "p = a_11", M=np.eye(2), p=2.0)
    md = work.to_markdown()
    assert r"\begin{bmatrix}1 & 0 \\ 0 & 1\end{bmatrix}" in md
    assert "## Stage" in md and "**pivot**" in md


def test_to_dict_is_json_serialisable():
    with explain() as work:
        step("s", "f", M=np.ones((2, 2)), z=1 + 2j, n=np.int64(3), inf=float("inf"), text="hi")
    d = json.loads(json.dumps(work.to_dict()))
    v = d["steps"][0]["values"]
    assert v["M"] == [[1.0, 1.0], [1.0, 1.0]] and v["n"] == 3 and v["z"] == {"real": 1.0, "imag": 2.0}


def test_recorders_are_isolated_between_threads():
    seen = {}

    def worker():
        seen["thread_active"] = active()

    with explain():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert seen["thread_active"] is False


def test_nested_recorders_restore_the_outer_one():
    with explain() as outer:
        step("a")
        with explain() as inner:
            step("b")
        step("c")
    assert [s.title for s in outer.steps] == ["a", "c"]
    assert [s.title for s in inner.steps] == ["b"]
    assert not active()


def test_find_and_values_helpers():
    with explain() as work:
        step("Pivot 1", p=2.0)
        step("Pivot 2", p=3.0)
        step("other")
    assert [s.title for s in work.find("pivot")] == ["Pivot 1", "Pivot 2"]
    assert work.values("p") == [2.0, 3.0]


@pytest.mark.parametrize("x, want", [(6.2, "6.2"), (5.56, "5.56"), (94.0, "94"), (0.8808, "0.8808"),
                                     (1234567.0, "1.23457e6"), (-3e-7, "-3e-7"), (float("nan"), "nan")])
def test_format_number(x, want):
    assert format_number(x) == want


def test_bad_options():
    with pytest.raises(ValueError, match="every"):
        Work(every=0)


def test_silenced_pauses_and_restores_the_recorder():
    from mathforml.explain import silenced

    with explain() as work:
        with silenced():
            assert not active()
            step("hidden")
        assert active()
        step("shown")
    assert [s.title for s in work.steps] == ["shown"]
    assert silenced() is section("x")  # the shared no-op when nobody listens


def test_a_loop_states_its_formula_once():
    with explain() as work:
        for k in range(3):
            step("iterate", "x <- x / 2", iteration=k, x=float(k))
        step("other", "y = 1")
    text = str(work)
    assert text.count("x <- x / 2") == 1 and "y = 1" in text
    assert work.to_markdown().count("x <- x / 2") == 1
    assert all(s.formula == "x <- x / 2" for s in work.steps[:3])  # the record keeps every formula
