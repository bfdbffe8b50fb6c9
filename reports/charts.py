"""Small server-rendered SVG charts: no JavaScript and no CDN, so the dashboard works offline."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 640, 220, 34
# Axis labels: at most this many along the bottom, so they stay large enough to read on a phone.
MAX_X_LABELS = 6


def _frame(body: str, title: str) -> SafeString:
    return mark_safe(  # noqa: S308  (every text inside is escaped above)
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _units(top: float, unit, x_unit: str) -> str:
    """The scale's top with its unit (top left) and what the bottom axis counts in (top right).
    `unit` is a function of the number ("1 gesprek", "3 gesprekken"), or a word put after it."""
    scale = unit(round(top)) if callable(unit) else f"{round(top)} {unit}".strip()
    parts = [f'<text x="{PAD}" y="16" class="label unit start">{escape(scale)}</text>']
    if x_unit:
        parts.append(f'<text x="{WIDTH - 4}" y="16" class="label unit end">{escape(x_unit)}</text>')
    return "".join(parts)


def _every(count: int) -> int:
    return max(1, -(-count // MAX_X_LABELS))


def bars(
    values: list[float],
    labels: list[str],
    *,
    title: str,
    compare: list[float] | None = None,
    unit="",
    x_unit: str = "",
) -> SafeString:
    """Bars for `values`, with an optional line for comparison (a typical day, say); `unit` names
    what the bars count (at the scale's top), `x_unit` what the bottom axis is in."""
    top = max([*values, *(compare or []), 1])
    slot = (WIDTH - 2 * PAD) / max(len(values), 1)
    scale = (HEIGHT - 2 * PAD) / top
    parts = [f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>']
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        x, h = PAD + i * slot, value * scale
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            f'class="bar"><title>{escape(label)}: {escape(value)}</title></rect>'
        )
        if i % _every(len(labels)) == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - 8}" class="label">{escape(label)}</text>'
            )
    if compare:
        points = " ".join(
            f"{PAD + (i + 0.5) * slot:.1f},{HEIGHT - PAD - value * scale:.1f}"
            for i, value in enumerate(compare)
        )
        parts.append(f'<polyline points="{points}" class="compare"/>')
    parts.append(_units(top, unit, x_unit))
    return _frame("".join(parts), title)


def line(values: list[float], labels: list[str], *, title: str, unit="", x_unit: str = "") -> SafeString:
    top = max([*values, 1])
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    scale = (HEIGHT - 2 * PAD) / top
    points = [(PAD + i * step, HEIGHT - PAD - value * scale) for i, value in enumerate(values)]
    parts = [
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>',
        '<polyline points="{}" class="line"/>'.format(" ".join(f"{x:.1f},{y:.1f}" for x, y in points)),
    ]
    for i, ((x, y), label, value) in enumerate(zip(points, labels, values, strict=True)):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" class="dot"><title>{escape(label)}: '
            f"{escape(value)}</title></circle>"
        )
        last = i == len(labels) - 1
        # Every few points, and the last one (the day shown) unless a regular label sits next to it.
        if (i % _every(len(labels)) == 0 and len(labels) - 1 - i >= _every(len(labels)) / 2) or last:
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" class="label">{escape(label)}</text>')
    parts.append(_units(top, unit, x_unit))
    return _frame("".join(parts), title)
