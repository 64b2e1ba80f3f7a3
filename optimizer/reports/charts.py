"""Charts (matplotlib, no pyplot, so no global state and no display needed).

Every ``plot_*`` function draws on the ``Axes`` it is given, or on a new figure's, and returns
it, so charts compose into reports and tests. The data comes from :mod:`.tables`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from optimizer.reports import tables
from optimizer.reports.data import ReportData

DPI = 110


def plain(text: object) -> str:
    """Text matplotlib draws as written: a ``$`` in a name would otherwise start mathtext."""
    return str(text).replace("$", r"\$")


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    return Figure(figsize=size, layout="constrained").add_subplot()


def _figure(ax: Axes) -> Figure:
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    return fig


def _empty(ax: Axes, text: str) -> Axes:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666")
    ax.set_axis_off()
    return ax


def plot_room_utilization(heatmap: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Heatmap of the share of each room's available time that is booked: rooms down, days
    and hours across. Grey where the room is never available."""
    ax = _axes(ax, (11, 0.45 * len(heatmap) + 1.8))
    if heatmap.empty:
        return _empty(ax, "No rooms")
    cmap = mpl.colormaps["YlGnBu"].with_extremes(bad="#e9ebee")
    values = np.ma.masked_invalid(heatmap.to_numpy(dtype=float))
    image = ax.imshow(values, aspect="auto", cmap=cmap, vmin=0, vmax=100, interpolation="nearest")
    days = list(dict.fromkeys(heatmap.columns.get_level_values(0)))
    hours = list(heatmap.columns.get_level_values(1))
    per_day = len(hours) // max(1, len(days))
    ax.set_yticks(range(len(heatmap)), [plain(i) for i in heatmap.index])
    ax.set_xticks([i * per_day + (per_day - 1) / 2 for i in range(len(days))], days)
    ax.tick_params(axis="x", which="major", length=0, pad=13, labelsize=10)
    step = 2 if per_day <= 16 else 3
    # Short hour labels ("8", "10", ...) every two hours of every day; the axis says what
    # they are. (With "12:00"-style labels only two fitted a day.)
    # A day's last hour is left out so it does not run into the next day's first.
    hour_ticks = [i for i, h in enumerate(hours) if h % step == 0 and i % per_day < per_day - 1]
    ax.set_xticks(hour_ticks, [str(hours[i]) for i in hour_ticks], minor=True)
    ax.xaxis.remove_overlapping_locs = False  # else the hour under a day's name is dropped
    ax.tick_params(axis="x", which="minor", labelsize=7, length=2, colors="#555")
    ax.set_xlabel("Weekday, and hour of the day (24-hour clock)", fontsize=9, color="#555")
    for i in range(1, len(days)):
        ax.axvline(i * per_day - 0.5, color="white", linewidth=3)
    ax.set_title("Room utilization: share of available time booked, by weekday and hour")
    _figure(ax).colorbar(image, ax=ax, label="% booked", fraction=0.025, pad=0.01)
    return ax


def plot_staff_hours(
    week_hours: pd.DataFrame, limits: pd.Series | None = None, ax: Axes | None = None
) -> Axes:
    """Booked hours per staff member, one bar per week, against their weekly limit."""
    ax = _axes(ax, (10, 4.2))
    if week_hours.empty:
        return _empty(ax, "No staff")
    n_staff, n_weeks = week_hours.shape
    width = 0.8 / max(1, n_weeks)
    cmap = mpl.colormaps["Blues"]
    for j, week in enumerate(week_hours.columns):
        x = np.arange(n_staff) - 0.4 + width * (j + 0.5)
        shade = cmap(0.45 + 0.5 * j / max(1, n_weeks - 1)) if n_weeks > 1 else cmap(0.7)
        ax.bar(
            x, week_hours[week].to_numpy(), width=width * 0.92, color=shade, label=f"Week {week}"
        )
    if limits is not None:
        labelled = False
        for i, name in enumerate(week_hours.index):
            limit = limits.get(name, np.nan)
            if pd.notna(limit):
                ax.hlines(
                    limit,
                    i - 0.45,
                    i + 0.45,
                    colors="#c44e52",
                    linewidth=2,
                    linestyles="--",
                    label="_nolegend_" if labelled else "Weekly limit",
                )
                labelled = True
    ax.set_xticks(range(n_staff), [plain(_wrap(str(n), 16)) for n in week_hours.index], fontsize=9)
    ax.set_ylabel("Hours leading sessions")
    ax.set_title("Staff: booked hours per week against the weekly limit")
    ax.grid(axis="y", color="#e3e6ea")
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.margins(y=0.08)
    return ax


def plot_program_hours(
    program_hours: pd.DataFrame, colours: Sequence[str] | None = None, ax: Axes | None = None
) -> Axes:
    """Hours placed per week, stacked by program."""
    ax = _axes(ax, (10, 4.2))
    if program_hours.empty or program_hours.shape[1] == 0:
        return _empty(ax, "No sessions")
    x = np.arange(len(program_hours))
    bottom = np.zeros(len(program_hours))
    for j, name in enumerate(program_hours.columns):
        values = program_hours[name].to_numpy(dtype=float)
        colour = colours[j] if colours is not None and j < len(colours) else None
        ax.bar(x, values, bottom=bottom, width=0.6, color=colour, label=plain(name))
        bottom += values
    for xi, total in zip(x, bottom, strict=True):
        ax.text(float(xi), total, f"{total:.1f} h", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, [f"Week {w}" for w in program_hours.index])
    ax.set_ylabel("Hours of sessions")
    ax.set_title("Program hours placed per week")
    ax.grid(axis="y", color="#e3e6ea")
    ax.set_axisbelow(True)
    ax.margins(y=0.1)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return ax


def plot_on_call_coverage(coverage: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Share of opening time with a crisis counselor on call, by weekday and hour, over
    every week of the plan. Blank where the home is closed."""
    ax = _axes(ax, (10, 0.5 * len(coverage) + 1.6))
    if coverage.empty:
        return _empty(ax, "No opening hours")
    cmap = mpl.colormaps["RdYlGn"].with_extremes(bad="#f1f2f4")
    values = coverage.to_numpy(dtype=float)
    image = ax.imshow(
        np.ma.masked_invalid(values),
        aspect="auto",
        cmap=cmap,
        vmin=0,
        vmax=100,
        interpolation="nearest",
    )
    for (i, j), v in np.ndenumerate(values):
        if not np.isnan(v):
            ax.text(
                j,
                i,
                f"{v:.0f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if v < 20 or v > 85 else "#222",
            )
    ax.set_yticks(range(len(coverage)), [str(i) for i in coverage.index])
    ax.set_xticks(range(coverage.shape[1]), [f"{h:02d}:00" for h in coverage.columns], fontsize=8)
    ax.set_title("Crisis on-call coverage: % of opening time with someone on call")
    _figure(ax).colorbar(image, ax=ax, label="% covered", fraction=0.025, pad=0.01)
    return ax


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)[:3]) or text


# --- rendering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    name: str  # file stem under charts/
    caption: str
    png: bytes


def png_bytes(ax: Axes) -> bytes:
    out = io.BytesIO()
    _figure(ax).savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def render_charts(data: ReportData) -> list[Chart]:
    programs = [p for p in data.scenario.programs if not p.frequency.as_needed]
    colours = [data.colour(p.id).strong for p in programs]
    charts = []
    if any(p.frequency.as_needed for p in data.scenario.programs):
        charts.append(
            (
                "on-call-coverage",
                "Crisis on-call coverage across the week",
                plot_on_call_coverage(tables.on_call_heatmap(data)),
            )
        )
    charts += [
        (
            "room-utilization",
            "Room utilization by weekday and hour",
            plot_room_utilization(tables.room_heatmap(data)),
        ),
        (
            "staff-hours",
            "Staff booked hours per week against their weekly limit",
            plot_staff_hours(tables.staff_week_hours(data), tables.staff_limits(data)),
        ),
        (
            "program-hours",
            "Program hours placed per week",
            plot_program_hours(tables.program_week_hours(data), colours),
        ),
    ]
    return [Chart(name, caption, png_bytes(ax)) for name, caption, ax in charts]
