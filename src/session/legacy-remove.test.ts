/**
 * A visitor must always be able to remove. A full cookie saved before lots had ids (entries of 3
 * or 4 elements) has no room for the ids a save in today's layout writes into every lot; its
 * removal is then saved in the layout it came in, with `next_id` past every id the page showed,
 * so a stale page's id never names another lot.
 */
import { Session } from 'flask-session-ts';
import { describe, expect, it } from 'vitest';
import { buildTestApp, seededRandom, type TestApp } from '../../test/support/client.js';
import { decodeLedger } from '../domain/ledger.js';
import { urlFor } from '../web/urls.js';

/** As many id-less dated entries as one cookie holds: the first save with ids would not fit. */
function fullOldPortfolio(t: TestApp): string[][] {
  const random = seededRandom(21);
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const entries: string[][] = [];
  for (;;) {
    const entry = [
      `Q${String.fromCharCode(65 + Math.floor(random() * 26))}${digits(3)}`,
      // Canonical amounts (no trailing zero), as the app writes them: the entries come back as they were.
      `${1 + Math.floor(random() * 9)}${digits(3)}.${digits(1)}${1 + Math.floor(random() * 9)}`,
      `${1 + Math.floor(random() * 9)}${digits(2)}.${digits(1)}${1 + Math.floor(random() * 9)}`,
      `20${digits(1)}${digits(1)}-0${1 + Math.floor(random() * 9)}-1${digits(1)}`,
    ];
    const data = { _permanent: true, portfolio: [...entries, entry] };
    if (t.store.measure(new Session(data)) > t.store.maxSessionBytes) return entries;
    entries.push(entry);
  }
}

const removeUrl = (id: number) => `/lots/${id}/remove`;

/** Every page of the positions (100 a page) as one string: a lot's buttons are on its symbol's page. */
async function allPages(client: ReturnType<TestApp['client']>): Promise<string> {
  const pages: string[] = [];
  for (let n = 1; ; n += 1) {
    const page = await client.get(`${urlFor('list_stocks')}?page=${n}`);
    if (page.status === 404) return pages.join('');
    expect(page.status).toBe(200);
    pages.push(page.html);
  }
}

describe('removing from a full cookie saved before lots had ids', () => {
  it('removes the lot, keeps the others in order, and the ids the page showed name nothing after', async () => {
    const t = buildTestApp();
    const portfolio = fullOldPortfolio(t);
    expect(portfolio.length).toBeGreaterThan(50);
    const client = t.client();
    client.setSession({ _permanent: true, portfolio });
    // The page shows ids 1..n (read, never written); the removal links use them.
    expect(await allPages(client)).toContain(`action="${removeUrl(3)}"`);

    const removed = await client.postForm(removeUrl(3));
    expect(removed.status).toBe(302);
    const saved = client.decodeSession();
    const expected = portfolio.filter((_, i) => i !== 2);
    expect(saved['portfolio']).toEqual(expected);
    const list = { html: await allPages(client) };
    // Gone from the page (its "Removed" message goes too when even that would not fit, as for any
    // removal from a full cookie), the others still there.
    const gone = portfolio[2]?.[0] ?? '';
    expect(portfolio.filter((entry) => entry[0] === gone)).toHaveLength(1);
    expect(list.html).not.toContain(`>${gone}<`);
    expect(list.html).toContain(`>${portfolio[3]?.[0] ?? ''}<`);

    // Every id the old page showed is gone for good: a stale Remove or Edit says so, never another lot.
    const ledger = decodeLedger(saved);
    expect(Math.min(...ledger.lots.map((lot) => lot.id))).toBeGreaterThan(portfolio.length);
    const again = await client.postForm(removeUrl(4));
    expect(again.status).toBe(302);
    // Unchanged: under today's numbering from 1, id 4 would have removed the lot after the one gone.
    expect(client.decodeSession()['portfolio']).toEqual(expected);

    // The next removal, by the id the page now shows, works the same way.
    const first = ledger.lots[0]?.id ?? 0;
    expect(await allPages(client)).toContain(`action="${removeUrl(first)}"`);
    expect((await client.postForm(removeUrl(first))).status).toBe(302);
    const after = client.decodeSession();
    expect(after['portfolio']).toEqual(expected.slice(1));
    expect(Math.min(...decodeLedger(after).lots.map((lot) => lot.id))).toBeGreaterThanOrEqual(ledger.nextId);
  });
});
