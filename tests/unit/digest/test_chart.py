"""The chart: a valid, small PNG drawn without a display."""

from __future__ import annotations

import struct
from io import BytesIO

from matplotlib.image import imread

from bot.digest.chart import ChartData, render_chart
from bot.digest.weeks import weeks_between
from tests.unit.digest.answers import SINCE, UNTIL, ZONE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chart() -> bytes:
    weeks = weeks_between(SINCE, UNTIL, ZONE)
    return render_chart(
        ChartData(
            "Your reflections: the last 7 weeks",
            [("A shared vision for technology", 2), ("Coaching", 1), ("Talent finder", 0)],
            [(week, i % 2) for i, week in enumerate(weeks)],
        )
    )


def test_the_chart_is_a_png_that_decodes() -> None:
    png = chart()

    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (600, 750)
    pixels = imread(BytesIO(png), format="png")
    assert pixels.shape[:2] == (750, 600)


def test_the_chart_is_small_enough_for_a_phone() -> None:
    assert len(chart()) < 200_000


def test_two_years_of_weeks_still_draw() -> None:
    weeks = [(2025, w) for w in range(1, 53)] + [(2026, w) for w in range(1, 53)]
    png = render_chart(ChartData("All time", [("Coaching", 104)], [(w, 1) for w in weeks]))
    assert png.startswith(PNG_SIGNATURE) and len(png) < 200_000
