/**
 * Secret keys as an operator writes them in the environment. Flask apps are told to make a key
 * with `python -c 'import secrets; print(secrets.token_bytes(32))'`, which prints a Python bytes
 * literal such as `b'\x8f\x1c...'`; that is accepted exactly as printed, so the same key can be
 * pasted into both services. Explicit `hex:` and `base64:` forms are accepted too, and anything
 * else is a text key used as its UTF-8 bytes, as Flask uses `app.secret_key = "<text>"`.
 * @module
 */
import type { Secret } from 'flask-session-ts';

/** A key that cannot be read; `message` says what form was expected. */
export class SecretKeyFormatError extends Error {
  override name = 'SecretKeyFormatError';
}

const FORMS =
  "Write it as printed by Python's print(secrets.token_bytes(32)) (b'\\x8f...'), as hex:<hex digits>, " +
  'as base64:<base64>, or as plain text.';

// The escapes Python's bytes repr writes, plus \" (valid in a literal written by hand).
const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, '\\': 92, "'": 39, '"': 34 };

/**
 * The key `text` stands for: bytes for `b'…'`, `hex:…` and `base64:…`; the text itself otherwise.
 * @throws SecretKeyFormatError for a malformed literal, hex or base64 value.
 */
export function parseSecretKey(text: string): Secret {
  if (text.startsWith('hex:')) {
    const hex = text.slice(4);
    if (hex === '' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
      throw new SecretKeyFormatError(`After "hex:" comes an even number of hex digits (0-9, a-f). ${FORMS}`);
    }
    return new Uint8Array(Buffer.from(hex, 'hex'));
  }
  if (text.startsWith('base64:')) {
    const base64 = text.slice(7);
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(base64) || base64 === '') {
      throw new SecretKeyFormatError(`After "base64:" comes standard padded base64. ${FORMS}`);
    }
    return new Uint8Array(Buffer.from(base64, 'base64'));
  }
  if (/^b['"]/.test(text)) return parseBytesLiteral(text);
  return text;
}

/** Python's `b'…'` / `b"…"` with the escapes `repr(bytes)` writes. */
function parseBytesLiteral(text: string): Uint8Array {
  const quote = text[1];
  if (text.length < 3 || !text.endsWith(quote ?? '')) {
    throw new SecretKeyFormatError(
      `The bytes literal does not end with its quote (${quote ?? ''}). ${FORMS}`,
    );
  }
  const body = text.slice(2, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body.charCodeAt(i);
    if (ch === 0x5c) {
      const next = body[i + 1] ?? '';
      const simple = SIMPLE_ESCAPES[next];
      if (simple !== undefined) {
        bytes.push(simple);
        i++;
        continue;
      }
      const hex = body.slice(i + 2, i + 4);
      if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(Number.parseInt(hex, 16));
        i += 3;
        continue;
      }
      throw new SecretKeyFormatError(
        `Unknown escape "\\${next}" at character ${i + 3} of the bytes literal. ${FORMS}`,
      );
    }
    if (ch < 0x20 || ch > 0x7e || body[i] === quote) {
      throw new SecretKeyFormatError(
        `Character ${i + 3} of the bytes literal is not printable ASCII or is an unescaped quote. ${FORMS}`,
      );
    }
    bytes.push(ch);
  }
  return new Uint8Array(bytes);
}

/**
 * The list of fallback keys: a JSON array of strings (`["b'\\x8f…'", "old text key"]`, which can
 * carry any key, commas included), or keys separated by commas, each trimmed, empty ones skipped.
 * @throws SecretKeyFormatError for a malformed list or key.
 */
export function parseSecretKeyList(text: string): Secret[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new SecretKeyFormatError('The list starts with "[" but is not a JSON array of strings.');
    }
    if (
      !Array.isArray(parsed) ||
      !parsed.every((key): key is string => typeof key === 'string' && key !== '')
    ) {
      throw new SecretKeyFormatError('The JSON list must hold only non-empty strings, one per key.');
    }
    return parsed.map((key, i) => withPosition(key, i));
  }
  const keys = trimmed
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  return keys.map((key, i) =>
    withPosition(key, i, ' A key with a comma needs the JSON array form: ["…", "…"].'),
  );
}

function withPosition(key: string, index: number, hint = ''): Secret {
  try {
    return parseSecretKey(key);
  } catch (error) {
    if (!(error instanceof SecretKeyFormatError)) throw error;
    throw new SecretKeyFormatError(`key ${index + 1}: ${error.message}${hint}`);
  }
}

/** The key's length in bytes, as the signer sees it. */
export function secretKeyBytes(key: Secret): number {
  return typeof key === 'string' ? Buffer.byteLength(key, 'utf8') : key.length;
}
