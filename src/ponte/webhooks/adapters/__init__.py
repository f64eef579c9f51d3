"""The webhooks' transports (HTTP)."""
