"""Real-Flask oracle for the session cookie tests.

Reads one JSON request per line on stdin and writes one JSON answer per line on
stdout. Every cookie is made and read by Flask's own code (Flask 2.2.2 and
itsdangerous 2.1.2 from Debian under /usr/bin/python3, or whichever Flask the
interpreter running it has, e.g. Flask 3.1), so the TypeScript tests compare
against the real thing rather than against our reading of it.

Values cross the pipe in WIRE, an encoding independent of Flask's tagged JSON
(so the tests are not circular):

    str, int, float, bool, None, list  -> themselves
    dict                               -> {"$dict": {key: WIRE}}
    bytes                              -> {"$bytes": "<standard base64>"}
    datetime                           -> {"$date": <integer epoch seconds, UTC>}
    uuid.UUID                          -> {"$uuid": "<32 hex digits>"}
    tuple                              -> {"$tuple": [WIRE, ...]}
    markupsafe.Markup                  -> {"$markup": "<str>"}
    int beyond 2**53                   -> {"$int": "<decimal digits>"}
    float (any, e.g. 1.0, inf, nan)    -> {"$float": "<repr>"} (sent; floats
                                          come back as JSON numbers when finite)

Every request may carry "secret" (and each fallback) as a string or as
{"$bytes": ...}, and "cookieName", "salt", "digest" ("sha1" or "sha256").

Requests (every answer echoes "id"):

    {"op": "ping"}
        -> {"ok": true, "flask": "2.2.2", "itsdangerous": "2.1.2"}
    {"op": "dumps", "secret", "fallbacks"?, "now", "value": WIRE}
        -> {"ok": true, "cookie": "<cookie value>"}
    {"op": "loads", "secret", "fallbacks"?, "now", "maxAge", "cookie"}
        -> {"ok": true, "value": WIRE}
         | {"ok": false, "error": "<BadSignature subclass name>", "message"}
    {"op": "session_cookie", "secret", "fallbacks"?, "now", "value": WIRE,
     "permanent": bool, "maxAge"?}
        -> {"ok": true, "setCookie": "<Set-Cookie header>" | null}
    {"op": "open_session", "secret", "fallbacks"?, "now", "cookie", "maxAge"?}
        -> {"ok": true, "value": WIRE, "repr": {key: repr(value)}, "permanent": bool}

Any other failure answers {"ok": false, "error": "<class>", "message",
"internal": true}; the loop never dies on a bad request.
"""

import base64
import calendar
import contextlib
import datetime
import hashlib
import importlib.metadata
import json
import math
import sys
import traceback
import uuid

import flask
import flask.sessions
import itsdangerous
import itsdangerous.timed
import markupsafe

# Flask's default PERMANENT_SESSION_LIFETIME (31 days), used when a request
# does not say otherwise.
DEFAULT_MAX_AGE_SECONDS = 31 * 24 * 60 * 60


# --- WIRE <-> Python -------------------------------------------------------


def from_wire(wire):
    """Builds the Python value a WIRE value stands for."""
    if wire is None or isinstance(wire, (bool, int, float, str)):
        return wire
    if isinstance(wire, list):
        return [from_wire(item) for item in wire]
    if isinstance(wire, dict) and len(wire) == 1:
        ((tag, inner),) = wire.items()
        if tag == "$dict" and isinstance(inner, dict):
            return {key: from_wire(value) for key, value in inner.items()}
        if tag == "$bytes" and isinstance(inner, str):
            return base64.b64decode(inner, validate=True)
        if tag == "$date" and isinstance(inner, int) and not isinstance(inner, bool):
            return datetime.datetime.fromtimestamp(inner, datetime.timezone.utc)
        if tag == "$uuid" and isinstance(inner, str):
            return uuid.UUID(hex=inner)
        if tag == "$tuple" and isinstance(inner, list):
            return tuple(from_wire(item) for item in inner)
        if tag == "$markup" and isinstance(inner, str):
            return markupsafe.Markup(inner)
        if tag == "$int" and isinstance(inner, str):
            return int(inner)
        if tag == "$float" and isinstance(inner, str):
            return float(inner)
    raise TypeError(f"Not a WIRE value: {wire!r}")


def to_wire(value):
    """Encodes a Python value (as Flask gives it back) as WIRE."""
    # Markup is a str subclass and bool an int subclass: test them first.
    if isinstance(value, markupsafe.Markup):
        return {"$markup": str(value)}
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return {"$int": str(value)}
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": repr(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [to_wire(item) for item in value]
    if isinstance(value, tuple):
        return {"$tuple": [to_wire(item) for item in value]}
    if isinstance(value, dict):
        return {"$dict": {key: to_wire(item) for key, item in value.items()}}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime.datetime):
        # Flask returns aware UTC datetimes; a naive one is taken as UTC.
        # timegm floors sub-second parts, as Flask's http_date does.
        return {"$date": calendar.timegm(value.utctimetuple())}
    if isinstance(value, uuid.UUID):
        return {"$uuid": value.hex}
    raise TypeError(f"No WIRE encoding for {type(value).__name__}")


# --- Flask ------------------------------------------------------------------


class OracleSessionInterface(flask.sessions.SecureCookieSessionInterface):
    """Flask's cookie sessions with two test hooks: key rotation and a frozen clock.

    Both use hooks Flask documents as overridable; everything else (cookie
    attributes, open/save logic, serializer) is Flask's own code.
    """

    def get_signing_serializer(self, app):
        fallbacks = app.config["SECRET_KEY_FALLBACKS"]
        if not fallbacks:
            return super().get_signing_serializer(app)
        # Built like Flask's, but with a list of keys: itsdangerous signs with
        # the last key and verifies with all of them.
        return itsdangerous.URLSafeTimedSerializer(
            [*reversed(fallbacks), app.secret_key],
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )

    def get_expiration_time(self, app, session):
        # Flask uses the wall clock here; use the request's "now" so Expires
        # is deterministic and agrees with the frozen signing timestamp.
        if session.permanent:
            now = datetime.datetime.fromtimestamp(app.config["ORACLE_NOW"], datetime.timezone.utc)
            return now + app.permanent_session_lifetime
        return None


app = flask.Flask(__name__)
# Let view errors reach the oracle loop instead of becoming a 500 page.
app.testing = True
app.session_interface = OracleSessionInterface()


@app.post("/set")
def set_session():
    """Stores the posted WIRE dict in the session, the way a view would."""
    body = flask.request.get_json()
    flask.session.update(from_wire(body["value"]))
    flask.session.permanent = bool(body["permanent"])
    return ""


@app.get("/get")
def get_session():
    """Returns the session Flask opened from the request's cookie, as WIRE."""
    session = flask.session
    seen = {
        "value": to_wire(dict(session)),
        # repr tells a tuple from a list, Markup from str, 1.0 from 1: the types Flask sees.
        "repr": {key: repr(value) for key, value in session.items()},
        "permanent": session.permanent,
    }
    return flask.Response(json.dumps(seen, allow_nan=False), mimetype="application/json")


@contextlib.contextmanager
def configured(request):
    """Sets the app's keys, lifetime and clock for one request, then restores the clock."""
    app.secret_key = from_wire(request["secret"])
    app.config["SECRET_KEY_FALLBACKS"] = [from_wire(key) for key in request.get("fallbacks") or []]
    app.config["SESSION_COOKIE_NAME"] = request.get("cookieName", "session")
    interface = app.session_interface
    interface.salt = request.get("salt", "cookie-session")
    interface.digest_method = DIGESTS[request.get("digest", "sha1")]
    app.config["ORACLE_NOW"] = int(request["now"])
    app.permanent_session_lifetime = datetime.timedelta(
        seconds=int(request.get("maxAge", DEFAULT_MAX_AGE_SECONDS))
    )
    # itsdangerous reads the clock through this method (it is meant to be
    # overridden), both when signing and when checking max_age.
    original = itsdangerous.timed.TimestampSigner.get_timestamp
    itsdangerous.timed.TimestampSigner.get_timestamp = lambda self: int(request["now"])
    try:
        yield
    finally:
        itsdangerous.timed.TimestampSigner.get_timestamp = original


DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}


def signing_serializer():
    """The serializer Flask would use for the configured app."""
    return app.session_interface.get_signing_serializer(app)


def op_ping(request):
    # A start-up check that the right interpreter and libraries are loaded.
    return {
        "ok": True,
        "flask": importlib.metadata.version("flask"),
        "itsdangerous": importlib.metadata.version("itsdangerous"),
    }


def op_dumps(request):
    with configured(request), app.test_request_context():
        # Flask's JSON sorts keys only when an app context is active.
        return {"ok": True, "cookie": signing_serializer().dumps(from_wire(request["value"]))}


def op_loads(request):
    with configured(request), app.test_request_context():
        try:
            # Exactly what SecureCookieSessionInterface.open_session does.
            value = signing_serializer().loads(request["cookie"], max_age=int(request["maxAge"]))
        except itsdangerous.BadSignature as error:
            return {"ok": False, "error": type(error).__name__, "message": str(error)}
        return {"ok": True, "value": to_wire(value)}


def op_session_cookie(request):
    with configured(request):
        response = app.test_client().post(
            "/set", json={"value": request["value"], "permanent": request["permanent"]}
        )
        headers = response.headers.getlist("Set-Cookie")
        return {"ok": True, "setCookie": headers[0] if headers else None}


def op_open_session(request):
    cookie = request["cookie"]
    if "\r" in cookie or "\n" in cookie:
        raise ValueError("A cookie cannot contain CR or LF")
    with configured(request):
        # Sent as a raw Cookie header, the way a browser sends it. Without
        # use_cookies=False the client's (empty) cookie jar replaces the header.
        client = app.test_client(use_cookies=False)
        name = app.config["SESSION_COOKIE_NAME"]
        response = client.get("/get", headers={"Cookie": f"{name}={cookie}"})
        if response.status_code != 200:
            raise RuntimeError(f"GET /get answered {response.status}")
        return {"ok": True, **response.get_json()}


OPS = {
    "ping": op_ping,
    "dumps": op_dumps,
    "loads": op_loads,
    "session_cookie": op_session_cookie,
    "open_session": op_open_session,
}


def answer(line):
    """Handles one request line; any failure becomes an answer, never a crash."""
    request_id = None
    try:
        request = json.loads(line)
        request_id = request.get("id")
        handler = OPS.get(request.get("op"))
        if handler is None:
            raise ValueError(f"Unknown op: {request.get('op')!r}")
        result = handler(request)
    except Exception as error:  # noqa: BLE001 - the loop must survive anything
        traceback.print_exc(file=sys.stderr)
        result = internal_error(error)
    try:
        # allow_nan=False: NaN is not JSON, and Node's JSON.parse would reject it.
        return json.dumps({"id": request_id, **result}, allow_nan=False)
    except ValueError as error:
        return json.dumps({"id": request_id, **internal_error(error)})


def internal_error(error):
    """An answer for a failure the tests did not ask for (the client rejects it)."""
    return {"ok": False, "error": type(error).__name__, "message": str(error), "internal": True}


def main():
    # Node writes UTF-8; answers are ASCII (ensure_ascii), so stdout is safe.
    sys.stdin.reconfigure(encoding="utf-8")
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(answer(line) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
