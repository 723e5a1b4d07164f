"""Django's PostgreSQL backend with a window in which the health check is skipped.

With CONN_HEALTH_CHECKS, Django asks a kept connection `SELECT 1` before the first
query of every request: one round trip more for every API call. A connection
that served the previous request without a database error less than
`CHECK_SKIPPED_WITHIN` ago is taken as good without asking (as HikariCP's
aliveBypassWindowMs does); an idle one is checked as before. The check never
made a failure impossible (a server may go away between the check and the
query), and a request that meets a dead connection marks it, so that Django
drops it when the request ends."""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

CHECK_SKIPPED_WITHIN = 1.0  # seconds


class DatabaseWrapper(base.DatabaseWrapper):
    good_until: float = 0.0  # monotonic time until which the check is skipped
    used: bool = False  # a cursor was made since the last request began or ended

    def close_if_unusable_or_obsolete(self) -> None:
        # Called as a request starts and as it ends: at the end of one that made
        # cursors without a database error, the connection has just answered.
        if self.errors_occurred:
            self.good_until = 0.0  # checked again, before the next request's first query
        elif self.used and self.connection is not None:
            self.good_until = time.monotonic() + CHECK_SKIPPED_WITHIN
        self.used = False
        super().close_if_unusable_or_obsolete()

    def close_if_health_check_failed(self) -> None:
        # Called before every cursor is made.
        self.used = True
        if (
            self.connection is not None
            and not self.health_check_done  # type: ignore[has-type]
            and time.monotonic() < self.good_until
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close(self) -> None:
        self.good_until = 0.0
        super().close()
