"""A purchase repeated with its Idempotency-Key but another buyer, quantity or offer is refused naming the key
(never answered with the first reservation)."""

from __future__ import annotations

from test_live_api import _offer


def test_a_reused_key_with_another_purchase_is_refused(api, tenants, stage) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    offer = _offer(api, stage, h, quantity_cap=50, per_buyer_limit=3).json()
    other = _offer(api, stage, h, quantity_cap=50, per_buyer_limit=3).json()
    url = f"/live/offers/{offer['id']}/purchases"
    key = {**h, "Idempotency-Key": "k-1"}
    first = api.post(url, json={"buyer_ref": "viewer-1", "quantity": 1}, headers=key)
    assert first.status_code == 201
    again = api.post(url, json={"buyer_ref": "viewer-1", "quantity": 1}, headers=key)
    assert again.status_code == 201 and again.json()["reservation_id"] == first.json()["reservation_id"]
    for changed_url, body in [
        (url, {"buyer_ref": "viewer-2", "quantity": 1}),
        (url, {"buyer_ref": "viewer-1", "quantity": 2}),
        (f"/live/offers/{other['id']}/purchases", {"buyer_ref": "viewer-1", "quantity": 1}),
    ]:
        refused = api.post(changed_url, json=body, headers=key)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["errors"][0]["field"] == "Idempotency-Key"
    recon = api.get(f"/live/offers/{offer['id']}/reconciliation", headers=h).json()
    assert recon["held"] == 1 and recon["balanced"]
