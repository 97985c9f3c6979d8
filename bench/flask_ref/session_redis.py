"""Flask-Session (Debian's python3-flask-session) on Redis for the reference app.

The same app with `SESSION_TYPE = "redis"`: the cookie holds a signed session id and the
pickled session lives in Redis, written back whole at the end of each request (last writer
wins). Enabled by app.py when SESSION_REDIS_URL is set; bench/stores.ts does that.
"""

import redis
from flask_session import Session


def use_flask_session(app, url):
    app.config.update(
        SESSION_TYPE="redis",
        SESSION_REDIS=redis.Redis.from_url(url),
        SESSION_USE_SIGNER=True,
        SESSION_PERMANENT=True,
        SESSION_KEY_PREFIX="flask-session:",
    )
    Session(app)
