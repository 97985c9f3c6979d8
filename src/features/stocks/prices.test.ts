/** Positions, current prices, gain and sorting on the list page, through app.request. */
import { describe, expect, it } from 'vitest';
import {
  fieldError,
  flashes,
  inputs,
  mainText,
  positionRows,
  tableRows,
  textOf,
  totalRow,
  visitorWith,
  type Client,
  TEST_TODAY,
  unescapeHtml,
} from '../../../test/support/client.js';
import { currentPriceMessages, REMOVE_PRICE_FIELD } from '../../domain/price-rules.js';
import { urlFor } from '../../web/urls.js';
import { priceFlashes } from './prices.js';
import { priceFields, priceRows, updatePricesPage } from './prices-view.js';

const LOTS = [
  { stock_symbol: 'MSFT', number_of_shares: '2', purchase_price: '400', purchase_date: '2026-01-05' },
  { stock_symbol: 'AAPL', number_of_shares: '10', purchase_price: '100', purchase_date: '2026-01-06' },
  { stock_symbol: 'MSFT', number_of_shares: '1', purchase_price: '401', purchase_date: '2026-02-07' },
];

async function setPrice(client: Client, symbol: string, price: string, sort = 'symbol') {
  return client.postForm(urlFor('set_price'), { symbol, current_price: price, sort });
}

const DASH = '— not set';

/** The attributes of the `<input>` named `name`. */
function named(html: string, name: string): Record<string, string> | undefined {
  return inputs(html).find((input) => input['name'] === name);
}

describe('positions', () => {
  it('groups lots by symbol: total shares, average cost, cost basis, and a dash for everything a price would give', async () => {
    const client = await visitorWith(LOTS);
    const page = await client.get(urlFor('list_stocks'));
    expect(positionRows(page.html)).toEqual([
      ['AAPL', '10', '$100.00', '$1,000.00', DASH, DASH, DASH, DASH],
      ['MSFT', '3', '$400.3333', '$1,201.00', DASH, DASH, DASH, DASH],
    ]);
    expect(page.html).not.toContain('$0.00');
    expect(totalRow(page.html)).toEqual(['Total', '$2,201.00', '', DASH, DASH, DASH]);
  });

  it('writes the page in ASCII (characters beyond it as references), so V8 keeps it one-byte and encodes it by copying', async () => {
    const client = await visitorWith(LOTS);
    await setPrice(client, 'AAPL', '120');
    for (const sort of ['symbol', 'value']) {
      const page = await client.get(`${urlFor('list_stocks')}?sort=${sort}`);
      // eslint-disable-next-line no-control-regex -- the test is for any character past U+007F
      expect(page.html).not.toMatch(/[^\x00-\x7F]/);
      expect(positionRows(page.html).find(([symbol]) => symbol === 'MSFT')).toContain(DASH);
    }
    const clear = await client.get(urlFor('list_stocks'));
    expect(textOf(clear.html)).toMatch(/Symbol [▲▼] /);
    expect(textOf(clear.html)).toContain('Clear portfolio…');
  });

  it('lists each position’s lots, with their dates, inside a details element', async () => {
    const client = await visitorWith(LOTS);
    const page = await client.get(urlFor('list_stocks'));
    const msft = /<summary>2 lots of MSFT<\/summary>([\s\S]*?)<\/details>/.exec(page.html)?.[1] ?? '';
    expect(tableRows(msft).map((row) => row.slice(0, 5))).toEqual([
      ['MSFT', '2026-01-05', '2', '$400.00', '$800.00'],
      ['MSFT', '2026-02-07', '1', '$401.00', '$401.00'],
    ]);
  });

  it('says there is no quote service, and how figures are rounded', async () => {
    const client = await visitorWith(LOTS);
    const text = mainText((await client.get(urlFor('list_stocks'))).html);
    expect(text).toContain('There is no quote service here: current prices are the ones you enter');
    expect(text).toContain(
      'rounded half-up only for display: money to the cent, average cost to 4 decimal places, percentages to 2',
    );
  });
});

describe('setting a current price', () => {
  it('stores it per symbol and shows value, gain in $ and %, and the totals', async () => {
    const client = await visitorWith(LOTS);
    const post = await setPrice(client, 'MSFT', '$450');
    expect(post.status).toBe(302);
    expect(post.location).toBe(urlFor('list_stocks'));
    // With its date (the app's today) and source; a Flask view reads p[0].
    expect(client.decodeSession()['prices']).toEqual({ MSFT: ['450', TEST_TODAY, 'manual'] });
    const page = await client.get(urlFor('list_stocks'));
    expect(flashes(page.html)).toEqual([['success', priceFlashes.saved('MSFT', '$450.00')]]);
    expect(positionRows(page.html)[1]).toEqual([
      'MSFT',
      '3',
      '$400.3333',
      '$1,201.00',
      // The price says where it came from and the day it is of.
      `$450.00 entered by you, as of ${TEST_TODAY}`,
      '$1,350.00',
      '+$149.00',
      '+12.41%',
    ]);
    // Value and gain of the priced position beside its own cost; the cost of all on a row of its own.
    expect(totalRow(page.html)).toEqual([
      'Total of the priced position',
      '$1,201.00',
      '',
      '$1,350.00',
      '+$149.00',
      '+12.41%',
      'Total of all 2 positions',
      '$2,201.00',
      '',
      DASH,
      DASH,
      DASH,
    ]);
    expect(mainText(page.html)).toContain(
      '1 of 2 positions has no current price: value, gain and return are totalled over the priced position only, beside its own cost basis.',
    );
  });

  it('shows a loss with its sign, and totals every position once all are priced', async () => {
    const client = await visitorWith(LOTS);
    await setPrice(client, 'MSFT', '450');
    await setPrice(client, 'AAPL', '87.5');
    const page = await client.get(urlFor('list_stocks'));
    expect(positionRows(page.html)[0]?.slice(5)).toEqual(['$875.00', '-$125.00', '-12.50%']);
    // Value 875 + 1350 = 2225 against cost 2201: +24.00, +1.09%.
    expect(totalRow(page.html)).toEqual(['Total', '$2,201.00', '', '$2,225.00', '+$24.00', '+1.09%']);
    expect(mainText(page.html)).not.toContain('no current price');
  });

  it('colours a gain or loss as its sign says: a loss shown as $0.00 is neither red nor signed', async () => {
    // Bought at $10.0001, priced at $10: a loss of $0.0001 (-0.001%), shown as $0.00 and 0.00%.
    const client = await visitorWith([
      { stock_symbol: 'AAPL', number_of_shares: '1', purchase_price: '10.0001', purchase_date: '2026-01-05' },
    ]);
    await setPrice(client, 'AAPL', '10');
    const page = await client.get(urlFor('list_stocks'));
    const cells = [
      ...page.html.matchAll(/<td class="([^"]*)" data-label="(Gain\/Loss|Return)">([\s\S]*?)<\/td>/g),
    ].map(([, cls = '', label = '', cell = '']) => [label, textOf(cell), cls]);
    // The position's row, then the total's.
    expect(cells).toEqual([
      ['Gain/Loss', '$0.00', 'num'],
      ['Return', '0.00%', 'num'],
      ['Gain/Loss', '$0.00', 'num'],
      ['Return', '0.00%', 'num'],
    ]);
    const summary = /<dl class="summary">[\s\S]*?<\/dl>/.exec(page.html)?.[0] ?? '';
    expect(textOf(summary)).toContain('Unrealized gain $0.00');
    expect(summary).not.toContain('class="loss"');
  });

  it('no longer puts a price form in every position: one link to the prices form', async () => {
    const client = await visitorWith(LOTS);
    const page = await client.get(urlFor('list_stocks'));
    expect(page.html).not.toContain('name="current_price');
    expect(page.html.match(/<form /g)?.length).toBe(
      // The theme switch and one remove button per lot: no form per position.
      (page.html.match(/class="inline"/g)?.length ?? 0) + (page.html.match(/<form [^>]*theme/g)?.length ?? 0),
    );
    expect(page.html).toContain(`<a class="button" href="${urlFor('update_prices')}">Update prices</a>`);
  });

  it.each(['', '   '])(
    'one-price form (older pages): never deletes a price on an empty field (%j), it asks beside the field and removes only when confirmed',
    async (blank) => {
      const client = await visitorWith(LOTS);
      await setPrice(client, 'AAPL', '87.5');
      await client.get(urlFor('list_stocks'));
      const before = client.decodeSession();
      const asked = await setPrice(client, 'AAPL', blank);
      expect(asked.status).toBe(422);
      expect(asked.setCookies).toEqual([]);
      expect(client.decodeSession()).toEqual(before);
      expect(asked.html).toContain(
        `<p class="field-error" id="price-AAPL-error">${priceFlashes.confirmRemove('AAPL')}</p>`,
      );
      expect(named(asked.html, priceFields.remove)).toMatchObject({ type: 'checkbox', value: 'AAPL' });
      await client.postForm(urlFor('set_price'), {
        symbol: 'AAPL',
        current_price: blank,
        sort: 'symbol',
        [REMOVE_PRICE_FIELD]: 'yes',
      });
      expect(client.decodeSession()['prices']).toBeUndefined();
      expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([
        ['success', priceFlashes.removed('AAPL')],
      ]);
    },
  );

  it('one-price form: refuses an empty field for a position without a price, offering nothing to remove', async () => {
    const client = await visitorWith(LOTS);
    const page = await setPrice(client, 'AAPL', ' ');
    expect(page.status).toBe(422);
    expect(page.html).toContain(
      `<p class="field-error" id="price-AAPL-error">${currentPriceMessages.required}</p>`,
    );
    expect(page.html).not.toContain(`name="${priceFields.remove}"`);
  });

  it('one-price form: refuses a bad price with 422 and the message beside that field, and changes nothing', async () => {
    const client = await visitorWith(LOTS);
    await setPrice(client, 'AAPL', '90');
    await client.get(urlFor('list_stocks'));
    const before = client.decodeSession();
    const page = await setPrice(client, 'MSFT', '-5');
    expect(page.status).toBe(422);
    expect(page.html).toContain(
      `<p class="field-error" id="price-MSFT-error">${currentPriceMessages['not-positive']}</p>`,
    );
    expect(inputs(page.html).find((input) => input['id'] === 'price-MSFT')).toMatchObject({
      value: '-5',
      'aria-invalid': 'true',
      'aria-describedby': 'price-MSFT-shown price-MSFT-error',
    });
    expect(page.setCookies).toEqual([]);
    expect(client.decodeSession()).toEqual(before);
  });

  it('saves no price for a symbol no longer held (another tab removed it)', async () => {
    const client = await visitorWith(LOTS);
    await setPrice(client, 'GOOG', '100');
    expect(client.decodeSession()['prices']).toBeUndefined();
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([
      ['error', priceFlashes.notHeld('GOOG')],
    ]);
  });

  it('drops the prices of a cleared portfolio', async () => {
    const client = await visitorWith(LOTS);
    await setPrice(client, 'AAPL', '90');
    await client.postForm(urlFor('clear_stocks'), { confirm: 'yes' });
    expect(client.decodeSession()['prices']).toBeUndefined();
  });
});

describe('sorting positions', () => {
  async function priced() {
    const client = await visitorWith([
      ...LOTS,
      { stock_symbol: 'BRK.B', number_of_shares: '1', purchase_price: '500', purchase_date: '' },
    ]);
    await setPrice(client, 'MSFT', '300'); // value 900, gain -301
    await setPrice(client, 'AAPL', '150'); // value 1500, gain +500
    return client;
  }
  const order = (html: string) => positionRows(html).map((row) => row[0]);

  it('sorts by symbol by default, with links to sort by value and by gain', async () => {
    const page = await (await priced()).get(urlFor('list_stocks'));
    expect(order(page.html)).toEqual(['AAPL', 'BRK.B', 'MSFT']);
    expect(page.html).toContain('aria-sort="ascending">Symbol');
    expect(page.html).toContain(`<a href="${urlFor('list_stocks')}?sort=value"`);
    expect(page.html).toContain(`<a href="${urlFor('list_stocks')}?sort=gain"`);
  });

  it.each([
    ['value', ['AAPL', 'BRK.B', 'MSFT']],
    ['gain', ['BRK.B', 'AAPL', 'MSFT']],
  ])('sorts by %s, largest first', async (sort, expected) => {
    const client = await priced();
    await setPrice(client, 'BRK.B', '1200'); // value 1200, gain +700
    const page = await client.get(`${urlFor('list_stocks')}?sort=${sort}`);
    expect(order(page.html)).toEqual(expected);
    expect(page.html).toContain('aria-sort="descending"');
  });

  it.each(['value', 'gain'])('puts positions without a price last when sorting by %s', async (sort) => {
    const page = await (await priced()).get(`${urlFor('list_stocks')}?sort=${sort}`);
    expect(order(page.html)).toEqual(['AAPL', 'MSFT', 'BRK.B']);
  });

  it('keeps the order after saving a price from a sorted page', async () => {
    const client = await priced();
    const post = await setPrice(client, 'MSFT', '310', 'value');
    expect(post.location).toBe(`${urlFor('list_stocks')}?sort=value`);
  });

  it('reads an unknown sort as by symbol', async () => {
    const page = await (await priced()).get(`${urlFor('list_stocks')}?sort=__proto__`);
    expect(page.status).toBe(200);
    expect(order(page.html)).toEqual(['AAPL', 'BRK.B', 'MSFT']);
  });
});

describe('the summary above the table', () => {
  const summaryOf = (html: string) =>
    Object.fromEntries(
      [...html.matchAll(/<div><dt>([^<]*)<\/dt><dd>([\s\S]*?)<\/dd><\/div>/g)].map(
        ([, term = '', value = '']) => [term, textOf(value)],
      ),
    );

  it('gives cost and realized gain, and says every position is unpriced, before any price', async () => {
    const client = await visitorWith(LOTS);
    const page = await client.get(urlFor('list_stocks'));
    expect(summaryOf(page.html)).toEqual({
      'Market value': DASH,
      'Cost basis': '$2,201.00',
      'Unrealized gain': DASH,
      'Realized gain': 'no sales yet',
      Return: DASH,
      'Without a current price': '2 of 2 positions',
    });
  });

  it('counts value, gain and return over the priced positions only, and says so', async () => {
    const client = await visitorWith(LOTS);
    await setPrice(client, 'MSFT', '450');
    const page = await client.get(urlFor('list_stocks'));
    const of = 'of the priced position (cost $1,201.00)';
    expect(summaryOf(page.html)).toEqual({
      'Market value': `$1,350.00 ${of}`,
      'Cost basis': '$2,201.00',
      'Unrealized gain': `+$149.00 ${of}`,
      'Realized gain': 'no sales yet',
      Return: `+12.41% ${of}`,
      'Without a current price': '1 of 2 positions',
    });
  });

  it('gives the realized gain of the sales recorded', async () => {
    const client = await visitorWith(LOTS);
    const sold = await client.postForm(urlFor('sell_stock'), {
      stock_symbol: 'AAPL',
      number_of_shares: '1',
      sale_price: '150',
      sale_date: TEST_TODAY,
    });
    expect(sold.status).toBe(302);
    const page = await client.get(urlFor('list_stocks'));
    // One of AAPL's shares at $100.00, sold at $150.00.
    expect(summaryOf(page.html)['Realized gain']).toBe('+$50.00');
  });

  it('gives the whole portfolio’s figures once every position is priced', async () => {
    const client = await visitorWith(LOTS);
    await setPrice(client, 'MSFT', '450');
    await setPrice(client, 'AAPL', '87.5');
    const page = await client.get(urlFor('list_stocks'));
    expect(summaryOf(page.html)).toMatchObject({
      'Market value': '$2,225.00',
      'Unrealized gain': '+$24.00',
      Return: '+1.09%',
      'Without a current price': 'none',
    });
  });
});

describe('the update prices form', () => {
  /** The form's fields as the page sends them (hidden ones included), ready to post back. */
  function fieldsOf(html: string): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const input of inputs(html)) {
      const name = input['name'];
      // The price fields; the client adds the CSRF token itself.
      if (name === undefined || !/^(current|shown)_price\./.test(name)) continue;
      fields[name] = input['value'] ?? '';
    }
    return fields;
  }

  it('has one labelled field per held symbol, in symbol order, and one Save button', async () => {
    const client = await visitorWith(LOTS);
    const page = await client.get(urlFor('update_prices'));
    expect(page.status).toBe(200);
    expect(page.html).toContain('<title>Update prices &middot; Stock Portfolio</title>');
    const fields = inputs(page.html).filter((input) => input['name']?.startsWith('current_price.'));
    expect(fields.map((input) => [input['id'], input['name'], input['value']])).toEqual([
      ['price-AAPL', 'current_price.AAPL', ''],
      ['price-MSFT', 'current_price.MSFT', ''],
    ]);
    expect(page.html).toContain('<label for="price-AAPL">Current price of AAPL ($)</label>');
    expect(page.html.match(/<button type="submit">Save prices<\/button>/g)).toHaveLength(1);
  });

  it('saves every changed field at once, as manual prices dated today, all in one save', async () => {
    const client = await visitorWith(LOTS);
    const form = await client.get(urlFor('update_prices'));
    const saved = await client.postForm(urlFor('update_prices'), {
      ...fieldsOf(form.html),
      [priceFields.price('AAPL')]: '87.5',
      [priceFields.price('MSFT')]: '$450',
    });
    expect(saved.status).toBe(302);
    expect(client.decodeSession()['prices']).toEqual({
      AAPL: ['87.5', TEST_TODAY, 'manual'],
      MSFT: ['450', TEST_TODAY, 'manual'],
    });
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([
      ['success', priceFlashes.savedMany('AAPL ($87.50), MSFT ($450.00)')],
    ]);
    const again = await client.get(urlFor('update_prices'));
    expect(named(again.html, priceFields.price('AAPL'))?.['value']).toBe('$87.50');
  });

  it('leaves an unchanged field alone: a price another tab saved meanwhile is not overwritten', async () => {
    const client = await visitorWith(LOTS);
    await setPrice(client, 'AAPL', '87.5');
    const form = await client.get(urlFor('update_prices'));
    // Another tab sets AAPL after this form was sent.
    await setPrice(client, 'AAPL', '90');
    await client.postForm(urlFor('update_prices'), {
      ...fieldsOf(form.html),
      [priceFields.price('MSFT')]: '450',
    });
    expect(client.decodeSession()['prices']).toEqual({
      AAPL: ['90', TEST_TODAY, 'manual'],
      MSFT: ['450', TEST_TODAY, 'manual'],
    });
  });

  it('says so and saves nothing when no field changed', async () => {
    const client = await visitorWith(LOTS);
    const form = await client.get(urlFor('update_prices'));
    const before = client.decodeSession();
    await client.postForm(urlFor('update_prices'), fieldsOf(form.html));
    expect(client.decodeSession()['prices']).toEqual(before['prices']);
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([
      ['info', priceFlashes.unchanged],
    ]);
  });

  it('refuses the whole submit when one field is bad: 422, the message beside it, nothing saved', async () => {
    const client = await visitorWith(LOTS);
    const form = await client.get(urlFor('update_prices'));
    const before = client.decodeSession();
    const page = await client.postForm(urlFor('update_prices'), {
      ...fieldsOf(form.html),
      [priceFields.price('AAPL')]: '87.5',
      [priceFields.price('MSFT')]: 'abc',
    });
    expect(page.status).toBe(422);
    expect(page.setCookies).toEqual([]);
    expect(client.decodeSession()).toEqual(before);
    expect(page.html).toContain('<title>Error: Update prices &middot; Stock Portfolio</title>');
    expect(page.html).toMatch(/<section class="error-summary"[^>]*autofocus>[\s\S]*<a href="#price-MSFT">/);
    expect(page.html).toContain(
      `<p class="field-error" id="price-MSFT-error">${currentPriceMessages.invalid}</p>`,
    );
    // What the visitor typed stays in both fields.
    expect(named(page.html, priceFields.price('AAPL'))?.['value']).toBe('87.5');
    expect(named(page.html, priceFields.price('MSFT'))).toMatchObject({
      value: 'abc',
      'aria-invalid': 'true',
    });
  });

  it('asks before removing an emptied price, and removes it when its box is ticked', async () => {
    const client = await visitorWith(LOTS);
    await setPrice(client, 'AAPL', '87.5');
    const form = await client.get(urlFor('update_prices'));
    const before = client.decodeSession();
    const emptied = { ...fieldsOf(form.html), [priceFields.price('AAPL')]: ' ' };
    const asked = await client.postForm(urlFor('update_prices'), emptied);
    expect(asked.status).toBe(422);
    expect(client.decodeSession()).toEqual(before);
    expect(fieldError(asked.html, 'price-AAPL')).toBe(priceFlashes.confirmRemove('AAPL'));
    await client.postForm(urlFor('update_prices'), { ...emptied, [priceFields.remove]: 'AAPL' });
    expect(client.decodeSession()['prices']).toBeUndefined();
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([
      ['success', priceFlashes.removed('AAPL')],
    ]);
  });

  it('offers the remove box only beside a price of the visitor’s own', async () => {
    const client = await visitorWith(LOTS);
    await setPrice(client, 'AAPL', '87.5');
    const page = await client.get(urlFor('update_prices'));
    expect(page.html).toContain('<label for="price-AAPL-remove">Remove my price of AAPL</label>');
    expect(page.html).not.toContain('price-MSFT-remove');
  });

  it('saves nothing when one symbol is no longer held (another tab removed it), and says which', async () => {
    const client = await visitorWith(LOTS);
    const form = await client.get(urlFor('update_prices'));
    const answer = await client.postForm(urlFor('update_prices'), {
      ...fieldsOf(form.html),
      [priceFields.price('AAPL')]: '87.5',
      [priceFields.price('GOOG')]: '100',
      [priceFields.shown('GOOG')]: '',
    });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe(urlFor('update_prices'));
    expect(client.decodeSession()['prices']).toBeUndefined();
    expect(flashes((await client.get(urlFor('update_prices'))).html)).toEqual([
      ['error', priceFlashes.notHeld('GOOG')],
    ]);
  });

  it('comes in pages of 100 symbols, and a page past the last is a 404', async () => {
    const lots = Array.from({ length: 101 }, (_, i) => ({
      stock_symbol: `S${String(i).padStart(3, '0')}`,
      number_of_shares: '1',
      purchase_price: '1',
      purchase_date: '2026-01-05',
    }));
    const client = await visitorWith(lots);
    const first = await client.get(urlFor('update_prices'));
    expect(inputs(first.html).filter((input) => input['name']?.startsWith('current_price.'))).toHaveLength(
      100,
    );
    const second = await client.get(`${urlFor('update_prices')}?page=2`);
    expect(inputs(second.html).filter((input) => input['name']?.startsWith('current_price.'))).toHaveLength(
      1,
    );
    expect(named(second.html, 'page')?.['value']).toBe('2');
    expect((await client.get(`${urlFor('update_prices')}?page=3`)).status).toBe(404);
  });
});

describe('the update prices form with live quotes', () => {
  it('fills a field with the visitor’s own price only, never a quote, and shows the quote beside it', () => {
    const quote = { price: '312', source: 'alpha-vantage', asOf: '2026-03-04' } as const;
    const mine = new Map([['MSFT', { price: '400', source: 'manual', asOf: '2026-03-01' } as const]]);
    const shown = new Map([
      ['AAPL', quote],
      ['MSFT', quote],
    ]);
    const rows = priceRows(['AAPL', 'MSFT'], mine, shown);
    const page = updatePricesPage(
      { items: rows, page: 1, pageCount: 1, first: 1, total: 2 },
      'token',
      true,
    ).toString();
    expect(named(page, priceFields.price('AAPL'))?.['value']).toBe('');
    expect(named(page, priceFields.price('MSFT'))?.['value']).toBe('$400.00');
    expect(textOf(page)).toContain('Shown now: $312.00 (Alpha Vantage quote, as of 2026-03-04).');
    // Only MSFT has a price of the visitor's own to remove.
    expect(page).not.toContain('price-AAPL-remove');
    expect(page).toContain('price-MSFT-remove');
  });
});

describe('the update prices form returns to the portfolio’s page the visitor came from', () => {
  const SYMBOLS = Array.from({ length: 101 }, (_, i) => ({
    stock_symbol: `S${String(i).padStart(3, '0')}`,
    number_of_shares: '1',
    purchase_price: String(101 - i),
    purchase_date: '2026-01-05',
  }));

  /** The "Update prices" link of a page, as the browser follows it. */
  function updatePricesHref(html: string): string {
    const href = /<a class="button" href="([^"]*)">Update prices<\/a>/.exec(html)?.[1];
    if (href === undefined) throw new Error('No "Update prices" link');
    return unescapeHtml(href);
  }

  /** Every field the form sends back, hidden ones included (the client adds the CSRF token). */
  function formFields(html: string): Record<string, string> {
    const form = /<form method="post" action="\/prices"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
    return Object.fromEntries(
      inputs(form).flatMap((input) =>
        input['name'] === undefined || input['name'] === 'csrf_token' || input['type'] === 'checkbox'
          ? []
          : [[input['name'], input['value'] ?? '']],
      ),
    );
  }

  it.each([
    ['page 2 in symbol order', `${urlFor('list_stocks')}?page=2`, 'S100'],
    ['page 2 by market value', `${urlFor('list_stocks')}?sort=value&page=2`, 'S000'],
    ['page 1 by gain', `${urlFor('list_stocks')}?sort=gain`, 'S000'],
  ])('from %s', async (_what, from, symbol) => {
    const client = await visitorWith(SYMBOLS);
    const list = await client.get(from);
    expect(list.status).toBe(200);
    const form = await client.get(updatePricesHref(list.html));
    expect(form.status).toBe(200);
    // In symbol order, the form opens on the symbols of that page of the portfolio.
    expect(named(form.html, priceFields.price(symbol))).toBeDefined();
    expect(form.html).toContain(
      `<a class="button secondary" href="${from.replace(/&/g, '&amp;')}">Back to the portfolio</a>`,
    );
    const saved = await client.postForm(urlFor('update_prices'), {
      ...formFields(form.html),
      [priceFields.price(symbol)]: '12.5',
    });
    expect(saved.status).toBe(302);
    expect(saved.location).toBe(from);
    expect(client.decodeSession()['prices']).toEqual({ [symbol]: ['12.5', TEST_TODAY, 'manual'] });
  });

  it('keeps where to return through the form’s pages and a refusal', async () => {
    const client = await visitorWith(SYMBOLS);
    const list = await client.get(`${urlFor('list_stocks')}?sort=value`);
    const first = await client.get(updatePricesHref(list.html));
    const next = /<a href="([^"]*)" rel="next">/.exec(first.html)?.[1];
    expect(next && unescapeHtml(next)).toBe(`${urlFor('update_prices')}?page=2&list_sort=value&list_page=1`);
    const second = await client.get(unescapeHtml(next ?? ''));
    const refused = await client.postForm(urlFor('update_prices'), {
      ...formFields(second.html),
      [priceFields.price('S100')]: 'abc',
    });
    expect(refused.status).toBe(422);
    const saved = await client.postForm(urlFor('update_prices'), {
      ...formFields(refused.html),
      [priceFields.price('S100')]: '3',
    });
    expect(saved.location).toBe(`${urlFor('list_stocks')}?sort=value`);
  });

  it('returns to a checked page and order only, never to a URL it was given', async () => {
    const client = await visitorWith(LOTS);
    const form = await client.get(urlFor('update_prices'));
    const saved = await client.postForm(urlFor('update_prices'), {
      ...formFields(form.html),
      [priceFields.price('AAPL')]: '90',
      [priceFields.listSort]: 'https://evil.example/',
      [priceFields.listPage]: '//evil.example/?page=2',
    });
    expect(saved.location).toBe(urlFor('list_stocks'));
    const linked = await client.get(`${urlFor('update_prices')}?list_sort=%22%3E%3Cscript%3E&list_page=-1`);
    expect(linked.status).toBe(200);
    expect(linked.html).toContain(
      `<a class="button secondary" href="${urlFor('list_stocks')}">Back to the portfolio</a>`,
    );
    expect(linked.html).not.toContain('<script>');
  });
});
