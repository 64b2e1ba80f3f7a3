"""Group formation: each attendee joins exactly one group of the program in their house, groups
stay within ``max_group_size`` and close to each other in size, and a spare group is used only
when residents' commitments demand it. Interchangeable groups are ordered to break symmetry."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

from .context import Context

SIZE_TOLERANCE = 2


def add_group_rules(ctx: Context) -> None:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    families: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    for group in p.groups:
        if group.members is None:
            families[(group.program, group.house)].append(group.index)

    for groups in families.values():
        candidates = p.groups[groups[0]].candidates
        for r in candidates:
            m.add_exactly_one(v.member[(r, g)] for g in groups)
        for g in groups:
            size = v.size[g]
            m.add(size <= p.groups[g].max_size)
            if g in v.used:
                for r in candidates:
                    m.add_implication(v.member[(r, g)], v.used[g])
                m.add(size >= 1).only_enforce_if(v.used[g])
            else:
                m.add(size >= 1)
        _together_and_apart(ctx, candidates, groups)
        # Symmetry: the i-th candidate may only be in one of the first i+1 groups.
        for i, r in enumerate(candidates):
            for g in groups[i + 1 :]:
                m.add(v.member[(r, g)] == 0)
        for a, b in pairwise(groups):
            if a in v.used and b in v.used:
                m.add_implication(v.used[b], v.used[a])
        # Balance: used groups differ in size by at most SIZE_TOLERANCE.
        big = max(p.groups[g].max_size for g in groups)
        for a in groups:
            for b in groups:
                if a == b:
                    continue
                slack = []
                for g in (a, b):
                    if g in v.used:
                        slack.append(v.used[g])
                bound = SIZE_TOLERANCE + big * (len(slack) - sum(slack))
                m.add(v.size[a] - v.size[b] <= bound)


def _together_and_apart(ctx: Context, candidates: tuple[int, ...], groups: list[int]) -> None:
    """``grouping.together``: the same group; ``grouping.apart``: never the same group."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    index = {p.residents[r].id: r for r in candidates}
    for kind in ("together", "apart"):
        for ids in getattr(p.scenario.grouping, kind):
            present = [index[i] for i in ids if i in index]
            for a, b in pairwise(present):
                for g in groups:
                    if kind == "together":
                        m.add(v.member[(a, g)] == v.member[(b, g)])
            if kind == "apart":
                for g in groups:
                    m.add_at_most_one(v.member[(r, g)] for r in present)
