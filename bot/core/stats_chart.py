"""The `/pln stats` chart: prompts per week (answered, skipped, left open) with the
response rate, and each framework's elements reflected on by someone. Counts only.

Drawn on a `matplotlib.figure.Figure` with the Agg canvas, never through pyplot (as
bot/digest/chart.py): no global figure state, safe in a worker thread.
"""

from __future__ import annotations

from io import BytesIO
from textwrap import fill
from typing import TYPE_CHECKING

from bot.digest.weeks import week_start

# matplotlib is imported where a chart is drawn: it takes a third of a second to import,
# and every bot process imports this module while few ever draw the chart
if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from bot.core.stats import CommunityStats, FrameworkCoverage, WeekFigures

WIDTH_INCHES, DPI = 6.4, 100  # 640 px wide, as the digest chart
LABEL_WIDTH = 30  # characters of a framework's name on one line of the coverage chart
ANSWERED, SKIPPED, OPEN, RATE, UNTOUCHED, TEXT = (
    "#38a169",
    "#a0aec0",
    "#e2e8f0",
    "#2b6cb0",
    "#cbd5e0",
    "#1a202c",
)


def render_stats_chart(stats: CommunityStats) -> bytes:
    buffer = BytesIO()
    stats_figure(stats).savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def stats_figure(stats: CommunityStats) -> Figure:
    """The chart drawn, not yet saved: what tests read the texts from."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # slow imports: see the top
    from matplotlib.figure import Figure

    rows = max(len(stats.coverage), 1)
    height = 0.6 + 2.8 + 0.8 + rows * 0.32 + 0.5
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(f"Community stats since {stats.since:%d %b %Y}", fontsize=13)
    weekly = figure.add_axes((0.1, (0.5 + rows * 0.32 + 0.8) / height, 0.78, 2.8 / height))
    frameworks = figure.add_axes((0.4, 0.5 / height, 0.5, rows * 0.32 / height))
    _weekly(weekly, stats.weeks)
    _coverage(frameworks, stats.coverage)
    return figure


def _weekly(axes: Axes, weeks: tuple[WeekFigures, ...]) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    lefts = date2num([week_start(w.week) for w in weeks])  # type: ignore[no-untyped-call]
    answered = [w.answered for w in weeks]
    skipped = [w.skipped for w in weeks]
    unanswered = [max(w.unanswered, 0) for w in weeks]
    axes.bar(lefts, answered, width=5, align="edge", color=ANSWERED, label="answered")
    axes.bar(lefts, skipped, width=5, align="edge", bottom=answered, color=SKIPPED, label="skipped")
    on_top = [a + s for a, s in zip(answered, skipped, strict=True)]
    axes.bar(lefts, unanswered, width=5, align="edge", bottom=on_top, color=OPEN, label="no answer")
    axes.set_title("Prompts sent per week, and the response rate", fontsize=11, loc="left")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis_date()
    locator = AutoDateLocator(maxticks=6)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.tick_params(axis="x", labelsize=9)
    axes.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
    rates = axes.twinx()
    sent = [
        (left + 2.5, w.answered / w.sent) for left, w in zip(lefts, weeks, strict=True) if w.sent
    ]
    if sent:
        rates.plot([x for x, _ in sent], [r for _, r in sent], color=RATE, marker="o", lw=1.5)
    rates.set_ylim(0, 1.05)
    rates.yaxis.set_major_formatter(PercentFormatter(1.0))
    rates.tick_params(axis="y", labelsize=8, colors=RATE)
    axes.spines[["top"]].set_visible(False)
    rates.spines[["top"]].set_visible(False)


def _coverage(axes: Axes, frameworks: tuple[FrameworkCoverage, ...]) -> None:
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(frameworks)))[::-1]
    axes.barh(positions, [f.elements for f in frameworks], color=UNTOUCHED, height=0.6)
    axes.barh(positions, [f.touched for f in frameworks], color=RATE, height=0.6)
    # long framework names wrap rather than run off the figure's left edge
    names = [fill(f.framework, LABEL_WIDTH) for f in frameworks]
    axes.set_yticks(positions, names, fontsize=8.5, color=TEXT)
    for y, f in zip(positions, frameworks, strict=True):
        axes.text(f.elements + 0.2, y, f"{f.touched} of {f.elements}", va="center", fontsize=8)
    axes.set_xlim(0, max([f.elements for f in frameworks] + [1]) * 1.3)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("Framework elements answered by someone", fontsize=11, loc="right")
    axes.spines[["top", "right"]].set_visible(False)
