/** Editing a holding, through app.request: same form and rules as adding, atomic, and safe across tabs. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AAPL_LOT,
  clockedApp,
  fieldError,
  flashes,
  formInput,
  inputs,
  mainText,
  seededRandom,
  tableRows,
  TEST_TODAY,
  visitorWith,
  type Client,
} from '../../../test/support/client.js';
import { editMessages } from './routes.js';
import { dateMessages, FIELD_NAMES, sharesMessages } from '../../domain/stock-fields.js';
import { urlFor } from '../../web/urls.js';
import { ledgerMessages } from '../../web/ledger-messages.js';

const AAPL = AAPL_LOT;
const MSFT = {
  stock_symbol: 'MSFT',
  number_of_shares: '2',
  purchase_price: '410.5',
  purchase_date: '2026-02-03',
};

/** The fields the edit page's form would post: the prefilled values. */
function editFields(html: string): Record<string, string> {
  const form = /<form method="post" action="\/lots\/\d+\/edit"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
  return Object.fromEntries(
    inputs(form)
      .filter((input) => input['name'] !== undefined && input['name'] !== 'csrf_token')
      .map((input) => [input['name'] ?? '', input['value'] ?? '']),
  );
}

function portfolioOf(client: Client): unknown {
  return client.decodeSession()['portfolio'];
}

describe('the edit form', () => {
  it('is the add form’s fields, filled in with the holding', async () => {
    const client = await visitorWith([AAPL, MSFT]);
    const add = await client.get(urlFor('add_stock'));
    const page = await client.get(urlFor('edit_lot', { lot_id: 2 }));
    expect(page.status).toBe(200);
    expect(mainText(page.html)).toContain('Edit MSFT');
    for (const name of FIELD_NAMES) {
      const edited = formInput(page.html, name);
      const added = formInput(add.html, name);
      expect({ ...edited, value: '' }, name).toEqual(added);
      expect(edited?.['value'], name).toBe(MSFT[name]);
    }
  });

  it('answers an id with no lot with "already removed or moved", and an old index URL with "out of date"', async () => {
    const client = await visitorWith([AAPL]);
    const missing = await client.get(urlFor('edit_lot', { lot_id: 2 }));
    expect(missing.status).toBe(303);
    expect(missing.location).toBe(urlFor('list_stocks'));
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([['error', editMessages.gone]]);
    const old = await client.get(urlFor('edit_stock', { index: 0 }));
    expect(old.status).toBe(303);
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([
      ['error', ledgerMessages.stalePage],
    ]);
  });

  it('offers no day after the latest one that has begun somewhere', async () => {
    const client = await visitorWith([AAPL]);
    const page = await client.get(urlFor('edit_lot', { lot_id: 1 }));
    // Noon UTC on 2026-03-04: at UTC+14 it is already 2026-03-05.
    expect(formInput(page.html, 'purchase_date')?.['max']).toBe('2026-03-05');
  });
});

describe('saving an edit', () => {
  it('changes the holding in place, keeps the others, and says so', async () => {
    const client = await visitorWith([AAPL, MSFT]);
    const fields = editFields((await client.get(urlFor('edit_lot', { lot_id: 1 }))).html);
    const post = await client.postForm(urlFor('edit_lot', { lot_id: 1 }), {
      ...fields,
      number_of_shares: '20',
      purchase_price: '$299.99',
      purchase_date: '2025-12-31',
    });
    expect(post.status).toBe(302);
    expect(post.location).toBe(urlFor('list_stocks'));
    expect(portfolioOf(client)).toEqual([
      ['AAPL', '20', '299.99', '2025-12-31', 1],
      ['MSFT', '2', '410.5', '2026-02-03', 2],
    ]);
    const page = await client.get(urlFor('list_stocks'));
    expect(flashes(page.html)).toEqual([['success', editMessages.saved('AAPL')]]);
    expect(tableRows(page.html)[0]?.slice(0, 5)).toEqual([
      'AAPL',
      '2025-12-31',
      '20',
      '$299.99',
      '$5,999.80',
    ]);
  });

  it('refuses bad values with the add form’s messages, keeps them in the form, and changes nothing', async () => {
    const client = await visitorWith([AAPL]);
    const before = client.decodeSession();
    const fields = editFields((await client.get(urlFor('edit_lot', { lot_id: 1 }))).html);
    const page = await client.postForm(urlFor('edit_lot', { lot_id: 1 }), {
      ...fields,
      number_of_shares: '0',
      purchase_date: '2026-03-06',
    });
    expect(page.status).toBe(422);
    expect(fieldError(page.html, 'number_of_shares')).toBe(sharesMessages['not-positive']);
    expect(fieldError(page.html, 'purchase_date')).toBe(dateMessages.future);
    expect(formInput(page.html, 'number_of_shares')?.['value']).toBe('0');
    expect(page.setCookies).toEqual([]);
    expect(client.decodeSession()).toEqual(before);
  });

  it('gives a holding saved before dates existed today’s date when the field is left empty', async () => {
    const client = clockedApp().client();
    client.setSession({ portfolio: [['AAPL', '15', '302.17']] });
    const page = await client.get(urlFor('edit_lot', { lot_id: 1 }));
    const fields = editFields(page.html);
    expect(fields['purchase_date']).toBe('');
    await client.postForm(urlFor('edit_lot', { lot_id: 1 }), { ...fields, number_of_shares: '16' });
    expect(portfolioOf(client)).toEqual([['AAPL', '16', '302.17', TEST_TODAY, 1]]);
  });
});

describe('an edit and another tab', () => {
  /** Two tabs of one browser: they share the cookie jar, so each sees the other's saves. */
  async function twoTabs() {
    const t = clockedApp();
    const first = await visitorWith([AAPL, MSFT, { ...AAPL, number_of_shares: '1' }], t);
    const second = t.client();
    second.setSessionCookie(first.sessionCookie);
    await second.get(urlFor('list_stocks'));
    const share = (from: Client, to: Client) => to.setSessionCookie(from.sessionCookie);
    return { first, second, share };
  }

  it('edits the right lot after another tab removed a row above it', async () => {
    const { first, second, share } = await twoTabs();
    const fields = editFields((await first.get(urlFor('edit_lot', { lot_id: 2 }))).html);
    expect(fields['stock_symbol']).toBe('MSFT');
    share(first, second);
    expect((await second.postForm(urlFor('remove_lot', { lot_id: 1 }))).status).toBe(302);
    share(second, first);
    // The form posts to lot 2, which is now the first row.
    await first.postForm(urlFor('edit_lot', { lot_id: 2 }), { ...fields, number_of_shares: '3' });
    expect(portfolioOf(first)).toEqual([
      ['MSFT', '3', '410.5', '2026-02-03', 2],
      ['AAPL', '1', '302.17', '2026-01-02', 3],
    ]);
  });

  it('saves nothing, and says "already removed or moved", when another tab removed the lot first', async () => {
    const { first, second, share } = await twoTabs();
    const stale = editFields((await first.get(urlFor('edit_lot', { lot_id: 2 }))).html);
    share(first, second);
    await second.postForm(urlFor('remove_lot', { lot_id: 2 }));
    share(second, first);
    const before = portfolioOf(first);
    const post = await first.postForm(urlFor('edit_lot', { lot_id: 2 }), { ...stale, number_of_shares: '7' });
    expect(post.status).toBe(302);
    expect(portfolioOf(first)).toEqual(before);
    const page = await first.get(urlFor('list_stocks'));
    expect(flashes(page.html)).toEqual([['error', editMessages.gone]]);
    // Never another lot: the row that took its place is untouched.
    expect(tableRows(page.html).map((row) => row.slice(0, 3))).toEqual([
      ['AAPL', '2026-01-02', '15'],
      ['AAPL', '2026-01-02', '1'],
    ]);
  });
});

describe('an edit that would not fit', () => {
  it('is refused with 422 and the full-portfolio message, and nothing changes', async () => {
    const t = clockedApp();
    const client = t.client();
    const random = seededRandom(11);
    const below = (n: number) => Math.floor(random() * n);
    const holdings = Array.from({ length: 400 }, () => [
      Array.from({ length: 4 }, () => String.fromCharCode(65 + below(26))).join(''),
      String(1 + below(5000)),
      `${1 + below(2000)}.${String(below(100)).padStart(2, '0')}`,
    ]);
    // A token of the app's own format, so loading a page does not replace it and grow the cookie.
    const csrf_token = randomBytes(32).toString('base64url');
    let count = 0;
    for (; count < holdings.length; count++) {
      try {
        client.setSession({ csrf_token, portfolio: holdings.slice(0, count + 1) });
      } catch {
        break;
      }
    }
    client.setSession({ csrf_token, portfolio: holdings.slice(0, count) });
    const fields = editFields((await client.get(urlFor('edit_lot', { lot_id: 1 }))).html);
    const before = client.decodeSession();
    const page = await client.postForm(urlFor('edit_lot', { lot_id: 1 }), {
      ...fields,
      number_of_shares: '999,999,999.9999',
      purchase_price: '999,999.9999',
      purchase_date: '2025-12-31',
    });
    expect(page.status).toBe(422);
    expect(mainText(page.html)).toContain(editMessages.full('the browser cookie'));
    expect(page.setCookies).toEqual([]);
    expect(client.decodeSession()).toEqual(before);
  });
});
