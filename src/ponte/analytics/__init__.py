"""The corridor's figures: metric definitions (core), their SQL (sql), where it runs (store), the use cases (service)."""
