import logging

from ponte.platform.logging import MaskingFormatter, mask_text


def test_personal_data_is_masked_before_it_is_written() -> None:
    text = "buyer maria@example.com.br phone +55 11 91234-5678 cpf 529.982.247-25 rg 110101199003074578 key pk_ab12_secret"
    masked = mask_text(text)
    for secret in ("maria@", "91234", "529.982", "110101199003074578", "pk_ab12_secret"):
        assert secret not in masked


def test_timestamps_and_amounts_survive_masking() -> None:
    record = logging.LogRecord(
        "ponte", logging.INFO, __file__, 1, "order SO-1 total 1234.50 at %s", ("2026-11-11",), None
    )
    line = MaskingFormatter(as_json=False).format(record)
    assert "2026-11-11" in line and "1234.50" in line and "<" not in line.split("INFO")[0]
