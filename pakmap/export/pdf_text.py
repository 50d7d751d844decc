"""/ActualText for the lines of Arabic-script text in a PDF Qt has written (``pdf_finish.py`` calls it).

Qt draws a line of text as one text object (``BT … ET``, inside its own ``q … Q``) per run of one
font, and positions the first glyph of each with a ``Td`` in device pixels under the page's ``cm``.
The renderer recorded, in drawing order, each line it drew with its box on the page
(``pakmap.render.context.TextSink``). Here each page's content stream is read as a PDF reader
would (the current transformation matrix through ``q``/``Q``/``cm``, the text matrix through
``Tm``/``Td``/``TD``), each text object's first glyph is placed on the page, and the text objects
set in the line's font (Naskh) inside the box of the next recorded line, in order, are that
line's, with the text objects between two of them (the spaces between words, set in Lato). They are
wrapped in
``/Span <</ActualText (line)>> BDC … EMC``, kept properly nested with ``q``/``Q``: around their
``q … Q`` groups when those are siblings, else around the ``BT … ET`` objects; failing both, the
first text object carries the line and the others an empty /ActualText.

The /ActualText is the line in display order (python-bidi, the Unicode bidirectional algorithm): text
extractors (poppler's ``pdftotext``, pdf.js, Acrobat) take a page's characters in the order they sit
on the page, left to right, and turn each right-to-left run back into reading order themselves, so a
line given in reading order would come out reversed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pikepdf
from bidi import get_display
from pikepdf import Dictionary, Name, Operator

from ..render.context import TextLine

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_SHOW = {"Tj", "TJ", "'", '"'}
_TOLERANCE_PT = 1.0  # a first glyph this far outside a line's box still belongs to it (rounding)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF row-vector convention: ``m × n``)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


@dataclass
class _TextObject:
    begin: int  # index of BT
    end: int  # index of ET
    origin: tuple[float, float] | None  # first glyph on the page, PDF points
    group: int | None  # index of the q that opened the group it sits in
    font: str = ""  # the PostScript name of its font, without a subset tag
    line: int | None = None  # the recorded line it belongs to


def _text_objects(ops: list, fonts: dict[str, str]) -> tuple[list[_TextObject], dict[int, int]]:
    """The text objects of a content stream (``fonts``: resource name -> PostScript name) and, for
    each ``q``, the index of its ``Q``."""
    ctm = _IDENTITY
    saved: list[tuple[Matrix, int]] = []
    closes: dict[int, int] = {}
    objects: list[_TextObject] = []
    tm = tlm = _IDENTITY
    current: _TextObject | None = None
    for i, instruction in enumerate(ops):
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            saved.append((ctm, i))
        elif op == "Q" and saved:
            ctm, opened = saved.pop()
            closes[opened] = i
        elif op == "cm" and len(operands) == 6:
            ctm = _multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        elif op == "BT":
            tm = tlm = _IDENTITY
            current = _TextObject(i, i, None, saved[-1][1] if saved else None)
        elif current is None:
            continue
        elif op == "Tf" and operands:
            current.font = current.font or fonts.get(str(operands[0]), "")
        elif op == "Tm" and len(operands) == 6:
            tm = tlm = tuple(float(v) for v in operands)  # type: ignore[assignment]
        elif op in ("Td", "TD") and len(operands) == 2:
            tm = tlm = _multiply((1.0, 0.0, 0.0, 1.0, float(operands[0]), float(operands[1])), tlm)
        elif op in _SHOW and current.origin is None:
            x, y = _multiply(tm, ctm)[4:]
            current.origin = (x, y)
        elif op == "ET":
            current.end = i
            objects.append(current)
            current = None
    return objects, closes


def _page_box(line: TextLine, scale: float, top: float) -> tuple[float, float, float, float]:
    """A line's box from device pixels (y down from the page's top) to PDF points (y up)."""
    x0, y0, x1, y1 = line.box
    t = _TOLERANCE_PT
    return x0 * scale - t, top - y1 * scale - t, x1 * scale + t, top - y0 * scale + t


def _inside(obj: _TextObject, box: tuple[float, float, float, float]) -> bool:
    if obj.origin is None:
        return False
    x, y = obj.origin
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _assign(objects: list[_TextObject], lines: list[TextLine], boxes: list[tuple[float, float, float, float]]) -> None:
    """Each text object set in a recorded line's font to the first line, from the last one matched
    on, whose box holds its first glyph (lines and text objects are both in drawing order); then the
    text objects between two of one line's, inside its box, to that line too."""
    start = 0
    for obj in objects:
        for k in range(start, len(lines)):
            if obj.font.startswith(lines[k].fonts) and _inside(obj, boxes[k]):
                obj.line, start = k, k
                break
    last: dict[int, int] = {}  # line -> index of its last text object so far
    for i, obj in enumerate(objects):
        if obj.line is None:
            continue
        j = last.get(obj.line)
        if j is not None and all(o.line is None and _inside(o, boxes[obj.line]) for o in objects[j + 1 : i]):
            for o in objects[j + 1 : i]:
                o.line = obj.line
        last[obj.line] = i


def _font_names(page: pikepdf.Page) -> dict[str, str]:
    """The page's font resources: name (``/F12``) -> PostScript name without a subset tag."""
    resources = page.obj.get("/Resources", Dictionary())
    names = {}
    for name, font in resources.get("/Font", Dictionary()).items():
        base = str(font.get("/BaseFont", ""))[1:]
        names[name] = base.split("+", 1)[1] if len(base) > 7 and base[6] == "+" else base
    return names


def _balanced(ops: list, first: int, last: int) -> bool:
    """Whether ``ops[first:last + 1]`` closes every ``q`` and ``BT`` it opens and no other."""
    depth = text = 0
    for instruction in ops[first : last + 1]:
        op = str(instruction.operator)
        depth += (op == "q") - (op == "Q")
        text += (op == "BT") - (op == "ET")
        if depth < 0 or text < 0:
            return False
    return depth == 0 and text == 0


def _spans(ops: list, objects: list[_TextObject], closes: dict[int, int]) -> list[tuple[int, int, int]]:
    """(first op, last op, line) of each span to wrap, one or more per recorded line."""
    runs: list[list[_TextObject]] = []  # consecutive text objects of one line
    previous: _TextObject | None = None
    for obj in objects:
        if obj.line is not None:
            if runs and previous is runs[-1][-1] and previous.line == obj.line:
                runs[-1].append(obj)
            else:
                runs.append([obj])
        previous = obj
    spans: list[tuple[int, int, int]] = []
    for run in runs:
        first, last = run[0], run[-1]
        line = first.line
        assert line is not None
        if first.group is not None and last.group is not None and last.group in closes:
            begin, end = first.group, closes[last.group]
            before = [o for o in objects if begin < o.begin < first.begin]
            if not before and _balanced(ops, begin, end) and all(begin <= o.begin and o.end <= end for o in run):
                spans.append((begin, end, line))
                continue
        if _balanced(ops, first.begin, last.end):
            spans.append((first.begin, last.end, line))
            continue
        spans.append((first.begin, first.end, line))
        spans.extend((o.begin, o.end, -1) for o in run[1:])  # -1: an empty /ActualText
    return spans


def _wrapped(ops: list, spans: list[tuple[int, int, int]], lines: list[TextLine]) -> list:
    opens = {begin: line for begin, _, line in spans}
    ends = {end for _, end, _ in spans}
    out = []
    for i, instruction in enumerate(ops):
        if i in opens:
            text = get_display(lines[opens[i]].text) if opens[i] >= 0 else ""
            properties = Dictionary(ActualText=pikepdf.String(text))
            out.append(pikepdf.ContentStreamInstruction([Name.Span, properties], Operator("BDC")))
        out.append(instruction)
        if i in ends:
            out.append(pikepdf.ContentStreamInstruction([], Operator("EMC")))
    return out


def put_actual_text(pdf: pikepdf.Pdf, lines: list[TextLine], dpi: float) -> int:
    """Wrap the text of each recorded line in /ActualText; returns how many lines were found."""
    found = 0
    scale = 72.0 / dpi
    for index, page in enumerate(pdf.pages):
        page_lines = [line for line in lines if line.page == index]
        if not page_lines:
            continue
        top = float(page.MediaBox[3])
        ops = list(pikepdf.parse_content_stream(page))
        objects, closes = _text_objects(ops, _font_names(page))
        _assign(objects, page_lines, [_page_box(line, scale, top) for line in page_lines])
        spans = _spans(ops, objects, closes)
        if not spans:
            continue
        found += len({line for _, _, line in spans if line >= 0})
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(_wrapped(ops, spans, page_lines)))
    return found
