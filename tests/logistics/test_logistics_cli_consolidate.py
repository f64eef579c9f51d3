import json

from typer.testing import CliRunner

from ponte.cli import app

CSV = """id,weight_kg,length_cm,width_cm,height_cm,origin,destination,ready_at,segregation,shipper
a1,0.8,30,20,10,CAN,GRU,2026-03-02T08:00:00+08:00,GEN,s1
a2,1.2,40,30,10,CAN,GRU,2026-03-02T09:00:00+08:00,ELI,s2
a3,0.5,20,20,10,CAN,LIM,2026-03-02T09:00:00+08:00,GEN,s1
"""


def test_consolidate_json(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(CSV)
    result = CliRunner().invoke(app, ["consolidate", str(path), "--json", "--awb-stock", "784:1000-1100"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["placed"] == 2 and plan["unplaced_by_reason"] == {"no-flight-to-destination": 1}
    assert plan["flight_loads"][0]["mawb"].startswith("784-")
    assert plan["gap"]["ulds"] == 0


def test_consolidate_bad_airport(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(CSV.replace("LIM", "QQQ"))
    result = CliRunner().invoke(app, ["consolidate", str(path)])
    assert result.exit_code != 0
    assert "parcels[2].destination" in str(result.exception) + result.output
