"""The Flask reference: the Stock Portfolio pages as a plain Flask app would serve them.

Same routes, markup, session layout (`portfolio` as [[symbol, shares, price, date?], ...] and
`csrf_token`), secret key, permanent sessions and validation rules as the TypeScript app, with
Flask's own signed-cookie session. The list page is the app's positions page as it looks without
current prices (the bench's sessions set none): lots grouped by symbol with exact Decimal sums, the
allocation chart by cost basis. Editing, prices, CSV export and import are not ported: their URLs
exist (the page links to them) and answer 501. `run.ts` serves it with gunicorn's sync workers:

    SECRET_KEY=... /usr/bin/gunicorn -w 2 -b 127.0.0.1:5000 --chdir bench/flask_ref app:app

Flask 2.2 and gunicorn 20.1 from Debian (/usr/bin/python3).
"""

import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, abort, flash, get_flashed_messages, redirect, render_template, request, session, url_for

from stock_form import (
    FIELD_NAMES,
    FIELDS,
    date_bounds,
    decode_portfolio,
    lot_ids,
    parse_stock_form,
    positions_page,
)

PUBLIC_DIR = Path(__file__).resolve().parent.parent.parent / "public"



def fingerprints(folder):
    """Each file's name with its content hash, as the app links to it: `style.css` → `style.<12 hex>.css`."""
    names = {}
    for path in sorted(folder.iterdir()):
        if path.suffix in (".css", ".png", ".svg", ".ico", ".txt"):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            names[path.name] = f"{path.stem}.{digest}{path.suffix}"
    return names


STATIC_NAMES = fingerprints(PUBLIC_DIR)
STATIC_FILES = {fingerprinted: name for name, fingerprinted in STATIC_NAMES.items()}


class App(Flask):
    # Templates are `.jinja` (so prettier leaves them alone); Flask only autoescapes `.html` by default.
    def select_jinja_autoescape(self, filename):
        return True

    # The fingerprinted names the pages link to are the same files.
    def send_static_file(self, filename):
        return super().send_static_file(STATIC_FILES.get(filename, filename))


app = App(__name__, static_folder=str(PUBLIC_DIR), static_url_path="/static")
app.config.update(
    SECRET_KEY=os.environ["SECRET_KEY"],
    PERMANENT_SESSION_LIFETIME=timedelta(days=31),
    SESSION_COOKIE_SECURE=True,
    SESSION_COOKIE_SAMESITE="Lax",
    MAX_CONTENT_LENGTH=16 * 1024,
)

# What hono/secure-headers sends for the app, so both answer with the same headers.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Origin-Agent-Cluster": "?1",
    "Permissions-Policy": "accelerometer=(), autoplay=(), bluetooth=(), browsing-topics=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), hid=(), identity-credentials-get=(), idle-detection=(), local-fonts=(), magnetometer=(), microphone=(), midi=(), otp-credentials=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), web-share=(), window-management=(), xr-spatial-tracking=()",
    "Referrer-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=15552000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-DNS-Prefetch-Control": "off",
    "X-Download-Options": "noopen",
    "X-Frame-Options": "DENY",
    "X-Permitted-Cross-Domain-Policies": "none",
    "X-XSS-Protection": "0",
}
CSRF_MESSAGE = "This form expired or came from another site. Reload the page and try again."
THEMES = ("light", "dark")


def csrf_token():
    token = session.get("csrf_token")
    # At least 43: the benchmark's shared token is the app's signed one (nonce.hmac), 87 characters.
    if not (isinstance(token, str) and len(token) >= 43):
        token = secrets.token_urlsafe(32)
        session["csrf_token"] = token
    return token


def theme():
    """The visitor's chosen theme, or None: then the browser's `prefers-color-scheme` decides, as in the app."""
    value = session.get("theme")
    return value if value in THEMES else None


def static_url(filename):
    return url_for("static", filename=STATIC_NAMES[filename])


# The app's menu, in its order: (endpoint, label).
MENU = (
    ("index", "Home"),
    ("list_stocks", "Portfolio"),
    ("add_stock", "Add a stock"),
    ("import_stocks", "Import"),
    ("about", "About"),
)

app.jinja_env.globals.update(csrf_token=csrf_token, theme=theme, static_url=static_url, menu=MENU)


@app.before_request
def make_permanent_and_check_csrf():
    # Only when not yet permanent: setting it again would mark every session modified.
    if not session.permanent:
        session.permanent = True
    if request.method == "POST":
        site = request.headers.get("Sec-Fetch-Site")
        origin = request.headers.get("Origin")
        if site is not None and site not in ("same-origin", "none"):
            abort(403)
        if origin is not None and (origin == "null" or urlsplit(origin).netloc != request.host.lower()):
            abort(403)
        submitted = request.form.get("csrf_token", "")
        expected = session.get("csrf_token")
        if not submitted or not isinstance(expected, str) or not hmac.compare_digest(submitted, expected):
            abort(403)


@app.after_request
def add_headers(response):
    response.headers.update(SECURITY_HEADERS)
    if session.accessed:
        response.headers["Cache-Control"] = "no-store"
    return response


def error_page(status, heading, message):
    return render_template("error.jinja", title=heading, heading=heading, message=message), status


@app.errorhandler(403)
def forbidden(_error):
    return error_page(403, "Forbidden", CSRF_MESSAGE)


@app.errorhandler(404)
def not_found(_error):
    return error_page(404, "Page Not Found", "There is no page at this address. Check the link, or start again from the home page.")


@app.errorhandler(405)
def method_not_allowed(_error):
    return error_page(405, "Method Not Allowed", "This address does not accept that method.")


@app.errorhandler(501)
def not_ported(_error):
    return error_page(501, "Not Implemented", "The Flask reference serves the pages the benchmark measures.")


@app.errorhandler(413)
def too_large(_error):
    return error_page(413, "Request Too Large", "A form can be at most 16 KiB.")


@app.route("/")
def index():
    return render_template("index.jinja", title="Home")


@app.route("/about")
def about():
    return render_template("about.jinja", title="About")


@app.route("/hello/<message>")
def hello_message(message):
    return render_template("simple.jinja", title="Hello", heading=f"Welcome {message}!")


@app.route("/blog_posts/<int:post_id>")
def display_blog_post(post_id):
    return render_template("simple.jinja", title=f"Blog Post #{post_id}", heading=f"Blog Post #{post_id}", text="Blog posts are not written yet.")


EMPTY_VALUES = {name: "" for name in FIELD_NAMES}


@app.route("/add_stock", methods=["GET", "POST"])
def add_stock():
    bounds = date_bounds()
    if request.method == "GET":
        return render_template(
            "add_stock.jinja", title="Add a stock", fields=FIELDS, values=EMPTY_VALUES, errors={}, latest=bounds[1]
        )
    holding, errors, values = parse_stock_form(request.form, bounds)
    if holding is None:
        return render_template(
            "add_stock.jinja", title="Error: Add a stock", fields=FIELDS, values=values, errors=errors, latest=bounds[1]
        ), 422
    # As the app: the lots with their ids, the new one with the next id, and the undo of the add.
    raw = session.get("portfolio")
    holdings = decode_portfolio(raw)
    ids, next_id = lot_ids(raw, session.get("next_id"))
    lots = [list(h[:3]) + [h[3] if len(h) > 3 else None, i] for h, i in zip(holdings, ids)]
    session["portfolio"] = lots + [list(holding) + [next_id]]
    session["next_id"] = next_id + 1
    session["undo"] = ["add", next_id]
    flash(f"Added new stock ({holding[0]})!", "success")
    return redirect(url_for("list_stocks"))


@app.route("/stocks")
def list_stocks():
    raw = session.get("portfolio")
    holdings = decode_portfolio(raw)
    positions, total, chart = positions_page(holdings, lot_ids(raw, session.get("next_id"))[0])
    # Room left, estimated from the cookie that came in (about 16 bytes per dated holding).
    used = len(request.cookies.get(app.config["SESSION_COOKIE_NAME"], "")) + 110
    remaining = max(0, (4093 - used) // 16)
    return render_template(
        "stocks.jinja",
        title="Your portfolio",
        positions=positions,
        count=len(holdings),
        total=total,
        chart=chart,
        remaining=remaining,
    )


def not_ported_view(**_kwargs):
    abort(501)


# Linked from the list page, so url_for builds their URLs as the app's page does; not ported.
app.add_url_rule("/lots/<int:lot_id>/edit", "edit_lot", not_ported_view, methods=["GET", "POST"])
app.add_url_rule("/lots/<int:lot_id>/remove", "remove_lot", not_ported_view, methods=["POST"])
app.add_url_rule("/sales/new", "sell_stock", not_ported_view, methods=["GET", "POST"])
app.add_url_rule("/stocks/price", "set_price", not_ported_view, methods=["POST"])
app.add_url_rule("/prices", "update_prices", not_ported_view, methods=["GET", "POST"])
app.add_url_rule("/stocks/export.csv", "export_stocks", not_ported_view)
app.add_url_rule("/stocks/import", "import_stocks", not_ported_view, methods=["GET", "POST"])


@app.route("/stocks/<int:index>/delete", methods=["POST"])
def delete_stock(index):
    holdings = decode_portfolio(session.get("portfolio"))
    if index >= len(holdings) or holdings[index][0] != request.form.get("symbol"):
        flash("That holding was already removed or has moved (another tab?). Nothing was removed.", "error")
        return redirect(url_for("list_stocks"))
    removed = holdings.pop(index)
    session["portfolio"] = [list(h) for h in holdings]
    flash(f"Removed {removed[0]}.", "success")
    return redirect(url_for("list_stocks"))


@app.route("/stocks/clear", methods=["GET", "POST"])
def clear_stocks():
    # The app asks first (GET: a confirmation page); that page is not ported.
    if request.method == "GET":
        abort(501)
    session.pop("portfolio", None)
    flash("Your portfolio is now empty.", "info")
    return redirect(url_for("list_stocks"))


@app.route("/theme", methods=["POST"])
def set_theme():
    value = request.form.get("theme")
    back = request.form.get("next", "")
    if not back.startswith("/") or back.startswith("//") or back.startswith("/\\"):
        back = url_for("index")
    if value not in THEMES:
        flash("Unknown theme. Choose light or dark.", "error")
    else:
        session["theme"] = value
    return redirect(back)


@app.context_processor
def page_context():
    return {"flashes": get_flashed_messages(with_categories=True)}


# The anchor for server-side sessions (bench/stores.ts): Debian's Flask-Session on Redis.
if os.environ.get("SESSION_REDIS_URL"):
    from session_redis import use_flask_session

    use_flask_session(app, os.environ["SESSION_REDIS_URL"])
