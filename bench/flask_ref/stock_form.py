"""The add-stock form rules and the positions, ported from src/domain/stock-fields.ts, stock-rules.ts and src/domain/*.ts.

A straightforward port with decimal.Decimal: the same grammar, the same limits and the same
messages, so that the Flask reference does the same validation work as the app.
"""

import re
import unicodedata
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

FIELD_NAMES = ("stock_symbol", "number_of_shares", "purchase_price", "purchase_date")
MAX_INPUT_LENGTH = 64
SYMBOL_MAX_LENGTH = 10
SHARES_MAX, SHARES_DECIMALS = Decimal(1_000_000_000), 4
PRICE_MAX, PRICE_DECIMALS = Decimal(1_000_000), 4

TOO_LONG = f"Enter at most {MAX_INPUT_LENGTH} characters."
CONTROL_CHARACTERS = "Remove invisible or control characters."
REPEATED = "Enter one value."

SYMBOL_MESSAGES = {
    "required": "Enter a stock symbol (for example AAPL).",
    "invalid": f"Enter a stock symbol of 1–{SYMBOL_MAX_LENGTH} letters, digits, '.' or '-' (for example AAPL, BRK.B or 0700).",
    "no-letter": "Enter a stock symbol that contains at least one letter (for example AAPL).",
}


def _separators(example):
    return f"Use '.' for decimals and ',' only between groups of three digits (for example {example})."


SHARES_MESSAGES = {
    "required": "Enter the number of shares (for example 15 or 2.5).",
    "invalid": "Enter the number of shares in digits, with an optional decimal point (for example 15 or 2.5).",
    "plus-sign": "Enter the number of shares without a '+' sign.",
    "separators": _separators("1,234.5"),
    "not-positive": "Enter a number of shares greater than 0.",
    "too-many-decimals": f"Use at most {SHARES_DECIMALS} decimal places.",
    "too-large": "Enter a number of shares of at most 1,000,000,000.",
}

PRICE_MESSAGES = {
    "required": "Enter the purchase price per share (for example 302.17).",
    "invalid": "Enter the price in digits, with an optional $ (for example 302.17 or $1,234.50).",
    "plus-sign": "Enter the price without a '+' sign.",
    "separators": _separators("$1,234.50"),
    "not-positive": "Enter a price greater than $0.",
    "too-many-decimals": f"Use at most {PRICE_DECIMALS} decimal places.",
    "too-large": "Enter a price of at most $1,000,000.",
}

DATE_MESSAGES = {
    "invalid": "Enter the purchase date as YYYY-MM-DD (for example 2026-03-04), or leave it empty for today.",
    "future": "Enter a purchase date that is not in the future.",
}

INTEGER = r"(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)"
UNSIGNED_NUMBER = rf"(?:{INTEGER}(?:\.[0-9]+)?|\.[0-9]+)"
SYMBOL_CHARACTERS = r"[A-Za-z0-9.\-]"

# The HTML hints the template renders, in form order.
FIELDS = (
    {
        "name": "stock_symbol",
        "type": "text",
        "required": True,
        "label": "Stock Symbol",
        "pattern": rf"\s*(?:{SYMBOL_CHARACTERS}*[A-Za-z]{SYMBOL_CHARACTERS}*|[0-9]{{4,6}})\s*",
        "title": SYMBOL_MESSAGES["invalid"],
        "maxlength": SYMBOL_MAX_LENGTH,
        "inputmode": "text",
        "autocapitalize": "characters",
        "placeholder": "AAPL",
    },
    {
        "name": "number_of_shares",
        "type": "text",
        "required": True,
        "label": "Number of Shares",
        "pattern": rf"\s*{UNSIGNED_NUMBER}\s*",
        "title": SHARES_MESSAGES["invalid"],
        "maxlength": MAX_INPUT_LENGTH,
        "inputmode": "decimal",
        "autocapitalize": "off",
        "placeholder": "15",
    },
    {
        "name": "purchase_price",
        "type": "text",
        "required": True,
        "label": "Purchase Price ($)",
        "pattern": rf"\s*\$?\s*{UNSIGNED_NUMBER}\s*",
        "title": PRICE_MESSAGES["invalid"],
        "maxlength": MAX_INPUT_LENGTH,
        "inputmode": "decimal",
        "autocapitalize": "off",
        "placeholder": "302.17",
    },
    {
        "name": "purchase_date",
        "type": "date",
        "required": False,
        "label": "Purchase Date (optional)",
        "pattern": r"\s*(?:[0-9]{4}-[0-9]{2}-[0-9]{2})?\s*",
        "title": DATE_MESSAGES["invalid"],
        "maxlength": MAX_INPUT_LENGTH,
        "inputmode": "text",
        "autocapitalize": "off",
        "placeholder": "YYYY-MM-DD",
    },
)

PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
AMOUNT_PARTS = re.compile(r"([+-]?)(\$?)\s*([+-]?)(.*)", re.S)
NUMBER = re.compile(UNSIGNED_NUMBER)
SEPARATOR_TYPO = re.compile(r"(?=.*,)[0-9.,]+")
SYMBOL = re.compile(r"[A-Z0-9.-]+")
LETTER = re.compile(r"[A-Z]")
LOWER = re.compile(r"[a-z]+")
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def date_bounds(now=None):
    """(today, latest): the UTC date, and the latest date that has begun anywhere (UTC+14), as dates.ts."""
    now = now or datetime.now(timezone.utc)
    return now.date().isoformat(), (now + timedelta(hours=14)).date().isoformat()


def is_iso_date(text):
    """A real calendar day written YYYY-MM-DD from year 1000 on, as isIsoDate."""
    match = ISO_DATE.fullmatch(text)
    if match is None:
        return False
    year, month, day = (int(part) for part in match.groups())
    if year < 1000 or not 1 <= month <= 12 or day < 1:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return day <= (29 if leap else 28) if month == 2 else day <= DAYS_IN_MONTH[month - 1]


class Invalid(Exception):
    """A field's one message."""


def normalize_symbol(text):
    """Trims and upper-cases ASCII letters only, as normalizeSymbol does."""
    return LOWER.sub(lambda m: m.group(0).upper(), text.strip())


def check_symbol(symbol):
    if symbol == "":
        return "empty"
    if len(symbol) > SYMBOL_MAX_LENGTH:
        return "too-long"
    if not SYMBOL.fullmatch(symbol):
        return "invalid-characters"
    if not LETTER.search(symbol):
        return "no-letter"
    return None


def check_amount(value, maximum, decimals):
    if value <= 0:
        return "not-positive"
    if -value.normalize().as_tuple().exponent > decimals:
        return "too-many-decimals"
    if value > maximum:
        return "too-large"
    return None


def canonical(value):
    """Plain digits, trailing zeros removed: '1000.5', '15', '0.1234'."""
    return format(value.normalize(), "f")


def _read_text(values, messages):
    if not values:
        raise Invalid(messages["required"])
    if len(values) > 1:
        raise Invalid(REPEATED)
    value = values[0]
    if len(value) > MAX_INPUT_LENGTH:
        raise Invalid(TOO_LONG)
    text = value.strip()
    if text == "":
        raise Invalid(messages["required"])
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        raise Invalid(CONTROL_CHARACTERS)
    return text


def _parse_symbol(text):
    symbol = normalize_symbol(text)
    problem = check_symbol(symbol)
    if problem is None:
        return symbol
    raise Invalid(SYMBOL_MESSAGES["no-letter" if problem == "no-letter" else "invalid"])


def _parse_amount(text, messages, maximum, decimals, allow_dollar):
    sign_before, dollar, sign_after, digits = AMOUNT_PARTS.fullmatch(text).groups()
    sign = sign_before + sign_after
    if (dollar and not allow_dollar) or len(sign) > 1:
        raise Invalid(messages["invalid"])
    if not NUMBER.fullmatch(digits):
        raise Invalid(messages["separators" if SEPARATOR_TYPO.fullmatch(digits) else "invalid"])
    if sign == "-":
        raise Invalid(messages["not-positive"])
    if sign == "+":
        raise Invalid(messages["plus-sign"])
    value = Decimal(digits.replace(",", ""))
    problem = check_amount(value, maximum, decimals)
    if problem is not None:
        raise Invalid(messages[problem])
    return value


def _parse_date(text, latest):
    if not is_iso_date(text):
        raise Invalid(DATE_MESSAGES["invalid"])
    if text > latest:
        raise Invalid(DATE_MESSAGES["future"])
    return text


def _read_date(values, bounds):
    """The optional date: missing or blank is today; anything else must be a real day, not after latest."""
    if not values or (len(values) == 1 and len(values[0]) <= MAX_INPUT_LENGTH and values[0].strip() == ""):
        return bounds[0]
    return _parse_date(_read_text(values, {"required": DATE_MESSAGES["invalid"]}), bounds[1])


def parse_stock_form(form, bounds):
    """(holding, None, None) for a valid form, else (None, errors, values) to show it again.

    `bounds` is (today, latest) from date_bounds(); a holding is (symbol, shares, price, date).
    """
    parsers = {
        "stock_symbol": (SYMBOL_MESSAGES, _parse_symbol),
        "number_of_shares": (
            SHARES_MESSAGES,
            lambda t: canonical(_parse_amount(t, SHARES_MESSAGES, SHARES_MAX, SHARES_DECIMALS, False)),
        ),
        "purchase_price": (
            PRICE_MESSAGES,
            lambda t: canonical(_parse_amount(t, PRICE_MESSAGES, PRICE_MAX, PRICE_DECIMALS, True)),
        ),
    }
    parsed, errors = {}, {}
    for name, (messages, parse) in parsers.items():
        try:
            parsed[name] = parse(_read_text(form.getlist(name), messages))
        except Invalid as error:
            errors[name] = str(error)
    try:
        parsed["purchase_date"] = _read_date(form.getlist("purchase_date"), bounds)
    except Invalid as error:
        errors["purchase_date"] = str(error)
    if errors:
        values = {name: form.get(name, "") if len(form.getlist(name)) == 1 else "" for name in FIELD_NAMES}
        return None, errors, values
    return tuple(parsed[name] for name in FIELD_NAMES), None, None


# --- the portfolio, as src/domain/portfolio.ts reads and summarizes it -----------------


def _read_amount(raw, maximum, decimals):
    text = raw if isinstance(raw, str) else repr(raw) if isinstance(raw, (int, float)) else None
    if text is None or not PLAIN_DECIMAL.fullmatch(text):
        return None
    value = Decimal(text)
    return None if check_amount(value, maximum, decimals) else canonical(value)


def decode_portfolio(raw):
    """The valid holdings of a stored portfolio; anything unexpected is dropped, never an error."""
    if not isinstance(raw, list):
        return []
    holdings = []
    for entry in raw:
        if isinstance(entry, (list, tuple)) and 3 <= len(entry) <= 6:
            # [symbol, shares, price, date?] or, with ids, [symbol, shares, price, date|None, id, fee?].
            fields = tuple(entry[:4]) + (None,) * (4 - min(len(entry), 4))
        elif isinstance(entry, dict):
            fields = tuple(entry.get(name) for name in FIELD_NAMES)
        else:
            continue
        if not isinstance(fields[0], str):
            continue
        symbol = normalize_symbol(fields[0])
        shares = _read_amount(fields[1], SHARES_MAX, SHARES_DECIMALS)
        price = _read_amount(fields[2], PRICE_MAX, PRICE_DECIMALS)
        if check_symbol(symbol) is None and shares is not None and price is not None:
            # A date we cannot read costs the date, not the holding.
            date = fields[3] if isinstance(fields[3], str) and is_iso_date(fields[3]) else None
            holdings.append((symbol, shares, price) if date is None else (symbol, shares, price, date))
    return holdings


def lot_ids(raw, next_id):
    """Each valid entry's lot id, as src/domain/ledger.ts decodeLedger gives it: a stored id kept when
    unique, every other entry the next free one, in order, from max(next_id, largest kept + 1)."""
    entries = [e for e in raw if decode_portfolio([e])] if isinstance(raw, list) else []
    taken, kept = set(), []
    for entry in entries:
        stored = entry[4] if isinstance(entry, (list, tuple)) and len(entry) >= 5 else None
        ok = isinstance(stored, int) and not isinstance(stored, bool) and stored > 0 and stored not in taken
        if ok:
            taken.add(stored)
        kept.append(stored if ok else None)
    counter = max([next_id if isinstance(next_id, int) and next_id > 0 else 1] + [i + 1 for i in taken])
    ids = []
    for stored in kept:
        if stored is None:
            stored, counter = counter, counter + 1
        ids.append(stored)
    return ids, counter


CENT = Decimal("0.01")


def format_money(value):
    return "${:,.2f}".format(value.quantize(CENT, rounding=ROUND_HALF_UP))


def format_quantity(value):
    return format(value.normalize(), ",f")


def format_price(value):
    normalized = value.normalize()
    if normalized.as_tuple().exponent > -2:
        normalized = normalized.quantize(CENT)
    return "$" + format(normalized, ",f")


def divide(a, b, places):
    """a ÷ b rounded half away from zero to `places` decimals, from the exact rational value (divide)."""
    scaled = Fraction(a) / Fraction(b) * 10**places
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    rounded = whole + (1 if 2 * rest >= scaled.denominator else 0)
    return Decimal(-rounded if scaled < 0 else rounded).scaleb(-places)


def canonical_text(value):
    return format(value.normalize(), "f")


def _tail(text):
    """A figure's part from its decimal point on ('.17'); empty for a whole number."""
    dot = text.find(".")
    return "" if dot < 0 else text[dot:]


def column_tail(texts):
    """The longest tail of a column's figures, digits as zeros (src/web/figures.ts's decimalColumn)."""
    longest = ""
    for text in texts:
        tail = _tail(text)
        if len(tail) > len(longest):
            longest = tail
    return re.sub("[0-9]", "0", longest)


def pad_of(text, tail):
    """What `text` lacks of the column's tail: the invisible padding that aligns its decimal point."""
    return tail[len(_tail(text)):]


def colour_of(symbol):
    """A symbol's chart colour: the 32-bit FNV-1a hash of its characters, mod 8 (chart.ts's colourOf)."""
    h = 2166136261
    for ch in symbol:
        h = ((h ^ ord(ch)) * 16777619) & 0xFFFFFFFF
    return h % 8


def positions_page(holdings, ids=None):
    """The positions (lots grouped by symbol, in symbol order), the total and the allocation chart.

    Exact Decimal sums and products; the two divisions (average cost, shares of the chart) round
    half away from zero from the exact quotient, as src/domain/positions.ts and features/stocks/chart.ts do.
    """
    by_symbol = {}
    for index, (symbol, shares, price, *date) in enumerate(holdings):
        shares_value, price_value = Decimal(shares), Decimal(price)
        by_symbol.setdefault(symbol, []).append(
            {
                "id": ids[index] if ids is not None else index + 1,
                "date": date[0] if date else None,
                "shares_value": shares_value,
                "price_value": price_value,
                "cost_value": shares_value * price_value,
            }
        )
    positions, total = [], Decimal(0)
    for symbol in sorted(by_symbol):
        lots = by_symbol[symbol]
        shares = sum((lot["shares_value"] for lot in lots), Decimal(0))
        cost = sum((lot["cost_value"] for lot in lots), Decimal(0))
        total += cost
        for lot in lots:
            lot.update(
                shares=format_quantity(lot["shares_value"]),
                price=format_price(lot["price_value"]),
                cost=format_money(lot["cost_value"]),
            )
        # Each table of lots aligned on the decimal point (money always has two decimals).
        shares_tail = column_tail(lot["shares"] for lot in lots)
        price_tail = column_tail(lot["price"] for lot in lots)
        for lot in lots:
            lot.update(
                shares_pad=pad_of(lot["shares"], shares_tail),
                price_pad=pad_of(lot["price"], price_tail),
            )
        positions.append(
            {
                "symbol": symbol,
                "lots": lots,
                "cost_value": cost,
                "shares": format_quantity(shares),
                "average_cost": format_price(divide(cost, shares, 4)),
                "cost": format_money(cost),
            }
        )
    # The positions' shares and average costs aligned on the decimal point over the table.
    shares_tail = column_tail(p["shares"] for p in positions)
    average_tail = column_tail(p["average_cost"] for p in positions)
    for p in positions:
        p.update(
            shares_pad=pad_of(p["shares"], shares_tail),
            average_cost_pad=pad_of(p["average_cost"], average_tail),
        )
    # Bars against the largest position; each symbol's colour from its FNV-1a hash (chart.ts's colourOf).
    largest = max(p["cost_value"] for p in positions) if positions else Decimal(0)
    slices = [
        {
            "symbol": p["symbol"],
            "colour": colour_of(p["symbol"]),
            "percent": format(divide(p["cost_value"] * 100, total, 2), "f") + "%",
            "length": canonical_text(divide(p["cost_value"] * 100, largest, 2)) if largest else "0",
            "amount": p["cost"],
        }
        for p in positions
    ]
    chart = {"slices": slices}
    return positions, format_money(total), chart
