"""The order's journey: one flow from a stored order to delivery, every step stored, linked and the same
for the API, the console, the CLI and the batch."""
