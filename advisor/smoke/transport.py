"""HTTP to an endpoint with two guarantees urllib alone does not give.

- Redirects stay within the endpoint's origin (scheme, host, port): urllib would carry the
  ``Authorization`` header to wherever a server points it.
- A :class:`Deadline` bounds a whole exchange in wall-clock time. urllib's ``timeout``
  bounds each socket operation, so a server sending one byte every 0.25 s (in the headers,
  the event stream or a TLS record) would hold a run for hours; every connection opened
  under a deadline is shut down when it passes, which ends any read blocked on it.

    Example (not run)::

        with Deadline(30) as deadline:
            response = open_request(request, timeout=deadline.remaining(30))
            data = response.read()
        deadline.expired
        # -> False
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.parse
import urllib.request

from advisor.errors import OperationError
from advisor.urls import origin, public_url

_CURRENT = threading.local()        # the deadline of the exchange running in this thread


class Deadline:
    """A wall-clock limit for one exchange with a server: the connections opened in this
    thread while it is entered are shut down when ``seconds`` have passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._ends = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "Deadline":
        self._outer = getattr(_CURRENT, "deadline", None)
        _CURRENT.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _CURRENT.deadline = self._outer
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()

    def remaining(self, cap: float | None = None) -> float:
        """Seconds left (at least a hundredth), at most ``cap``."""
        left = max(self._ends - time.monotonic(), 0.01)
        return min(left, cap) if cap is not None else left

    def passed(self) -> bool:
        """Whether the deadline has passed (its connections are then shut down)."""
        return self.expired or time.monotonic() >= self._ends

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the deadline passes. A duplicate of the socket is kept:
        TLS wraps the original object (detaching it), the kernel socket stays the same."""
        twin = sock.dup()
        with self._lock:
            if not self.expired:
                self._sockets.append(twin)
                return
        _shut(twin)
        twin.close()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _watched_connect(address, *args, **kwargs) -> socket.socket:
    sock = socket.create_connection(address, *args, **kwargs)
    deadline = getattr(_CURRENT, "deadline", None)
    if deadline is not None:
        deadline.watch(sock)
    return sock


class _WatchedHTTP(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _watched_connect


class _WatchedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _watched_connect      # before the TLS handshake


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_WatchedHTTP, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def do_open(self, http_class, req, **kwargs):
        return super().do_open(_WatchedHTTPS, req, **kwargs)


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only within the endpoint's own origin: the API key must not
    travel to another host, port or scheme (urllib would send it along)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urljoin(req.full_url, newurl)
        if origin(target) != origin(req.full_url):
            raise OperationError(
                f"endpoint {public_url(req.full_url)} redirected to another origin "
                f"({public_url(target)}); not following it, so the API key stays where it "
                "was meant to go: use that URL as --endpoint if you trust it")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HTTPHandler, _HTTPSHandler, _SameOriginRedirects)


def open_request(request: urllib.request.Request, *, timeout: float):
    """``request`` opened (redirects within its origin only; connections watched by the
    thread's :class:`Deadline`, if any): the response, or urllib's exceptions."""
    return _OPENER.open(request, timeout=timeout)
