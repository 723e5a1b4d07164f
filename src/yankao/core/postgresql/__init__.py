"""Django's PostgreSQL backend, with the connection health check skipped while a
connection is known to be good (see `base.DatabaseWrapper`)."""
