"""Who the client is: its address, believed from X-Forwarded-For only through trusted proxies.

Behind a load balancer or an edge cache, REMOTE_ADDR is the proxy. Each proxy appends the address
it received the request from to X-Forwarded-For, so the header is read from the right: every hop
added by a proxy in TRUSTED_PROXIES is skipped, and the first address that is not one of them is
the client. Whatever a client writes into the header itself stands further left and is never
reached, so forging it changes nothing. Rate limits, django-axes and the consent proof all ask
here.
"""

import ipaddress
from functools import cache

from django.conf import settings

IPV6_CLIENT_PREFIX = 64  # one subscriber's IPv6 network: its addresses count as one client


UNIX = "unix"  # in TRUSTED_PROXIES: what arrives on a Unix socket (REMOTE_ADDR is empty)


@cache
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies if proxy != UNIX)


def _trusted(address) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The client's address (a string, '' when unknown)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if remote == "" and UNIX in settings.TRUSTED_PROXIES:
        address = None  # the edge, on the app server's socket: its X-Forwarded-For says who
    else:
        try:
            address = ipaddress.ip_address(remote)
        except ValueError:
            return remote
        if not _trusted(address):
            return str(address)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        try:
            hop_address = ipaddress.ip_address(hop)
        except ValueError:
            break  # not written by a proxy of ours: stop at the last hop we can vouch for
        address = hop_address
        if not _trusted(address):
            break
    return str(address) if address is not None else ""


def client_network(request) -> str:
    """What limits count as one client: the IPv4 address, or the IPv6 /64 (as its first address:
    any one subscriber can use every address of their /64)."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_CLIENT_PREFIX}", strict=False).network_address)
    return str(ip)
