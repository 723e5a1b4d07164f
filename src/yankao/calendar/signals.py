"""Signals of the office calendar.

``calendar_day_changed`` is sent after the transaction that declared or revoked a
day off commits, with ``day`` (a date), ``is_working_day`` (its new state) and
``by`` (the user or None). Other apps (e.g. tracking, to recompute deadlines that
span the day) connect to it; the calendar depends on none of them.
"""

from django.dispatch import Signal

calendar_day_changed = Signal()
