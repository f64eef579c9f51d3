"""The console (Jinja2 + htmx pages at /)."""
