"""Bin-packing kernels on integer sizes: bounds, greedy heuristics, minimal bin slack and an
OR-Tools CP-SAT model for small residual sets.

Everything works on integers (grams, cubic centimetres, benchmark units) so that "fits" is exact.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# ---------------------------------------------------------------------------- lower bounds


def lower_bound_l1(sizes: Sequence[int], cap: int) -> int:
    total = int(sum(sizes))
    return -(-total // cap) if total else 0


def lower_bound_l2(sizes: Sequence[int], cap: int) -> int:
    """Martello-Toth L2 (max over alpha in [0, cap/2]); at least L1."""
    arr = sorted((int(s) for s in sizes), reverse=True)
    best = lower_bound_l1(arr, cap)
    half = cap / 2
    alphas = sorted({s for s in arr if s <= half} | {0})
    for alpha in alphas:
        j1 = [s for s in arr if s > cap - alpha]
        j2 = [s for s in arr if cap - alpha >= s > half]
        j3 = [s for s in arr if half >= s >= alpha]
        room = len(j2) * cap - sum(j2)
        extra = max(0, -(-(sum(j3) - room) // cap))
        best = max(best, len(j1) + len(j2) + extra)
    return best


def lower_bound_vector(w: Sequence[int], v: Sequence[int], wcap: int, vcap: int) -> int:
    return max(lower_bound_l1(w, wcap), lower_bound_l1(v, vcap))


# ---------------------------------------------------------------------------- greedy 1-D


class _MaxTree:
    """Segment tree over bin residuals: leftmost bin with residual >= x in O(log n)."""

    def __init__(self, n: int) -> None:
        size = 1
        while size < max(n, 1):
            size *= 2
        self.size = size
        self.tree = [0] * (2 * size)

    def set(self, i: int, value: int) -> None:
        i += self.size
        tree = self.tree
        tree[i] = value
        i //= 2
        while i:
            left, right = tree[2 * i], tree[2 * i + 1]
            tree[i] = left if left > right else right
            i //= 2

    def first_at_least(self, x: int) -> int:
        tree = self.tree
        if tree[1] < x:
            return -1
        i = 1
        while i < self.size:
            i = 2 * i if tree[2 * i] >= x else 2 * i + 1
        return i - self.size


def first_fit_decreasing(sizes: Sequence[int], cap: int) -> list[int]:
    """Bin index for each item (input order), first-fit over items in non-increasing size."""
    n = len(sizes)
    order = sorted(range(n), key=lambda i: -sizes[i])
    tree = _MaxTree(n)
    residual: list[int] = []
    out = [0] * n
    for i in order:
        s = int(sizes[i])
        b = tree.first_at_least(s)
        if b < 0:
            b = len(residual)
            residual.append(cap)
        residual[b] -= s
        tree.set(b, residual[b])
        out[i] = b
    return out


def best_fit_decreasing(sizes: Sequence[int], cap: int) -> list[int]:
    n = len(sizes)
    order = sorted(range(n), key=lambda i: -sizes[i])
    keys: list[tuple[int, int]] = []  # (residual, bin) sorted
    out = [0] * n
    nbins = 0
    for i in order:
        s = int(sizes[i])
        pos = bisect.bisect_left(keys, (s, -1))
        if pos < len(keys):
            r, b = keys.pop(pos)
        else:
            r, b = cap, nbins
            nbins += 1
        out[i] = b
        bisect.insort(keys, (r - s, b))
    return out


def count_bins(assignment: Sequence[int]) -> int:
    return len(set(assignment))


# ---------------------------------------------------------------------------- minimal bin slack


def minimal_bin_slack(sizes: Sequence[int], cap: int, node_limit: int = 400) -> list[int]:
    """MBS': each bin takes the largest remaining item, then the subset of the rest that leaves the
    least slack (depth-first over distinct sizes, node-limited; exact single-item completion by bisect)."""
    remaining: list[int] = sorted(int(s) for s in sizes)  # ascending, multiset
    pools: dict[int, list[int]] = {}
    for i in sorted(range(len(sizes)), key=lambda i: sizes[i]):
        pools.setdefault(int(sizes[i]), []).append(i)
    out = [0] * len(sizes)
    b = 0
    while remaining:
        first = remaining.pop()
        slack = cap - first
        best: list[int] = []
        best_slack = slack
        nodes = 0

        def dfs(hi: int, residual: int, chosen: list[int]) -> None:
            nonlocal best, best_slack, nodes
            nodes += 1
            # single-item completion: largest remaining size <= residual among indices < hi
            pos = bisect.bisect_right(remaining, residual, 0, hi) - 1
            if pos >= 0 and residual - remaining[pos] < best_slack:
                best_slack = residual - remaining[pos]
                best = [*chosen, remaining[pos]]
            if best_slack == 0 or pos < 0:
                return
            j = pos
            while j >= 0 and nodes < node_limit and best_slack > 0:
                s = remaining[j]
                if j > 0 and residual - s >= remaining[0]:  # branch only when another item can follow
                    dfs(j, residual - s, [*chosen, s])
                # skip equal sizes (they give the same subtrees)
                j = bisect.bisect_left(remaining, s, 0, j) - 1

        if slack > 0 and remaining:
            dfs(len(remaining), slack, [])
        out[pools[first].pop()] = b
        for s in best:
            remaining.pop(bisect.bisect_left(remaining, s))
            out[pools[s].pop()] = b
        b += 1
    return out


# ---------------------------------------------------------------------------- CP-SAT


def cpsat_pack(
    w: Sequence[int],
    v: Sequence[int] | None,
    wcap: int,
    vcap: int,
    max_bins: int,
    time_limit: float = 1.0,
    workers: int = 1,
) -> list[int] | None:
    """Pack all items into at most ``max_bins`` bins (weight and optionally volume); None if CP-SAT
    finds no such packing within the time limit. Symmetry: item i only in bins <= i (items sorted)."""
    from ortools.sat.python import (
        cp_model,
    )  # lazy: OR-Tools takes a second to load

    n = len(w)
    if n == 0:
        return []
    order = sorted(range(n), key=lambda i: -w[i])
    model = cp_model.CpModel()
    x = {}
    for rank, i in enumerate(order):
        for b in range(min(rank + 1, max_bins)):
            x[i, b] = model.new_bool_var("")
        model.add_exactly_one(x[i, b] for b in range(min(rank + 1, max_bins)))
    for b in range(max_bins):
        items = [i for i in range(n) if (i, b) in x]
        model.add(sum(int(w[i]) * x[i, b] for i in items) <= wcap)
        if v is not None:
            model.add(sum(int(v[i]) * x[i, b] for i in items) <= vcap)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    out = [0] * n
    for (i, b), var in x.items():
        if solver.value(var):
            out[i] = b
    return out


def _renumber(assignment: Sequence[int]) -> list[int]:
    ids: dict[int, int] = {}
    return [ids.setdefault(b, len(ids)) for b in assignment]


def improve_residual(
    sizes: Sequence[int], cap: int, assignment: list[int], max_items: int = 45, time_limit: float = 1.0
) -> list[int]:
    """Take the least-filled bins (up to ``max_items`` items), and ask CP-SAT to fit them in one bin fewer."""
    loads: dict[int, int] = {}
    for i, b in enumerate(assignment):
        loads[b] = loads.get(b, 0) + int(sizes[i])
    by_fill = sorted(loads, key=lambda b: loads[b])
    chosen: list[int] = []
    count = 0
    members: dict[int, list[int]] = {}
    for i, b in enumerate(assignment):
        members.setdefault(b, []).append(i)
    for b in by_fill:
        if count + len(members[b]) > max_items:
            break
        chosen.append(b)
        count += len(members[b])
    while len(chosen) >= 2:
        items = [i for b in chosen for i in members[b]]
        if lower_bound_l1([sizes[i] for i in items], cap) >= len(chosen):
            chosen.pop()
            continue
        sub = cpsat_pack([int(sizes[i]) for i in items], None, cap, cap, len(chosen) - 1, time_limit)
        if sub is None:
            return assignment
        new = list(assignment)
        base = max(assignment) + 1
        for i, b in zip(items, sub, strict=True):
            new[i] = base + b
        return _renumber(new)
    return assignment


@dataclass(frozen=True)
class PackResult:
    assignment: list[int]
    bins: int
    ffd_bins: int
    lower_bound: int
    method: str

    @property
    def gap(self) -> float:
        return (self.bins - self.lower_bound) / self.lower_bound if self.lower_bound else 0.0


def pack_1d(sizes: Sequence[int], cap: int, cpsat_seconds: float = 0.0, node_limit: int = 400) -> PackResult:
    """Best of FFD, BFD and MBS', then optional CP-SAT on the residual; never worse than FFD."""
    if any(s <= 0 or s > cap for s in sizes):
        raise ValueError("every size must be in 1..cap")
    ffd = first_fit_decreasing(sizes, cap)
    lb = lower_bound_l2(sizes, cap)
    candidates = [("ffd", ffd)]
    ffd_bins = count_bins(ffd)
    if ffd_bins > lb:
        candidates.append(("bfd", best_fit_decreasing(sizes, cap)))
        candidates.append(("mbs", minimal_bin_slack(sizes, cap, node_limit)))
    method, best = min(candidates, key=lambda c: count_bins(c[1]))
    if cpsat_seconds > 0 and count_bins(best) > lb:
        improved = improve_residual(sizes, cap, best, time_limit=cpsat_seconds)
        if count_bins(improved) < count_bins(best):
            method, best = method + "+cpsat", improved
    return PackResult(_renumber(best), count_bins(best), ffd_bins, lb, method)


# ---------------------------------------------------------------------------- fast 2-D (weight, volume)


def pack_two_pointer(
    w: np.ndarray,
    v: np.ndarray,
    caps: Sequence[tuple[int, int]] | None,
    cap: tuple[int, int] | None = None,
    mixed_tail: float = 0.0,
) -> tuple[np.ndarray, int]:
    """Fast vector packing for many small items. Items are taken in non-increasing size (the larger
    normalised dimension); each bin is filled from the large end while items fit, then topped up from
    the small end. ``caps`` lists the bins available in order (None: unlimited bins of ``cap``).
    With ``mixed_tail`` > 0 the items keep their given order and only that share of the smallest items
    is kept back (largest first) for topping up, so that every bin gets a mix of sizes.
    Returns (bin index per item, -1 when no bin was left; number of bins used)."""
    n = len(w)
    out = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return out, 0
    ref = caps[0] if caps else cap
    assert ref is not None
    key = np.maximum(w / ref[0], v / ref[1])
    if mixed_tail > 0:
        tail_n = int(n * mixed_tail)
        by_size = np.argsort(-key, kind="stable")
        is_tail = np.zeros(n, dtype=bool)
        if tail_n:
            is_tail[by_size[n - tail_n :]] = True
        order = np.concatenate((np.nonzero(~is_tail)[0], by_size[n - tail_n :] if tail_n else by_size[:0]))
    else:
        order = np.argsort(-key, kind="stable")
    # kept lazy for start-up time: numba loads in about a second, and only planning needs it
    from ponte.logistics._ffd import two_pointer_kernel  # lazy: the compiled kernels load on first packing

    cw = np.concatenate(([0], np.cumsum(np.asarray(w, dtype=np.int64)[order])))
    cv = np.concatenate(([0], np.cumsum(np.asarray(v, dtype=np.int64)[order])))
    if caps is not None:
        cap_w = np.array([c[0] for c in caps], dtype=np.int64)
        cap_v = np.array([c[1] for c in caps], dtype=np.int64)
    else:
        cap_w, cap_v = np.array([ref[0]], dtype=np.int64), np.array([ref[1]], dtype=np.int64)
    ranked, b = two_pointer_kernel(cw, cv, cap_w, cap_v, caps is None)
    out[order] = ranked
    return out, b


def shared_positions_bound(
    demands: Sequence[tuple[int, int]],
    types: Sequence[tuple[int, int, int, int]],
    payload: int | None = None,
    time_limit: float = 0.5,
) -> int:
    """Fewest containers for groups that may not share one (segregation classes on one flight), when
    the groups draw on one pool of positions. ``demands`` are (weight, volume) per group; ``types`` are
    (weight capacity, volume capacity, positions, tare) per container type; with ``payload`` the contents
    plus the tares of the chosen containers must not exceed it. Items are treated as divisible, so any
    packing of the groups' items needs at least this many containers: a valid lower bound (CP-SAT on a
    model of groups x types integers; if not proved optimal in ``time_limit``, its proved bound is used).
    Returns 0 for no demand; if even divisible demand cannot be covered, the sum of all positions + 1."""
    from ortools.sat.python import (
        cp_model,
    )  # lazy: OR-Tools takes a second to load

    groups = [(w, v) for w, v in demands if w > 0 or v > 0]
    if not groups:
        return 0
    model = cp_model.CpModel()
    x = [[model.new_int_var(0, t[2], f"x{k}_{j}") for j, t in enumerate(types)] for k in range(len(groups))]
    for k, (w, v) in enumerate(groups):
        model.add(sum(t[0] * x[k][j] for j, t in enumerate(types)) >= w)
        model.add(sum(t[1] * x[k][j] for j, t in enumerate(types)) >= v)
    for j, t in enumerate(types):
        model.add(sum(x[k][j] for k in range(len(groups))) <= t[2])
    if payload is not None:
        tares = sum(t[3] * x[k][j] for k in range(len(groups)) for j, t in enumerate(types))
        model.add(tares + sum(w for w, _v in groups) <= payload)
    model.minimize(sum(x[k][j] for k in range(len(groups)) for j in range(len(types))))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status == cp_model.OPTIMAL:
        return round(solver.objective_value)
    if status == cp_model.INFEASIBLE:
        return sum(t[2] for t in types) + 1
    return int(np.ceil(solver.best_objective_bound - 1e-9))


def first_fit_decreasing_2d(w: np.ndarray, v: np.ndarray, cap: tuple[int, int]) -> tuple[np.ndarray, int]:
    """Two-dimensional first-fit decreasing: items by their larger normalised size (stable), each into the
    first bin with room in both dimensions. Returns (bin per item, bins). Compiled (``_ffd``); the tests hold it
    equal to a plain reference."""
    n = len(w)
    out = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return out, 0
    # kept lazy for start-up time: numba loads in about a second, and only planning needs it
    from ponte.logistics._ffd import ffd_kernel  # lazy: the compiled kernels load on first packing

    order = np.argsort(-np.maximum(w / cap[0], v / cap[1]), kind="stable")
    ranked, bins = ffd_kernel(
        np.ascontiguousarray(w[order], dtype=np.int64),
        np.ascontiguousarray(v[order], dtype=np.int64),
        int(cap[0]),
        int(cap[1]),
    )
    out[order] = ranked
    return out, int(bins)
