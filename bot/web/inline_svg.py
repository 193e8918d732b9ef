"""A matplotlib figure as SVG to put inside a page, under the page's strict CSP.

The pages' Content-Security-Policy (`default-src 'self'`) forbids inline styles, and
matplotlib writes every colour as a `style="fill: ..."` attribute and one `<style>`
element: under that policy the chart would draw black. So each style declaration becomes
the SVG presentation attribute of the same name, the `<style>` element's two defaults go
on the root, and the XML prologue and metadata go. The chart carries `role="img"`, a
`<title>` and a `<desc>` (the text alternative's summary); the page gives the full figures
as a table beside it.
"""

from __future__ import annotations

import re
from html import escape
from io import StringIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# what matplotlib's SVG backend writes in style attributes: every one is also an SVG
# presentation attribute of the same name
PRESENTATION = frozenset(
    {
        "clip-path",
        "fill",
        "fill-opacity",
        "fill-rule",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
    }
)
_STYLE = re.compile(r'\sstyle="([^"]*)"')
_ROOT = re.compile(r"<svg\b[^>]*>")
_DROPPED = (
    re.compile(r"<\?xml[^>]*\?>\s*"),
    re.compile(r"<!DOCTYPE[^>]*>\s*"),
    re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL),
    re.compile(r"<style[^>]*>.*?</style>\s*", re.DOTALL),
)


class UnknownStyle(ValueError):
    """matplotlib wrote a style this module does not turn into an attribute."""


def figure_svg(figure: Figure, title: str, description: str, chart_id: str) -> str:
    """The figure as an `<svg>` element with no inline style, titled for screen readers.

    `chart_id` prefixes the title's and description's ids (unique within the page)."""
    buffer = StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return inline(buffer.getvalue(), title, description, chart_id)


def inline(svg: str, title: str, description: str, chart_id: str) -> str:
    for pattern in _DROPPED:
        svg = pattern.sub("", svg)
    svg = _STYLE.sub(_attributes, svg)
    root = _ROOT.search(svg)
    if root is None:
        raise ValueError("not an SVG document")
    opening = root.group(0)[:-1].rstrip("/")
    labelled = (
        f'{opening} role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="chart" stroke-linejoin="round" stroke-linecap="butt">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return svg[: root.start()] + labelled + svg[root.end() :]


def _attributes(match: re.Match[str]) -> str:
    parts = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if not name:
            continue
        if name not in PRESENTATION:
            raise UnknownStyle(name)
        parts.append(f' {name}="{escape(value)}"')
    return "".join(parts)
