"""URLs from outside (endpoints, profiles, the Hub): where a request, and a key, would go.

    >>> origin("https://API.example/v1")
    ('https', 'api.example', 443)
    >>> origin_text("https://u:p@api.example:443/v1?x=1")
    'https://api.example'
    >>> public_url("http://u:p@h:8000/v1")
    'http://h:8000/v1'
    >>> is_loopback("127.0.0.2"), is_loopback("[::1]"), is_loopback("example.org")
    (True, True, False)
"""

from __future__ import annotations

import ipaddress
import urllib.parse

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of ``url``, lower-case, the port filled in for http(s)."""
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:                      # a port that is not a number
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), \
        port or DEFAULT_PORTS.get(parts.scheme.lower())


def origin_text(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: no user, path or query (for messages)."""
    scheme, host, port = origin(url)
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + (f":{port}" if port and port != DEFAULT_PORTS.get(scheme)
                                    else "")


def public_url(url: str) -> str:
    """``url`` without user:password (for messages)."""
    parsed = urllib.parse.urlsplit(url)
    host = parsed.netloc.rsplit("@", 1)[-1]
    return urllib.parse.urlunsplit((parsed.scheme, host, parsed.path, parsed.query, ""))


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine: ``localhost``, 127.0.0.0/8 or ``::1``."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
