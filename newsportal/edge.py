"""Purges at the edge caches in front of the app servers (Varnish with xkey, see deploy/varnish/).

`EDGE_PURGE_URLS` lists them (http://host:port/, or unix:/path for a purge socket); each gets
`PURGE /` with the keys in an `xkey-purge` header. A purge is sent at once and once more
`EDGE_REPURGE_SECONDS` later: a page rendered from the old state that was still on its way to
the edge when the first purge arrived is dropped by the second.
An edge that does not answer is logged, never an error for the editor who saved.
"""

import http.client
import logging
import socket
import threading
from urllib.parse import urlsplit

from django.conf import settings

from newsportal import metrics

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2


class UnixConnection(http.client.HTTPConnection):
    """HTTP over a Unix socket (an edge's purge socket, `unix:/run/varnish/purge.sock`): only who
    may open the file may purge."""

    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def send(url: str, keys: list[str]) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        connection, target = UnixConnection(parts.path, TIMEOUT_SECONDS), "/"
    else:
        kind = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = kind(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)
        target = parts.path or "/"
    try:
        connection.request("PURGE", target, headers={"xkey-purge": " ".join(keys)})
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
        sent = send(url, keys)
        metrics.PURGES.labels("edge", "sent" if sent else "failed").inc()
    if settings.EDGE_REPURGE_SECONDS:
        timer = threading.Timer(
            settings.EDGE_REPURGE_SECONDS, lambda: [send(url, keys) for url in urls]
        )
        timer.daemon = True
        timer.start()
