"""folium elements that put their output into the page as it is, never through a template engine.

branca's ``MacroElement.render`` runs an element's Jinja macros (the element's values are data
there), then wraps each result in a new ``Element``, whose constructor compiles that text as a Jinja
template, and renders it again when the page is written. Any ``{{ … }}`` or ``{% … %}`` in a
district name, a field name, a layer name or a title — text from files, projects and the command
line — would run as code on the officer's machine (a file created, ``/etc/passwd`` read into the
map). Here the macros' output goes into the page verbatim (``Verbatim``): the only template source
is the code's own, and every text is a value escaped for where it lands (``script_json`` for JSON
in ``<script>``, ``html.escape`` for HTML).
"""

from __future__ import annotations

import json
from typing import Any

from branca.element import Element, Figure, MacroElement


def script_json(value: Any) -> str:
    """Compact JSON safe inside an HTML ``<script>`` (no ``</script>``, no HTML-significant chars)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class Verbatim(Element):
    """Markup written into the page exactly as given: never compiled or rendered as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Verbatim"
        self.text = str(text)

    def render(self, **kwargs) -> str:
        return self.text


def page_of(element: Element) -> Figure:
    """The page (branca's ``Figure``) that ``element`` is rendered into."""
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise TypeError(f"{type(element).__name__} can only be rendered inside a Figure")
    return figure


class DataOnlyMacro(MacroElement):
    """A ``MacroElement`` whose rendered ``header``/``html``/``script`` macros enter the page verbatim.

    Mixed in after a folium class (``class X(folium.LayerControl, DataOnlyMacro)``), it takes the place
    of ``MacroElement.render`` below that class's own ``render``, which still runs first.
    """

    # Returns nothing, as MacroElement.render (branca declares ``-> str`` on Element.render only).
    def render(self, **kwargs: Any):
        figure = page_of(self)
        macros = self._template.module.__dict__
        for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = macros.get(part)
            if macro is not None:
                target.add_child(Verbatim(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)
