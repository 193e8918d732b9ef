"""The digest chart: every framework element and the words of each week, as a PNG a phone
can read.

The top panel names every element of the library in full, grouped under its framework
(the community's track first): a bar for each answer, and untouched elements in grey with a
"not yet" stub, so what is left is as visible as what is done. The bottom panel shows the
words written each week, coloured by what became of the week's prompt (answered, skipped,
missed), so it varies as the member's weeks do.

Drawn on a `matplotlib.figure.Figure` with the Agg canvas, never through pyplot: no global
figure state, no display, safe to run in a worker thread while other digests are drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from typing import TYPE_CHECKING

from bot.digest.weeks import Week, week_start

# matplotlib is imported where a chart is drawn: it takes a third of a second to import,
# and every bot process imports this module while few ever draw a digest
if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_WEEK_BARS = 30
WIDTH_INCHES, DPI = 6.4, 100  # 640 px wide: a phone screen's width at 2x
ROW_INCHES = 0.19  # one element or framework heading: 19 px, room for 8.5 pt text
WEEKLY_INCHES = 2.6
TOUCHED, UNTOUCHED, TEXT, FAINT = "#2b6cb0", "#cbd5e0", "#1a202c", "#718096"
WEEK_COLOURS = {"answered": "#38a169", "skipped": "#a0aec0", "missed": "#e53e3e"}
LABELS = 0.5  # the element names' column: "Understanding instructional and operational needs"
NOT_YET_STUB = 0.08  # in answers: a sliver, so an untouched row still shows a mark


@dataclass(frozen=True)
class ChartElement:
    framework: str
    element: str  # the element's full name
    count: int


@dataclass(frozen=True)
class ChartWeek:
    week: Week
    words: int  # written that week
    state: str  # "answered", "skipped", "missed", or "" (no prompt, or still open)


@dataclass(frozen=True)
class ChartData:
    title: str
    elements: Sequence[ChartElement]  # every element, grouped by framework, track first
    weeks: Sequence[ChartWeek]  # every week of the period


def _rows(elements: Sequence[ChartElement]) -> list[tuple[str, int | None]]:
    """(label, count) top to bottom: a framework heading (count None), then its elements."""
    rows: list[tuple[str, int | None]] = []
    framework = None
    for element in elements:
        if element.framework != framework:
            framework = element.framework
            rows.append((framework, None))
        rows.append((element.element, element.count))
    return rows


def render_chart(data: ChartData, image_format: str = "png") -> bytes:
    """The chart as a PNG (chat) or an SVG (the web page draws it inline, at any width)."""
    figure = chart_figure(data)
    buffer = BytesIO()
    # no creation date or software name: the same data always gives the same bytes
    metadata = {"Software": None} if image_format == "png" else {"Date": None, "Creator": None}
    figure.savefig(buffer, format=image_format, metadata=metadata)
    return buffer.getvalue()


def chart_figure(data: ChartData) -> Figure:
    """The chart drawn, not yet saved: what tests read the labels and bars from."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # slow imports: see the top
    from matplotlib.figure import Figure

    rows = _rows(data.elements)
    coverage_inches = max(len(rows), 4) * ROW_INCHES
    # from the top: title, coverage panel (with its title), gap, weekly panel, date labels
    height = 0.55 + 0.3 + coverage_inches + 0.75 + 0.3 + WEEKLY_INCHES + 0.45
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(data.title, fontsize=13, y=1 - 0.12 / height)
    # fixed positions, wide enough for the longest element name: a layout engine would
    # cost more time than drawing the whole chart
    weekly_bottom = 0.45 / height
    coverage_bottom = (0.45 + WEEKLY_INCHES + 0.3 + 0.75) / height
    coverage_axes = figure.add_axes(
        (LABELS, coverage_bottom, 0.95 - LABELS, coverage_inches / height)
    )
    weekly_axes = figure.add_axes((0.1, weekly_bottom, 0.85, WEEKLY_INCHES / height))
    _coverage(coverage_axes, rows)
    _weekly(weekly_axes, data.weeks)
    return figure


def _coverage(axes: Axes, rows: list[tuple[str, int | None]]) -> None:
    from matplotlib.ticker import MaxNLocator  # imported by chart_figure already
    from matplotlib.transforms import blended_transform_factory

    positions = list(range(len(rows)))[::-1]  # barh draws bottom-up: first row on top
    elements = [(y, label, count) for y, (label, count) in zip(positions, rows, strict=True)]
    touched = [(y, c) for y, _, c in elements if c]
    untouched = [y for y, _, count in elements if count == 0]
    axes.barh([y for y, _ in touched], [c or 0 for _, c in touched], color=TOUCHED, height=0.7)
    axes.barh(untouched, [NOT_YET_STUB] * len(untouched), color=UNTOUCHED, height=0.7)
    # names as plain texts beside the rows, not tick labels: a tick is several artists, and
    # 33 of them cost more than the rest of the chart
    beside = blended_transform_factory(axes.transAxes, axes.transData)
    heading = blended_transform_factory(axes.figure.transFigure, axes.transData)
    for y, label, count in elements:
        if count is None:  # a framework: a heading across the label column, in full
            axes.text(
                0.01, y, label, transform=heading, va="center", fontsize=9,
                fontweight="bold", color=TEXT,
            )  # fmt: skip
            continue
        axes.text(
            -0.015, y, label, transform=beside, ha="right", va="center", fontsize=8.5,
            color=TEXT if count else FAINT, gid="element",
        )  # fmt: skip
        if count:
            axes.text(
                count + 0.02 * max(1, count), y, str(count), va="center", fontsize=8, color=TEXT
            )
    axes.set_yticks([])
    axes.set_ylim(-0.6, len(rows) - 0.4)
    axes.set_xlim(0, max([count or 0 for _, count in rows] + [1]) * 1.12)
    axes.set_title("Answers per framework element (grey: not yet)", fontsize=11, loc="right")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right", "left"]].set_visible(False)


def _weekly(axes: Axes, weeks: Sequence[ChartWeek]) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.ticker import MaxNLocator

    title = "Words written per week"
    starts = [week_start(w.week) for w in weeks]
    lefts = date2num(starts)  # type: ignore[no-untyped-call]
    words = [w.words for w in weeks]
    if len(starts) <= MAX_WEEK_BARS:
        colours = [WEEK_COLOURS.get(w.state, WEEK_COLOURS["answered"]) for w in weeks]
        axes.bar(lefts, words, width=5, align="edge", color=colours)
        top = max([*words, 10])
        for start, week in zip(lefts, weeks, strict=True):
            if week.state in ("skipped", "missed") and not week.words:
                # no words: a mark on the baseline says what happened to the prompt
                axes.bar(start, top * 0.04, width=5, align="edge", color=WEEK_COLOURS[week.state])
        missed = [s for s in ("skipped", "missed") if any(w.state == s for w in weeks)]
        if missed:
            names = {"skipped": "grey: skipped", "missed": "red: missed"}
            title += " (" + ", ".join(names[s] for s in missed) + ")"
    elif starts:  # past MAX_WEEK_BARS one filled step line draws far faster
        ends = [*starts, starts[-1] + timedelta(weeks=1)]
        axes.stairs(words, date2num(ends), fill=True, color=WEEK_COLOURS["answered"])  # type: ignore[no-untyped-call]
    axes.xaxis_date()
    axes.set_title(title, fontsize=11, loc="left")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    locator = AutoDateLocator(maxticks=6)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.tick_params(axis="x", labelsize=9)
    axes.spines[["top", "right"]].set_visible(False)
