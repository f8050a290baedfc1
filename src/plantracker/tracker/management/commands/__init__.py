"""plantracker's subcommands, one module per command (Django management commands)."""
