"""The comparison chart (four panels, plans side by side) and the axes style that the
staffing curve shares."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from optimizer.whatif.table import _inner

PLAN_COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#8172b3", "#937860", "#da8bc3", "#64b5cd")
UNMET_COLOUR = "#c44e52"
GRID = "#e3e6ea"


def _wrap_label(text: str, width: int = 14) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=True)[:3]) or text


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.zeros(len(frame))
    return pd.to_numeric(frame[column], errors="coerce").fillna(0.0).to_numpy(dtype=float)


def _bar_labels(ax: Any, x: np.ndarray, tops: np.ndarray, texts: Sequence[str]) -> None:
    for xi, top, text in zip(x, tops, texts, strict=True):
        ax.text(float(xi), float(top), text, ha="center", va="bottom", fontsize=8.5)


def style_axes(ax: Any, title: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel(ylabel, fontsize=9)
    ax.grid(axis="y", color=GRID)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _headroom(ax: Any, top: float) -> None:
    """Room above the bars for their labels and, in the top band, the legend."""
    ax.set_ylim(0, (top or 1.0) * 1.32)
    ax.legend(fontsize=8, loc="upper right", ncol=2, frameon=False)


def _grouped(
    frame: pd.DataFrame, columns: Sequence[str], x: np.ndarray
) -> Iterator[tuple[int, np.ndarray, np.ndarray, str, float]]:
    """Side-by-side bars, one per column at each plan: (j, x positions, values, name, width)."""
    width = 0.8 / len(columns)
    for j, col in enumerate(columns):
        yield j, x - 0.4 + width * (j + 0.5), _numbers(frame, col), _inner(col), width


def comparison_chart(frame: pd.DataFrame) -> bytes:
    """Four panels, plans side by side: sessions placed (and unmet), on-call coverage, staff
    hours per week by role, and staff cost per week."""
    from matplotlib.figure import Figure  # here: the command line starts faster without it

    plans = [_wrap_label(str(p)) for p in frame["plan"]]
    n = len(plans)
    x = np.arange(n)
    fig = Figure(figsize=(max(9.0, 2.2 * n + 4), 7.6), layout="constrained")
    axes = fig.subplots(2, 2)
    fig.suptitle("Staffing plans side by side", fontsize=13, x=0.01, ha="left")

    ax = axes[0][0]
    placed = _numbers(frame, "sessions_placed")
    unmet = _numbers(frame, "sessions_unmet")
    ax.bar(x, placed, 0.6, color="#4c72b0", label="placed")
    ax.bar(x, unmet, 0.6, bottom=placed, color=UNMET_COLOUR, label="not placed")
    _bar_labels(
        ax,
        x,
        placed + unmet,
        [f"{p:.0f} of {p + u:.0f}" for p, u in zip(placed, unmet, strict=True)],
    )
    for xi, p, u in zip(x, placed, unmet, strict=True):
        if u > 0:  # a few unmet sessions are too thin a bar to see: say it
            box = {"boxstyle": "round", "facecolor": UNMET_COLOUR, "edgecolor": "none"}
            ax.text(float(xi), (p + u) * 0.5, f"{u:.0f} not\nplaced", ha="center", va="center",
                    fontsize=9, color="white", fontweight="bold", bbox=box)  # fmt: skip
    style_axes(ax, "Sessions placed of those required", "sessions")
    _headroom(ax, float(np.max(placed + unmet, initial=0)))

    ax = axes[0][1]
    cover_cols = [c for c in frame.columns if c.startswith("on_call_coverage_percent[")]
    if cover_cols:
        for _, xs, values, name, width in _grouped(frame, cover_cols, x):
            colours = ["#55a868" if v >= 99 else "#dd8452" for v in values]
            ax.bar(xs, values, width * 0.9, color=colours, label=name)
            _bar_labels(ax, xs, values, [f"{v:.1f} %" for v in values])
        ax.set_ylim(0, 112)
        ax.axhline(100, color="#888", linewidth=0.8, linestyle=":")
        style_axes(ax, "On-call coverage of opening hours", "% covered (green: 99 % or more)")
        if len(cover_cols) > 1:
            ax.legend(fontsize=8, loc="lower right")
    else:
        ax.text(0.5, 0.5, "No on-call program", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()

    ax = axes[1][0]
    role_cols = [c for c in frame.columns if c.startswith("hours_per_week[")]
    if role_cols:
        for j, xs, values, name, width in _grouped(frame, role_cols, x):
            ax.bar(xs, values, width * 0.9, color=PLAN_COLOURS[j % len(PLAN_COLOURS)], label=name)
            if n * len(role_cols) <= 24:
                _bar_labels(ax, xs, values, [f"{v:.1f}" if v < 10 else f"{v:.0f}" for v in values])
        ax.legend(fontsize=8, title="role", title_fontsize=8, loc="upper left",
                  bbox_to_anchor=(1.0, 1.0), frameon=False)  # fmt: skip
        ax.margins(y=0.12)
    style_axes(ax, "Hours of sessions led per week, by role", "hours / week")

    ax = axes[1][1]
    sessions = _numbers(frame, "session_cost_per_week")
    on_call = _numbers(frame, "on_call_cost_per_week")
    ax.bar(x, sessions, 0.6, color="#4c72b0", label="sessions")
    ax.bar(x, on_call, 0.6, bottom=sessions, color="#8c8c8c", label="on call")
    _bar_labels(ax, x, sessions + on_call, [f"{v:,.0f}" for v in sessions + on_call])
    style_axes(ax, "Staff cost per week (hours × hourly cost)", "cost / week")
    _headroom(ax, float(np.max(sessions + on_call, initial=0)))

    for row in axes:
        for ax in row:
            if ax.axison:
                ax.set_xticks(x, plans, fontsize=9)
    return figure_png(fig)


def figure_png(fig: Any) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=110, metadata={"Software": None})
    return out.getvalue()
