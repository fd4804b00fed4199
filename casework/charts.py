"""Server-side SVG charts for the dashboard (no script, no CDN): monthly bars against a dashed target line.

All text is XML-escaped; the markup uses presentation attributes only (no ``style`` attributes), so it passes
the workbench's Content-Security-Policy when inlined.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

WIDTH = 520
HEIGHT = 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 12, 28, 40
OK_FILL = "#2e7d32"
BAD_FILL = "#c62828"
PLAIN_FILL = "#1565c0"
TARGET_STROKE = "#ef6c00"


def _fmt(v: float, share: bool) -> str:
    return f"{v * 100:.0f}%" if share else f"{v:g}"


def bar_chart(
    title: str, points: Sequence[tuple[str, float | None]], *, target: float | None = None, share: bool = True
) -> str:
    """An SVG bar chart. ``points``: (label, value) per month, value None = no data (drawn as "—").
    ``share``: values are 0..1 and the axis runs to 100%; otherwise to the largest count."""
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    values = [v for _, v in points if v is not None]
    top = 1.0 if share else float(max(2, math.ceil(max([*values, target or 0, 1.0]) / 2) * 2))  # even: whole ticks
    n = max(len(points), 1)
    slot = inner_w / n
    bar_w = max(slot * 0.6, 2)

    def y(v: float) -> float:
        return PAD_TOP + inner_h * (1 - min(v, top) / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="{PAD_LEFT}" y="16" font-size="13" font-weight="bold" fill="#222">{escape(title)}</text>',
    ]
    for frac in (0, 0.5, 1):
        gy = PAD_TOP + inner_h * (1 - frac)
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{gy:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{gy:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{PAD_LEFT - 4}" y="{gy + 4:.1f}" font-size="10" text-anchor="end" fill="#555">'
            f"{escape(_fmt(top * frac, share))}</text>"
        )
    for i, (label, v) in enumerate(points):
        cx = PAD_LEFT + slot * i + slot / 2
        if v is None:
            parts.append(
                f'<text x="{cx:.1f}" y="{PAD_TOP + inner_h - 4:.1f}" font-size="10" text-anchor="middle" '
                'fill="#999">—</text>'
            )
        else:
            fill = PLAIN_FILL if target is None else (OK_FILL if v >= target - 1e-12 else BAD_FILL)
            by = y(v)
            parts.append(
                f'<rect x="{cx - bar_w / 2:.1f}" y="{by:.1f}" width="{bar_w:.1f}" '
                f'height="{PAD_TOP + inner_h - by:.1f}" fill="{fill}"><title>{escape(label)}: {escape(_fmt(v, share))}'
                "</title></rect>"
            )
            parts.append(
                f'<text x="{cx:.1f}" y="{by - 3:.1f}" font-size="9" text-anchor="middle" fill="#333">'
                f"{escape(_fmt(v, share))}</text>"
            )
        parts.append(
            f'<text x="{cx:.1f}" y="{HEIGHT - PAD_BOTTOM + 14:.1f}" font-size="10" text-anchor="middle" fill="#444">'
            f"{escape(label[-5:])}</text>"
        )
    if target is not None:
        ty = y(target)
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{ty:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{ty:.1f}" stroke="{TARGET_STROKE}" '
            'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{PAD_LEFT + 4}" y="{ty - 4:.1f}" font-size="10" text-anchor="start" fill="{TARGET_STROKE}">'
            f"目标 {escape(_fmt(target, share))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
