"""Build the shipped index: ``python -m ponte.classify.build`` encodes every HS text and example title
and writes ``src/ponte/classify/data/index.npz`` (run it after changing examples.csv or the model)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ponte.classify.core import Classifier
from ponte.classify.encoder import UseEncoder
from ponte.classify.knowledge import load_knowledge

TARGET = Path(__file__).parent / "data" / "index.npz"


def main() -> None:
    started = time.perf_counter()
    classifier = Classifier(load_knowledge(), UseEncoder(), index=None)
    classifier.index.save(str(TARGET))
    sys.stdout.write(
        f"{TARGET}: {len(classifier.knowledge.texts())} texts in {time.perf_counter() - started:.0f} s\n"
    )


if __name__ == "__main__":
    main()
