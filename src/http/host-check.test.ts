import { describe, expect, it } from 'vitest';
import { buildTestApp, type Client, type TestApp } from '../../test/support/client.js';
import { urlFor } from '../web/urls.js';
import { BAD_HOST_HEADING } from './host-check.js';
import { parseAllowedHosts } from '../platform/hosts.js';

const VALID = { stock_symbol: 'AAPL', number_of_shares: '15', purchase_price: '302.17' } as const;

function productionApp(hosts = 'portfolio.example.com'): TestApp {
  return buildTestApp({ config: { production: true, allowedHosts: parseAllowedHosts(hosts) } });
}

/** A visitor who has loaded the form through `host`, so it holds a cookie and a token. */
async function visitorAtForm(t: TestApp, host: string): Promise<Client> {
  const client = t.client();
  const page = await client.get(urlFor('add_stock'), { Host: host });
  expect(page.status).toBe(200);
  return client;
}

describe('the Host check', () => {
  it('answers a Host not in ALLOWED_HOSTS with 400 before any session is opened', async () => {
    const t = productionApp();
    const page = await t
      .client()
      .get(urlFor('list_stocks'), { Host: 'rebind.evil.example', Cookie: 'session=x' });
    expect(page.status).toBe(400);
    expect(page.html).toContain(BAD_HOST_HEADING);
    expect(page.setCookies).toEqual([]);
    expect(page.headers.get('Vary')).toBeNull();
    // Production names nothing about its configuration.
    expect(page.html).not.toContain('ALLOWED_HOSTS');
    // The security headers are on the refusal too.
    expect(page.headers.get('Content-Security-Policy')).toContain("default-src 'self'");
  });

  it.each(['portfolio.example.com', 'Portfolio.Example.com:443'])(
    'serves Host: %s when it is listed',
    async (host) => {
      const page = await productionApp().client().get(urlFor('list_stocks'), { Host: host });
      expect(page.status).toBe(200);
    },
  );

  it('refuses a static file for an unknown Host too', async () => {
    const page = await productionApp()
      .client()
      .get(urlFor('static_file', { filename: 'style.css' }), { Host: 'evil.example' });
    expect(page.status).toBe(400);
  });

  it.each(['localhost', 'localhost:5000', '127.0.0.1:8080', '[::1]:5000'])(
    'allows the loopback name %s in development by default',
    async (host) => {
      const page = await buildTestApp().client().get(urlFor('list_stocks'), { Host: host });
      expect(page.status).toBe(200);
    },
  );

  it('refuses other names in development, saying how to allow them', async () => {
    const page = await buildTestApp().client().get(urlFor('list_stocks'), { Host: 'my-laptop.lan:5000' });
    expect(page.status).toBe(400);
    expect(page.html).toContain('ALLOWED_HOSTS');
  });

  it('lets any Host through with ALLOWED_HOSTS=* (development only)', async () => {
    const t = buildTestApp({ config: { allowedHosts: parseAllowedHosts('*') } });
    const page = await t.client().get(urlFor('list_stocks'), { Host: 'my-laptop.lan:5000' });
    expect(page.status).toBe(200);
  });
});

describe('the CSRF Origin check against ALLOWED_HOSTS', () => {
  it('accepts a form whose Origin names an allowed host, whatever the scheme and port', async () => {
    const t = productionApp();
    const client = await visitorAtForm(t, 'portfolio.example.com');
    const page = await client.postForm(urlFor('add_stock'), VALID, {
      headers: { Host: 'portfolio.example.com', Origin: 'https://portfolio.example.com' },
    });
    expect(page.status).toBe(302);
  });

  it('refuses a form whose Origin is not an allowed host, even when it equals Host', async () => {
    // A DNS-rebinding page: its own name resolves to this server, so Origin and Host agree.
    const t = productionApp('portfolio.example.com,rebind.evil.example');
    const client = await visitorAtForm(t, 'portfolio.example.com');
    const allowedButOther = await client.postForm(urlFor('add_stock'), VALID, {
      headers: { Host: 'portfolio.example.com', Origin: 'https://evil.example' },
    });
    expect(allowedButOther.status).toBe(403);
  });

  it('accepts an allowed Origin when a proxy rewrote Host to another allowed name', async () => {
    const t = productionApp('portfolio.example.com,127.0.0.1');
    const client = await visitorAtForm(t, '127.0.0.1:5000');
    const page = await client.postForm(urlFor('add_stock'), VALID, {
      headers: { Host: '127.0.0.1:5000', Origin: 'https://portfolio.example.com' },
    });
    expect(page.status).toBe(302);
  });

  it('with ALLOWED_HOSTS=* compares the Origin with Host', async () => {
    const t = buildTestApp({ config: { allowedHosts: parseAllowedHosts('*') } });
    const client = await visitorAtForm(t, 'my-laptop.lan:5000');
    const other = await client.postForm(urlFor('add_stock'), VALID, {
      headers: { Host: 'my-laptop.lan:5000', Origin: 'http://evil.example' },
    });
    expect(other.status).toBe(403);
    const same = await client.postForm(urlFor('add_stock'), VALID, {
      headers: { Host: 'my-laptop.lan:5000', Origin: 'http://my-laptop.lan:5000' },
    });
    expect(same.status).toBe(302);
  });
});
