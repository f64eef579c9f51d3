"""Tenant A's data is invisible and untouchable to tenant B through every endpoint.

The test walks the OpenAPI document, so an endpoint added later is covered
without editing this file: every id that A can see is tried by B on every
templated path and method, and every list B can read is searched for A's ids.
"""

import re

from factories import order_payload, product_payload

ID = re.compile(r"\b[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}\b")


def _a_ids(api, headers, spec) -> set[str]:  # type: ignore[no-untyped-def]
    ids: set[str] = set()
    for path, ops in spec["paths"].items():
        if "{" not in path and "get" in ops and not path.startswith("/reference"):
            ids |= set(ID.findall(api.get(path, headers=headers).text))
    return ids


def test_tenant_b_cannot_see_or_touch_anything_of_tenant_a(api, tenants) -> None:  # type: ignore[no-untyped-def]
    a, b = tenants.headers(tenants.key_a), tenants.headers(tenants.key_b)
    assert api.post("/products", json=product_payload(), headers=a).status_code == 201
    assert api.post("/orders", json=order_payload(), headers=a).status_code == 201
    spec = api.get("/openapi.json").json()
    a_ids = _a_ids(api, a, spec) - {tenants.a, tenants.b, tenants.operator}
    assert any(i.startswith("ord_") for i in a_ids) and any(i.startswith("prd_") for i in a_ids)

    checked = 0
    for path, ops in spec["paths"].items():
        for method in ops:
            if "{" not in path:
                if method == "get":
                    body = api.get(path, headers=b).text
                    assert not (set(ID.findall(body)) & a_ids), f"GET {path} leaks tenant A's ids to B"
                    checked += 1
                continue
            for a_id in a_ids:
                url = re.sub(r"\{[^}]+\}", a_id, path)
                response = api.request(method.upper(), url, headers=b, json={})
                assert response.status_code in (403, 404, 422), (
                    f"{method.upper()} {url} -> {response.status_code}"
                )
                leaked = (set(ID.findall(response.text)) - {a_id}) & a_ids  # echoing the input is no leak
                assert not leaked, f"{method.upper()} {url} leaks {leaked}"
                checked += 1
    assert checked > 5
    # B ordering A's SKU finds no such SKU in its own catalogue
    response = api.post("/orders", json=order_payload("B-1"), headers=b)
    assert response.status_code == 422 and response.json()["errors"][0]["rule"] == "known-sku"
