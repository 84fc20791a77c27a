"""Response headers and redirect targets that keep users safe."""

from urllib.parse import urlsplit

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

DOWNLOAD_POLICY = "sandbox"


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    # A file sent for download (a document, an export, an archive) never runs as a page of this
    # site, whatever it holds: opened in a browser, it gets an origin of its own and no scripts.
    download = headers.get("Content-Disposition", "").startswith("attachment")
    headers.setdefault("Content-Security-Policy", DOWNLOAD_POLICY if download
                       else CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages of signed-in users are never kept by shared caches.
    if "Cache-Control" not in headers and request.cookies:
        headers["Cache-Control"] = "private, no-store"
    return response


def safe_next_url(target: str | None) -> str | None:
    """A path on this site to go to after login, or None.

    Only relative paths count: '//evil.example', 'https://evil.example', '/\\evil.example'
    and anything with a scheme, host or control character are refused.
    """
    if not target or not isinstance(target, str):
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
