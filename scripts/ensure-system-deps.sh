#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: Chromium (browser
# tests), python3-flask (the interop oracle), redis-server (the Redis session
# store; the tests start their own servers) and gunicorn (the bench's Flask
# reference, whose pages bench/reference-pages.test.ts checks), plus wrk and
# python3-flask-session for `npm run bench`. Does nothing when they are already there; as non-root it
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

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
