/**
 * The light/dark theme switch, kept in the session like any preference.
 * @module
 */
import type { SessionStore } from 'flask-session-ts';
import type { Hono } from 'hono';
import { THEMES, type Theme } from '../../session/data.js';
import type { AppEnv } from '../../web/context.js';
import { readForm, textField } from '../../web/form-body.js';
import { honoPaths, urlFor } from '../../web/urls.js';
import { redirect } from '../../web/response.js';

function isTheme(value: string | undefined): value is Theme {
  return value !== undefined && (THEMES as readonly string[]).includes(value);
}

/**
 * Only a path on this site is a place to come back to: `//evil.example` or `/\evil.example`
 * would be an open redirect.
 */
function localPath(next: string | undefined): string | undefined {
  if (next === undefined || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
    return undefined;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  return /[\u0000-\u001f\u007f]/.test(next) ? undefined : next;
}

/** Registers `set_theme` on `app`. */
export function registerTheme(app: Hono<AppEnv>, store: SessionStore): void {
  app.post(honoPaths.set_theme, async (c) => {
    const form = await readForm(c);
    const theme = textField(form, 'theme');
    const back = localPath(textField(form, 'next')) ?? urlFor('index');
    if (!isTheme(theme)) {
      c.get('session').flash('error', `Unknown theme. Choose ${THEMES.join(' or ')}.`);
      return redirect(c, back, 302);
    }
    await store.update(c.get('session'), (session) => session.set('theme', theme));
    return redirect(c, back, 302);
  });
}
