"""Modules of console pages; each exposes `router` and registers its menu entries."""
