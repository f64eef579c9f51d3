from decimal import Decimal

import pytest

from ponte.kernel.errors import ValidationError
from ponte.logistics.rating import (
    DIVISOR_EXPRESS,
    Piece,
    RateCard,
    chargeable_weight,
    load_rate_cards,
    rate,
    round_up_half_kg,
)


def D(x):
    return Decimal(x)


@pytest.mark.parametrize(
    ("kg", "expected"), [("0.1", "0.5"), ("0.5", "0.5"), ("0.6", "1.0"), ("10.01", "10.5"), ("12", "12")]
)
def test_round_up_half(kg, expected):
    assert round_up_half_kg(D(kg)) == D(expected)


def test_volumetric_beats_gross():
    # 60 x 50 x 40 cm = 120,000 cm3 -> 20 kg at 6000, 24 kg at 5000
    piece = Piece.of("8", "60", "50", "40")
    cw = chargeable_weight([piece])
    assert cw.volumetric_kg == 20 and cw.chargeable_kg == 20 and cw.basis == "volume"
    assert chargeable_weight([piece], DIVISOR_EXPRESS).chargeable_kg == 24
    # dimensions: half a centimetre or more rounds up
    assert Piece.of("1", "10.5", "10.4", "10").volume_cm3() == 11 * 10 * 10


def test_per_piece_rounding_differs_from_total():
    pieces = [Piece.of("1.1", "10", "10", "10")] * 3
    assert chargeable_weight(pieces).chargeable_kg == D("3.5")
    assert chargeable_weight(pieces, DIVISOR_EXPRESS, per_piece=True).chargeable_kg == D("4.5")


@pytest.mark.parametrize("bad", ["0", "-1"])
def test_bad_weight(bad):
    with pytest.raises(ValidationError) as exc:
        Piece.of(bad, "1", "1", "1")
    assert exc.value.field == "piece.gross_kg" and exc.value.rule == "positive"


def _pvg_hkg():
    return next(c for c in load_rate_cards() if c.lane == "PVG-HKG")


def test_higher_break_cheaper_worked_example():
    # 30 kg x 16.00 = 480 > 45 kg x 9.00 = 405: charge at the +45 break, class Q
    line = rate(_pvg_hkg(), chargeable_weight([Piece.of("30", "10", "10", "10")]))
    assert line.rate_class == "Q"
    assert line.chargeable_kg == 45
    assert line.weight_charge.amount == D("405.00") and line.weight_charge.currency == "CNY"


def test_normal_and_minimum():
    card = _pvg_hkg()
    line = rate(card, chargeable_weight([Piece.of("20", "10", "10", "10")]))
    assert (line.rate_class, line.weight_charge.amount) == ("N", D("320.00"))
    line = rate(card, chargeable_weight([Piece.of("5", "10", "10", "10")]))
    assert (line.rate_class, line.weight_charge.amount) == ("M", D("200.00"))


def test_surcharges_and_quantity():
    card = next(c for c in load_rate_cards() if c.lane == "CAN-GRU")
    cw = chargeable_weight([Piece.of("150", "100", "100", "100")])  # 166.67 vol -> 167 kg
    assert cw.chargeable_kg == D("167.0")
    line = rate(card, cw)
    assert line.rate_class == "Q" and line.rate == D("6.90")
    assert line.weight_charge.amount == D("1152.30")
    assert dict(line.surcharges)["MY"].amount == D("183.70")
    assert dict(line.surcharges)["SC"].amount == D("22.50")
    assert line.total.amount == D("1358.50")


def test_bad_card():
    with pytest.raises(ValidationError):
        RateCard("CAN", "GRU", "784", "XXX", D(1), D(1), {45: D(1)})
