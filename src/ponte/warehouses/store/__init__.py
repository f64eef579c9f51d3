"""The warehouses' tables and SQL."""
