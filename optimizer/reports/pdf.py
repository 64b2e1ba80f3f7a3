"""``staff/<id>.pdf``: each staff member's timetable, one landscape page per week.

The page is US Letter or A4 landscape (``sharing.paper``, else from the locale, else Letter;
:func:`paper`). It shows the same week grid as the HTML page: sessions coloured by program,
on-call shifts hatched, closed and off-shift time shaded, residents per the privacy setting.
A program name that does not fit beside the time goes on lines of its own, or, in a block too
short for that, its short name (``sharing.short_names``) is used.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import textwrap
from collections.abc import Iterator
from typing import Any

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import blended_transform_factory

from optimizer.reports.charts import plain
from optimizer.reports.data import ON_CALL_COLOUR, ReportData
from optimizer.reports.grid import Block, Shade, WeekGrid, hours_text, week_grid
from optimizer.reports.html import CONFIDENTIAL, date_range_text, day_text
from optimizer.scenario.phrases import format_minutes

PAPER = {"letter": (11.0, 8.5), "a4": (842 / 72, 595 / 72)}  # landscape, inches
PAGE = PAPER["letter"]  # the default; a figure's own size is used when drawing
# Countries that use Letter paper (glibc's LC_PAPER for these territories).
LETTER_TERRITORIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PA", "PR", "SV"}
MARGIN = {"left": 0.7, "right": 0.3, "top": 1.05, "bottom": 0.8}  # inches
FONT = 6.6  # points, block text
LINE = FONT * 1.22
# Average character width in points, bold, for wrapping: Helvetica / DejaVu Sans. Text is
# also clipped to its block, so an unusually wide line is cut, never spills over.
CHAR = {True: FONT * 0.53, False: FONT * 0.6}
# Helvetica, one of the PDF core fonts, needs no embedding: six staff PDFs take about a second
# instead of four. It covers Western European text (cp1252); other scripts get DejaVu Sans.
CORE_FONTS: dict[Any, Any] = {
    "pdf.use14corefonts": True,
    "font.family": "sans-serif",
    "font.sans-serif": ["Helvetica"],
}
EMBEDDED_FONTS: dict[Any, Any] = {"pdf.fonttype": 42}
HATCH = "#b4bac2"  # on-call hatching, light enough to read text over


def _all_text(data: ReportData) -> str:
    sc = data.scenario
    people = [x for s in sc.staff for x in (s.id, s.label)]
    people += [x for r in sc.residents for x in (r.id, r.label)]
    things = [x for r in sc.rooms for x in (r.id, r.label)]
    things += [x for p in sc.programs for x in (p.id, p.label)]
    return "\n".join([sc.name, CONFIDENTIAL, *people, *things])


def font_settings(data: ReportData) -> dict[Any, Any]:
    try:
        _all_text(data).encode("cp1252")
    except UnicodeEncodeError:
        return EMBEDDED_FONTS
    return CORE_FONTS


@contextlib.contextmanager
def _fonts(data: ReportData) -> Iterator[None]:
    """The page fonts, without matplotlib's warning that core Helvetica is "medium" weight."""
    log = logging.getLogger("matplotlib.font_manager")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        with mpl.rc_context({**font_settings(data), "hatch.linewidth": 0.5}):
            yield
    finally:
        log.setLevel(level)


def locale_paper(environ: dict[str, str] | None = None) -> str:
    """ "a4" when the locale (LC_PAPER, LC_ALL or LANG, e.g. "de_DE.UTF-8") names a country
    outside the Letter countries, else "letter" (also when no country is named: C, POSIX)."""
    env = os.environ if environ is None else environ
    for var in ("LC_PAPER", "LC_ALL", "LANG"):
        value = env.get(var, "")
        if "_" in value:
            territory = value.split("_", 1)[1][:2].upper()
            return "letter" if territory in LETTER_TERRITORIES else "a4"
    return "letter"


def paper(data: ReportData) -> tuple[float, float]:
    """The landscape page size in inches for this scenario."""
    return PAPER[data.scenario.sharing.paper or locale_paper()]


def _size(fig: Figure) -> tuple[float, float]:
    w, h = fig.get_size_inches()
    return float(w), float(h)


def _axes(fig: Figure) -> Axes:
    w, h = _size(fig)
    rect = (
        MARGIN["left"] / w,
        MARGIN["bottom"] / h,
        1 - (MARGIN["left"] + MARGIN["right"]) / w,
        1 - (MARGIN["top"] + MARGIN["bottom"]) / h,
    )
    return fig.add_axes(rect)


def _points_per_minute(grid: WeekGrid, page: tuple[float, float]) -> float:
    height = (page[1] - MARGIN["top"] - MARGIN["bottom"]) * 72
    return height / (grid.last_minute - grid.first_minute)


def _column_points(grid: WeekGrid, page: tuple[float, float]) -> float:
    return (page[0] - MARGIN["left"] - MARGIN["right"]) * 72 / max(1, len(grid.dates))


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(1, chars - 1)].rstrip() + "…"


def block_lines(
    b: Block,
    width_pt: float,
    height_pt: float,
    char_pt: float | None = None,
    short: str | None = None,
) -> tuple[str, list[str]]:
    """The bold lines (time and title, joined by newlines) and the detail lines that fit a
    block of this size. A title too long for the time's line gets lines of its own when the
    block has room for them and for one detail line; otherwise the ``short`` name is used,
    and only without one is the title cut."""
    char = char_pt or CHAR[bool(mpl.rcParams["pdf.use14corefonts"])]
    chars = max(4, int((width_pt - 5) / char))
    rows = int((height_pt - 2) // LINE)
    if rows < 1:
        return "", []
    heading = [f"{b.time}  {b.title}"]
    if len(heading[0]) > chars:
        wrapped = textwrap.wrap(b.title, chars)
        if short and (len(wrapped) + 2 > rows or len(f"{b.time}  {short}") <= chars):
            heading = [_fit(f"{b.time}  {short}", chars)]
        elif len(wrapped) + 1 <= rows:
            heading = [b.time, *wrapped]
        else:
            heading = [_fit(heading[0], chars)]
    details: list[str] = []
    for d in b.details:
        if d:
            details += textwrap.wrap(d, chars, break_long_words=True) or [""]
    room = max(0, rows - len(heading))
    if len(details) > room:
        details = details[:room]
        if details:
            details[-1] = _fit(details[-1] + " …", chars)
    return plain("\n".join(heading)), [plain(d) for d in details]


def _draw_block(ax: Axes, data: ReportData, grid: WeekGrid, b: Block) -> None:
    x = b.column + b.lane / b.lanes + 0.012
    width = 1 / b.lanes - 0.024
    if b.kind == "on_call":
        rect = Rectangle(
            (x, b.start),
            width,
            b.end - b.start,
            facecolor="white",
            edgecolor=ON_CALL_COLOUR[0],
            hatch="/////",
            hatchcolor=HATCH,
            linewidth=0.6,
        )
    else:
        colour = data.colour(b.program)
        rect = Rectangle(
            (x, b.start),
            width,
            b.end - b.start,
            facecolor=colour.light,
            edgecolor=colour.strong,
            linewidth=0.7,
        )
    ax.add_artist(rect)  # not add_patch: the limits are fixed, and that is much faster
    page = _size(ax.get_figure())  # type: ignore[arg-type]
    ppm = _points_per_minute(grid, page)
    short = data.scenario.sharing.short_names.get(b.program)
    first, details = block_lines(
        b, _column_points(grid, page) * width, (b.end - b.start) * ppm, short=short
    )
    if not first:
        return
    pad = 2 / ppm  # two points, in minutes
    top = ax.text(
        x + 0.02 / b.lanes,
        b.start + pad,
        first,
        fontsize=FONT,
        fontweight="bold",
        va="top",
        ha="left",
        linespacing=1.1,
    )
    top.set_clip_path(rect)
    if details:
        more = ax.text(
            x + 0.02 / b.lanes,
            b.start + pad + (first.count("\n") + 1) * LINE / ppm,
            "\n".join(details),
            fontsize=FONT,
            va="top",
            ha="left",
            linespacing=1.1,
        )
        more.set_clip_path(rect)


def _draw_shade(ax: Axes, grid: WeekGrid, s: Shade) -> None:
    closed = s.kind == "closed"
    ax.add_artist(
        Rectangle(
            (s.column, s.start),
            1,
            s.end - s.start,
            linewidth=0,
            facecolor="#f1f2f4" if closed else "#f6f7f9",
            hatch="\\\\\\" if closed else None,
            edgecolor="#dcdfe4",
        )
    )
    if s.end - s.start >= 60:
        ax.text(
            s.column + 0.5,
            (s.start + s.end) / 2,
            s.label,
            ha="center",
            va="center",
            fontsize=7,
            color="#9aa1aa",
        )


def _draw_frame(ax: Axes, grid: WeekGrid) -> None:
    lo, hi = grid.first_minute, grid.last_minute
    n = len(grid.dates)
    ax.set_xlim(0, n)
    ax.set_ylim(hi, lo)
    hours = range(lo, hi + 1, 60)
    # Labels as plain text rather than ticks: ticks cost a third of the drawing time.
    ax.set_axis_off()
    left = blended_transform_factory(ax.transAxes, ax.transData)
    for m in hours:
        ax.text(
            -0.006,
            m,
            format_minutes(m),
            transform=left,
            ha="right",
            va="center",
            fontsize=7.5,
            color="#444",
        )
    top = blended_transform_factory(ax.transData, ax.transAxes)
    for i, d in enumerate(grid.dates):
        ax.text(
            i + 0.5,
            1.012,
            day_text(d, year=False),
            transform=top,
            ha="center",
            va="bottom",
            fontsize=9,
            fontweight="bold",
        )
    ax.hlines(list(hours), 0, n, colors="#d5d9df", linewidth=0.5, zorder=0.5)
    ax.hlines(
        [m + 30 for m in range(lo, hi, 60)], 0, n, colors="#eceef1", linewidth=0.4, zorder=0.5
    )
    ax.vlines(range(n + 1), lo, hi, colors="#b9c0c8", linewidth=0.7, zorder=3)


def _legend(fig: Figure, data: ReportData) -> None:
    """Program colours (and the on-call hatching) in rows under the grid."""
    handles = [
        Patch(
            facecolor=data.colour(p.id).light,
            edgecolor=data.colour(p.id).strong,
            linewidth=0.7,
            label=plain(p.label),
        )
        for p in data.scenario.programs
        if not p.frequency.as_needed
    ]
    if any(p.frequency.as_needed for p in data.scenario.programs):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=ON_CALL_COLOUR[0],
                hatch="/////",
                hatchcolor=HATCH,
                linewidth=0.6,
                label="On call (crisis)",
            )
        )
    if handles:
        page = _size(fig)
        fig.legend(
            handles=handles,
            loc="upper left",
            fontsize=7,
            frameon=False,
            ncols=min(len(handles), 4),
            handlelength=1.4,
            columnspacing=1.6,
            bbox_to_anchor=(MARGIN["left"] / page[0] - 0.006, 0.68 / page[1]),
            borderaxespad=0,
            borderpad=0,
        )


def _header(fig: Figure, data: ReportData, grid: WeekGrid, page: int, pages: int) -> None:
    w, h = _size(fig)
    left, right = MARGIN["left"] / w, 1 - MARGIN["right"] / w
    fig.text(left, 1 - 0.42 / h, plain(grid.heading), fontsize=15, fontweight="bold", va="baseline")
    when = date_range_text(grid.dates[0], grid.dates[-1]) if grid.dates else ""
    fig.text(
        right,
        1 - 0.42 / h,
        f"Week {grid.week + 1} of {data.weeks} · {when}",
        fontsize=11,
        ha="right",
        va="baseline",
    )
    limit = data.staff[grid.entity].max_hours_per_week
    parts = [f"{hours_text(grid.booked_minutes)} leading sessions"]
    if grid.on_call_minutes:
        parts.append(f"{hours_text(grid.on_call_minutes)} on call")
    if limit:
        parts.append(f"weekly limit {hours_text(round(limit * 60))}")
    fig.text(left, 1 - 0.62 / h, " · ".join(parts), fontsize=8.5, color="#555", va="baseline")
    fig.text(
        right,
        1 - 0.62 / h,
        plain(data.scenario.name),
        fontsize=8.5,
        color="#555",
        ha="right",
        va="baseline",
    )
    fig.text(left, 0.22 / h, CONFIDENTIAL, fontsize=6.5, color="#666", wrap=False)
    fig.text(right, 0.22 / h, f"Page {page} of {pages}", fontsize=6.5, color="#666", ha="right")


def draw_week(fig: Figure, data: ReportData, grid: WeekGrid, page: int, pages: int) -> Axes:
    """Draw one staff week onto an empty figure (Letter or A4 landscape)."""
    ax = _axes(fig)
    _draw_frame(ax, grid)
    for s in grid.shades:
        _draw_shade(ax, grid, s)
    for b in grid.blocks:
        _draw_block(ax, data, grid, b)
    _header(fig, data, grid, page, pages)
    _legend(fig, data)
    return ax


def staff_pdf(data: ReportData, staff_id: str) -> bytes:
    """One page per week of the plan for ``staff_id``."""
    label = data.staff_label(staff_id)
    out = io.BytesIO()
    meta = {
        "Title": f"{label}: timetable",
        "Subject": data.scenario.name,
        "Creator": "recovery-home-optimizer",
        "CreationDate": None,
    }
    with _fonts(data), PdfPages(out, metadata=meta) as pdf:
        for week in range(data.weeks):
            fig = Figure(figsize=paper(data))
            draw_week(
                fig, data, week_grid(data, "staff", staff_id, label, week), week + 1, data.weeks
            )
            pdf.savefig(fig)
    return out.getvalue()
