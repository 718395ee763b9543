from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.accounts import urls as account_page_urls
from apps.accounts import views as account_views
from apps.accounts.forms import PasswordResetForm, SetPasswordForm
from apps.core import views as core_views
from apps.core.api.views import HealthView, api_not_found
from apps.home import urls as home_page_urls
from apps.home import views as home_views
from apps.notifications import views as notification_views
from apps.tandems import urls as tandem_page_urls

api_v1 = [
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.tandems.api.urls")),
    path("", include("apps.home.api.urls")),
    path("", include("apps.notifications.api.urls")),
    path("", include("apps.webhooks.api.urls")),
    path("", include("apps.delegation.api.urls")),
    path("", include("apps.checkins.api.urls")),
    path("", include("apps.feedback.api.urls")),
    path("", include("apps.contacts.api.urls")),
    path("", include("apps.insights.api.urls")),
    path("", include("apps.search.api.urls")),
    path("", include("apps.goals.api.urls")),
]

# Every page of one tandem lives under /t/<tandem_id>/ and resolves the person's seat first
# (apps.tandems.web.member_page): another tandem's page is a 404.
tandem_pages = [
    # The tandem's own pages and those that compose the apps (overview, leave, export …)
    # share the namespace "tandems".
    path("", include(([*home_page_urls.urlpatterns, *tandem_page_urls.urlpatterns], "tandems"))),
    path("", include("apps.delegation.urls")),
    path("", include("apps.checkins.urls")),
    path("", include("apps.feedback.urls")),
    path("", include("apps.insights.urls")),
    path("", include("apps.goals.urls")),
    path("", include("apps.webhooks.urls")),
]

app_urls = [
    path("", home_views.home, name="home"),
    path("t/<int:tandem_id>/", include(tandem_pages)),
    path("inbox/", include("apps.notifications.urls")),
    path("contacts/", include("apps.contacts.urls")),
    path("search/", include("apps.search.urls")),
    path("me/", include(([*home_page_urls.me_pages, *account_page_urls.urlpatterns], "accounts"))),
    path("accounts/login/", account_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", account_views.SignOutView.as_view(), name="logout"),
    # Single sign-on (apps.accounts.oidc); 404 while no identity provider is configured.
    path("accounts/sso/start/", account_views.SsoStartView.as_view(), name="sso_start"),
    path("accounts/sso/callback/", account_views.SsoCallbackView.as_view(), name="sso_callback"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/signup/sent/", account_views.signup_sent, name="signup_sent"),
    path(
        "accounts/confirm/<uidb64>/<token>/",
        account_views.signup_confirm,
        name="signup_confirm",
    ),
    path(
        "accounts/password-reset/",
        account_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm),
        name="password_reset_confirm",
    ),
    path("invitations/<str:token>/", home_views.invitation, name="invitation"),
    # One-click actions from a notice's e-mail (apps.notifications.actions).
    path("e/<str:token>/", notification_views.email_action, name="email_action"),
    # Before Django's own: a signed-in person's switch also changes their profile's language.
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/health/", HealthView.as_view(), name="health"),
    # Browsers ask for /favicon.ico on every page that names no icon (the API's JSON, files).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.ico"), permanent=True)),
    # The installable app: from the root, so the service worker's scope is every page.
    path("manifest.webmanifest", core_views.manifest, name="manifest"),
    path("sw.js", core_views.service_worker, name="service_worker"),
    path("offline/", core_views.offline, name="offline"),
]


def optional_urls() -> list[URLPattern | URLResolver]:
    """What production may move or close: the admin site at TANDEM_ADMIN_URL (empty: not
    routed at all), the OpenAPI schema and the API docs while TANDEM_API_DOCS is on. A closed
    one answers 404 like any unknown path (JSON under /api/). After the app's own routes, so
    no setting can shadow one of them."""
    found: list[URLPattern | URLResolver] = []
    admin_prefix = settings.TANDEM_ADMIN_URL.strip("/")
    if admin_prefix:
        found.append(path(f"{admin_prefix}/", admin.site.urls))
    if settings.TANDEM_API_DOCS:
        found += [
            path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
            # The split view serves its start-up script as a file: no inline script under CSP.
            path(
                "api/docs/",
                SpectacularSwaggerSplitView.as_view(url_name="schema"),
                name="api-docs",
            ),
        ]
    return found


urlpatterns = [
    *app_urls,
    *optional_urls(),
    # Last: any other path under /api/ answers the API's JSON 404, with DEBUG on too (then
    # Django would answer its HTML debug page and never call handler404).
    re_path(r"^api/", api_not_found),
]

# Under /api/ a request Django refuses, a path that matches no route, or a crash, answers in
# the API's JSON format.
handler400 = "apps.core.api.views.bad_request"
handler403 = "apps.core.api.views.permission_denied"
handler404 = "apps.core.api.views.not_found"
handler500 = "apps.core.api.views.server_error"
