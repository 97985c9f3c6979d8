#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: Chromium (browser
# tests), python3-flask (the interop oracle), redis-server (the Redis session
# store; the tests start their own servers) and gunicorn (the bench's Flask
# reference, whose pages bench/reference-pages.test.ts checks), plus wrk and
# python3-flask-session for `npm run bench`, and a venv with Flask-Session 0.8 (python3-venv) for
# the server-side interop tests. Does nothing when they are already there; as non-root it
# says what to install instead of failing halfway through the suite.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
/usr/bin/python3 -c 'import flask' >/dev/null 2>&1 || missing+=(python3-flask)
{ command -v redis-server && command -v redis-cli; } >/dev/null 2>&1 || missing+=(redis-server)
/usr/bin/python3 -c 'import gunicorn' >/dev/null 2>&1 || missing+=(gunicorn)
if [ "${1:-}" = "--bench" ]; then
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  /usr/bin/python3 -c 'import flask_session, redis' >/dev/null 2>&1 || missing+=(python3-flask-session python3-redis)
fi

# The Flask-Session 0.8 interop tests run real Flask-Session in a venv made from the wheels on disk
# (pip's configured find-links and file indexes; there is no network), kept where the tests look
# for it (test/support/flask-session-venv.ts). A venv needs ensurepip: Debian's python3-venv.
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
ensure_flask_session_venv() {
  local venv check tmp log
  venv="$(cd "$(dirname "$0")/.." && pwd)/node_modules/.cache/flask-session-venv"
  check='import flask, redis, msgspec, importlib.metadata as m; assert m.version("flask-session") == "0.8.0"'
  "$venv/bin/python" -I -c "$check" >/dev/null 2>&1 && return 0
  tmp="$venv.$$" log="$(mktemp)"
  rm -rf "$tmp" "$venv" && mkdir -p "$(dirname "$venv")"
  # --retries 0: an unreachable index fails at once and the files on disk are used.
  if python3 -m venv "$tmp" >"$log" 2>&1 &&
    "$tmp/bin/pip" install --quiet --retries 0 --timeout 5 flask flask-session==0.8.0 redis >>"$log" 2>&1 &&
    mv "$tmp" "$venv" && "$venv/bin/python" -I -c "$check" >>"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  tail -n 20 "$log" >&2
  rm -rf "$tmp" "$log"
  echo "Cannot make a venv with Flask-Session 0.8 from the wheels on disk (python3 is $(command -v python3))." >&2
  echo "Check: python3 -m venv /tmp/v && /tmp/v/bin/pip install flask flask-session==0.8.0 redis" >&2
  return 1
}

[ ${#missing[@]} -eq 0 ] && { ensure_flask_session_venv; exit $?; }

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
ensure_flask_session_venv
