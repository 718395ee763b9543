"""A real OpenID Connect provider (node-oidc-provider, `oidc_provider.mjs`) in a child process,
and a browser's part of the authorization-code flow against it, driven with requests.

The Django side runs in the test's own Client (its callback is http://testserver/…): the
Client starts the sign-in, requests walks the provider's pages as a browser would (the login
form, the redirects), and the Client receives the provider's answer at the callback, where
Tandem exchanges the code with the provider over real HTTP.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
RELYING_PARTY = "http://testserver"
CLIENT_ID = "tandem-test"
CLIENT_SECRET = "a-client-secret-only-the-tests-know"


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_provider(
    accounts: dict[str, dict[str, Any]], *, relying_party: str = RELYING_PARTY
) -> Provider:
    """Starts the provider on a free port of 127.0.0.1 with these accounts (sub -> claims and
    `tamper`) and Tandem at `relying_party` as its client; returns once it listens."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError(
            "oidc-provider is missing: install Node.js and run `npm ci` in " + str(ROOT)
        )
    config = {
        "client": {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{relying_party}/accounts/sso/callback/"],
            "post_logout_redirect_uris": [f"{relying_party}/accounts/login/"],
        },
        "accounts": accounts,
    }
    process = subprocess.Popen(
        [node, str(SCRIPT), json.dumps(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=10)
        raise RuntimeError(f"the OIDC provider did not start (exit {process.returncode})")
    return Provider(issuer=json.loads(line)["issuer"], process=process)


def _follow(browser: requests.Session, response: requests.Response) -> requests.Response:
    """Follows the provider's redirects until one leads back to Tandem (not followed) or a
    page is answered."""
    while response.is_redirect:
        target = urljoin(response.url, response.headers["Location"])
        if target.startswith(RELYING_PARTY):
            return response
        response = browser.get(target, allow_redirects=False, timeout=10)
    return response


def sign_in(client: Client, login: str, *, start: str = "/accounts/sso/start/") -> Any:
    """The whole flow for the provider's account `login`: Tandem's start page, the provider's
    login form, back to Tandem's callback. Returns the callback's response."""
    started = client.get(start)
    assert started.status_code == 302, started
    browser = requests.Session()
    page = _follow(browser, browser.get(started["Location"], allow_redirects=False, timeout=10))
    assert page.status_code == 200, page.text
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    assert action is not None, page.text
    answer = browser.post(
        urljoin(page.url, html.unescape(action.group(1))),
        data={"prompt": "login", "login": login, "password": "anything"},
        allow_redirects=False,
        timeout=10,
    )
    back = _follow(browser, answer)
    assert back.is_redirect, back.text
    callback = urlsplit(urljoin(back.url, back.headers["Location"]))
    return client.get(f"{callback.path}?{callback.query}")
