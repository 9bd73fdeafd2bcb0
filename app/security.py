"""Transport and browser security: the reverse proxy in front of Laurel,
cookies that only travel over HTTPS, HSTS and the Content-Security-Policy.

- `TRUSTED_PROXIES = n` (environment variable of the same name) trusts the
  last n proxies' X-Forwarded-For and X-Forwarded-Proto: `request.remote_addr`
  is then the visitor's address (rate limits, audit log) and
  `request.is_secure` tells whether the visitor used HTTPS. With 0 (the
  default) those headers are ignored, because a visitor could forge them.
- A request that arrived over HTTPS gets every cookie marked `Secure` and an
  HSTS header; `PREFER_HTTPS = true` marks them so on every request.
- Pages may load script, style, images and fonts only from Laurel itself: no
  inline script, no inline style, no plugins, no framing.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _with_secure(cookie: str) -> str:
    attributes = {part.strip().split("=", 1)[0].lower() for part in cookie.split(";")[1:]}
    return cookie if "secure" in attributes else cookie + "; Secure"


class SecureCookiesOverHttps:
    """WSGI middleware: on a request that came over HTTPS, every Set-Cookie
    (session, remember, any other) gets `Secure`. Working at this level
    catches the cookies Flask and Flask-Login write after every view and hook
    has run."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            headers = [
                (name, _with_secure(value) if name.lower() == "set-cookie" else value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start_response)


def register(app: Flask) -> None:
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Outermost, so the middleware above and the app see the visitor's
        # scheme and address. X-Forwarded-Host is not trusted: links in
        # e-mails follow SERVER_NAME, never a header a client could send.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    @app.after_request
    def security_headers(response):
        # setdefault: a response that sets its own policy keeps it (uploaded
        # documents shown inline carry a stricter, sandboxing one).
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure or app.config.get("PREFER_HTTPS"):
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={int(app.config['HSTS_MAX_AGE'])}"
            )
        return response
