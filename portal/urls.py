"""The portal's URLs: ids in paths, and links that leave the site (in e-mails and documents)."""

from flask import Flask, current_app
from werkzeug.routing import IntegerConverter

# The largest id a column holds on every backend (PostgreSQL's integer). A larger number in a
# path names nothing: it is a 404, and never reaches the database, which would fail on it.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` bounded to what a database id can be (SQLite and PostgreSQL reject more)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered, so that every rule's `int` is bounded."""
    app.url_map.converters["int"] = IdConverter


def public_url(endpoint: str, **values) -> str:
    """An absolute link from the configured PUBLIC_BASE_URL, never the request's Host header.

    Works inside and outside a request (the background sender, CLI commands).
    """
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("portal.invalid")
    return base + adapter.build(endpoint, values)
