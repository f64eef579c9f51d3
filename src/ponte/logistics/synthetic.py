"""Synthetic parcel batches for demos and benchmarks (seeded; no clock, no global randomness)."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from ponte.logistics.parcels import ParcelBatch

# share of parcels per destination (illustrative corridor mix)
DESTINATIONS = {"MEX": 0.4, "GRU": 0.35, "SCL": 0.1, "MAD": 0.1, "LIS": 0.05}
CLASSES = {"GEN": 0.8, "ELI": 0.15, "PER": 0.03, "ELB": 0.02}


def synthetic_batch(
    n: int, seed: int, start: datetime, origin: str = "CAN", hours: float = 48.0
) -> ParcelBatch:
    """``n`` e-commerce parcels, mean about 0.84 kg, ready over ``hours`` from ``start``."""
    rng = np.random.default_rng(seed)
    weight = np.clip(rng.lognormal(np.log(0.6), 0.7, n), 0.05, 25.0)
    density = np.clip(rng.lognormal(np.log(150.0), 0.4, n), 40.0, 600.0)  # kg per m3
    volume_cm3 = weight / density * 1e6
    shape = rng.uniform(0.5, 1.0, (n, 2))
    side = np.cbrt(volume_cm3 / (shape[:, 0] * shape[:, 1]))
    dims = np.column_stack([side, side * shape[:, 0], side * shape[:, 1]])
    dests = rng.choice(list(DESTINATIONS), n, p=list(DESTINATIONS.values()))
    segs = rng.choice(list(CLASSES), n, p=list(CLASSES.values()))
    ready = int(start.timestamp()) + (rng.uniform(0, hours * 3600, n)).astype(np.int64)
    ids = [f"P{seed}-{i:07d}" for i in range(n)]
    return ParcelBatch.from_columns(ids, weight, dims, np.full(n, origin), dests, segs, ready)
