"""Killed with SIGKILL at random points and started again, the job ends with exactly the files of a clean run;
on a Dask cluster (a local one started here) it writes exactly the files of the local run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pipeline_job import ROOT, context_for, credentials, make_corpus, output_files, stock_args

from ponte.batch.inputs import read_inputs
from ponte.batch.job import run
from ponte.batch.runners import PoolRunner, SerialRunner


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("small"), 21, 900, 2)


@pytest.fixture(scope="module")
def clean(small: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("clean")
    inputs = read_inputs([small])
    run(inputs, out, context_for(inputs), SerialRunner())
    return output_files(out)


def test_a_pool_of_processes_writes_the_files_of_one_process(
    small: Path, clean: dict[str, bytes], tmp_path: Path
) -> None:
    inputs = read_inputs([small])
    run(inputs, tmp_path, context_for(inputs), PoolRunner(2))
    assert output_files(tmp_path) == clean


def _markers(out: Path) -> int:
    """How many partitions the job has stored (their markers are written last)."""
    return sum(1 for _ in (out / "done").rglob("*.json")) if (out / "done").is_dir() else 0


def test_killed_several_times_then_resumed_gives_the_clean_files(
    small: Path, clean: dict[str, bytes], profile_file: Path, tmp_path: Path
) -> None:
    key, cert = credentials()  # the same throw-away key the clean run signed with
    (tmp_path / "key.pem").write_bytes(key)
    (tmp_path / "cert.pem").write_bytes(cert)
    out = tmp_path / "out"
    cmd = [
        sys.executable, "-m", "ponte", "process", str(small), "--out", str(out), "--profile", str(profile_file),
        *stock_args(), "--key", str(tmp_path / "key.pem"), "--cert", str(tmp_path / "cert.pem"),
        "--engine", "processes", "--workers", "2", "--json",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    rng = random.Random(7)
    kills = 0
    for _ in range(6):  # each run killed soon after it stored a partition, wherever the job then is
        before = _markers(out)
        proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        while proc.poll() is None and _markers(out) <= before:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.4))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the job and its workers, at once
            kills += 1
        proc.wait()
        if kills >= 3:
            break
    assert kills >= 2
    done = subprocess.run(cmd, env=env, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert output_files(out) == clean


def test_a_dask_cluster_writes_the_files_of_the_local_run(
    small: Path, clean: dict[str, bytes], tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    from ponte.batch.runners.dask import DaskRunner

    inputs = read_inputs([small])
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        run(inputs, tmp_path, context_for(inputs), DaskRunner(client))
    assert output_files(tmp_path) == clean
