/**
 * Flask fidelity, against every Flask found (Debian's 2.2 always; the `python3` on PATH when it
 * has another): what Python writes we read, what we do not change goes back exactly as Flask
 * wrote it, and Flask's settings (cookie name, salt, digest, bytes keys, permanence) carry over.
 */
import { randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { describeEachFlask, type FlaskOracle, type OracleKeys, type Wire } from '../test/flask/oracle.js';
import { base64UrlDecode } from './encoding.js';
import { BadData, BadPayload, BadSignature, SessionTooLarge } from './errors.js';
import { sessionMiddleware, type SessionEnv } from './hono.js';
import { CookieSessionStore, type SessionOptions } from './cookie-store.js';
import type { CookieAction } from './store.js';
import type { SessionData } from './tagged-json.js';

const SECRET = 'fidelity-secret-key';
const NOW = 1_700_000_000;
const KEYS: OracleKeys = { secret: SECRET, now: NOW };

/** What Python's json writes that JSON.parse cannot read exactly, sent as Python values. */
const PYTHON_NUMBERS: SessionData = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  ninf: Number.NEGATIVE_INFINITY,
  big: 2n ** 64n + 1n,
  negative_big: -(10n ** 30n) - 7n,
  // 2^53 + 1 is the first integer a double cannot hold.
  just_past_doubles: 2n ** 53n + 1n,
};

function storeWith(options: Partial<SessionOptions> = {}): CookieSessionStore {
  return new CookieSessionStore({ secretKey: SECRET, now: () => NOW * 1000, ...options });
}

/** The cookie value of a `set` action or a `Set-Cookie` header, whatever the cookie's name. */
function valueOf(action: CookieAction | string): string {
  const header = typeof action === 'string' ? action : action.kind === 'set' ? action.header : '';
  const value = /^[^=]+=([^;]*)/.exec(header)?.[1];
  if (value === undefined || value === '') throw new Error(`No cookie in ${JSON.stringify(action)}`);
  return value;
}

/** The JSON text inside a cookie value, inflated if needed. */
function payloadJson(cookie: string): string {
  const payload = cookie.split('.').slice(0, -2).join('.');
  if (!payload.startsWith('.')) return base64UrlDecode(payload).toString('latin1');
  return inflateSync(base64UrlDecode(payload.slice(1))).toString('latin1');
}

let oracle: FlaskOracle;

describeEachFlask(
  (started) => (oracle = started),
  () => {
    describe('numbers Python writes', () => {
      it('reads NaN, the infinities and integers beyond 2^53 exactly', async () => {
        const cookie = await oracle.dumps({ ...KEYS, value: PYTHON_NUMBERS });
        expect(payloadJson(cookie)).toContain('"inf":Infinity');
        const { session, error } = storeWith().open(`session=${cookie}`);
        expect(error).toBeUndefined();
        expect(session.get('nan')).toBeNaN();
        expect(session.get('inf')).toBe(Number.POSITIVE_INFINITY);
        expect(session.get('ninf')).toBe(Number.NEGATIVE_INFINITY);
        expect(session.get('big')).toBe(2n ** 64n + 1n);
        expect(session.get('negative_big')).toBe(-(10n ** 30n) - 7n);
        expect(session.get('just_past_doubles')).toBe(2n ** 53n + 1n);
      });

      it('writes them, set from TypeScript, as the same bytes Flask writes, and Flask reads the same values', async () => {
        const store = storeWith();
        const { session } = store.open(undefined);
        for (const [key, value] of Object.entries(PYTHON_NUMBERS)) session.set(key, value);
        const ours = valueOf(store.commit(session));
        const flask = await oracle.dumps({ ...KEYS, value: PYTHON_NUMBERS });
        expect(payloadJson(ours)).toBe(payloadJson(flask));
        const original = await oracle.seeSession({ ...KEYS, cookie: flask });
        const seen = await oracle.seeSession({ ...KEYS, cookie: ours });
        expect(seen.repr).toEqual(original.repr);
        expect(seen.repr['big']).toBe('18446744073709551617');
        expect(seen.repr['nan']).toBe('nan');
      });
    });

    describe('keys the TypeScript side does not change', () => {
      /** Sent as Python values: a tuple, Markup, a float that is a whole number, a big int, dates, bytes. */
      const FLASK_ONLY: Record<string, Wire> = {
        pair: { $tuple: [1, 'two'] },
        markup: { $markup: '<b>bold</b>' },
        ratio: { $float: '1.0' },
        nested: { $dict: { t: { $tuple: [{ $float: '2.0' }] }, m: { $markup: '<i>x</i>' } } },
        big: { $int: '123456789012345678901234567890' },
        inf: { $float: 'inf' },
      };

      /** A Flask cookie holding FLASK_ONLY and `other`, signed by real Flask. */
      async function flaskCookie(other: string): Promise<string> {
        return oracle.dumpsWire({ ...KEYS, wire: { $dict: { ...FLASK_ONLY, other } } });
      }

      it('come back to Flask exactly as it wrote them, types included, when another key changes', async () => {
        const before = await flaskCookie('old');
        const flaskSaw = await oracle.seeSession({ ...KEYS, cookie: before });
        expect(flaskSaw.repr['pair']).toBe("(1, 'two')");
        expect(flaskSaw.repr['markup']).toBe("Markup('<b>bold</b>')");
        expect(flaskSaw.repr['ratio']).toBe('1.0');

        const store = storeWith();
        const { session } = store.open(`session=${before}`);
        session.set('other', 'new');
        const ours = valueOf(store.commit(session));

        const seen = await oracle.seeSession({ ...KEYS, cookie: ours });
        expect(seen.repr).toEqual({ ...flaskSaw.repr, other: "'new'" });
        // And byte for byte the JSON Flask itself writes for that session.
        expect(payloadJson(ours)).toBe(payloadJson(await flaskCookie('new')));
      });

      it('still come back exactly after a key is set and the change is rolled back by the size guard', async () => {
        const before = await flaskCookie('old');
        const store = storeWith({ maxCookieBytes: 512 });
        const { session } = store.open(`session=${before}`);
        expect(() => {
          // Random, so incompressible: over the 512 bytes allowed.
          store.update(session, (s) => s.set('pair', randomBytes(600).toString('base64')));
        }).toThrow(SessionTooLarge);
        session.set('other', 'new');
        const seen = await oracle.seeSession({ ...KEYS, cookie: valueOf(store.commit(session)) });
        expect(seen.repr['pair']).toBe("(1, 'two')");
      });

      it('lose their Python type only when set: a tuple set from TypeScript becomes a list', async () => {
        const store = storeWith();
        const { session } = store.open(`session=${await flaskCookie('old')}`);
        session.set('pair', session.get('pair') ?? null);
        const seen = await oracle.seeSession({ ...KEYS, cookie: valueOf(store.commit(session)) });
        expect(seen.repr['pair']).toBe("[1, 'two']");
        expect(seen.repr['markup']).toBe("Markup('<b>bold</b>')");
      });
    });

    describe('a signed payload we cannot represent', () => {
      // 70,000 characters inflate past the 64 KiB cap: Flask writes it (compressed, it is tiny).
      const HUGE = { note: 'a'.repeat(70_000), user_id: 7 };

      it('is reported by open() and never overwritten by a request that did not change the session', async () => {
        const cookie = await oracle.dumps({ ...KEYS, value: HUGE });
        const store = storeWith({ permanent: true });
        const opened = store.open(`session=${cookie}`);
        expect(opened.error).toBeInstanceOf(BadPayload);
        expect(opened.session.isEmpty).toBe(true);

        const invalid: BadData[] = [];
        const app = new Hono<SessionEnv>();
        app.use(sessionMiddleware(store, { onInvalidCookie: (error) => invalid.push(error) }));
        app.get('/', (c) => c.text(c.var.session.has('user_id') ? 'found' : 'none'));
        const res = await app.request('/', { headers: { Cookie: `session=${cookie}` } });
        expect(await res.text()).toBe('none');
        expect(res.headers.getSetCookie()).toEqual([]);
        expect(invalid).toHaveLength(1);
        expect(invalid[0]).toBeInstanceOf(BadPayload);
        // The visitor's cookie is untouched, so Flask still has all of it.
        expect((await oracle.openSession({ ...KEYS, cookie }))['user_id']).toBe(7);
      });
    });

    describe("Flask's settings", () => {
      it('share a session under another cookie name, salt and the sha256 digest', async () => {
        const settings = { cookieName: 'flask_sid', salt: 'shared-salt', digest: 'sha256' } as const;
        const flask = await oracle.sessionCookie({
          ...KEYS,
          ...settings,
          value: { user_id: 1 },
          permanent: false,
        });
        expect(flask).toMatch(/^flask_sid=/);
        const store = storeWith({ cookie: { name: 'flask_sid' }, salt: 'shared-salt', digest: 'sha256' });
        const { session, error } = store.open(`flask_sid=${valueOf(flask)}`);
        expect(error).toBeUndefined();
        expect(session.get('user_id')).toBe(1);
        session.set('user_id', 2);
        const ours = store.commit(session);
        expect(ours.kind === 'set' && ours.header.startsWith('flask_sid=')).toBe(true);
        expect((await oracle.openSession({ ...KEYS, ...settings, cookie: valueOf(ours) }))['user_id']).toBe(
          2,
        );
        // The defaults (salt cookie-session, sha1) do not verify it.
        expect(
          storeWith({ cookie: { name: 'flask_sid' } }).open(`flask_sid=${valueOf(flask)}`).error,
        ).toBeInstanceOf(BadSignature);
      });

      it('share a session under a key of raw bytes, as secrets.token_bytes gives', async () => {
        const key = new Uint8Array([
          0x8f,
          0x1c,
          0x00,
          0xff,
          0x80,
          0x27,
          0x5c,
          ...Array.from({ length: 25 }, (_, i) => i * 9),
        ]);
        const flask = await oracle.dumps({ ...KEYS, secret: key, value: { user_id: 3 } });
        const store = storeWith({ secretKey: key });
        const { session } = store.open(`session=${flask}`);
        expect(session.get('user_id')).toBe(3);
        session.set('user_id', 4);
        const ours = valueOf(store.commit(session));
        expect((await oracle.openSession({ ...KEYS, secret: key, cookie: ours }))['user_id']).toBe(4);
        expect((await oracle.loads({ ...KEYS, maxAge: 60, cookie: ours })).ok).toBe(false);
      });

      it('keep a non-permanent Flask session non-permanent by default', async () => {
        const flask = await oracle.sessionCookie({ ...KEYS, value: { user_id: 5 }, permanent: false });
        expect(flask).not.toContain('Expires=');
        const store = storeWith();
        const { session } = store.open(`session=${valueOf(flask)}`);
        expect(session.permanent).toBe(false);
        session.set('user_id', 6);
        const action = store.commit(session);
        expect(action.kind === 'set' && action.header).not.toContain('Expires=');
        const seen = await oracle.seeSession({ ...KEYS, cookie: valueOf(action) });
        expect(seen.permanent).toBe(false);
        expect(seen.value['user_id']).toBe(6);
      });

      it('make it permanent, for Flask too, only when the store is told to (permanent: true)', async () => {
        const flask = await oracle.sessionCookie({ ...KEYS, value: { user_id: 5 }, permanent: false });
        const store = storeWith({ permanent: true });
        const { session } = store.open(`session=${valueOf(flask)}`);
        session.set('user_id', 6);
        const action = store.commit(session);
        expect(action.kind === 'set' && action.header).toContain('Expires=');
        expect((await oracle.seeSession({ ...KEYS, cookie: valueOf(action) })).permanent).toBe(true);
      });
    });
  },
);
