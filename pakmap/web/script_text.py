"""Urdu and Pashto on the web map: each run of Arabic script marked with its language and direction.

A browser sets a right-to-left run inside an English line correctly by itself, but screen readers,
hyphenation, font choice and selection need to know the language and its direction: each run is a
``<span lang="ur" dir="rtl">`` (``lang="ps"`` when it has letters only Pashto writes, as "پېښور").
Text is escaped here, once; the spans are the only markup added.
"""

from __future__ import annotations

import html
import re

from ..fonts import ARABIC_RUN

# Letters Pashto writes and Urdu does not: ټ ځ څ ډ ړ ږ ښ ڼ ې.
_PASHTO = re.compile("[\u067c\u0681\u0685\u0689\u0693\u0696\u069a\u06bc\u06d0]")


def language(run: str) -> str:
    """The language tag of a run of Arabic script: Pashto by its own letters, else Urdu."""
    return "ps" if _PASHTO.search(run) else "ur"


def marked_html(text: str) -> str:
    """``text`` HTML-escaped, each run of Arabic script in a ``<span lang=… dir="rtl">``."""
    out, end = [], 0
    for match in ARABIC_RUN.finditer(text):
        out.append(html.escape(text[end : match.start()]))
        out.append(f'<span lang="{language(match.group())}" dir="rtl">{html.escape(match.group())}</span>')
        end = match.end()
    out.append(html.escape(text[end:]))
    return "".join(out)
