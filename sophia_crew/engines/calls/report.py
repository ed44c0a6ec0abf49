"""Inline-SVG talk-time chart of a call (no plotting library needed) and the clock format reports use."""

from __future__ import annotations

from html import escape

from .models import CallMetrics

_COLOURS = {"internal": "#2563eb", "external": "#16a34a", "unknown": "#6b7280"}


def talk_time_svg(metrics: CallMetrics, width: int = 560) -> str:
    """Horizontal bar chart of talk time per speaker (word share when the call is untimed), as SVG text.

    Bars are coloured by side: blue = rep (internal), green = customer (external), grey = unknown.
    """
    timed = metrics.timed
    rows = [
        (
            s.name,
            s.role,
            (s.talk_ratio if timed else s.word_share) or 0.0,
            s.talk_time_s if timed else s.words,
        )
        for s in metrics.per_speaker
    ]
    rows.sort(key=lambda r: -r[2])
    label_w, bar_w, row_h, top = 170, width - 170 - 110, 22, 30
    height = top + row_h * len(rows) + 10
    title = (
        "Talk time per speaker (share of speech)" if timed else "Word share per speaker (untimed transcript)"
    )
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
            f'font-family="sans-serif" '
            f'font-size="12">'
        ),
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (name, role, share, raw) in enumerate(rows):
        y = top + i * row_h
        w = max(0.0, min(1.0, share)) * bar_w
        detail = f"{share * 100:.1f}% · {clock(raw)}" if timed else f"{share * 100:.1f}% · {raw} words"
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(name[:26])}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{_COLOURS.get(role, _COLOURS["unknown"])}"><title>{escape(name)} ({role})</title></rect>'
        )
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 14}">{escape(detail)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def clock(seconds: float | None) -> str:
    """Seconds as m:ss (h:mm:ss from an hour on); "n/a" for None."""
    if seconds is None:
        return "n/a"
    s = round(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
