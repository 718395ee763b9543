"""The embedded default: a laptop run with SQLite, a filesystem broker and file e-mail."""

from tandem.settings.base import *  # noqa: F403
from tandem.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)
# A laptop's receiver usually speaks plain http (DEBUG only; production insists on https).
TANDEM_WEBHOOK_REQUIRE_HTTPS = env_bool("TANDEM_WEBHOOK_REQUIRE_HTTPS", not DEBUG)
