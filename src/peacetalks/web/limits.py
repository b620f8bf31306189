"""The bound on request bodies: refused early from Content-Length, and counted as they stream."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from peacetalks.web.errors import PayloadTooLargeError, error_response

__all__ = ["BodyLimitMiddleware"]


class BodyLimitMiddleware:
    """Refuse request bodies larger than ``max_body_bytes`` with 413 and a JSON error.

    A declared ``Content-Length`` above the limit is refused before any byte is read;
    a body sent in chunks (or with a false length) is counted as it arrives, and reading
    stops at the first byte past the limit.

    Parameters
    ----------
    app : ASGI application
    max_body_bytes : int
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = PayloadTooLargeError(self.max_body_bytes)
        response = error_response(413, "PayloadTooLargeError", str(error.detail))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await self._refuse(scope, receive, send)
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLargeError(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except PayloadTooLargeError:
            if started:
                raise
            await self._refuse(scope, receive, send)
