import { UndecodableSession, UnstorableValue, type SessionStore } from 'flask-session-ts';
import { describe, expect, it } from 'vitest';
import {
  AAPL_LOT,
  Client,
  mainText,
  recordingLogger,
  testConfig,
  TEST_NOW,
} from '../../test/support/client.js';
import { KEEP_UNREADABLE_MESSAGE } from '../session/unreadable.js';
import { createCookieStore } from '../session/stores.js';
import { urlFor } from '../web/urls.js';
import { createApp } from './app.js';

/** The app over a cookie store whose `update` throws `error`, with a visitor at the add form. */
async function appWhoseUpdateThrows(error: Error) {
  const config = testConfig();
  const logger = recordingLogger();
  const cookies = createCookieStore(config, () => TEST_NOW);
  const store: SessionStore = {
    cookieName: cookies.cookieName,
    maxSessionBytes: cookies.maxSessionBytes,
    open: (header) => cookies.open(header),
    commit: (session, status) => cookies.commit(session, status),
    measure: (session) => cookies.measure(session),
    update: () => Promise.reject(error),
  };
  const app = createApp({ config, logger, store, now: () => TEST_NOW });
  const client = new Client(app, cookies);
  await client.get(urlFor('add_stock'));
  return { client, logger };
}

describe('the error pages of the session library’s refusals', () => {
  it('answers 409 "Nothing was saved" when the library keeps a session it could not decode', async () => {
    const { client, logger } = await appWhoseUpdateThrows(new UndecodableSession('too-large'));
    const before = client.sessionCookie;
    const page = await client.postForm(urlFor('add_stock'), AAPL_LOT);
    expect(page.status).toBe(409);
    expect(mainText(page.html)).toContain(KEEP_UNREADABLE_MESSAGE);
    expect(client.sessionCookie).toBe(before);
    expect(logger.lines.map((l) => l.message).join('\n')).toContain('Kept an undecodable session');
  });

  it('answers 500 and names the key and reason of a value the session cannot hold', async () => {
    const error = new UnstorableValue('portfolio', 'cycle', 'portfolio[0]', 'the value contains itself');
    const { client, logger } = await appWhoseUpdateThrows(error);
    const page = await client.postForm(urlFor('add_stock'), AAPL_LOT);
    expect(page.status).toBe(500);
    expect(logger.lines.map((l) => l.message).join('\n')).toContain(
      'Unstorable session value on POST /add_stock: portfolio (cycle)',
    );
  });
});
