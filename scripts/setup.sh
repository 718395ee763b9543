# Sourced by scripts/run and scripts/test: a virtualenv with the pinned dependencies and
# compiled translations, on a fresh Debian machine with Python 3.11. Re-running is cheap.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

apt_install() {
  # Installs Debian packages that are missing; needs root (or sudo).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]} with apt-get" >&2
  as_root apt-get update -qq >/dev/null && \
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

command -v msgfmt >/dev/null || apt_install gettext
# The browser tests drive Debian's Chromium (Playwright's own download cannot be assumed).
if [ "${TANDEM_NEED_BROWSER:-0}" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium chromium-driver fonts-dejavu-core || echo "Chromium not installed: browser tests will skip" >&2
fi
# The feed tests expand the iCalendar feed with Mozilla's ical.js too, a client independent of
# the Python stack (pinned in package.json / package-lock.json, run by Node.js).
if [ "${TANDEM_NEED_BROWSER:-0}" = 1 ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm || echo "Node.js not installed: the ical.js feed tests will fail" >&2
  fi
  node_stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
  if command -v npm >/dev/null && [ ! -f "$node_stamp" ]; then
    npm ci --silent --no-audit --no-fund && touch "$node_stamp"
  fi
fi

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv || { apt_install python3-venv && "$PYTHON" -m venv .venv; }
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  rm -f .venv/.installed-* && touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
mkdir -p var
python manage.py compilemessages -v0 --ignore=.venv
