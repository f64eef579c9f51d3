"""Air logistics' persistence: AWB stock, shipments, tracking records and webhook subscriptions."""
