"""The duties service on SQLite and PostgreSQL: tax registrations, stored orders quoted and frozen,
the API endpoints, and ``ponte quote --batch`` on Ponte's orders dataset."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from orders_factory import LineSpec, OrderSpec, tables
from typer.testing import CliRunner

from factories import order_payload, product_payload
from ponte.cli import app
from ponte.duties import default_rules, service
from ponte.duties.errors import DutiesError
from ponte.kernel.errors import NotFoundError, ValidationError
from ponte.orders.dataset import write_tables


def test_registrations_are_stored_per_tenant(database: Any, tenants: Any) -> None:
    with database.unit_of_work() as uow:
        reg = service.set_registration(uow, tenants.a, "ioss", "im 724 000 0017", date(2021, 7, 1))
    assert reg.number == "IM7240000017"
    with database.unit_of_work() as uow:
        service.set_registration(uow, tenants.a, "ioss", "IM6200000011", date(2021, 7, 1))  # replaces
        assert [r.number for r in service.registrations(uow, tenants.a).registrations] == ["IM6200000011"]
        assert service.registrations(uow, tenants.b).registrations == ()
        assert service.registrations(uow, tenants.a).flags_for("PT", date(2025, 1, 1)).ioss
    with database.unit_of_work() as uow:
        try:
            service.set_registration(uow, tenants.a, "ioss", "IM999", date(2021, 7, 1))
        except ValidationError as exc:
            assert exc.violations[0].rule == DutiesError.IOSS_NUMBER
        else:
            raise AssertionError("a bad IOSS number was stored")
    with database.unit_of_work() as uow:
        assert len(service.registrations(uow, tenants.a).registrations) == 1  # nothing half-written
        service.remove_registration(uow, tenants.a, "ioss", date(2021, 7, 1))
        try:
            service.remove_registration(uow, tenants.a, "ioss", date(2021, 7, 1))
        except NotFoundError:
            pass
        else:
            raise AssertionError("removed twice")


def test_registration_endpoints(api: Any, tenants: Any) -> None:
    h = tenants.headers(tenants.key_a)
    put = api.put("/tax-registrations/cl_sii/2025-10-25", json={"number": "76.086.428-5"}, headers=h)
    assert put.status_code == 200, put.text
    assert put.json() == {
        "scheme": "cl_sii",
        "number": "760864285",
        "valid_from": "2025-10-25",
        "valid_until": None,
    }
    bad = api.put("/tax-registrations/cl_sii/2025-10-25", json={"number": "76.086.428-4"}, headers=h)
    assert bad.status_code == 422 and "rut" in bad.text and "number" in bad.text
    assert [r["scheme"] for r in api.get("/tax-registrations", headers=h).json()] == ["cl_sii"]
    assert api.get("/tax-registrations", headers=tenants.headers(tenants.key_b)).json() == []
    assert api.delete("/tax-registrations/cl_sii/2025-10-25", headers=h).status_code == 204
    assert api.delete("/tax-registrations/cl_sii/2025-10-25", headers=h).status_code == 404


def _dataset(tmp_path: Path) -> Path:
    specs = [
        OrderSpec("o-mx", "MX", "USD", [LineSpec("case", "392690", "100"), LineSpec("wine", "220421", "30")]),
        OrderSpec(
            "o-es", "ES", "EUR", [LineSpec("case", "392690", "100"), LineSpec("cookbook", "490199", "40")]
        ),
        OrderSpec("o-br", "BR", "USD", [LineSpec("case", "392690", "50")], region="BR-SP"),
    ]
    path = tmp_path / "orders.parquet"
    write_tables(tables(specs), path)
    return path


def test_cli_quotes_ponte_orders_dataset(tmp_path: Path) -> None:
    path = _dataset(tmp_path)
    out = tmp_path / "quotes.parquet"
    result = CliRunner().invoke(app, ["quote", "--batch", str(path), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["format"] == "dataset" and summary["orders"] == 3 and summary["blocked"] == 1
    got = {r["order_id"]: r for r in pq.read_table(out).to_pylist()}
    assert got["o-mx"]["status"] == "blocked"
    assert got["o-es"]["total_tax"] == "22.60"  # no IOSS here: import VAT at the border, same rates
    assert (
        got["o-br"]["path"] == "fast" and got["o-br"]["total_tax"] == "46.39"
    )  # 60% = 30.00, ICMS 80 / 0.83 × 0.17 = 16.39
    lines = pq.read_table(tmp_path / "quotes.lines.parquet").to_pylist()
    assert {(r["order_id"], r["line_no"], r["kind"]) for r in lines} >= {
        ("o-es", 2, "vat"),
        ("o-br", 1, "icms"),
    }


def test_cli_batch_bad_files_exit_2_naming_file_field_and_rule(tmp_path: Path) -> None:
    path = _dataset(tmp_path)
    (tmp_path / "orders.lines.parquet").write_bytes(b"not parquet at all")
    result = CliRunner().invoke(app, ["quote", "--batch", str(path)])
    assert result.exit_code == 2
    assert "orders.lines.parquet" in result.output and "parquet" in result.output
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    result = CliRunner().invoke(app, ["quote", "--batch", str(wrong)])
    assert result.exit_code == 2 and "wrong.csv" in result.output and "required-columns" in result.output
    missing = CliRunner().invoke(app, ["quote", "--batch", str(tmp_path / "nope.parquet")])
    assert missing.exit_code == 2 and "readable" in missing.output


def test_stored_order_quote_is_frozen_with_the_tenant_registrations(
    api: Any, tenants: Any, database: Any
) -> None:
    h = tenants.headers(tenants.key_a)
    assert api.post("/products", json=product_payload(), headers=h).status_code == 201
    placed = api.post("/orders", json=order_payload(), headers=h)
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]
    at = datetime(2026, 1, 5, tzinfo=UTC)
    rules = default_rules()
    with database.unit_of_work() as uow:
        plain = service.quote_stored_order(uow, tenants.a, order_id, rules=rules, fx=None, quoted_at=at)
        service.set_registration(uow, tenants.a, "remessa_conforme", "11.222.333/0001-81", date(2023, 8, 1))
    with database.unit_of_work() as uow:
        certified = service.quote_stored_order(uow, tenants.a, order_id, rules=rules, fx=None, quoted_at=at)
    assert plain.data["request"]["seller"]["remessa_conforme"] is False
    assert certified.data["request"]["seller"]["remessa_conforme"] is True
    assert plain.data["response"]["treatment"] == "rts_general"
    assert certified.data["response"]["treatment"] == "rts_remessa_conforme_low_band"
    assert certified.data["request"]["items"][0]["hs_code"] == "330410"
    assert certified.data["request"]["items"][0]["category"] == "makeup"
    assert certified.status == "allowed" and certified.data["rules"]["digest"] == rules.digest
    with database.unit_of_work() as uow:
        try:
            service.quote_stored_order(uow, tenants.b, order_id, rules=rules, fx=None, quoted_at=at)
        except NotFoundError:
            pass
        else:
            raise AssertionError("another tenant's order was quoted")
