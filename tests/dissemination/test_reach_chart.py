"""The reach chart on its own: valid SVG named by its title and description, bars proportional
to the values on a common axis, escaped labels, no script or style, and an empty chart that says
there are no figures yet."""

import xml.etree.ElementTree as ET

import pytest

from dissemination.charts import PALETTE, Series, grouped_bar_chart, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"


def chart(**kwargs: object) -> str:
    defaults: dict[str, object] = {
        "chart_id": "c",
        "title": "People reached",
        "description": "Bars per quarter; the table below has the same figures.",
        "groups": ["Q1 2026", "Q2 2026"],
        "series": [Series("Registrations", [10, 40]), Series("Downloads", [20, 0])],
        "empty_text": "No figures yet",
    }
    defaults.update(kwargs)
    return str(grouped_bar_chart(**defaults))  # type: ignore[arg-type]


def parse(svg: str) -> ET.Element:
    """Our own markup, not untrusted input."""
    return ET.fromstring(svg)  # noqa: S314


def bars(svg: str) -> list[ET.Element]:
    return parse(svg).findall(f"{SVG}rect[@class='reach-chart-bar']")


def test_the_chart_is_an_image_named_by_its_title_and_description() -> None:
    root = parse(chart())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"
    assert root.find(f"{SVG}title").get("id") == "c-title"  # type: ignore[union-attr]
    assert root.find(f"{SVG}title").text == "People reached"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").get("id") == "c-desc"  # type: ignore[union-attr]
    assert "same figures" in root.find(f"{SVG}desc").text  # type: ignore[union-attr, operator]


def test_bars_are_proportional_to_their_values() -> None:
    drawn = bars(chart())
    # Zero draws no bar: 10, 20 in the first group, 40 in the second.
    assert [int(b.get("data-value", "")) for b in drawn] == [10, 20, 40]
    heights = [float(b.get("height", "")) for b in drawn]
    assert heights[1] == pytest.approx(2 * heights[0], rel=0.01)
    assert heights[2] == pytest.approx(4 * heights[0], rel=0.01)
    # Bars stand on the same baseline.
    bottoms = {round(float(b.get("y", "")) + float(b.get("height", "")), 1) for b in drawn}
    assert len(bottoms) == 1
    # Each series has its own colour, from the palette, named in the legend.
    assert [b.get("fill") for b in drawn] == [PALETTE[0], PALETTE[1], PALETTE[0]]
    texts = [t.text for t in parse(chart()).iter(f"{SVG}text")]
    assert {"Registrations", "Downloads", "Q1 2026", "Q2 2026"} <= set(texts)


def test_the_tallest_bar_fits_under_the_axis_top() -> None:
    svg = chart(series=[Series("Views", [123, 7])])
    drawn = bars(svg)
    assert all(float(b.get("y", "")) >= 0 for b in drawn)
    top, step = nice_ceiling(123)
    assert top >= 123 and top % step == 0


def test_labels_are_escaped_and_nothing_runs() -> None:
    svg = chart(
        title='<script>alert("x")</script>',
        groups=["Q1 & <b>"],
        series=[Series('Views"><script>', [5])],
    )
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert "style=" not in svg
    parse(svg)  # still well-formed


def test_zero_data_renders_an_empty_chart_that_says_so() -> None:
    for kwargs in (
        {"series": [Series("Registrations", [0, 0])]},
        {"groups": [], "series": [Series("Registrations", [])]},
        {"series": []},
    ):
        svg = chart(**kwargs)
        root = parse(svg)
        assert bars(svg) == []
        assert "No figures yet" in [t.text for t in root.iter(f"{SVG}text")]
        assert root.find(f"{SVG}desc").text == "No figures yet"  # type: ignore[union-attr]


def test_a_series_needs_one_value_per_group() -> None:
    with pytest.raises(ValueError):
        chart(series=[Series("Views", [1])])


@pytest.mark.parametrize(
    ("largest", "expected"),
    [(0, (4, 1)), (1, (1, 1)), (3, (3, 1)), (9, (10, 5)), (40, (40, 10)), (123, (150, 50))],
)
def test_nice_axis_tops(largest: int, expected: tuple[int, int]) -> None:
    assert nice_ceiling(largest) == expected


def test_a_long_legend_wraps_onto_rows() -> None:
    names = [
        "Registreringar och mycket mer text",
        "Närvaro i rummet",
        "Lyssnare",
        "Nedladdningar",
        "Visningar",
    ]
    svg = chart(groups=["kv 1 2026"], series=[Series(n, [i + 1]) for i, n in enumerate(names)])
    root = parse(svg)
    legend_keys = [r for r in root.findall(f"{SVG}rect") if r.get("width") == "14"]
    assert len({k.get("y") for k in legend_keys}) >= 2
    assert all(float(k.get("x", "")) + 14 < 720 for k in legend_keys)
