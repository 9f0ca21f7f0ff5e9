"""Anonymised hints about the client that made a decision: never the full IP address."""

import ipaddress
import re

UA_FAMILIES = [
    ("Bot", re.compile(r"bot|crawl|spider|slurp|curl|wget|python-requests|httpx", re.I)),
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
]


def ip_prefix(address: str) -> str:
    """The client's network: /24 for IPv4, /48 for IPv6, '' when it is not an address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def user_agent_family(user_agent: str) -> str:
    for family, pattern in UA_FAMILIES:
        if pattern.search(user_agent):
            return family
    return "Other" if user_agent else ""
