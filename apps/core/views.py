"""The pages that make Tandem an installable app: the web app manifest, the service worker
(from the site's root, so its scope is every page) and the page it shows offline.

What the worker keeps, and why that is safe, is in apps.core.offline and docs/architecture.md.
"""

from __future__ import annotations

import json

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# The colours of the icon and the page background (static/css/tandem.css).
THEME_COLOUR = "#1f6feb"
BACKGROUND_COLOUR = "#f7f8fa"


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest, in the person's language."""
    home = reverse("home")
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    icons += [
        {
            "src": static(f"icons/maskable-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    icons.append({"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"})
    body = {
        "id": home,
        "name": "Tandem",
        "short_name": "Tandem",
        "description": _("Decisions, check-ins and feedback for a leader and their assistant."),
        "lang": get_language(),
        "dir": "ltr",
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=2),
        content_type="application/manifest+json; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker's script. Browsers check it for changes on every visit, so it is
    never cached for long."""
    script = render_to_string(
        "core/sw.js",
        {
            "offline_url": reverse("offline"),
            "static_prefix": static(""),
            "precache": json.dumps(
                [
                    static(name)
                    for name in (
                        "css/tandem.css",
                        "favicon.svg",
                        "favicon.ico",
                        "icons/icon-192.png",
                    )
                ]
            ),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("home")
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page it does not keep while there is no network.
    The worker fetches it without cookies; shown to anyone, it names nobody."""
    response = render(
        request,
        "core/offline.html",
        {"user": AnonymousUser(), "unread_notice_count": 0, "tandem": None},
    )
    response["Cache-Control"] = "no-cache"
    return response
