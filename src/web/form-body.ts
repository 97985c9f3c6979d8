/**
 * Reading submitted forms: one parse per request, shared by the CSRF check and the handler.
 * @module
 */
import { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';

/** Form fields as Hono parses them with `all: true`: a repeated field becomes an array. */
export type FormFields = Record<string, string | File | (string | File)[]>;

/** The content types a form may arrive in. */
export const FORM_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'] as const;

/** Whether the request's body is a form (anything else on a form route is a 415). */
export function isFormRequest(c: Context): boolean {
  return (FORM_CONTENT_TYPES as readonly string[]).includes(contentType(c));
}

function contentType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Options of {@link formBodyLimit}, as Hono's `bodyLimit` takes them. */
export interface FormBodyLimitOptions {
  /** Largest body accepted, in bytes (inclusive). */
  readonly maxSize: number;
  /** The answer to a body over the limit (413). */
  readonly onError: (c: Context) => Response | Promise<Response>;
}

/**
 * Refuses bodies over `maxSize` with `onError`, before a byte of them is read.
 *
 * On @hono/node-server, whose `c.env.incoming` is the Node `IncomingMessage`, a `Content-Length`
 * decides: Node's HTTP parser delivers exactly that many bytes (a body longer than its length is
 * the next request; both a length and chunked encoding are refused with 400), so nothing needs
 * counting and the form is then read straight from the socket (`c.req.text()` takes the adapter's
 * direct path). Hono's `bodyLimit` would first ask for `c.req.raw.body`, which makes the adapter
 * build a full undici Request and a web stream around the body: 17 % of a POST /add_stock in the
 * profile (bench/README.md). A body without a length (chunked), and every request elsewhere (tests
 * through `app.request`), still go through `bodyLimit`, which counts while it reads.
 */
export function formBodyLimit(options: FormBodyLimitOptions): MiddlewareHandler {
  const counted = bodyLimit(options);
  return (c, next) => {
    const env: unknown = c.env;
    const incoming = typeof env === 'object' && env !== null && 'incoming' in env ? env.incoming : undefined;
    const length = c.req.header('content-length');
    if (!(incoming instanceof IncomingMessage) || length === undefined || !/^\d+$/.test(length)) {
      return counted(c, next);
    }
    return Number(length) > options.maxSize ? Promise.resolve(options.onError(c)) : next();
  };
}

/**
 * The submitted fields. Parsed once per request and shared by the CSRF check and the handler.
 * A URL-encoded body (what every form of this app sends) is read as text and split with
 * URLSearchParams: undici's `formData()`, which Hono's `parseBody` uses, cost a third of a
 * POST /add_stock in the profile (bench/README.md). Multipart still goes through Hono.
 * @throws HTTPException 400 when the body cannot be parsed as the form it claims to be.
 */
export function readForm(c: Context): Promise<FormFields> {
  let parsed = parsedForms.get(c.req.raw);
  if (parsed === undefined) {
    parsed = parseForm(c);
    parsedForms.set(c.req.raw, parsed);
  }
  return parsed;
}

const parsedForms = new WeakMap<Request, Promise<FormFields>>();

async function parseForm(c: Context): Promise<FormFields> {
  try {
    if (contentType(c) !== 'application/x-www-form-urlencoded') return await c.req.parseBody({ all: true });
    const fields: FormFields = {};
    for (const [name, value] of new URLSearchParams(await c.req.text())) {
      // A repeated field becomes an array, as parseBody({ all: true }) gives it.
      const previous = Object.hasOwn(fields, name) ? fields[name] : undefined;
      if (previous === undefined) fields[name] = value;
      else if (Array.isArray(previous)) previous.push(value);
      else fields[name] = [previous, value];
    }
    return fields;
  } catch (error) {
    throw new HTTPException(400, {
      message: 'The form could not be read. Reload the page and try again.',
      cause: error,
    });
  }
}

/** A single text field, or undefined when missing, repeated or a file. */
export function textField(form: FormFields, name: string): string | undefined {
  const value = Object.hasOwn(form, name) ? form[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}
