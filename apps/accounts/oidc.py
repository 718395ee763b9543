"""Single sign-on with OpenID Connect: the company's identity provider vouches for a person.

mozilla-django-oidc runs the authorization-code flow (state, nonce and PKCE in the session,
the code exchanged at the token endpoint, the ID token's signature checked with the
provider's published keys, the nonce compared). What it leaves out, this adds:
- the provider's endpoints from its discovery document (<issuer>/.well-known/openid-
  configuration), fetched when a sign-in needs them and cached, its `issuer` checked;
- the ID token's audience (our client id; `azp` too when there are several), issuer,
  expiry (with a minute of leeway for clocks) and issued-at, all required;
- the user information's `sub` compared with the ID token's (OpenID Connect Core 5.3.4);
- every refusal as `SsoRefused` with a reason the callback page shows, never a 500.
Who is signed in (just-in-time account, linking by verified address) is
`services.user_sso_sign_in`.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.utils import translation
from django.utils.translation import gettext_noop
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from apps.accounts import services
from apps.accounts.models import Language, User
from apps.accounts.services import SsoRefused

# What the callback page says for each reason an answer of the provider is refused.
TOKEN_REFUSALS = {
    "audience": gettext_noop(
        "The answer of your identity provider was meant for another application (its audience "
        "is not Tandem)."
    ),
    "nonce": gettext_noop(
        "The answer of your identity provider belongs to another sign-in (its nonce does not "
        "match this one)."
    ),
    "expired": gettext_noop("The answer of your identity provider has expired."),
    "signature": gettext_noop(
        "The answer of your identity provider is not signed with the provider's own key."
    ),
    "issuer": gettext_noop("The answer comes from another identity provider than Tandem's."),
    "subject": gettext_noop(
        "The identity provider described another person than the one who signed in."
    ),
    "token": gettext_noop("The answer of your identity provider could not be verified."),
}


class ProviderUnavailable(Exception):
    """The identity provider could not be reached, or its discovery document is unusable."""


@dataclass(frozen=True)
class ProviderConfig:
    """What the discovery document says, as far as Tandem uses it."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str = ""


def enabled() -> bool:
    """Single sign-on is on when an issuer and a client id are configured."""
    return bool(settings.TANDEM_OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def provider_config() -> ProviderConfig:
    """The provider's endpoints from its discovery document, cached for
    TANDEM_OIDC_DISCOVERY_TTL seconds. Raises `ProviderUnavailable`."""
    issuer = settings.TANDEM_OIDC_ISSUER.rstrip("/")
    key = "oidc-discovery:" + hashlib.sha256(issuer.encode()).hexdigest()[:32]
    cached = cache.get(key)
    if isinstance(cached, dict):
        return ProviderConfig(**cached)
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery failed: {exc}") from exc
    if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != issuer:
        # OpenID Connect Discovery 4.3: the document must name the issuer it was asked for.
        raise ProviderUnavailable("the discovery document names another issuer")
    try:
        config = ProviderConfig(
            issuer=str(document["issuer"]),
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            userinfo_endpoint=str(document["userinfo_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            end_session_endpoint=str(document.get("end_session_endpoint") or ""),
        )
    except KeyError as exc:
        raise ProviderUnavailable(f"the discovery document lacks {exc}") from exc
    cache.set(key, asdict(config), settings.TANDEM_OIDC_DISCOVERY_TTL)
    return config


def _as_bool(value: object) -> bool | None:
    """`email_verified` as a boolean (a few providers send the string "true"); None if absent
    or anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    return None


def _refused(reason: str) -> SsoRefused:
    return SsoRefused(TOKEN_REFUSALS[reason], reason=reason)


class OidcBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """mozilla-django-oidc's backend with the checks it leaves out (module docstring), and
    Tandem's rule for whom the answer signs in."""

    provider: ProviderConfig

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django makes every backend anew for each sign-in attempt and for each request of a
        # session signed in through it: no discovery here, only when an answer arrives.
        self.UserModel = get_user_model()

    def authenticate(self, request: Any, **kwargs: Any) -> User | None:
        # Only the callback passes a nonce: a password sign-in never reaches the provider.
        if request is None or kwargs.get("nonce") is None or not enabled():
            return None
        self.provider = provider_config()
        self.OIDC_OP_TOKEN_ENDPOINT = self.provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = self.provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = self.provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        # The library picks the key from the provider's JWKS, checks the signature through
        # `_verify_jws` below and compares the nonce with the one this sign-in sent.
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except SuspiciousOperation as exc:
            raise _refused("nonce" if "nonce" in str(exc).lower() else "token") from exc
        return payload

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        """The ID token's signature and claims (the library checks neither audience nor
        issuer, and lets an expired token's error escape as a crash)."""
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.InvalidTokenError as exc:
            raise _refused("token") from exc
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise _refused("signature")
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.provider.issuer,
                leeway=60,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidAudienceError as exc:
            raise _refused("audience") from exc
        except jwt.ExpiredSignatureError as exc:
            raise _refused("expired") from exc
        except jwt.InvalidIssuerError as exc:
            raise _refused("issuer") from exc
        except jwt.InvalidSignatureError as exc:
            raise _refused("signature") from exc
        except jwt.InvalidTokenError as exc:
            raise _refused("token") from exc
        audience = claims["aud"]
        # OpenID Connect Core 3.1.3.7: several audiences need us as the authorized party.
        several = isinstance(audience, list) and len(audience) > 1
        if several and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise _refused("audience")
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        info = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
            raise _refused("subject")
        return info

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        info = self.get_userinfo(access_token, id_token, payload)
        claims = {**payload, **info}
        language = (translation.get_language() or "")[:2]
        return services.user_sso_sign_in(
            email=str(claims.get("email") or ""),
            email_verified=_as_bool(claims.get("email_verified")),
            issuer=self.provider.issuer,
            subject=str(payload["sub"]),
            display_name=str(claims.get("name") or ""),
            language=language if language in Language.values else Language.ENGLISH,
        )

    def get_user(self, user_id: Any) -> User | None:
        # Like Django's own backends (the library's skips it): a switched-off person's
        # session ends.
        user = self.UserModel._default_manager.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
