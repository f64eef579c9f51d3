"""HTTP adapter: FastAPI application and one router per capability."""
