"""The API's subcommand: `token` (API tokens; a Django management command)."""
