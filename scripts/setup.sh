# Sourced by scripts/run, scripts/test, scripts/lock and .ci/run: a virtualenv with the locked
# dependencies and compiled translations, on a fresh Debian machine with Python 3.11 (3.12 and
# 3.13 work too). Re-running is cheap: it installs only when a lock file or pyproject.toml
# changed. TANDEM_DEPS picks the set: `runtime` (the default: what running Tandem needs,
# requirements/runtime.txt) or `dev` (runtime plus the test and lint tools,
# requirements/dev.txt). Both are written by scripts/lock.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TANDEM_DEPS="${TANDEM_DEPS:-runtime}"
case "$TANDEM_DEPS" in
  runtime | dev) ;;
  *) echo "TANDEM_DEPS is 'runtime' or 'dev', not '$TANDEM_DEPS'" >&2; return 1 ;;
esac

step() { echo "==> $*"; }

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
  if ! "$PYTHON" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))'; then
    echo "Tandem needs Python 3.11, 3.12 or 3.13; $PYTHON is $("$PYTHON" -V 2>&1)." \
      "Point PYTHON=… at one." >&2
    return 1
  fi
  step "Creating the virtual environment .venv ($("$PYTHON" -V 2>&1))"
  "$PYTHON" -m venv .venv || { apt_install python3-venv && "$PYTHON" -m venv .venv; }
fi
# One stamp per set and content of its lock and pyproject.toml; dev includes runtime.
stamp() { echo ".venv/.installed-$1-$(cat "requirements/$1.txt" pyproject.toml | sha256sum | cut -c1-16)"; }
if [ ! -f "$(stamp "$TANDEM_DEPS")" ] && ! { [ "$TANDEM_DEPS" = runtime ] && [ -f "$(stamp dev)" ]; }; then
  step "Installing the $TANDEM_DEPS dependencies from requirements/$TANDEM_DEPS.txt" \
    "(exact versions, hashes checked; a minute or more the first time)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes \
    -r "requirements/$TANDEM_DEPS.txt"
  # Tandem itself, editable, with nothing more: every dependency came from the lock.
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  rm -f .venv/.installed-* && touch "$(stamp "$TANDEM_DEPS")"
fi
export PATH="$ROOT/.venv/bin:$PATH"
mkdir -p "${TANDEM_VAR_DIR:-var}"
step "Compiling the translations"
python manage.py compilemessages -v0 --ignore=.venv
