"""Live selling's persistence: tables, the repository, the flash-sale stock SQL and its PostgreSQL batcher."""
