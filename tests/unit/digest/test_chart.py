"""The chart: a valid, small PNG drawn without a display, naming every element."""

from __future__ import annotations

import struct
from io import BytesIO

from matplotlib.image import imread

from bot.digest.chart import (
    NOT_YET_STUB,
    ChartData,
    ChartElement,
    ChartWeek,
    chart_figure,
    render_chart,
)
from bot.digest.weeks import weeks_between
from tests.unit.digest.answers import SINCE, UNTIL, ZONE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ELEMENTS = [
    ChartElement("SLICT aims", "A shared vision for technology", 2),
    ChartElement("SLICT aims", "Understanding instructional and operational needs", 0),
    ChartElement("Eight responsibilities", "Coaching", 1),
    ChartElement("Multiplier disciplines", "Talent finder", 0),
]


def chart() -> bytes:
    weeks = weeks_between(SINCE, UNTIL, ZONE)
    states = ["answered", "skipped", "missed", ""]
    return render_chart(
        ChartData(
            "Your reflections: the last 7 weeks",
            ELEMENTS,
            [ChartWeek(week, 40 * (i % 3), states[i % 4]) for i, week in enumerate(weeks)],
        )
    )


def size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_chart_is_a_png_that_decodes() -> None:
    png = chart()

    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    width, height = size(png)
    assert width == 640
    pixels = imread(BytesIO(png), format="png")
    assert pixels.shape[:2] == (height, width)


def test_the_chart_grows_with_the_elements_it_names() -> None:
    """Every element has its own row (untouched ones too), so more elements, taller chart."""
    many = [ChartElement("F", f"Element {n}", n % 2) for n in range(33)]
    tall = render_chart(ChartData("t", many, []))
    assert size(tall)[1] > size(chart())[1] + 28 * 15


def test_the_chart_is_small_enough_for_a_phone() -> None:
    assert len(chart()) < 200_000


def test_two_years_of_weeks_still_draw() -> None:
    weeks = [(2025, w) for w in range(1, 53)] + [(2026, w) for w in range(1, 53)]
    png = render_chart(
        ChartData(
            "All time",
            [ChartElement("F", "Coaching", 104)],
            [ChartWeek(w, 50 + i % 7, "answered") for i, w in enumerate(weeks)],
        )
    )
    assert png.startswith(PNG_SIGNATURE) and len(png) < 200_000


def test_every_element_is_named_in_full_under_its_framework() -> None:
    """Issue 14: names were cut ("Engaging in courageous ...") and 3 of 23 untouched shown."""
    coverage_axes, _ = chart_figure(ChartData("t", ELEMENTS, [])).axes

    labels = [text.get_text() for text in coverage_axes.texts if text.get_gid() == "element"]
    assert labels == [e.element for e in ELEMENTS]
    headings = [text.get_text() for text in coverage_axes.texts if text.get_fontweight() == "bold"]
    assert {"SLICT aims", "Eight responsibilities", "Multiplier disciplines"} <= set(headings)
    # an untouched element still gets a (grey) bar of its own
    bars = [bar.get_width() for bar in coverage_axes.patches]
    assert sorted(bars) == sorted([2, 1, NOT_YET_STUB, NOT_YET_STUB])


def test_the_weekly_panel_shows_words_per_week_and_skipped_or_missed_weeks() -> None:
    weeks = [
        ChartWeek((2027, 1), 58, "answered"),
        ChartWeek((2027, 2), 0, "skipped"),
        ChartWeek((2027, 3), 85, "answered"),
        ChartWeek((2027, 4), 0, "missed"),
    ]
    _, weekly_axes = chart_figure(ChartData("t", ELEMENTS, weeks)).axes

    heights = [bar.get_height() for bar in weekly_axes.patches]
    assert heights[:4] == [58, 0, 85, 0]
    assert len(set(heights)) > 2, "the panel varies with the weeks"
    assert "skipped" in weekly_axes.get_title(loc="left")
    assert "missed" in weekly_axes.get_title(loc="left")
