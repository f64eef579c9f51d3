"""The analytics tests' corpus, once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from analytics_corpus import Corpus, make_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    c = make_corpus(tmp_path_factory.mktemp("corpus"))
    yield c
    c.database.dispose()
