"""The mutation-testing tool's mutator (bench/mutants.py): which bugs it plants, and how."""

from __future__ import annotations

import ast
import textwrap

from bench.mutants import mutants

SOURCE = textwrap.dedent(
    '''\
    """Module docstring: never mutated."""

    from __future__ import annotations

    LIMIT: int = 7


    def check(x: int, flags: list[bool]) -> bool:
        """Docstring."""
        if x >= LIMIT and not flags[0]:
            log(f"x is {x + 1}")
        return max(x - 1, 0) > 2


    def message(n: int) -> str:
        return "n = " + str(n)
    '''
)


def _edits(source: str = SOURCE) -> dict[str, str]:
    return {m.id: mutated for m, mutated in mutants(source, "pkg/mod.py")}


def test_each_kind_of_bug_is_planted_once_where_it_applies() -> None:
    ids = set(_edits())
    assert ids == {
        "pkg/mod.py::<module>::7 -> 8#1",
        "pkg/mod.py::check::>= -> >#1",
        "pkg/mod.py::check::and -> or#1",
        "pkg/mod.py::check::drop not#1",
        "pkg/mod.py::check::0 -> 1#1",
        "pkg/mod.py::check::0 -> 1#2",
        "pkg/mod.py::check::drop call#1",
        "pkg/mod.py::check::return None#1",
        "pkg/mod.py::check::max() -> min()#1",
        "pkg/mod.py::check::- -> +#1",
        "pkg/mod.py::check::1 -> 2#1",
        "pkg/mod.py::check::> -> >=#1",
        "pkg/mod.py::check::2 -> 3#1",
        "pkg/mod.py::message::return None#1",
    }
    # the docstrings, annotations, the f-string and "n = " + ... (text, not logic) are left alone


def test_a_mutant_changes_one_node_and_keeps_the_rest_of_the_file() -> None:
    mutated = _edits()["pkg/mod.py::check::>= -> >#1"]
    diff = [
        (a, b) for a, b in zip(SOURCE.splitlines(), mutated.splitlines(), strict=True) if a != b
    ]
    assert diff == [
        (
            "    if x >= LIMIT and not flags[0]:",
            "    if ((x) > (LIMIT)) and not flags[0]:",
        )
    ]


def test_operands_keep_their_precedence() -> None:
    source = "def f(a, b, c):\n    return (a + b) * c\n"
    mutated = _edits(source)["pkg/mod.py::f::* -> /#1"]
    namespace: dict[str, object] = {}
    exec(compile(mutated, "m", "exec"), namespace)
    f = namespace["f"]
    assert callable(f) and f(1, 3, 2) == 2.0  # (1 + 3) / 2, not 1 + 3 / 2


def test_every_mutant_parses_and_differs_from_the_source() -> None:
    for m, mutated in mutants(SOURCE, "pkg/mod.py"):
        ast.parse(mutated)
        assert mutated != SOURCE, m.id


def test_ids_survive_code_moving_elsewhere_in_the_file() -> None:
    moved = "\n\n# a comment that moves every line down\n" + SOURCE.replace('"""Docstring."""', "")
    assert set(_edits(moved)) == set(_edits())


def test_a_mutant_lists_its_own_lines_and_its_statements_first_line() -> None:
    source = "def f(x):\n    y = g(\n        x,\n        x + 1,\n    )\n    return y\n"
    found = {m.id: m for m, _ in mutants(source, "p.py")}
    assert found["p.py::f::+ -> -#1"].lines == (2, 4)
    assert found["p.py::f::+ -> -#1"].line == 4


def test_a_bare_condition_is_negated_and_comparison_functions_are_swapped() -> None:
    source = "def f(a, b):\n    if a.ready:\n        return pc.greater(a, b)\n"
    ids = set(_edits(source))
    assert "pkg/mod.py::f::negate condition#1" in ids
    assert "pkg/mod.py::f::greater() -> greater_equal()#1" in ids
    mutated = _edits(source)["pkg/mod.py::f::greater() -> greater_equal()#1"]
    assert "pc.greater_equal(a, b)" in mutated
