"""Shared infrastructure: settings, logging, the database engine and unit of work, column types, crypto,
pagination and the migration environment. It knows no capability."""
