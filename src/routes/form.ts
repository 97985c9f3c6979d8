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
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (FORM_CONTENT_TYPES as readonly string[]).includes(type);
}

/**
 * The submitted fields. Hono caches the parse, so the CSRF check and the handler share it.
 * @throws HTTPException 400 when the body cannot be parsed as the form it claims to be.
 */
export async function readForm(c: Context): Promise<FormFields> {
  try {
    return await c.req.parseBody({ all: true });
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
