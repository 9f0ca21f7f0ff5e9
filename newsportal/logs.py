"""An outage must not flood the log: one line per failed request, a traceback per kind of
failure at most once a minute.

During a PostgreSQL restart every request fails the same way; the first round wrote about 6,200
lines of tracebacks for 76 failed requests. Each later failure of the same kind within the
minute is one line: what failed, where, and which dependency.
"""

import logging
import time

REPEAT_SECONDS = 60
DEPENDENCIES = {"psycopg2": "PostgreSQL", "django.db": "PostgreSQL", "redis": "Redis"}


def dependency(error) -> str:
    module = type(error).__module__
    return next((name for prefix, name in DEPENDENCIES.items() if module.startswith(prefix)), "")


class OneTracebackPerMinute(logging.Filter):
    def __init__(self, name=""):
        super().__init__(name)
        self.last_traceback: dict[str, float] = {}

    def filter(self, record):
        if not record.exc_info or record.exc_info[1] is None:
            return True
        error = record.exc_info[1]
        kind = f"{type(error).__module__}.{type(error).__qualname__}"
        where = dependency(error)
        first_line = (str(error).strip().splitlines() or [""])[0]
        summary = f"{kind}{f' ({where})' if where else ''}: {first_line}"
        now = time.monotonic()
        if now - self.last_traceback.get(kind, -REPEAT_SECONDS) < REPEAT_SECONDS:
            record.msg = f"{record.getMessage()} [{summary}; traceback shown in the last minute]"
            record.args = ()
            record.exc_info = record.exc_text = None
        else:
            self.last_traceback[kind] = now
        return True
