"""Collect tests/duties/cases/*.yaml: each case is a request and its exact expected quote.

A case::

    - name: what it shows
      input: {...quote request...}
      expect:
        regime: br.rts
        treatment: rts_remessa_conforme_low_band
        dutiable_value: "50.00"
        lines:                      # "kind rate base amount" ("-" for no rate), in order
          - duty 0.20 50.00 10.00
        total_tax: "22.29"
        allowed: true
        complete: true
      error: {field: /date, rule: rule-in-force}   # instead of expect
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from ponte.duties import default_rules, parse_request, quote
from ponte.kernel.errors import PonteError

sys.path.append(str(Path(__file__).parent))  # orders_factory (appended: never shadows another conftest)


def pytest_collect_file(parent: pytest.Collector, file_path: Any) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.parent.name == "cases":
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self) -> Any:
        cases = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        for case in cases:
            yield CaseItem.from_parent(self, name=case["name"], case=case)


def _line(ln: dict[str, Any]) -> str:
    return f"{ln['kind']} {ln['rate'] if ln['rate'] is not None else '-'} {ln['base']} {ln['amount']}"


class CaseItem(pytest.Item):
    def __init__(self, *, case: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        case = self.case
        if "error" in case:
            with pytest.raises(PonteError) as info:
                quote(parse_request(case["input"]), default_rules())
            fields = {(v.field, v.rule) for v in info.value.violations}
            want = (case["error"]["field"], case["error"]["rule"])
            assert want in fields, f"expected {want}, got {fields}"
            return
        got = quote(parse_request(case["input"]), default_rules()).as_dict()
        exp = case["expect"]
        actual: dict[str, Any] = {}
        for key in exp:
            if key == "lines":
                actual[key] = [_line(ln) for ln in got["lines"]]
            elif key in ("total_tax", "landed_cost"):
                actual[key] = got[key]["amount"]
            elif key == "dutiable_value":
                actual[key] = got["dutiable_value"]["amount"]
            elif key in ("allowed", "complete", "status"):
                actual[key] = got["verdict"][key]
            elif key == "reasons":
                actual[key] = sorted({r["code"] for r in got["verdict"]["reasons"] if r["blocking"]})
            else:
                actual[key] = got[key]
        want = {k: (sorted(v) if k == "reasons" else v) for k, v in exp.items()}
        if actual != want:
            raise CaseMismatch(want, actual)
        if got["total_tax"]["amount"] is None:  # a blocked quote carries no total to pay
            assert got["verdict"]["status"] == "blocked" and got["landed_cost"]["amount"] is None
            return
        total = sum((Decimal(ln["amount"]) for ln in got["lines"]), Decimal(0))
        assert total == Decimal(got["total_tax"]["amount"])

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, CaseMismatch):
            want, got = excinfo.value.args
            diff = [
                f"  {k}: expected {want[k]!r}\n  {' ' * len(k)}  got      {got.get(k)!r}"
                for k in want
                if want[k] != got.get(k)
            ]
            return f"case {self.name!r} differs:\n" + "\n".join(diff)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, 0, f"case: {self.name}"


class CaseMismatch(Exception):
    pass
