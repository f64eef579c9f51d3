"""The logistics capability's persistence: tables (``tables``) and repositories (``repository``)."""
