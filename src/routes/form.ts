/**
 * Reading submitted forms: one parse per request, shared by the CSRF check and the handler.
 * @module
 */
import type { Context } from 'hono';
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
