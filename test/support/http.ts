/**
 * Test support for real HTTP on 127.0.0.1: one `node:http` request, and a fresh visitor's
 * add-stock form (cookie, token and a valid body), shared by the server and process tests.
 * @module
 */
import http from 'node:http';

/** A response with its body read. */
export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * One request with `node:http`. `send` writes the body (and must end the request); by default
 * the request is ended at once. Without an agent, the connection closes after the response.
 */
export function request(
  url: string,
  options: http.RequestOptions = {},
  send: (req: http.ClientRequest) => void = (req) => req.end(),
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent: false, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    send(req);
  });
}

/** A fresh visitor of the app at `origin`: its cookie, its CSRF token and a valid add-stock body. */
export async function addStockForm(origin: string): Promise<{ cookie: string; token: string; body: string }> {
  const form = await request(`${origin}/add_stock`);
  const cookie = form.headers['set-cookie']?.[0]?.split(';')[0] ?? '';
  const token = /name="csrf_token" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const body = new URLSearchParams({
    csrf_token: token,
    stock_symbol: 'AAPL',
    number_of_shares: '15',
    purchase_price: '302.17',
  }).toString();
  return { cookie, token, body };
}
