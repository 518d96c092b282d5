"""Hand-written inline SVG charts for the HTML report (no plotting library, no external files).

What belongs here: drawing bars, an age pyramid and lines from values that are already
cleared for publication. A value of None means "hidden by disclosure control": no bar or point
is drawn for it, its mark (``<3``, ``..``) is written instead, and scales are computed from the
drawn values only. What does not: deciding what is hidden (``disclosure``) or any text of the
report (``render``).
"""

from __future__ import annotations

import html
from collections.abc import Callable

COLORS = {  # women/men, one colour per status, plain bars
    "women": "#b5475b",
    "men": "#2f6f9f",
    "bar": "#3d7f74",
    "job": "#2a7f62",
    "education": "#c07a00",
    "self_supporting_no_income": "#7d8791",
    "public_support": "#b5475b",
    "arrivals": "#2f6f9f",
}

_FONT = 'font-family="system-ui, \'DejaVu Sans\', Arial, sans-serif" font-size="13"'
_MUTED = "#5b6670"


def _esc(text: str) -> str:
    """Escape text for HTML and SVG."""
    return html.escape(text, quote=True)


def _svg(width: int, height: int, title: str, body: list[str], kind: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" {_FONT}>'
        f"<title>{_esc(title)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{_esc(text)}</text>'


def _mark(x: float, y: float, text: str, anchor: str) -> str:
    """The disclosure mark written where a hidden value's bar or point would be."""
    return _text(x, y, text, anchor, fill=_MUTED, font_style="italic", **{"class": "hidden"})


def _bar(x: float, y: float, width: float, height: float, color: str) -> str:
    return (
        f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height}" '
        f'fill="{color}"/>'
    )


def pyramid_svg(bands: list[tuple[str, float | None, str, float | None, str]], title: str) -> str:
    """Age pyramid: per band (label, women, women text, men, men text); None = hidden."""
    width, label_w, pad, top, row_h, bar_h = 720, 110, 64, 48, 30, 20
    half = (width - label_w - 2 * pad) / 2
    left_axis, right_axis = pad + half, pad + half + label_w
    shown = [v for b in bands for v in (b[1], b[3]) if v is not None]
    scale = half / max(shown) if shown and max(shown) > 0 else 0.0
    body = [
        _text(left_axis - half / 2, 24, "Kvinder", "middle", font_weight="600",
              fill=COLORS["women"]),
        _text(right_axis + half / 2, 24, "Mænd", "middle", font_weight="600",
              fill=COLORS["men"]),
    ]  # fmt: skip
    for i, (label, women, women_text, men, men_text) in enumerate(bands):
        y = top + i * row_h
        mid = y + bar_h / 2 + 4.5
        body.append(_text(left_axis + label_w / 2, mid, label, "middle"))
        if women is None:
            body.append(_mark(left_axis - 6, mid, women_text, "end"))
        else:
            w = women * scale
            body.append(_bar(left_axis - w, y, w, bar_h, COLORS["women"]))
            body.append(_text(left_axis - w - 6, mid, women_text, "end"))
        if men is None:
            body.append(_mark(right_axis + 6, mid, men_text, "start"))
        else:
            w = men * scale
            body.append(_bar(right_axis, y, w, bar_h, COLORS["men"]))
            body.append(_text(right_axis + w + 6, mid, men_text, "start"))
    height = top + len(bands) * row_h + 10
    return _svg(width, height, title, body, "age-pyramid")


def hbar_svg(
    rows: list[tuple[str, float | None, str]],
    title: str,
    color: str,
    max_value: float | None = None,
) -> str:
    """Horizontal bars: per row (label, value or None when hidden, value text)."""
    width, label_w, pad_right, top, row_h, bar_h = 720, 230, 80, 34, 28, 18
    span = width - label_w - pad_right
    shown = [v for _, v, _ in rows if v is not None]
    top_value = max_value if max_value is not None else (max(shown) if shown else 0.0)
    scale = span / top_value if top_value > 0 else 0.0
    body = [_text(0, 18, title, font_weight="600")]
    for i, (label, value, text) in enumerate(rows):
        y = top + i * row_h
        mid = y + bar_h / 2 + 4.5
        body.append(_text(label_w - 10, mid, label, "end"))
        if value is None:
            body.append(_mark(label_w + 6, mid, text, "start"))
            continue
        w = value * scale
        body.append(_bar(label_w, y, w, bar_h, color))
        body.append(_text(label_w + w + 6, mid, text, "start"))
    return _svg(width, top + len(rows) * row_h + 6, title, body, "bars")


def status_bars_svg(
    panels: list[tuple[str, list[tuple[str, float | None, str, str]]]], title: str
) -> str:
    """Status bars, one panel per cohort: (heading, [(label, value, text, status), ...])."""
    width, label_w, pad_right, row_h, bar_h = 720, 230, 80, 28, 18
    span = width - label_w - pad_right
    body: list[str] = []
    y = 0
    for heading, bars in panels:
        shown = [v for _, v, _, _ in bars if v is not None]
        scale = span / max(shown) if shown and max(shown) > 0 else 0.0
        body.append(_text(0, y + 18, heading, font_weight="600"))
        y += 30
        for label, value, text, status in bars:
            mid = y + bar_h / 2 + 4.5
            body.append(_text(label_w - 10, mid, label, "end"))
            if value is None:
                body.append(_mark(label_w + 6, mid, text, "start"))
            else:
                w = value * scale
                body.append(_bar(label_w, y, w, bar_h, COLORS[status]))
                body.append(_text(label_w + w + 6, mid, text, "start"))
            y += row_h
        y += 14
    return _svg(width, y, title, body, "status-bars")


def line_chart_svg(
    x_labels: list[str],
    series: list[tuple[str, str, list[float | None]]],
    title: str,
    value_format: Callable[[float], str] = lambda v: f"{v:g}",
) -> str:
    """Lines over months: per series (name, colour, values with None where hidden)."""
    width, left, right, top, plot_h = 720, 56, 36, 16, 220
    legend_y = top + plot_h + 44
    height = legend_y + 22 * ((len(series) + 1) // 2) + 4
    shown = [v for _, _, values in series for v in values if v is not None]
    top_value = max(shown) if shown and max(shown) > 0 else 1.0
    plot_w = width - left - right
    step = plot_w / max(len(x_labels) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top + plot_h - v / top_value * plot_h

    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{_MUTED}"/>',
        _text(left - 8, top + 5, value_format(top_value), "end", fill=_MUTED),
        _text(left - 8, top + plot_h + 4, "0", "end", fill=_MUTED),
        f'<line x1="{left}" y1="{top}" x2="{width - right}" y2="{top}" stroke="#d5dade" '
        'stroke-dasharray="3 3"/>',
    ]
    for i, label in enumerate(x_labels):
        body.append(_text(left + i * step, top + plot_h + 18, label, "middle", fill=_MUTED))
    for _name, color, values in series:
        segment: list[str] = []
        for i, v in enumerate([*values, None]):
            if v is not None:
                x, y = xy(i, v)
                segment.append(f"{x:.1f},{y:.1f}")
                body.append(
                    f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>'
                )
            elif segment:
                if len(segment) > 1:
                    body.append(
                        f'<polyline points="{" ".join(segment)}" fill="none" '
                        f'stroke="{color}" stroke-width="2"/>'
                    )
                segment = []
    for k, (name, color, _) in enumerate(series):
        x = left + (k % 2) * 320
        y = legend_y + 22 * (k // 2)
        body.append(f'<rect x="{x}" y="{y - 10}" width="14" height="10" fill="{color}"/>')
        body.append(_text(x + 20, y, name))
    return _svg(width, height, title, body, "lines")
