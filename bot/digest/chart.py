"""The digest chart: coverage per element and answers per week, as a PNG a phone can read.

Drawn on a `matplotlib.figure.Figure` with the Agg canvas, never through pyplot: no global
figure state, no display, safe to run in a worker thread while other digests are drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure

from bot.digest.weeks import Week, week_start

MAX_BARS = 12
MAX_WEEK_BARS = 30
MAX_LABEL = 24
WIDTH_INCHES, HEIGHT_INCHES, DPI = 6.0, 7.5, 100  # 600 x 750 px: a phone screen's shape
MARGINS = {"left": 0.37, "right": 0.94, "top": 0.91, "bottom": 0.06, "hspace": 0.3}
TOUCHED, UNTOUCHED, ANSWERS = "#2b6cb0", "#cbd5e0", "#38a169"


@dataclass(frozen=True)
class ChartData:
    title: str
    elements: Sequence[tuple[str, int]]  # element label, answers; touched first
    weeks: Sequence[tuple[Week, int]]  # every week of the period, answers in it


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def render_chart(data: ChartData) -> bytes:
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(data.title, fontsize=13)
    # fixed margins sized for MAX_LABEL characters: a layout engine would cost more time
    # than drawing the whole chart
    coverage_axes, weekly_axes = figure.subplots(2, 1, height_ratios=(3, 2), gridspec_kw=MARGINS)

    rows = list(data.elements)[:MAX_BARS][::-1]  # barh draws bottom-up: most touched on top
    labels = [_short(label) for label, _ in rows]
    counts = [count for _, count in rows]
    coverage_axes.barh(
        range(len(rows)), counts, color=[TOUCHED if c else UNTOUCHED for c in counts]
    )
    coverage_axes.set_yticks(range(len(rows)), labels, fontsize=10)
    for y, count in enumerate(counts):
        coverage_axes.annotate(
            str(count) if count else "not yet",
            (count, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color="#4a5568",
        )
    coverage_axes.set_title("Answers per framework element", fontsize=11, loc="left")
    coverage_axes.xaxis.get_major_locator().set_params(integer=True)
    coverage_axes.spines[["top", "right"]].set_visible(False)

    # a bar per week reads best; past MAX_WEEK_BARS one filled step line draws far faster
    starts = [week_start(week) for week, _ in data.weeks]
    counts = [count for _, count in data.weeks]
    if len(starts) <= MAX_WEEK_BARS:
        weekly_axes.bar(starts, counts, width=5, align="edge", color=ANSWERS)
    elif starts:
        ends = [*starts, starts[-1] + timedelta(weeks=1)]
        weekly_axes.stairs(counts, date2num(ends), fill=True, color=ANSWERS)  # type: ignore[no-untyped-call]
    weekly_axes.xaxis_date()
    weekly_axes.set_title("Answers per week", fontsize=11, loc="left")
    weekly_axes.yaxis.get_major_locator().set_params(integer=True)
    locator = AutoDateLocator(maxticks=6)  # type: ignore[no-untyped-call]
    weekly_axes.xaxis.set_major_locator(locator)
    weekly_axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    weekly_axes.tick_params(axis="x", labelsize=9)
    weekly_axes.spines[["top", "right"]].set_visible(False)

    buffer = BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
