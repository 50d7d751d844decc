"""Field expressions: label text such as ``"{name}\\n{refugees:,.0f}"``, atlas page titles, the
wording of a page template's texts (``"Data as of {as_of}"``).

Projects and templates come by email, so their expressions never reach ``str.format``, which would
let ``{name.__class__}`` or ``{name[0]}`` walk Python objects and ``{name:>999999999}`` allocate
gigabytes. An expression is literal text (``{{`` and ``}}`` for braces) and plain field references
``{field}``, each with an optional number format after a colon: a sign (``+``, ``-`` or a space), a
thousands separator (``,`` or ``_``), a precision up to 20 (``.2``) and a type (``d f e g %`` or
``s``). Anything else — attribute or index access, ``!r`` conversions, positional ``{0}``/``{}``,
widths, fills, nested fields, an unbalanced brace — is a one-line ``StyleError`` when the project is
read. Fields are looked up by their whole name in the record: nothing else is reachable.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .errors import StyleError

FIX = (
    'write fields as {name}, numbers as {refugees:,.0f} (a format of sign, ",", precision and one of '
    "f d e g % s) and braces as {{ }}"
)
_SPEC = re.compile(r"[+\- ]?[,_]?(\.(1?\d|20))?[dfeEgG%s]?")


@dataclass(frozen=True)
class FieldExpression:
    """A checked expression: (literal text, field or None, format spec) in order."""

    parts: tuple[tuple[str, str | None, str], ...]

    @property
    def fields(self) -> list[str]:
        """The fields referred to, each once, in order."""
        return list(dict.fromkeys(field for _, field, _ in self.parts if field is not None))

    def format(self, record: Mapping[str, Any], format_field: Callable[[Any, str], str] = format) -> str:
        """The text for ``record``; ``KeyError`` for a field it lacks, ``ValueError`` for a format
        that does not suit a value (``{name:.1f}`` on text)."""
        out = []
        for literal, field, spec in self.parts:
            out.append(literal)
            if field is not None:
                out.append(format_field(record[field], spec))
        return "".join(out)


def _shown(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "...")


def parse_expression(text: str, where: str) -> FieldExpression:
    """Check ``text`` as a field expression of ``where`` (e.g. "the labels of layer 'districts'")."""
    if not isinstance(text, str):
        raise StyleError(f"{where}: the expression {text!r} is not text", fix=FIX)
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:  # "{name" or "name}"
        raise StyleError(f"{where}: the expression {_shown(text)} has an unbalanced brace ({exc})", fix=FIX) from None
    parts: list[tuple[str, str | None, str]] = []
    for literal, field, spec, conversion in parsed:
        if field is None:
            parts.append((literal, None, ""))
            continue
        spec = spec or ""  # never None beside a field; typeshed allows it for the literal-only parts
        reference = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if not field.strip() or field.isdigit():
            raise StyleError(f"{where}: {_shown(reference)} in the expression names no field", fix=FIX)
        if conversion or any(c in field for c in ".[]{}"):
            raise StyleError(f"{where}: {_shown(reference)} in the expression is not a plain field reference", fix=FIX)
        if not _SPEC.fullmatch(spec):
            raise StyleError(f"{where}: the format {_shown(spec)} of {{{field}}} is not a number format", fix=FIX)
        parts.append((literal, field, spec))
    return FieldExpression(tuple(parts))


def expression_fields(text: str | None) -> list[str]:
    """The fields ``text`` refers to; none for no text or an expression that does not parse (it is
    refused with its reason where the project is read)."""
    if not text:
        return []
    try:
        return parse_expression(text, "expression").fields
    except StyleError:
        return []
