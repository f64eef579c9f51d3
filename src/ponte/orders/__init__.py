"""Orders: intake, validation and their lifecycle."""
