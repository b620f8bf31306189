"""HTTP/1.1 connections that must send a request's headers within a time limit.

uvicorn closes a keep-alive connection that stays idle after a response, but not one
that connects and sends nothing, or sends a request's headers a byte at a time: enough
of those hold the server's connections open indefinitely (slowloris). This protocol
gives every request ``header_seconds`` from its first byte (or from the connection's
start) to finish its headers, and closes the connection past that.

It also caps the open connections at ``max_connections``: a connection past the cap
closes the one that has waited longest for a request's headers (an idle or half-sent
connection, which costs its client nothing to reopen), or, when every other connection
is busy with a request, is itself closed at once. So a flood of silent connections
cannot exhaust the server's file descriptors, and a client that sends a request still
gets a place.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HeaderTimeoutProtocol", "header_timeout_protocol"]


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol with a time limit on each request's headers."""

    header_seconds: float = 10.0
    max_connections: int = 1000
    _header_timer: asyncio.TimerHandle | None = None
    _waiting_since: float = 0.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock of the first request's headers; make room past the cap."""
        super().connection_made(transport)
        self._arm()
        if len(self.connections) > self.max_connections:
            self._make_room()

    def _make_room(self) -> None:
        """Close the longest-waiting connection without a request, or this one."""
        waiting = [
            other
            for other in self.connections
            if other is not self
            and isinstance(other, HeaderTimeoutProtocol)
            and other._header_timer is not None
            and not other.transport.is_closing()
        ]
        victim = min(waiting, key=lambda other: other._waiting_since) if waiting else self
        victim._disarm()
        victim.transport.close()

    def data_received(self, data: bytes) -> None:
        """Start the clock at a request's first byte; stop it once its headers are in."""
        if self._header_timer is None and self.conn.their_state is h11.IDLE:
            self._arm()
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock."""
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._waiting_since = self.loop.time()
        self._header_timer = self.loop.call_later(self.header_seconds, self._expire)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expire(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def header_timeout_protocol(
    seconds: float, max_connections: int = 1000
) -> type[HeaderTimeoutProtocol]:
    """Return the protocol class with ``seconds`` to send each request's headers.

    Parameters
    ----------
    seconds : float
        Time a client has to send a request's headers.
    max_connections : int, default=1000
        Open connections kept at most (see the module's description).
    """
    return type(
        "HeaderTimeoutProtocol",
        (HeaderTimeoutProtocol,),
        {"header_seconds": seconds, "max_connections": max_connections},
    )
