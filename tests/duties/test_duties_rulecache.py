"""The compiled rule set: the same rules as the YAML files, rebuilt when a file changes, harmless when
the cache folder cannot be written or holds something else."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ponte.duties import rulecache, rulefile
from ponte.duties.params import RULES_DIR, load_rules
from ponte.duties.ruleset import Rules


def _text(value: object) -> object:
    """A value as text, exactly (0.60 and 0.6 differ), sets and tables in order."""
    if isinstance(value, frozenset):
        return ("codes", *sorted(value))
    if isinstance(value, dict):
        return ("table", *sorted((k, str(v)) for k, v in value.items()))
    return (type(value).__name__, str(value))


def _exact(rules: Rules) -> dict[str, tuple[object, ...]]:
    """Every parameter with every field of its values and references."""
    return {
        name: (
            p.description,
            p.unit,
            p.currency,
            p.open,
            p.note,
            tuple((start, _text(value), ref) for start, value, ref in p.values),
        )
        for name, p in rules.parameters.items()
    }


def _copy_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(RULES_DIR, root)
    return root


def test_the_compiled_rules_are_the_parsed_rules(tmp_path: Path) -> None:
    parsed = load_rules()
    compiled_first = load_rules(cache_dir=tmp_path)  # parses, then writes the compiled copy
    compiled = load_rules(cache_dir=tmp_path)  # reads the compiled copy
    assert rulecache.path_for(tmp_path, parsed.digest).is_file()
    assert compiled.digest == compiled_first.digest == parsed.digest
    assert _exact(compiled) == _exact(parsed)
    assert compiled.files == parsed.files
    # the values keep their kinds: rates as exact decimals, code lists as sets, dates as dates
    for p in compiled.parameters.values():
        for start, value, ref in p.values:
            assert isinstance(start, date) and isinstance(ref.date, date)
            if value is not None and p.unit in ("/1", "currency"):
                assert isinstance(value, Decimal)
            if value is not None and p.unit == "codes":
                assert isinstance(value, frozenset)
    assert compiled.at("br.rts.ii_rate_general", date(2025, 7, 24)) == parsed.at(
        "br.rts.ii_rate_general", date(2025, 7, 24)
    )


def test_a_current_compiled_copy_is_read_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _exact(load_rules(cache_dir=tmp_path))

    def refuse(path: Path, rules: Rules) -> None:
        raise AssertionError(f"{path} parsed although its compiled copy is current")

    monkeypatch.setattr(rulefile, "load_file", refuse)
    assert _exact(load_rules(cache_dir=tmp_path)) == expected


def test_a_changed_rule_file_is_parsed_again(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    cache = tmp_path / "cache"
    before = load_rules(root, cache_dir=cache)
    rts = root / "br" / "rts.yaml"
    text = rts.read_text("utf-8")
    assert 'value: "0.60"' in text
    rts.write_text(text.replace('value: "0.60"', 'value: "0.61"', 1), "utf-8")
    after = load_rules(root, cache_dir=cache)
    assert after.digest != before.digest
    assert after.digest == load_rules(root).digest
    assert _exact(after) == _exact(load_rules(root))
    assert _exact(after) != _exact(before)
    assert len(list(cache.glob("rules-*.marshal"))) == 2


def test_a_cache_folder_that_cannot_be_written_only_costs_the_parse(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    rules = load_rules(cache_dir=blocker / "ponte")
    assert _exact(rules) == _exact(load_rules())
    assert blocker.read_text() == "a file where the cache folder would be"
    assert not list(tmp_path.glob("**/.rules-*.tmp"))


@pytest.mark.parametrize(
    "content",
    [b"", b"not marshal data", rulecache.encode(Rules(digest="another-digest"))[:-3], b"\x00" * 64],
    ids=["empty", "garbage", "truncated", "zeros"],
)
def test_an_unreadable_compiled_copy_is_rebuilt(tmp_path: Path, content: bytes) -> None:
    digest = load_rules().digest
    target = rulecache.path_for(tmp_path, digest)
    target.write_bytes(content)
    rules = load_rules(cache_dir=tmp_path)
    assert _exact(rules) == _exact(load_rules())
    assert rulecache.decode(target.read_bytes(), digest) is not None  # rewritten whole


def test_a_compiled_copy_of_other_files_is_not_taken(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    (root / "br" / "rts.yaml").write_text(
        (root / "br" / "rts.yaml").read_text("utf-8").replace('value: "0.60"', 'value: "0.61"', 1), "utf-8"
    )
    other = load_rules(root)
    shipped = load_rules()
    # the other rule set's compiled copy under the shipped rules' name: its stored digest gives it away
    rulecache.path_for(tmp_path, shipped.digest).write_bytes(rulecache.encode(other))
    assert _exact(load_rules(cache_dir=tmp_path)) == _exact(shipped)
