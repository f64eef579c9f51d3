"""The accounts\x27 transports: mail."""
