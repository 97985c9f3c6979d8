"""Real Flask-Session 0.8 oracle: the server-side session tests' other side.

Runs in a venv holding Flask, Flask-Session 0.8.0 and redis-py (see
test/support/flask-session-venv.ts). Reads one JSON request per line on stdin,
writes one JSON answer per line on stdout. Every request carries "config":

    {"redisUrl", "secret", "format": "msgpack"|"json", "useSigner": bool,
     "keyPrefix", "lifetime": seconds, "permanent": bool, "cookieName"}

and a Flask app with SESSION_TYPE='redis' and those settings answers it
through its test client, so sessions are read and written by Flask-Session's
own code. Values cross the pipe in PYWIRE, which keeps Python's types apart:

    str, bool, None, list           -> themselves; int -> {"$int": "<digits>"}
    float                           -> {"$float": "<repr>"}
    dict                            -> {"$dict": [[key PYWIRE, value PYWIRE], ...]}
    bytes                           -> {"$bytes": "<base64>"}
    datetime                        -> {"$datetime": "<isoformat>"} (aware or naive)
    tuple / set                     -> {"$tuple": [...]} / {"$set": [...]}
    uuid.UUID / decimal.Decimal     -> {"$uuid": "<hex>"} / {"$decimal": "<str>"}

Requests (each answer echoes "id"):

    {"op": "ping"} -> {"ok": true, "flaskSession": "0.8.0"}
    {"op": "write", "config", "cookie"?, "value": {"$dict": ...}, "clear"?: bool}
        -> {"ok": true, "setCookie": "<header>" | null}
           (the view does session.update(value), or session.clear())
    {"op": "read", "config", "cookie"}
        -> {"ok": true, "value": PYWIRE dict, "sid": "<id>", "new": bool}
           ("new": nothing but `_permanent`, as Flask-Session's own test)
"""

import base64
import datetime
import decimal
import importlib.metadata
import json
import sys
import traceback
import uuid

import flask
import flask_session
import redis

APPS = {}


def from_wire(wire):
    if wire is None or isinstance(wire, (bool, str)):
        return wire
    if isinstance(wire, list):
        return [from_wire(item) for item in wire]
    ((tag, inner),) = wire.items()
    if tag == "$int":
        return int(inner)
    if tag == "$float":
        return float(inner)
    if tag == "$dict":
        return {from_wire(k): from_wire(v) for k, v in inner}
    if tag == "$bytes":
        return base64.b64decode(inner)
    if tag == "$datetime":
        return datetime.datetime.fromisoformat(inner)
    if tag == "$tuple":
        return tuple(from_wire(item) for item in inner)
    if tag == "$set":
        return {from_wire(item) for item in inner}
    if tag == "$uuid":
        return uuid.UUID(inner)
    if tag == "$decimal":
        return decimal.Decimal(inner)
    raise ValueError(f"not PYWIRE: {wire!r}")


def to_wire(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return {"$int": str(value)}
    if isinstance(value, float):
        return {"$float": repr(value)}
    if isinstance(value, list):
        return [to_wire(item) for item in value]
    if isinstance(value, dict):
        return {"$dict": [[to_wire(k), to_wire(v)] for k, v in value.items()]}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [to_wire(item) for item in value]}
    raise TypeError(f"no PYWIRE for {type(value).__name__}")


def app_for(config):
    key = json.dumps(config, sort_keys=True)
    app = APPS.get(key)
    if app is None:
        app = flask.Flask(f"oracle{len(APPS)}")
        app.config.update(
            SECRET_KEY=config["secret"],
            SESSION_TYPE="redis",
            SESSION_REDIS=redis.Redis.from_url(config["redisUrl"]),
            SESSION_SERIALIZATION_FORMAT=config["format"],
            SESSION_USE_SIGNER=config["useSigner"],
            SESSION_KEY_PREFIX=config["keyPrefix"],
            SESSION_PERMANENT=config["permanent"],
            PERMANENT_SESSION_LIFETIME=datetime.timedelta(seconds=config["lifetime"]),
            SESSION_COOKIE_NAME=config["cookieName"],
        )
        flask_session.Session(app)

        @app.route("/write", methods=["POST"])
        def write():
            body = flask.request.get_json()
            if body.get("clear"):
                flask.session.clear()
            else:
                flask.session.update(from_wire(body["value"]))
            return "ok"

        @app.route("/read")
        def read():
            s = flask.session
            return flask.jsonify(
                value=to_wire(dict(s)), sid=s.sid, new=not s
            )

        APPS[key] = app
    return app


def client_for(config, cookie):
    client = app_for(config).test_client()
    if cookie is not None:
        client.set_cookie(config["cookieName"], cookie)
    return client


def answer(request):
    op = request["op"]
    if op == "ping":
        return {"ok": True, "flaskSession": importlib.metadata.version("flask-session")}
    config = request["config"]
    client = client_for(config, request.get("cookie"))
    if op == "write":
        body = {"clear": request.get("clear", False), "value": request.get("value")}
        response = client.post("/write", json=body)
        if response.status_code != 200:
            raise RuntimeError(f"write answered {response.status_code}")
        return {"ok": True, "setCookie": response.headers.get("Set-Cookie")}
    if op == "read":
        response = client.get("/read")
        if response.status_code != 200:
            raise RuntimeError(f"read answered {response.status_code}")
        return {"ok": True, **response.get_json()}
    raise ValueError(f"unknown op {op!r}")


def main():
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = answer(request)
        except Exception as error:  # the loop never dies on a bad request
            reply = {
                "ok": False,
                "error": type(error).__name__,
                "message": str(error) + "\n" + traceback.format_exc(),
            }
        reply["id"] = request.get("id")
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
