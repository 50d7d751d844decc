"""Calculated fields: a new or updated field from an expression over a layer's other fields.

``refugees / population_2023 * 1000``, ``round(area_km2, 1)``, ``concat(upper(province), " – ", name)``,
``population_2023 > 1000000``, ``"large" if households > 500 else "small"``.

The expression is parsed by Python's ``ast`` and only a small language is let through: numbers and
quoted text, field names (names with spaces or other characters in `` `backticks` ``), arithmetic
``+ - * / // % **``, comparisons, ``and / or / not``, ``x if condition else y`` and the functions of
``FUNCTIONS``. Nothing is ever handed to ``eval``: there are no attributes, subscripts, lambdas,
comprehensions or other names, so ``__import__('os')`` is an unknown function and
``name.__class__`` a construct that is refused. Arithmetic is done in float64 over whole columns (no
per-row Python): a huge power is infinity, not a hang, and text cannot be multiplied into a memory
bomb (``*`` needs numbers). Division by zero and overflow give a missing value, never ``inf``: a map
of rates draws them as "no data".

Whatever is wrong becomes one ``ExpressionError`` line saying what and how to write it instead.
"""

from __future__ import annotations

import ast
import difflib
import operator
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from .errors import ExpressionError

MAX_LENGTH = 1000  # characters: a calculation is a line, not a program
MAX_DEPTH = 40  # nesting of operations (a ---…-1 of a thousand signs is refused, not recursed into)
MAX_ROUND_DIGITS = 15
HOW_TO = (
    "use field names (in `backticks` if they have spaces), numbers, text in quotes, + - * / ** %, "
    "comparisons, and / or / not, and the functions " + "round abs sqrt upper lower title strip concat coalesce where"
)

# Text in quotes or a field name in backticks, so backticks inside text are left alone.
_TOKENS = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`([^`]*)`")
_PLACEHOLDER = "__field_{}__"

_ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_SYMBOL = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}


@dataclass(frozen=True)
class Expression:
    """A checked expression: ``evaluate(frame)`` gives one value per row."""

    text: str
    tree: ast.expr
    names: dict[str, str]  # identifier in the tree -> field name
    fields: tuple[str, ...]  # the fields it reads, in order of appearance

    def evaluate(self, frame: pd.DataFrame) -> pd.Series:
        """The values for every row of ``frame`` (a Series on its index)."""
        with np.errstate(all="ignore"):  # overflow and division by zero become missing values below
            try:
                value = _Evaluator(self, frame).value(self.tree)
            except ExpressionError:
                raise
            except (TypeError, ValueError, OverflowError, ZeroDivisionError, ArithmeticError) as exc:
                reason = " ".join(str(exc).split())[:160] or type(exc).__name__
                raise ExpressionError(f"'{self.text}' cannot be calculated: {reason}", fix=HOW_TO) from None
        series = value if isinstance(value, pd.Series) else pd.Series([value] * len(frame), index=frame.index)
        if pd.api.types.is_float_dtype(series.dtype):
            series = series.where(np.isfinite(series.to_numpy(dtype="float64", na_value=np.nan)))
        return series


def parse(expression: str, fields: Sequence[str]) -> Expression:
    """Check ``expression`` against the layer's ``fields``; ``ExpressionError`` says what is wrong."""
    text = str(expression).strip()
    if not text:
        raise ExpressionError("the expression is empty", fix="type one, e.g. refugees / population_2023 * 1000")
    shown = text if len(text) <= 60 else text[:57] + "..."
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression '{shown}' is {len(text):,} characters long",
            fix=f"write it in at most {MAX_LENGTH:,} characters, or in several fields one after another",
        )
    names: dict[str, str] = {}

    def placeholder(match: re.Match) -> str:
        if match.group(1) is None:
            return match.group(0)  # quoted text stays as it is
        key = _PLACEHOLDER.format(len(names))
        names[key] = match.group(1)
        return key

    source = _TOKENS.sub(placeholder, text)
    if "`" in source:
        raise ExpressionError(f"'{shown}' has a ` without its closing `", fix="put field names between two backticks")
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"'{shown}' is not a valid expression ({exc.msg})", fix=HOW_TO) from None
    except (RecursionError, MemoryError, ValueError):  # too deeply nested, NUL bytes
        raise ExpressionError(f"'{shown}' cannot be read", fix=HOW_TO) from None
    used = _check(tree, names, list(map(str, fields)), shown)
    return Expression(text, tree, names, tuple(dict.fromkeys(used)))


def calculate(frame: pd.DataFrame, expression: str) -> pd.Series:
    """The expression's value for every row of ``frame`` (its geometry column is not a field)."""
    return parse(expression, data_fields(frame)).evaluate(frame)


def data_fields(frame: pd.DataFrame) -> list[str]:
    """The columns an expression may read or write: all but a GeoDataFrame's geometry."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    return [str(c) for c in frame.columns if c != geometry]


def with_calculated(frame: pd.DataFrame, calculations: dict[str, str]) -> pd.DataFrame:
    """A copy of ``frame`` with each ``field: expression`` calculated in order (a later one may read
    an earlier one); an existing field of that name is replaced."""
    out = frame.copy()
    for field, expression in calculations.items():
        check_field_name(out, field)
        out[field] = calculate(out, expression).to_numpy()
    return out


def check_field_name(frame: pd.DataFrame, field: str) -> None:
    """A calculated field needs a name, and is never the geometry."""
    if not str(field).strip():
        raise ExpressionError("the calculated field has no name", fix="type a name, e.g. refugees_per_1000")
    if str(field) not in data_fields(frame) and str(field) in map(str, frame.columns):
        raise ExpressionError(f"'{field}' is the layer's geometry, not a field", fix="choose another name")


# --- checking the tree ---------------------------------------------------------------------------


def _check(tree: ast.expr, names: dict[str, str], fields: list[str], shown: str) -> list[str]:
    """Every node allowed, every name a field, every call a known function; the fields read."""
    used: list[str] = []
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:  # iterative: a deep tree cannot exhaust Python's stack here
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(f"'{shown}' is nested too deeply", fix="write it with fewer brackets and signs")
        if isinstance(node, ast.Name):
            field = names.get(node.id, node.id)
            if field not in fields:
                raise _unknown_field(field, fields, shown)
            used.append(field)
            continue
        if isinstance(node, ast.Call):
            _check_call(node, shown)
            children: list[ast.AST] = list(node.args)
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, (int, float, str, bool, type(None))) or isinstance(node.value, complex):
                raise ExpressionError(f"'{shown}' has a value pakmap does not calculate with", fix=HOW_TO)
            continue
        elif isinstance(node, ast.BinOp) and type(node.op) in _SYMBOL:
            children = [node.left, node.right]
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            children = [node.operand]
        elif isinstance(node, ast.BoolOp):
            children = list(node.values)
        elif isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
            children = [node.left, *node.comparators]
        elif isinstance(node, ast.IfExp):
            children = [node.test, node.body, node.orelse]
        else:
            raise ExpressionError(f"'{shown}' uses {_describe(node)}, which a calculation cannot", fix=HOW_TO)
        stack.extend((child, depth + 1) for child in reversed(children))
    return used


def _describe(node: ast.AST) -> str:
    return {
        ast.Attribute: "an attribute (a dot after a name)",
        ast.Subscript: "brackets after a name",
        ast.Lambda: "a lambda",
        ast.List: "a list",
        ast.Tuple: "a tuple",
        ast.Dict: "a dictionary",
        ast.Set: "a set",
        ast.Compare: "'in' or 'is'",
        ast.NamedExpr: "':='",
        ast.JoinedStr: "an f-string",
        ast.Starred: "'*'",
    }.get(type(node), f"'{type(node).__name__}'")


def _check_call(node: ast.Call, shown: str) -> None:
    if not isinstance(node.func, ast.Name):
        raise ExpressionError(f"'{shown}' uses {_describe(node.func)}, which a calculation cannot", fix=HOW_TO)
    if node.func.id not in FUNCTIONS:
        what = node.func.id
        raise ExpressionError(
            f"'{shown}' calls {what}(), which is not a function of calculations",
            fix="use one of: " + ", ".join(sorted(FUNCTIONS)),
        )
    name = node.func.id
    low, high = FUNCTIONS[name].arguments
    if node.keywords or any(isinstance(a, ast.Starred) for a in node.args) or not low <= len(node.args) <= high:
        count = str(low) if low == high else f"{low} to {high}" if high < 99 else f"at least {low}"
        raise ExpressionError(f"{name}() takes {count} value(s) in '{shown}'", fix=f"e.g. {FUNCTIONS[name].example}")


def _unknown_field(name: str, fields: list[str], shown: str) -> ExpressionError:
    close = difflib.get_close_matches(name, fields, n=1)
    fix = f"did you mean `{close[0]}`?" if close else "put text in quotes; field names with spaces in `backticks`"
    return ExpressionError(f"'{shown}' names '{name}', which is not a field of the layer", fix=fix)


# --- evaluating it, column by column ------------------------------------------------------------


Value = Any  # a pd.Series on the frame's index, or a scalar (np.float64, str, bool, None)


def _numeric(value: Value) -> bool:
    if isinstance(value, pd.Series):
        return pd.api.types.is_numeric_dtype(value.dtype) and not pd.api.types.is_bool_dtype(value.dtype)
    return isinstance(value, (np.floating, float, int)) and not isinstance(value, (bool, np.bool_))


def _text(value: Value) -> bool:
    if isinstance(value, pd.Series):
        present = value.dropna()
        textual = value.dtype == object or pd.api.types.is_string_dtype(value.dtype)
        return textual and bool(present.map(lambda v: isinstance(v, str)).all())
    return isinstance(value, str)


def _boolean(value: Value) -> bool:
    if isinstance(value, pd.Series):
        return pd.api.types.is_bool_dtype(value.dtype)
    return isinstance(value, (bool, np.bool_))


class _Evaluator:
    def __init__(self, expression: Expression, frame: pd.DataFrame) -> None:
        self.expression = expression
        self.frame = frame

    def fail(self, problem: str, fix: str = HOW_TO) -> ExpressionError:
        return ExpressionError(f"'{self.expression.text}': {problem}", fix=fix)

    def value(self, node: ast.AST) -> Value:
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or v is None or isinstance(v, str):
                return v
            assert isinstance(v, (int, float))  # parse lets no other constant through
            try:
                return np.float64(v)  # ints too: a huge power is infinity, not a big integer
            except OverflowError:  # a literal of hundreds of digits
                return np.float64(np.inf)
        if isinstance(node, ast.Name):
            return self.field(self.expression.names.get(node.id, node.id))
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.UnaryOp):
            operand = self.value(node.operand)
            if isinstance(node.op, ast.Not):
                return (
                    ~self.boolean(operand, "not")
                    if isinstance(operand, pd.Series)
                    else not self.boolean(operand, "not")
                )
            self.numbers(operand, "a sign")
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            values = [self.boolean(self.value(v), word) for v in node.values]
            combine = operator.and_ if word == "and" else operator.or_
            result = values[0]
            for v in values[1:]:
                result = combine(result, v)
            return result
        if isinstance(node, ast.Compare):
            left, result = self.value(node.left), None
            for op, right_node in zip(node.ops, node.comparators):
                right = self.value(right_node)
                part = self.compare(_COMPARE[type(op)], left, right)
                result = part if result is None else result & part
                left = right
            return result
        if isinstance(node, ast.IfExp):
            return self.choose(self.value(node.test), self.value(node.body), self.value(node.orelse))
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)  # checked by parse
            return FUNCTIONS[node.func.id].run(self, [self.value(a) for a in node.args])
        raise self.fail(f"{_describe(node)} cannot be calculated")  # parse refuses these first

    def field(self, name: str) -> pd.Series:
        column = self.frame[name]
        if isinstance(column, pd.DataFrame):  # two columns of one name
            raise self.fail(f"the layer has more than one field '{name}'", fix="rename one of them first")
        if pd.api.types.is_bool_dtype(column.dtype):
            return column
        if pd.api.types.is_numeric_dtype(column.dtype):
            # float64: an integer power or product overflows to infinity instead of wrapping around
            return pd.Series(column.to_numpy(dtype="float64", na_value=np.nan), index=self.frame.index)
        return column

    def numbers(self, value: Value, what: str) -> None:
        if not _numeric(value):
            raise self.fail(f"{what} needs numbers", fix="use concat() to join text; compare text with ==")

    def boolean(self, value: Value, what: str) -> Value:
        if isinstance(value, pd.Series) and not _boolean(value):
            raise self.fail(f"'{what}' needs conditions (comparisons), not values", fix="e.g. a > 1 and b == 'x'")
        if not isinstance(value, pd.Series) and not _boolean(value):
            raise self.fail(f"'{what}' needs conditions (comparisons), not values", fix="e.g. a > 1 and b == 'x'")
        return value

    def binary(self, node: ast.BinOp) -> Value:
        left, right = self.value(node.left), self.value(node.right)
        symbol = _SYMBOL[type(node.op)]
        if isinstance(node.op, ast.Add):
            if _text(left) and _text(right):
                return left + right
            if _numeric(left) and _numeric(right):
                return left + right
            raise self.fail("'+' adds two numbers or joins two texts", fix="use concat() to join text and numbers")
        self.numbers(left, f"'{symbol}'")
        self.numbers(right, f"'{symbol}'")
        return _ARITHMETIC[type(node.op)](left, right)

    def compare(self, op: Callable[[Any, Any], Any], left: Value, right: Value) -> Value:
        if isinstance(left, pd.Series) or isinstance(right, pd.Series):
            if op not in (operator.eq, operator.ne) and _text(left) != _text(right):
                raise self.fail("text and numbers cannot be compared with < or >", fix="compare like with like")
            result = op(left, right)
            return result.fillna(False).astype(bool) if isinstance(result, pd.Series) else result
        return bool(op(left, right))

    def choose(self, test: Value, yes: Value, no: Value) -> Value:
        self.boolean(test, "if")
        if not isinstance(test, pd.Series):
            return yes if test else no
        index = self.frame.index
        yes_s = yes if isinstance(yes, pd.Series) else pd.Series([yes] * len(index), index=index, dtype=object)
        no_s = no if isinstance(no, pd.Series) else pd.Series([no] * len(index), index=index, dtype=object)
        out = yes_s.where(test, no_s)
        return pd.to_numeric(out) if _numeric(yes) and _numeric(no) else out


# --- functions -----------------------------------------------------------------------------------


def _series(ev: _Evaluator, value: Value) -> pd.Series:
    index = ev.frame.index
    return value if isinstance(value, pd.Series) else pd.Series([value] * len(index), index=index, dtype=object)


def _round(ev: _Evaluator, args: list[Value]) -> Value:
    ev.numbers(args[0], "round()")
    digits = 0
    if len(args) == 2:
        d = args[1]
        if isinstance(d, pd.Series) or not _numeric(d) or float(d) != int(d) or not 0 <= int(d) <= MAX_ROUND_DIGITS:
            raise ev.fail("round()'s second value is a whole number of decimals", fix="e.g. round(rate, 1)")
        digits = int(d)
    return args[0].round(digits) if isinstance(args[0], pd.Series) else np.round(args[0], digits)


def _numeric_function(fn: Callable[[Any], Any], name: str) -> Callable[[_Evaluator, list[Value]], Value]:
    def run(ev: _Evaluator, args: list[Value]) -> Value:
        ev.numbers(args[0], f"{name}()")
        return fn(args[0])

    return run


def _text_function(method: str) -> Callable[[_Evaluator, list[Value]], Value]:
    def run(ev: _Evaluator, args: list[Value]) -> Value:
        value = args[0]
        if value is None:
            return None
        if not _text(value):
            raise ev.fail(f"{method}() changes text, not numbers", fix=f"e.g. {method}(name)")
        return getattr(value.str, method)() if isinstance(value, pd.Series) else getattr(value, method)()

    return run


def _as_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))  # 2023, not 2023.0: numbers became floats for arithmetic
    return str(value)


def _concat(ev: _Evaluator, args: list[Value]) -> Value:
    if not any(isinstance(a, pd.Series) for a in args):
        return "".join(_as_text(a) for a in args)
    out = pd.Series([""] * len(ev.frame.index), index=ev.frame.index, dtype=object)
    for a in args:
        out = out + (a.map(_as_text) if isinstance(a, pd.Series) else _as_text(a))
    return out


def _coalesce(ev: _Evaluator, args: list[Value]) -> Value:
    out = _series(ev, args[0])
    for a in args[1:]:
        out = out.where(out.notna(), _series(ev, a))
    return pd.to_numeric(out) if all(_numeric(a) for a in args) else out


def _where(ev: _Evaluator, args: list[Value]) -> Value:
    return ev.choose(*args)


@dataclass(frozen=True)
class Function:
    run: Callable[[_Evaluator, list[Value]], Value]
    arguments: tuple[int, int]  # fewest, most
    example: str


FUNCTIONS: dict[str, Function] = {
    "round": Function(_round, (1, 2), "round(rate, 1)"),
    "abs": Function(_numeric_function(abs, "abs"), (1, 1), "abs(change)"),
    "sqrt": Function(_numeric_function(np.sqrt, "sqrt"), (1, 1), "sqrt(area_km2)"),
    "upper": Function(_text_function("upper"), (1, 1), "upper(name)"),
    "lower": Function(_text_function("lower"), (1, 1), "lower(name)"),
    "title": Function(_text_function("title"), (1, 1), "title(name)"),
    "strip": Function(_text_function("strip"), (1, 1), "strip(name)"),
    "concat": Function(_concat, (1, 99), 'concat(name, " (", province, ")")'),
    "coalesce": Function(_coalesce, (2, 99), "coalesce(refugees_2024, refugees_2023, 0)"),
    "where": Function(_where, (3, 3), 'where(households > 500, "large", "small")'),
}


__all__ = ["Expression", "FUNCTIONS", "calculate", "check_field_name", "data_fields", "parse", "with_calculated"]
