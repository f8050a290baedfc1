"""Django's SQLite backend, creating the database's folder on first connection.

Settings name this package as the ENGINE for the default local database, so that commands
that never open the database (validate, summary, help) do not create ./var.
"""
