import pytest

from ponte.kernel.errors import ValidationError
from ponte.reference import hs


def test_hs2022_counts_without_placeholders():
    assert len(hs.sections()) == 21
    chapters = [c.code for c in hs.chapters()]
    assert len(chapters) == 96 and "77" not in chapters and "99" not in chapters
    assert len(hs.subheadings()) == 5612
    assert hs.lookup("8524").level == 4  # new in HS 2022


def test_hs_lookup_validation_and_hierarchy():
    assert hs.validate_hs6("8507.60") == "850760"
    assert [e.code for e in hs.hierarchy("850760")] == ["85", "8507", "850760"]
    assert {e.code for e in hs.children("0809")} >= {"080921", "080929"}
    for bad, rule in [("85076", "hs6-format"), ("85076000", "hs6-format"), ("999999", "hs-exists")]:
        with pytest.raises(ValidationError) as err:
            hs.validate_hs6(bad, field="lines/0/hs_code")
        assert err.value.rule == rule and err.value.field == "lines/0/hs_code"


def test_hs_labels_cover_every_section_and_chapter_in_three_languages():
    for lang in ("zh-CN", "pt-BR", "es"):
        for s in hs.sections():
            assert hs.label(s.numeral, lang)
        for c in hs.chapters():
            assert hs.label(c.code, lang)
    assert hs.label("08", "zh") == "食用水果及坚果"
    assert hs.label("080921", "es") == "Frutas y frutos secos comestibles"
    assert hs.label("09", "en").startswith("Coffee")
    assert hs.search("cherries")[0].code.startswith("0809")
