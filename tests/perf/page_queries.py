"""How many queries each page asks with nothing kept (for make bench): prints {page: queries}
as JSON. Run with the benchmark's environment; the pages are given as JSON {name: path}."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    counts = {}
    for name, path in json.loads(sys.argv[1]).items():
        client.get(path)  # the process's own first-time work (sections, policy) done
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counts[name] = len(queries)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
