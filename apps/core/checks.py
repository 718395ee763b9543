"""`manage.py check --deploy`: production settings that contradict each other.

Django's own deployment checks look at one setting at a time (HSTS on, cookies secure, …).
These look at pairs that are each fine alone and wrong together, for the shape production
assumes: a TLS proxy in front of gunicorn (docker-compose.yml's Caddy), so the scheme comes
from `SECURE_PROXY_SSL_HEADER` and the client address from `X-Forwarded-For` behind
`TANDEM_TRUSTED_PROXY_COUNT` proxies (apps/audit/request_info.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.http.request import split_domain_port, validate_host


def deployment_settings_agree(
    app_configs: Sequence[Any] | None, **kwargs: Any
) -> list[CheckMessage]:
    proxies: int = settings.TANDEM_TRUSTED_PROXY_COUNT
    ssl_header = bool(settings.SECURE_PROXY_SSL_HEADER)
    https_only = bool(settings.SECURE_SSL_REDIRECT or settings.SESSION_COOKIE_SECURE)
    base_url = urlsplit(settings.TANDEM_BASE_URL)
    errors: list[CheckMessage] = []

    if ssl_header and proxies <= 0:
        errors.append(
            Error(
                "SECURE_PROXY_SSL_HEADER trusts a proxy's X-Forwarded-Proto, but "
                "TANDEM_TRUSTED_PROXY_COUNT is 0.",
                hint=(
                    "Behind a TLS proxy every client then has the proxy's address: the sign-in "
                    "lockout counts per e-mail address only and the per-client throttles count "
                    "the whole site as one client. Set TANDEM_TRUSTED_PROXY_COUNT to the number "
                    "of proxies in front of Tandem (1 behind docker-compose.yml's). Without a "
                    "proxy any client can claim HTTPS: unset SECURE_PROXY_SSL_HEADER."
                ),
                id="tandem.E001",
            )
        )
    if (
        proxies > 0
        and not ssl_header
        and (settings.SECURE_SSL_REDIRECT or settings.SECURE_HSTS_SECONDS)
    ):
        errors.append(
            Error(
                "TANDEM_TRUSTED_PROXY_COUNT says a proxy is in front of Tandem, but "
                "SECURE_PROXY_SSL_HEADER is not set while HTTPS is required.",
                hint=(
                    "Every request then looks like plain HTTP: SECURE_SSL_REDIRECT redirects "
                    "forever and no Strict-Transport-Security header is sent. Set "
                    "SECURE_PROXY_SSL_HEADER to the header the proxy sets "
                    "(('HTTP_X_FORWARDED_PROTO', 'https'))."
                ),
                id="tandem.E002",
            )
        )
    if https_only and base_url.scheme != "https":
        errors.append(
            Error(
                f"TANDEM_BASE_URL ({settings.TANDEM_BASE_URL!r}) is not https:// while the "
                "site is served over HTTPS only (SECURE_SSL_REDIRECT or SESSION_COOKIE_SECURE).",
                hint=(
                    "Links in e-mails (invitations, password resets) would send their secret "
                    "tokens over plain HTTP before the redirect. Set TANDEM_BASE_URL to "
                    "https://<your domain>."
                ),
                id="tandem.E003",
            )
        )
    host, _port = split_domain_port(base_url.netloc.rpartition("@")[2])
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        errors.append(
            Error(
                f"The host of TANDEM_BASE_URL ({settings.TANDEM_BASE_URL!r}) is not in "
                "ALLOWED_HOSTS.",
                hint="Every link in an e-mail would answer 400 Bad Request. Add the host to "
                "ALLOWED_HOSTS or correct TANDEM_BASE_URL.",
                id="tandem.E004",
            )
        )
    return errors
