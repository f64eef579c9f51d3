"""Fixtures of the main job's tests (their helpers are in ``pipeline_job``): the corpus, a customs profile,
and the job run once on them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))

from pipeline_job import PROFILE, context_for, make_corpus

from ponte.batch.context import JobContext
from ponte.batch.inputs import Inputs, read_inputs
from ponte.batch.job import run
from ponte.batch.runners import SerialRunner


@pytest.fixture(scope="session")
def profile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("profile") / "profile.yaml"
    path.write_text(yaml.safe_dump(PROFILE, allow_unicode=True), "utf-8")
    return path


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("corpus"), 11, 3000, 2)


@pytest.fixture(scope="session")
def inputs(corpus: Path) -> Inputs:
    return read_inputs([corpus])


@pytest.fixture(scope="session")
def ctx(inputs: Inputs) -> JobContext:
    return context_for(inputs)


@pytest.fixture(scope="session")
def done(inputs: Inputs, ctx: JobContext, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    run(inputs, out, ctx, SerialRunner())
    return out


@pytest.fixture(scope="session")
def device_profile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A profile whose enterprise signs with its e-port card at transmission: the job has no key."""
    path = tmp_path_factory.mktemp("device") / "profile.yaml"
    data = {
        **PROFILE,
        "signing": {"method": "device", "convention": "sm2-practice", "device_url": "ws://127.0.0.1:61232"},
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path
