"""Decision variables: for every occurrence a start slot, whether it is placed, its facilitator
and its room; for groups whose members the solver chooses, membership and attendance.

Start domains are already pruned (see :mod:`optimizer.problem`); a candidate facilitator or room
whose own availability further restricts the start gets an enforced domain constraint, so an
absence or a room's hours cost one constraint, not a variable per slot.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from .context import Context, domain_of


def _restrict(
    ctx: Context, start: cp_model.IntVar, starts: np.ndarray, ok: np.ndarray, lit
) -> bool:
    """Enforce ``start in starts[ok]`` when ``lit``; False when no start is left."""
    if not ok.any():
        return False
    if not ok.all():
        ctx.model.add_linear_expression_in_domain(
            start, domain_of(starts[ok].tolist())
        ).only_enforce_if(lit)
    return True


def add_variables(ctx: Context) -> None:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    _add_membership(ctx)
    for occ in p.occurrences:
        series = p.series[occ.series]
        group = p.groups[series.group]
        prog = p.programs[series.program]
        dur = prog.duration
        starts = np.asarray(occ.starts, dtype=np.int64)
        name = f"{series.id}@{occ.period}"

        if len(starts):
            start = m.new_int_var_from_domain(domain_of(occ.starts), f"start[{name}]")
        else:
            start = m.new_constant(occ.lo)
        placed = m.new_bool_var(f"placed[{name}]")
        if not len(starts):
            m.add(placed == 0)
        if group.index in v.used:
            m.add_implication(placed, v.used[group.index])
        interval = m.new_optional_fixed_size_interval_var(start, dur, placed, f"occ[{name}]")
        v.start.append(start)
        v.placed.append(placed)
        v.interval.append(interval)

        # Facilitator: exactly one qualified staff member when placed.
        fac: dict[int, cp_model.IntVar] = {}
        for st in p.staff_candidates(prog, group.house) if len(starts) else []:
            lit = m.new_bool_var(f"leads[{name},{st.id}]")
            if not _restrict(
                ctx, start, starts, ctx.starts_in(("staff", st.index), dur)[starts], lit
            ):
                m.add(lit == 0)
                continue
            fac[st.index] = lit
            v.staff_intervals.setdefault(st.index, []).append(
                m.new_optional_fixed_size_interval_var(start, dur, lit, f"staff[{name},{st.id}]")
            )
        m.add(sum(fac.values()) == placed)
        v.facilitator.append(fac)

        # Room: exactly one with the features, the capacity and the hours.
        rooms: dict[int, cp_model.IntVar] = {}
        smallest = len(group.members) + 1 if group.members is not None else 2
        for room in p.room_candidates(prog, group.house) if len(starts) else []:
            if room.capacity < smallest:
                continue
            lit = m.new_bool_var(f"room[{name},{room.id}]")
            if not _restrict(
                ctx, start, starts, ctx.starts_in(("room", room.index), dur)[starts], lit
            ):
                m.add(lit == 0)
                continue
            rooms[room.index] = lit
            v.room_intervals.setdefault(room.index, []).append(
                m.new_optional_fixed_size_interval_var(start, dur, lit, f"in[{name},{room.id}]")
            )
            if group.members is None and room.capacity < group.max_size + 1:
                m.add(v.size[group.index] + 1 <= room.capacity).only_enforce_if(lit)
        m.add(sum(rooms.values()) == placed)
        v.room.append(rooms)

        # Residents: a fixed group shares the occurrence's interval; a formed group gets one
        # optional interval per candidate, present when that resident is in the group.
        if group.members is not None:
            for r in group.members:
                v.resident_intervals.setdefault(r, []).append(interval)
            continue
        for r in group.candidates:
            member = v.member[(r, group.index)]
            attends = m.new_bool_var(f"attends[{name},{p.residents[r].id}]")
            # Members attend every placed session of their group. (Letting one stay away made
            # the placement phase an order of magnitude slower to place everyone.)
            m.add(attends <= member)
            m.add(attends <= placed)
            m.add(attends >= member + placed - 1)
            v.attends[(r, occ.index)] = attends
            if len(starts):
                free = ctx.starts_in(("resident", r), dur)[starts]
                if not _restrict(ctx, start, starts, free, attends):
                    m.add(attends == 0)
            v.resident_intervals.setdefault(r, []).append(
                m.new_optional_fixed_size_interval_var(
                    start, dur, attends, f"res[{name},{p.residents[r].id}]"
                )
            )


def _add_membership(ctx: Context) -> None:
    """Who is in which group: created before occurrences, which refer to it."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    for g in p.groups:
        if g.optional:
            v.used[g.index] = m.new_bool_var(f"used[{g.name}]")
        if g.members is None:
            for r in g.candidates:
                v.member[(r, g.index)] = m.new_bool_var(
                    f"member[{p.programs[g.program].id}/{g.name},{p.residents[r].id}]"
                )
            v.size[g.index] = cp_model.LinearExpr.sum(
                [v.member[(r, g.index)] for r in g.candidates]
            )
