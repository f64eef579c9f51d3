"""Tenants, users, memberships, roles and their scopes, API keys."""
