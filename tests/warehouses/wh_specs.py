"""Warehouses the tests use: São Paulo (9810) and a bonded one in Shenzhen (1210), and a clock that moves."""

from __future__ import annotations

from datetime import UTC, datetime, time

from ponte.kernel.clock import FixedClock
from ponte.warehouses.core import WarehouseSpec

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


class MovableClock(FixedClock):
    def move(self, at: datetime) -> None:
        self.at = at


def sao_paulo(code: str = "GRU-1") -> WarehouseSpec:
    return WarehouseSpec(
        code=code,
        name="São Paulo overseas warehouse",
        operator="Armazém Ponte Ltda",
        country="BR",
        address={
            "line1": "Rod. Hélio Smidt s/n",
            "city": "Guarulhos",
            "region": "BR-SP",
            "postal_code": "07190-100",
        },
        time_zone="America/Sao_Paulo",
        currency="BRL",
        bonded=False,
        trade_mode="9810",
        cut_off_local=time(14, 0),
        handling_days=1,
        temperature_zones=("ambient", "chilled"),
    )


def bonded_china(code: str = "SZX-B1") -> WarehouseSpec:
    return WarehouseSpec(
        code=code,
        name="Qianhai bonded warehouse",
        operator="Qianhai Bonded Logistics",
        country="CN",
        address={
            "line1": "Qianhai Bonded Port Zone",
            "city": "Shenzhen",
            "region": "CN-GD",
            "postal_code": "518000",
        },
        time_zone="Asia/Shanghai",
        currency="CNY",
        bonded=True,
        trade_mode="1210",
        cut_off_local=time(16, 0),
        handling_days=1,
        temperature_zones=("ambient", "chilled", "frozen"),
    )
