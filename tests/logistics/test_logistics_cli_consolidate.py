import json
from decimal import Decimal

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


def test_a_bad_row_is_rejected_and_the_others_planned(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(CSV.replace("LIM", "QQQ").replace("a2,1.2,", "a2,1e400,"))
    result = CliRunner().invoke(app, ["consolidate", str(path), "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert {(r["field"], r["rule"]) for r in plan["rejected"]} == {
        ("parcels[2].destination", "iata-airport"),
        ("parcels[1].weight_kg", "required"),
    }
    assert plan["placed"] == 1 and [a["parcel"] for a in plan["assignments"]] == ["a1"]


def test_a_file_without_a_required_column_exits_2_naming_it(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(CSV.replace("weight_kg,", "weight,"))
    result = CliRunner().invoke(app, ["consolidate", str(path)])
    assert result.exit_code == 2 and "weight_kg" in result.output and "columns" in result.output
    binary = tmp_path / "b.parquet"
    binary.write_bytes(b"\x00\x01not parquet")
    result = CliRunner().invoke(app, ["consolidate", str(binary), "--json"])
    assert result.exit_code == 2 and "b.parquet" in result.output


def test_consolidate_reads_pontes_orders_dataset(tmp_path):
    """`ponte simulate --out o.parquet && ponte consolidate o.parquet --json`: every air order becomes its
    parcel through parcel_for; the plan names, per order, its parcel, bag, ULD, flight, house and master."""
    out = tmp_path / "o.parquet"
    made = CliRunner().invoke(app, ["simulate", "--orders", "300", "--days", "3", "--out", str(out)])
    assert made.exit_code == 0, made.output
    carriers = ("784", "999", "160", "675", "071", "075", "996", "047", "157")
    stock = [arg for c in carriers for arg in ("--awb-stock", f"{c}:1000-1999")]
    result = CliRunner().invoke(app, ["consolidate", str(out), "--json", *stock])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["schema"] == "ponte.consolidation/1" and plan["placed"] > 0
    for a in plan["assignments"]:
        assert a["order"] and a["parcel"] == f"{a['order']}-P1" and a["uld"] and a["flight"] and a["house"]
        assert a["master"] and a["master"][:3] in carriers and a["carrier"] == a["master"][:3]
        assert a["leg"].startswith(a["flight"] + "/") and Decimal(a["gross_kg"]) > Decimal(a["net_kg"]) > 0
    masters = {lot["master"] for lot in plan["lots"]}
    assert {a["master"] for a in plan["assignments"]} == masters and len(masters) == len(plan["lots"])
    houses = [h["house"] for lot in plan["lots"] for h in lot["houses"]]
    assert len(houses) == len(set(houses)) and {a["house"] for a in plan["assignments"]} == set(houses)
    # orders that are not air parcels, or cannot be packed, are listed with their rule, never dropped
    accounted = (
        len(plan["assignments"])
        + len(plan["unplaced_parcels"])
        + len({r["parcel"] for r in plan["rejected"]})
    )
    assert accounted == 300
    assert {r["rule"] for r in plan["rejected"]} <= {"not-an-air-parcel", "no-lane"}
    # what `ponte declare --plan` reads of it: each order's parcel weights and its waybill
    from ponte.customs.service import read_plan

    (tmp_path / "plan.json").write_text(result.output)
    entries = read_plan(tmp_path / "plan.json")
    for a in plan["assignments"]:
        e = entries[a["order"]]
        assert e.waybill is not None and e.parcel is not None and not e.problems
        assert (e.waybill.master, e.waybill.house, e.waybill.flight) == (a["master"], a["house"], a["flight"])
        assert str(e.parcel.gross.kg) == a["gross_kg"]
    out_file = tmp_path / "plan.parquet"
    result = CliRunner().invoke(app, ["consolidate", str(out), "--out", str(out_file), *stock])
    assert result.exit_code == 0 and out_file.is_file()
    import pyarrow.parquet as pq

    written = pq.read_table(out_file).to_pylist()
    assert written == [{k: a[k] for k in written[0]} for a in plan["assignments"]]
