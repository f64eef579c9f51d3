"""How the job's tasks run: in this process, in a pool of processes (every core), or on a Dask distributed
cluster. Each runner is given the context once (a process pool's initializer, a cluster's broadcast) and runs
the same task functions of ``ponte.batch.tasks``."""

from __future__ import annotations

from ponte.batch.runners.base import Runner
from ponte.batch.runners.local import PoolRunner, SerialRunner

__all__ = ["PoolRunner", "Runner", "SerialRunner"]
