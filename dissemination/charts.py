"""Charts drawn on the server as inline SVG: no script, no style attributes (the CSP forbids
inline styles; presentation attributes such as fill="…" are markup, not style).

The SVG is an image to assistive technology (`role="img"` named by its `<title>` and `<desc>`);
the page puts a table with the same figures beside it, which is the real text alternative.
Colours are the portal's own (static/css/portal.css) plus one purple, each at least 3:1 against
white (WCAG 1.4.11) and told apart by the legend's text.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# brand, accent, ok-ink, muted, and a purple: contrast with white 8.9, 8.6, 9.5, 7.6 and 8.2.
PALETTE = ("#0b4f71", "#8a2c0d", "#14532d", "#4a5560", "#5b3a8c")
INK = "#1b1f23"
MUTED = "#4a5560"
GRID = "#c9d2da"

WIDTH = 720
HEIGHT = 360
MARGIN_LEFT = 64
MARGIN_RIGHT = 16
MARGIN_BOTTOM = 36
LEGEND_ROW = 22
LEGEND_TOP = 8
FONT_SIZE = 13
TICK_FONT_SIZE = 12


@dataclass(frozen=True)
class Series:
    """One kind of bar: its name in the legend, one value per group, its colour."""

    label: str
    values: Sequence[int]
    colour: str = ""


def nice_ceiling(largest: int, ticks: int = 4) -> tuple[int, int]:
    """(top of the axis, step between gridlines): a 1, 2 or 5 step that gives about `ticks`
    lines and reaches `largest`; whole numbers only."""
    if largest <= 0:
        return ticks, 1
    raw = largest / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    return step * math.ceil(largest / step), step


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _legend(series: Sequence[Series], colours: Sequence[str]) -> tuple[list[str], int]:
    """The legend's markup (keys wrapped onto rows) and the height it takes."""
    parts: list[str] = []
    x, y = MARGIN_LEFT, LEGEND_TOP
    for item, colour in zip(series, colours, strict=True):
        # A rough width (no font metrics on the server): enough for the usual glyphs.
        width = 14 + 6 + int(len(item.label) * FONT_SIZE * 0.6) + 18
        if x + width > WIDTH - MARGIN_RIGHT and x > MARGIN_LEFT:
            x, y = MARGIN_LEFT, y + LEGEND_ROW
        parts.append(
            f'<rect x="{x}" y="{y + 2}" width="14" height="14" fill="{colour}"/>'
            f'<text x="{x + 20}" y="{y + 14}" font-size="{FONT_SIZE}" fill="{INK}">'
            f"{escape(item.label)}</text>"
        )
        x += width
    return parts, y + LEGEND_ROW - LEGEND_TOP


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    groups: Sequence[str],
    series: Sequence[Series],
    empty_text: str,
) -> SafeString:
    """An inline `<svg>` grouped bar chart: one group of bars per entry of `groups` (e.g. a
    quarter), one bar per series in each group, heights proportional to the values on a common
    axis that starts at 0. Every text is escaped. With no groups, no series or only zeros it
    draws the empty axes and `empty_text` instead of bars.

    `chart_id` prefixes the ids of the title and description (unique on the page).
    """
    colours = [s.colour or PALETTE[i % len(PALETTE)] for i, s in enumerate(series)]
    for one in series:
        if len(one.values) != len(groups):
            raise ValueError("every series needs one value per group")
    largest = max((v for one in series for v in one.values), default=0)
    empty = not groups or not series or largest <= 0
    top_value, step = nice_ceiling(largest)

    legend, legend_height = ([], 0) if empty else _legend(series, colours)
    plot_top = LEGEND_TOP + legend_height + 12
    plot_bottom = HEIGHT - MARGIN_BOTTOM
    plot_left, plot_right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    plot_height = plot_bottom - plot_top
    plot_width = plot_right - plot_left

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'class="reach-chart" focusable="false">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(empty_text if empty else description)}</desc>',
    ]

    # Gridlines and their values.
    for tick in range(0, top_value + 1, step):
        y = plot_bottom - plot_height * tick / top_value
        out.append(
            f'<line x1="{plot_left}" y1="{_fmt(y)}" x2="{plot_right}" y2="{_fmt(y)}" '
            f'stroke="{INK if tick == 0 else GRID}" stroke-width="1"/>'
        )
        if not empty:
            out.append(
                f'<text x="{plot_left - 8}" y="{_fmt(y + 4)}" text-anchor="end" '
                f'font-size="{TICK_FONT_SIZE}" fill="{MUTED}">'
                f"{escape(number_format(tick, force_grouping=True))}</text>"
            )

    if empty:
        out.append(
            f'<text x="{WIDTH // 2}" y="{_fmt(plot_top + plot_height / 2)}" text-anchor="middle" '
            f'font-size="{FONT_SIZE + 3}" fill="{MUTED}" class="reach-chart-empty">'
            f"{escape(empty_text)}</text>"
        )
    else:
        out.extend(legend)
    group_width = plot_width / max(len(groups), 1)
    bar_width = group_width * 0.8 / max(len(series), 1)
    for g, group in enumerate(groups):
        left = plot_left + g * group_width + group_width * 0.1
        for index, (item, colour) in enumerate(zip(series, colours, strict=True)):
            value = item.values[g]
            if empty or value <= 0:
                continue
            height = plot_height * value / top_value
            x = left + index * bar_width
            out.append(
                f'<rect class="reach-chart-bar" x="{_fmt(x)}" y="{_fmt(plot_bottom - height)}" '
                f'width="{_fmt(max(bar_width - 2, 1))}" height="{_fmt(height)}" '
                f'fill="{colour}" data-value="{value}">'
                f"<title>{escape(item.label)}, {escape(group)}: "
                f"{escape(number_format(value, force_grouping=True))}</title></rect>"
            )
        out.append(
            f'<text x="{_fmt(plot_left + g * group_width + group_width / 2)}" '
            f'y="{plot_bottom + 22}" text-anchor="middle" font-size="{FONT_SIZE}" '
            f'fill="{INK}">{escape(group)}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))
