"""Purges at the edge caches in front of the app servers (Varnish with xkey, see deploy/varnish/).

`EDGE_PURGE_URLS` lists them; each gets `PURGE /` with the keys in an `xkey-purge` header. A purge
is sent at once and once more `EDGE_REPURGE_SECONDS` later: a page rendered from the old state
that was still on its way to the edge when the first purge arrived is dropped by the second.
An edge that does not answer is logged, never an error for the editor who saved.
"""

import http.client
import logging
import threading
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2


def send(url: str, keys: list[str]) -> bool:
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("PURGE", parts.path or "/", headers={"xkey-purge": " ".join(keys)})
        status = connection.getresponse().status
    except OSError as error:
        logger.warning("edge purge: %s did not answer (%s)", url, error)
        return False
    finally:
        connection.close()
    if status != 200:
        logger.warning("edge purge: %s answered %s", url, status)
    return status == 200


def purge(keys: list[str]) -> None:
    urls = settings.EDGE_PURGE_URLS
    if not urls or not keys:
        return
    for url in urls:
        send(url, keys)
    if settings.EDGE_REPURGE_SECONDS:
        timer = threading.Timer(
            settings.EDGE_REPURGE_SECONDS, lambda: [send(url, keys) for url in urls]
        )
        timer.daemon = True
        timer.start()
