/**
 * JavaScript values Python has no exact counterpart for, against every Flask found (Debian's 2.2
 * always; the `python3` on PATH when it has another): `-0`, `undefined`, array holes, Dates
 * finer than a second and whole numbers past 2^53. FIDELITY.md ("JavaScript values without a Python twin") states each rule.
 */
import { inflateSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { describeEachFlask, type FlaskOracle, type OracleKeys } from '../test/flask/oracle.js';
import { CookieSessionStore } from './cookie-store.js';
import { base64UrlDecode } from './encoding.js';
import type { SessionValue } from './tagged-json.js';

const SECRET = 'fidelity-edges-secret-key';
const NOW = 1_700_000_000;
const KEYS: OracleKeys = { secret: SECRET, now: NOW };

function storeWith(): CookieSessionStore {
  return new CookieSessionStore({ secretKey: SECRET, now: () => NOW * 1000 });
}

/** Sets each key from TypeScript and gives the cookie value sent. */
function cookieOf(values: Readonly<Record<string, SessionValue | undefined>>): string {
  const store = storeWith();
  const { session } = store.open(undefined);
  for (const [key, value] of Object.entries(values)) session.set(key, value);
  const action = store.commit(session);
  if (action.kind !== 'set') throw new Error(`Expected a cookie, got ${JSON.stringify(action)}`);
  return /^session=([^;]*)/.exec(action.header)?.[1] ?? '';
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
    it('writes -0 as the integer 0, and keeps a -0.0 Flask wrote while its key is not set', async () => {
      const ours = cookieOf({ zero: -0, list: [-0, 1.5] });
      expect(payloadJson(ours)).toBe('{"list":[0,1.5],"zero":0}');
      const seen = await oracle.seeSession({ ...KEYS, cookie: ours });
      expect(seen.repr).toEqual({ list: '[0, 1.5]', zero: '0' });

      const flask = await oracle.dumpsWire({
        ...KEYS,
        wire: { $dict: { zero: { $float: '-0.0' }, other: 1 } },
      });
      const store = storeWith();
      const { session } = store.open(`session=${flask}`);
      expect(Object.is(session.get('zero'), -0)).toBe(true);
      session.set('other', 2);
      const action = store.commit(session);
      const back = action.kind === 'set' ? (/^session=([^;]*)/.exec(action.header)?.[1] ?? '') : '';
      expect((await oracle.seeSession({ ...KEYS, cookie: back })).repr).toEqual({ zero: '-0.0', other: '2' });
    });

    it('writes a whole number from 2^53 as the float it is, which Flask reads as a float', async () => {
      const ours = cookieOf({ big: 2 ** 53, safe: 2 ** 53 - 1, list: [-(2 ** 53)] });
      expect(payloadJson(ours)).toBe(
        '{"big":9007199254740992.0,"list":[-9007199254740992.0],"safe":9007199254740991}',
      );
      expect((await oracle.seeSession({ ...KEYS, cookie: ours })).repr).toEqual({
        big: '9007199254740992.0',
        list: '[-9007199254740992.0]',
        safe: '9007199254740991',
      });
      const { session } = storeWith().open(`session=${ours}`);
      expect(session.get('big')).toBe(2 ** 53);
    });

    it('leaves out keys and members whose value is undefined', async () => {
      const ours = cookieOf({ kept: 1, gone: undefined, nested: { a: 1, b: undefined } });
      expect(payloadJson(ours)).toBe('{"kept":1,"nested":{"a":1}}');
      expect((await oracle.seeSession({ ...KEYS, cookie: ours })).repr).toEqual({
        kept: '1',
        nested: "{'a': 1}",
      });
    });

    it('writes array holes and undefined items as null (None)', async () => {
      const holes = new Array<number>(3);
      holes[0] = 1;
      holes[2] = 3;
      // A JavaScript caller can pass undefined items; the types do not allow them.
      const undefinedItem = [1, undefined, 3] as unknown as SessionValue;
      const ours = cookieOf({ holes, undefinedItem });
      expect(payloadJson(ours)).toBe('{"holes":[1,null,3],"undefinedItem":[1,null,3]}');
      expect((await oracle.seeSession({ ...KEYS, cookie: ours })).repr).toEqual({
        holes: '[1, None, 3]',
        undefinedItem: '[1, None, 3]',
      });
    });

    it('writes a Date as whole seconds, rounded down (before 1970 too), as Flask reads it back', async () => {
      const ours = cookieOf({
        late: new Date(1_700_000_000_999),
        beforeEpoch: new Date(-1_500),
      });
      expect(payloadJson(ours)).toBe(
        '{"beforeEpoch":{" d":"Wed, 31 Dec 1969 23:59:58 GMT"},"late":{" d":"Tue, 14 Nov 2023 22:13:20 GMT"}}',
      );
      expect(await oracle.openSession({ ...KEYS, cookie: ours })).toEqual({
        late: new Date(1_700_000_000_000),
        beforeEpoch: new Date(-2_000),
      });
      // Read back on our side, the milliseconds are gone too.
      const { session } = storeWith().open(`session=${ours}`);
      expect(session.get('late')).toEqual(new Date(1_700_000_000_000));
    });
  },
);
