"""The catalogue: multilingual texts with visible fallback, CSV in and out, HS heading suggestions."""
