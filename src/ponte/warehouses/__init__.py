"""Overseas and bonded warehouses: locations, lots, the stock ledger, inbound legs, outbound, replenishment."""
