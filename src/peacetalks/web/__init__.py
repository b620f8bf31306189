"""The web face: a FastAPI application with a JSON API and server-rendered pages.

``create_app(WebSettings(db=...))`` builds it; ``peacetalks serve`` runs it with uvicorn.
The API (``/api``, schema at ``/openapi.json``) serves scenarios, analyses run as jobs in
their own processes, agreement events and accounts; the pages show the same to a reader.
"""

from peacetalks.web.app import create_app
from peacetalks.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
