from datetime import date

from sqlalchemy import func, select

from ponte.accounts.store import ApiKeyRepository
from ponte.orders.store import Buyer, Order, OrderLine, OrderRepository
from ponte.platform.db import Database
from ponte.simulate.core import simulate
from ponte.simulate.load import load_corpus


def test_corpus_loads_whole_and_every_key_sees_only_its_tenant(database: Database) -> None:
    tables = simulate(11, 150, date(2026, 9, 1), 10, 3)
    loaded = load_corpus(database, tables, slug_prefix="t")
    assert loaded.counts["orders"] == 150
    assert loaded.counts["order_lines"] == tables.lines.num_rows
    with database.unit_of_work() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(Order)) == 150
        assert s.scalar(select(func.count()).select_from(OrderLine)) == tables.lines.num_rows
        buyer = s.scalars(select(Buyer)).first()
        assert (
            buyer is not None
            and buyer.tax_id
            == tables.buyers.column("tax_id")[tables.buyers.column("id").to_pylist().index(buyer.id)].as_py()
        )
        total = 0
        for slug in ("t-001", "t-002", "t-003"):
            principal = ApiKeyRepository(s).authenticate(loaded.keys[slug])
            assert principal is not None
            own = OrderRepository(s, principal.tenant_id).page(None, 500).items
            assert all(o.tenant_id == principal.tenant_id for o in own)
            total += len(own)
        assert total == 150
