"""Bin-packing kernels against published instances (OR-Library / BPPLIB Falkenauer U with proven optima)
and Falkenauer-style triplet instances generated here (the original T files are not vendored: licence)."""

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ponte.logistics.binpack import (
    count_bins,
    first_fit_decreasing,
    lower_bound_l1,
    lower_bound_l2,
    pack_1d,
)

DATA = Path(__file__).parents[2] / ".." / "shared" / "data" / "air-cargo" / "binpacking"


def _read_orlib(path):
    lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    count, i, out = int(lines[0]), 1, []
    for _ in range(count):
        name = lines[i]
        cap, n, _old = (int(x) for x in lines[i + 1].split())
        out.append((name, cap, [int(float(x)) for x in lines[i + 2 : i + 2 + n]]))
        i += 2 + n
    return out


def _optima():
    rows = {}
    for ln in (DATA / "bpplib-bounds.tsv").read_text().splitlines():
        if ln.startswith("#"):
            continue
        name, lb, ub = ln.split("\t")
        rows[name] = (int(lb), int(ub))
    return rows


def _triplets(n_bins, seed, cap=1000):
    """Falkenauer's recipe: each bin is filled exactly by three items in (250, 500)."""
    rng = random.Random(seed)
    items = []
    for _ in range(n_bins):
        a = rng.randint(380, 490)
        b = rng.randint(250, cap - a - 250)
        items += [a, b, cap - a - b]
    rng.shuffle(items)
    return items


@pytest.mark.skipif(not DATA.is_dir(), reason="shared benchmark data not present")
def test_falkenauer_u_never_worse_than_ffd(capsys):
    optima = _optima()
    totals = {"ours": 0, "ffd": 0, "opt": 0}
    lines = ["instance  n  optimum  FFD  ours  method"]
    for path in sorted(DATA.glob("orlib-binpack*-u*.txt")):
        for k, (name, cap, sizes) in enumerate(_read_orlib(path)):
            lb, ub = optima[f"Falkenauer_{name}"]
            assert lb == ub
            res = pack_1d(sizes, cap, cpsat_seconds=0.2 if k < 3 else 0.0)
            assert sorted(set(res.assignment)) == list(range(res.bins))
            loads = {}
            for s, b in zip(sizes, res.assignment, strict=True):
                loads[b] = loads.get(b, 0) + s
            assert max(loads.values()) <= cap
            assert ub <= res.bins <= res.ffd_bins == count_bins(first_fit_decreasing(sizes, cap))
            assert lower_bound_l1(sizes, cap) <= lower_bound_l2(sizes, cap) <= ub
            totals["ours"] += res.bins
            totals["ffd"] += res.ffd_bins
            totals["opt"] += ub
            lines.append(f"{name} {len(sizes)} {ub} {res.ffd_bins} {res.bins} {res.method}")
    lines.append(f"TOTAL optimum {totals['opt']} FFD {totals['ffd']} ours {totals['ours']}")
    with capsys.disabled():
        print("\n" + "\n".join(lines[-6:]))
    assert totals["opt"] == 981 + 2032 + 4024 + 8011
    assert totals["ours"] < totals["ffd"]
    assert totals["ours"] <= totals["opt"] * 1.005


@pytest.mark.parametrize("n_bins", [20, 40, 83, 167])
def test_triplets_within_five_percent(n_bins, capsys):
    for seed in range(3):
        sizes = _triplets(n_bins, seed * 1000 + n_bins)
        res = pack_1d(sizes, 1000)
        assert lower_bound_l2(sizes, 1000) == n_bins
        with capsys.disabled():
            print(
                f"\ntriplets n={3 * n_bins} seed={seed}: optimum {n_bins} FFD {res.ffd_bins} ours {res.bins}"
            )
        assert res.ffd_bins >= n_bins * 1.1  # the recipe reproduces FFD's weakness
        assert res.bins <= res.ffd_bins
        assert res.bins <= n_bins * 1.05


def _ffd_2d_reference(w, v, cap):  # type: ignore[no-untyped-def]
    """Plain two-dimensional first-fit decreasing, written out: the reference of the compiled one."""
    order = sorted(range(len(w)), key=lambda i: -max(w[i] / cap[0], v[i] / cap[1]))
    bins: list[list[int]] = []
    out = [0] * len(w)
    for i in order:
        for b, (rw, rv) in enumerate(bins):
            if rw >= w[i] and rv >= v[i]:
                bins[b] = [rw - w[i], rv - v[i]]
                out[i] = b
                break
        else:
            bins.append([cap[0] - w[i], cap[1] - v[i]])
            out[i] = len(bins) - 1
    return out, len(bins)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 30), st.integers(1, 40)), min_size=1, max_size=120))
def test_compiled_two_dimensional_ffd_equals_its_reference(items):  # type: ignore[no-untyped-def]
    import numpy as np

    from ponte.logistics.binpack import first_fit_decreasing_2d

    w = np.array([a for a, _ in items], dtype=np.int64)
    v = np.array([b for _, b in items], dtype=np.int64)
    got, bins = first_fit_decreasing_2d(w, v, (30, 40))
    ref, ref_bins = _ffd_2d_reference(w.tolist(), v.tolist(), (30, 40))
    assert bins == ref_bins and got.tolist() == ref
