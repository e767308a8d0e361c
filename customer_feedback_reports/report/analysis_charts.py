"""Small SVG charts for the PDF reports.

wkhtmltopdf renders inline SVG, so the charts are drawn as SVG markup built
here from already aggregated numbers: no plotting library is needed on the
server, and the labels use the page's fonts (Vietnamese diacritics included).
"""

from markupsafe import Markup, escape

BAR_COLOR = "#3b7ddd"
PREVIOUS_COLOR = "#b8c4d6"
LINE_COLORS = ("#3b7ddd", "#d9534f")
TEXT_STYLE = 'font-size="11" fill="#333333"'


def bar_chart(rows, width=340, bar_height=16, label_width=130):
    """Horizontal bars, one per ``(label, value, previous_value)`` row.

    The previous value, when given, is drawn as a thin grey bar under the
    current one, so the comparison with the previous period is visible.
    """
    if not rows:
        return Markup("")
    gap = 8
    top = 4
    height = top + len(rows) * (bar_height + gap)
    biggest = max(max(value, previous or 0) for _label, value, previous in rows) or 1
    span = width - label_width - 40
    parts = []
    for index, (label, value, previous) in enumerate(rows):
        y = top + index * (bar_height + gap)
        length = round(span * value / biggest, 1)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height - 4}" text-anchor="end" '
            f'{TEXT_STYLE}>{escape(_shorten(label))}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height - 5}" '
            f'fill="{BAR_COLOR}"/>'
            f'<text x="{label_width + length + 4}" y="{y + bar_height - 6}" '
            f'{TEXT_STYLE}>{value}</text>'
        )
        if previous is not None:
            previous_length = round(span * previous / biggest, 1)
            parts.append(
                f'<rect x="{label_width}" y="{y + bar_height - 4}" width="{previous_length}" '
                f'height="3" fill="{PREVIOUS_COLOR}"/>'
            )
    return _svg(width, height, parts)


def line_chart(labels, series, width=700, height=170):
    """A trend line per ``(name, values)`` of ``series`` over the x ``labels``.

    Only some x labels are written, so that they never overlap.
    """
    if not labels or not series:
        return Markup("")
    left, right, top, bottom = 34, 10, 22, 22
    plot_width, plot_height = width - left - right, height - top - bottom
    biggest = max(max(values, default=0) for _name, values in series) or 1
    step = plot_width / max(len(labels) - 1, 1)
    parts = [
        (f'<line x1="{left}" y1="{top + plot_height}" x2="{width - right}" '
         f'y2="{top + plot_height}" stroke="#999999" stroke-width="1"/>'),
        (f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_height}" '
         f'stroke="#999999" stroke-width="1"/>'),
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" {TEXT_STYLE}>{biggest}</text>',
        f'<text x="{left - 4}" y="{top + plot_height}" text-anchor="end" {TEXT_STYLE}>0</text>',
    ]
    every = max(1, -(-len(labels) // 8))  # at most about 8 labels on the x axis
    last = len(labels) - 1
    for index, label in enumerate(labels):
        # the last label is always written, ending at the axis' end; the
        # regular one just before it is dropped when it would overlap it
        if index == last or (index % every == 0 and last - index >= every):
            anchor = "end" if index == last and last else "middle"
            parts.append(
                f'<text x="{round(left + index * step, 1)}" y="{height - 6}" '
                f'text-anchor="{anchor}" {TEXT_STYLE}>{escape(label)}</text>'
            )
    for number, (name, values) in enumerate(series):
        color = LINE_COLORS[number % len(LINE_COLORS)]
        points = " ".join(
            f"{round(left + index * step, 1)},"
            f"{round(top + plot_height - plot_height * value / biggest, 1)}"
            for index, value in enumerate(values)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>'
            f'<rect x="{left + 8 + number * 150}" y="4" width="12" height="4" fill="{color}"/>'
            f'<text x="{left + 24 + number * 150}" y="10" {TEXT_STYLE}>{escape(name)}</text>'
        )
    return _svg(width, height, parts)


def _shorten(label, size=24):
    label = str(label)
    return label if len(label) <= size else label[: size - 1] + "…"


def _svg(width, height, parts):
    # The parts are built from numbers and escaped labels only.
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{"".join(parts)}</svg>'
    )
