"""What ``staffing`` shows: the head-count chart, the terminal table, the page section and the
verdict sentence."""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd

from optimizer.reports.html_summary import esc
from optimizer.whatif.chart import figure_png, style_axes
from optimizer.whatif.table import label, shown_value


def staffing_chart(curve: pd.DataFrame, role: str, coverage: float, smallest: int | None) -> bytes:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    x = curve["head_count"].to_numpy(dtype=int)
    fig = Figure(figsize=(9, 8.2), layout="constrained")
    axes = fig.subplots(3, 1, sharex=True)
    fig.suptitle(
        f"Head count of '{role}' staff: unmet demand, on-call coverage and cost",
        fontsize=13,
        x=0.01,
        ha="left",
    )

    def numbers(column: str) -> np.ndarray:
        return pd.to_numeric(curve[column], errors="coerce").to_numpy(dtype=float)

    ax = axes[0]
    unmet = np.nan_to_num(numbers("sessions_unmet"))
    ax.bar(x, unmet, 0.6, color=["#55a868" if u == 0 else "#c44e52" for u in unmet])
    for xi, u in zip(x, unmet, strict=True):
        ax.text(xi, u, f"{u:.0f}", ha="center", va="bottom", fontsize=9)
    style_axes(ax, "Sessions not placed", "sessions")
    ax.set_ylim(0, max(1.0, float(unmet.max(initial=0))) * 1.3)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))

    ax = axes[1]
    cover = numbers("on_call_coverage_min_percent")
    if np.isnan(cover).all():
        ax.text(0.5, 0.5, "No on-call program", ha="center", va="center", transform=ax.transAxes)
    else:
        ax.plot(x, cover, marker="o", color="#4c72b0")
        for xi, c in zip(x, cover, strict=True):
            if not np.isnan(c):
                ax.annotate(f"{c:.1f} %", (xi, c), textcoords="offset points", xytext=(0, 7),
                            ha="center", fontsize=9)  # fmt: skip
        ax.axhline(coverage, color="#c44e52", linestyle="--", linewidth=1)
        ax.text(x[0], coverage, f" target {coverage:g} %", va="top", fontsize=8, color="#c44e52")
        low = np.nanmin(cover)
        ax.set_ylim(max(0.0, min(low, coverage) - 8), 108)
    style_axes(ax, "On-call coverage of opening hours (lowest program)", "% covered")

    ax = axes[2]
    sessions = np.nan_to_num(numbers("session_cost_per_week"))
    on_call = np.nan_to_num(numbers("on_call_cost_per_week"))
    ax.bar(x, sessions, 0.6, color="#4c72b0", label="sessions")
    ax.bar(x, on_call, 0.6, bottom=sessions, color="#8c8c8c", label="on call")
    for xi, total in zip(x, sessions + on_call, strict=True):
        ax.text(xi, total, f"{total:,.0f}", ha="center", va="bottom", fontsize=9)
    style_axes(ax, "Staff cost per week (hours × hourly cost)", "cost / week")
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    ax.margins(y=0.15)
    ax.set_xticks(x, [str(v) for v in x])
    ax.set_xlabel(f"people with the role '{role}'")

    if smallest is not None:
        for ax in axes:
            ax.axvspan(smallest - 0.4, smallest + 0.4, color="#55a868", alpha=0.12, zorder=0)
        axes[0].text(
            smallest, axes[0].get_ylim()[1], "smallest enough", ha="center", va="top",
            fontsize=9, color="#2e7d32",
        )  # fmt: skip
    return figure_png(fig)


def curve_table(curve: pd.DataFrame, role: str) -> str:
    columns = [
        ("head_count", "people"),
        ("sessions_unmet", "unmet sessions"),
        ("on_call_coverage_min_percent", "on-call coverage"),
        (f"hours_per_week[{role}]", "hours/week led"),
        ("total_cost_per_week", "cost/week"),
        ("enough", "enough"),
    ]
    header = "  ".join(f"{name:>16}" for _, name in columns)
    lines = [header]
    for _, row in curve.iterrows():
        lines.append("  ".join(f"{shown_value(col, row.get(col)):>16}" for col, _ in columns))
    return "\n".join(lines)


def curve_html(curve: pd.DataFrame, role: str, chart: bytes, verdict: str) -> str:
    columns = [c for c in curve.columns if c != "plan"]
    head = "".join(f"<th>{esc(label(c).strip())}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(shown_value(c, row[c]))}</td>" for c in columns) + "</tr>"
        for _, row in curve.iterrows()
    )
    png = base64.b64encode(chart).decode("ascii")
    return (
        f"<p><strong>{esc(verdict)}</strong></p>"
        f'<img alt="Unmet sessions, on-call coverage and cost against the number of {esc(role)} '
        f'staff" src="data:image/png;base64,{png}">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def verdict_text(smallest: int | None, curve: pd.DataFrame, role: str, coverage: float) -> str:
    lo, hi = int(curve["head_count"].min()), int(curve["head_count"].max())
    if smallest is None:
        return (
            f"No head count from {lo} to {hi} '{role}' staff places every session with at least "
            f"{coverage:g} % on-call coverage; try a larger --max or other shifts."
        )
    row = curve[curve["head_count"] == smallest].iloc[0]
    text = (
        f"Smallest head count: {smallest} '{role}' staff place every required session with at "
        f"least {coverage:g} % on-call coverage (cost/week "
        f"{shown_value('total_cost_per_week', row['total_cost_per_week'])})."
    )
    above = curve[curve["head_count"] > smallest]
    short = [int(n) for n in above.loc[~above["enough"], "head_count"]]
    if short:
        text += (
            f" Note: {', '.join(map(str, short))} did not reach it within the time limit; a "
            "longer --time-limit may help."
        )
    return text
