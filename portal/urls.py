"""Links that leave the site (in e-mails and documents)."""

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """An absolute link from the configured PUBLIC_BASE_URL, never the request's Host header.

    Works inside and outside a request (the background sender, CLI commands).
    """
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("portal.invalid")
    return base + adapter.build(endpoint, values)
