"""Small, realistic bugs planted one at a time in Python source, for bench/mutation.py.

Each mutant is one textual edit of one AST node, so the rest of the file (comments, layout,
line numbers before the edit) stays as written and ``show`` reads like a one-line diff:

- comparison boundary and negation: ``<``/``<=``, ``>``/``>=``, ``==``/``!=``, ``is``/``is not``,
  ``in``/``not in``;
- comparison functions swapped the same way (``pc.greater`` -> ``pc.greater_equal``,
  ``np.maximum`` -> ``np.minimum``, ``any`` -> ``all``, ``pc.and_`` -> ``pc.or_``, ...);
- ``and``/``or``; ``not x``, ``~x`` and ``-x`` -> ``x``; a bare condition (``if flag:``) negated;
- arithmetic and bitwise operators (``+``/``-``, ``*``/``/``, ``//`` -> ``/``, ``&``/``|``, ...),
  also in augmented assignments;
- number constants off by one (``n`` -> ``n + 1``), ``True``/``False`` swapped;
- ``return x`` -> ``return None``; a call made for its effect (``sink.add(...)``) dropped.

Never mutated: docstrings, strings, f-strings, annotations, imports, ``if TYPE_CHECKING``
blocks, and string building (``"a" + b``, ``"%s" % x``), which change text, not logic.
A mutant id is ``path::function::edit#n`` (n counts the same edit in the same function), so it
stays the same when code elsewhere in the file moves; the equivalent-mutant list relies on it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

COMPARE_SWAP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
BINOP_SWAP: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.Mult,
    ast.Pow: ast.Mult,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.BitXor: ast.BitOr,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
}
_PAIRS = [
    ("greater", "greater_equal"),
    ("less", "less_equal"),
    ("equal", "not_equal"),
    ("maximum", "minimum"),
    ("fmax", "fmin"),
    ("nanmax", "nanmin"),
    ("max", "min"),
    ("argmax", "argmin"),
    ("any", "all"),
    ("and_", "or_"),
    ("and_kleene", "or_kleene"),
    ("floor", "ceil"),
]
NAME_SWAP: dict[str, str] = {a: b for a, b in _PAIRS} | {b: a for a, b in _PAIRS}
"""Called functions whose name is swapped: the function-call spelling of a flipped comparison."""


@dataclass(frozen=True)
class Mutant:
    """One planted bug: where it is, what it does, and the mutated source."""

    id: str
    path: str
    line: int
    lines: tuple[int, ...]
    """The lines whose execution reaches the mutant: its own and its statement's first."""
    scope: str
    edit: str
    original: str
    replacement: str


@dataclass(frozen=True)
class _Site:
    node: ast.AST
    stmt: ast.stmt
    scope: str


def _is_docstring(stmt: ast.stmt, body: list[ast.stmt]) -> bool:
    return (
        body[0] is stmt
        and isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _is_type_checking(stmt: ast.stmt) -> bool:
    t = stmt.test if isinstance(stmt, ast.If) else None
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


_SKIP_FIELDS = {"annotation", "returns", "type_comment"}


def _sites(tree: ast.Module) -> Iterator[_Site]:
    """Every node that may be mutated, in source order, with its statement and scope."""

    def walk(node: ast.AST, stmt: ast.stmt | None, scope: str) -> Iterator[_Site]:
        if isinstance(node, ast.Import | ast.ImportFrom | ast.JoinedStr):
            return
        if isinstance(node, ast.stmt):
            stmt = node
            if _is_type_checking(node):
                return
        if stmt is not None and not isinstance(node, ast.Module):
            yield _Site(node, stmt, scope)
        inner = scope
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            inner = node.name if scope == "<module>" else f"{scope}.{node.name}"
        for field, value in ast.iter_fields(node):
            if field in _SKIP_FIELDS:
                continue
            items = value if isinstance(value, list) else [value]
            for child in items:
                if not isinstance(child, ast.AST):
                    continue
                body_owner = field == "body" and isinstance(
                    node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                )
                if body_owner and _is_docstring(child, value):  # type: ignore[arg-type]
                    continue
                # decorators, defaults and bases run at import, in the enclosing scope
                yield from walk(child, stmt, inner if field == "body" else scope)

    yield from walk(tree, None, "<module>")


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)
    )


class _Source:
    """Source text with node spans as character offsets (AST columns count UTF-8 bytes)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line: int, col_bytes: int) -> int:
        raw = self.lines[line - 1].encode("utf-8")[:col_bytes]
        return self.starts[line - 1] + len(raw.decode("utf-8"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (
            self.offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
            self.offset(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
        )

    def seg(self, node: ast.AST) -> str:
        a, b = self.span(node)
        return self.text[a:b]


def _op(op: ast.AST) -> str:
    return {
        ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
        ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
        ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
        ast.Mod: "%", ast.Pow: "**", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
        ast.LShift: "<<", ast.RShift: ">>", ast.And: "and", ast.Or: "or",
    }[type(op)]  # fmt: skip


def _edits(site: _Site, src: _Source) -> Iterator[tuple[ast.AST, str, str]]:
    """(node to replace, replacement text, short description) for one site."""
    node, seg = site.node, src.seg
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            new_ops = [_op(o) for o in node.ops]
            new_ops[i] = _op(COMPARE_SWAP[type(op)]())
            parts = [f"({seg(node.left)})"]
            for o, right in zip(new_ops, node.comparators, strict=True):
                parts += [o, f"({seg(right)})"]
            yield node, f"({' '.join(parts)})", f"{_op(op)} -> {new_ops[i]}"
    elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAP:
        if _is_text(node.left) or _is_text(node.right):
            return
        new = _op(BINOP_SWAP[type(node.op)]())
        yield node, f"(({seg(node.left)}) {new} ({seg(node.right)}))", f"{_op(node.op)} -> {new}"
    elif isinstance(node, ast.AugAssign) and type(node.op) in BINOP_SWAP:
        if _is_text(node.value):
            return
        new = _op(BINOP_SWAP[type(node.op)]())
        text = f"{seg(node.target)} {new}= ({seg(node.value)})"
        yield node, text, f"{_op(node.op)}= -> {new}="
    elif isinstance(node, ast.BoolOp):
        new = "or" if isinstance(node.op, ast.And) else "and"
        text = f" {new} ".join(f"({seg(v)})" for v in node.values)
        yield node, f"({text})", f"{_op(node.op)} -> {new}"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.Invert | ast.USub):
        if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            return  # a negative literal; its number is mutated instead
        sign = {ast.Not: "not", ast.Invert: "~", ast.USub: "-"}[type(node.op)]
        yield node, f"({seg(node.operand)})", f"drop {sign}"
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        bumped = node.value + 1  # type: ignore[operator]
        yield node, repr(bumped), f"{node.value!r} -> {bumped!r}"
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield node, repr(not node.value), f"{node.value} -> {not node.value}"
    elif isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in NAME_SWAP:
            text = seg(func)
            new = text[: len(text) - len(name)] + NAME_SWAP[name]
            yield func, new, f"{name}() -> {NAME_SWAP[name]}()"
    elif isinstance(node, ast.Return) and node.value is not None:
        if not (isinstance(node.value, ast.Constant) and node.value.value is None):
            yield node, "return None", "return None"
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        yield node, "pass", "drop call"
    if isinstance(node, ast.If | ast.While | ast.IfExp) and isinstance(
        node.test, ast.Name | ast.Attribute | ast.Call | ast.Subscript
    ):
        yield node.test, f"(not ({seg(node.test)}))", "negate condition"


def _lines(node: ast.AST, stmt: ast.stmt) -> tuple[int, ...]:
    own = range(node.lineno, node.end_lineno + 1)  # type: ignore[attr-defined]
    return tuple(sorted({stmt.lineno, *own}))


def mutants(text: str, path: str) -> list[tuple[Mutant, str]]:
    """Every mutant of a module's source, each with its mutated source (which parses)."""
    tree = ast.parse(text)
    src = _Source(text)
    out: list[tuple[Mutant, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for site in _sites(tree):
        for node, replacement, edit in _edits(site, src):
            a, b = src.span(node)
            mutated = text[:a] + replacement + text[b:]
            try:
                ast.parse(mutated)
            except SyntaxError:
                continue
            n = seen[(site.scope, edit)] = seen.get((site.scope, edit), 0) + 1
            mutant = Mutant(
                id=f"{path}::{site.scope}::{edit}#{n}",
                path=path,
                line=node.lineno,  # type: ignore[attr-defined]
                lines=_lines(node, site.stmt),
                scope=site.scope,
                edit=edit,
                original=text[a:b],
                replacement=replacement,
            )
            out.append((mutant, mutated))
    return out
