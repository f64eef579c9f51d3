import json
from datetime import UTC, datetime

from typer.testing import CliRunner

from ponte import schema
from ponte.cli import app

CSV = """subject,id,code,at,location,source
parcel,P1,RCS,2026-03-03T10:00:00+08:00,CAN,carrier
awb,784-83707805,DEP,2026-03-03T16:00:00Z,CAN,carrier
parcel,P1,DIS,2026-03-03T03:00:00Z,CAN,customs
parcel,P2,RCS,2026-03-03T04:00:00Z,CAN,carrier
"""


def test_track_from_csv(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(CSV)
    result = CliRunner().invoke(app, ["track", "P1", "--events", str(path), "--json"])
    assert result.exit_code == 0, result.output
    t = json.loads(result.output)
    assert [(e["code"], e["source"]) for e in t["events"]] == [("RCS", "carrier"), ("DIS", "customs")]
    assert t["events"][0]["at"] == "2026-03-03T02:00:00+00:00"
    result = CliRunner().invoke(app, ["track", "78483707805", "--events", str(path)])
    assert result.exit_code == 0 and "DEP" in result.output


def test_track_bad_input_exits_2_naming_the_field(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(CSV + "parcel,P1,RCS,2026-03-03T01:00:00Z,CAN,carrier\n")
    result = CliRunner().invoke(app, ["track", "P1", "--events", str(path)])
    assert result.exit_code == 2 and "events[4].at" in result.output and "event-order" in result.output
    path.write_text(CSV.replace("784-83707805", "784-83707806"))
    result = CliRunner().invoke(app, ["track", "P1", "--events", str(path)])
    assert result.exit_code == 2 and "events[1].id" in result.output
    path.write_text(CSV.replace(",CAN,customs", ",QQQ,customs"))
    result = CliRunner().invoke(app, ["track", "P1", "--events", str(path)])
    assert result.exit_code == 2 and "events[2].location" in result.output
    result = CliRunner().invoke(app, ["track", "P1"])
    assert result.exit_code == 2 and "tenant" in result.output


def test_track_from_database(tmp_path, monkeypatch):
    from ponte import bootstrap
    from ponte.accounts.store import TenantRepository
    from ponte.logistics import service
    from ponte.platform.db import Database

    url = f"sqlite:///{tmp_path / 'p.db'}"
    db = Database(url)
    schema.create_all(db.engine)
    at = datetime(2026, 3, 3, 2, tzinfo=UTC)
    with db.unit_of_work() as uow:
        t = TenantRepository(uow.session).add("Beleza", "beleza", "seller", "CN")
        row = {"subject": "parcel", "id": "P9", "code": "RCS", "at": at, "location": "CAN"}
        assert service.record_events(uow, t.id, [row], at).as_dict()["recorded"] == 1
        uow.commit()
    db.dispose()
    monkeypatch.setenv("PONTE_DATABASE_URL", url)
    bootstrap.reset()
    try:
        result = CliRunner().invoke(app, ["track", "P9", "--tenant", "beleza", "--json"])
        assert result.exit_code == 0, result.output
        assert [e["code"] for e in json.loads(result.output)["events"]] == ["RCS"]
        result = CliRunner().invoke(app, ["track", "P8", "--tenant", "beleza"])
        assert result.exit_code == 2 and "not found" in result.output
    finally:
        bootstrap.reset()
