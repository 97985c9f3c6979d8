/**
 * A local server that speaks Alpha Vantage's documented `GLOBAL_QUOTE` protocol, on a free
 * 127.0.0.1 port, for tests of the real client (there is no network here).
 *
 * Each symbol answers as its {@link Answer} says (default: the documented IBM quote for `IBM`, an
 * empty `Global Quote` for anything else). A wrong or missing `apikey` gets Alpha Vantage's
 * `Error Message`. `hang` holds the request without answering until the client gives up; the
 * server records when it sees that abort, so tests wait on events, never on the clock.
 * @module
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server answers a symbol. */
export type Answer =
  | { readonly kind: 'quote'; readonly price: string; readonly day: string }
  | { readonly kind: 'empty' }
  | { readonly kind: 'error-message' }
  | { readonly kind: 'note' }
  | { readonly kind: 'information' }
  | { readonly kind: 'information-demo' }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'invalid-json' }
  | { readonly kind: 'hang' };

/** One request the server received. */
export interface SeenRequest {
  readonly function: string | null;
  readonly symbol: string | null;
  readonly apikey: string | null;
}

/** The texts Alpha Vantage sends, copied from its answers. */
export const ALPHA_VANTAGE_TEXTS = Object.freeze({
  errorMessage:
    'Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for GLOBAL_QUOTE.',
  badKey:
    'the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key). It should take less than 20 seconds.',
  note: 'Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day. Please visit https://www.alphavantage.co/premium/ if you would like to target a higher API call frequency.',
  information:
    'Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits.',
  informationDemo:
    'The **demo** API key is for demo purposes only. Please claim your free API key at (https://www.alphavantage.co/support/#api-key) to explore our full API offerings. It takes fewer than 20 seconds.',
});

/** The documented example answer, for IBM. */
export function globalQuoteBody(symbol: string, price: string, day: string): string {
  return JSON.stringify(
    {
      'Global Quote': {
        '01. symbol': symbol,
        '02. open': '166.6300',
        '03. high': '167.4900',
        '04. low': '165.2700',
        '05. price': price,
        '06. volume': '2767766',
        '07. latest trading day': day,
        '08. previous close': '166.0300',
        '09. change': '1.0600',
        '10. change percent': '0.6384%',
      },
    },
    null,
    4,
  );
}

/** A running fake Alpha Vantage. */
export interface AlphaVantageServer {
  /** The endpoint, to give as `ALPHAVANTAGE_URL`: `http://127.0.0.1:PORT/query`. */
  readonly url: string;
  /** The only key it accepts. */
  readonly apiKey: string;
  /** Every request so far, oldest first. */
  readonly requests: readonly SeenRequest[];
  /** How many `hang` requests it holds right now (received, neither answered nor aborted). */
  readonly held: number;
  /** How many `hang` requests the client has aborted so far. */
  readonly aborted: number;
  /** Sets how `symbol` is answered from now on. */
  answer(symbol: string, answer: Answer): void;
  /** Resolves once `count` requests are held (now or later). */
  waitForHeld(count?: number): Promise<void>;
  /** Resolves once the client has aborted `count` held requests in all. */
  waitForAborted(count?: number): Promise<void>;
  /** Answers every held request with `answer` (the client may still be waiting). */
  release(answer: Answer): void;
  stop(): Promise<void>;
}

/** Starts the server on a free loopback port. */
export async function startAlphaVantageServer(apiKey = 'TESTKEY0123456789'): Promise<AlphaVantageServer> {
  const answers = new Map<string, Answer>([['IBM', { kind: 'quote', price: '167.0900', day: '2024-05-10' }]]);
  const requests: SeenRequest[] = [];
  const holding = new Set<{ symbol: string; res: ServerResponse }>();
  let aborted = 0;
  const waiters: (() => void)[] = [];
  const changed = () => {
    for (const wake of waiters.splice(0)) wake();
  };
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => waiters.push(resolve));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    const seen = {
      function: query.get('function'),
      symbol: query.get('symbol'),
      apikey: query.get('apikey'),
    };
    requests.push(seen);
    if (seen.apikey !== apiKey)
      return send(res, 200, JSON.stringify({ 'Error Message': ALPHA_VANTAGE_TEXTS.badKey }));
    if (seen.function !== 'GLOBAL_QUOTE' || seen.symbol === null) {
      return send(res, 200, JSON.stringify({ 'Error Message': ALPHA_VANTAGE_TEXTS.errorMessage }));
    }
    const answer = answers.get(seen.symbol) ?? { kind: 'empty' };
    if (answer.kind === 'hang') {
      const held = { symbol: seen.symbol, res };
      holding.add(held);
      res.on('close', () => {
        if (holding.delete(held)) aborted += 1;
        changed();
      });
      changed();
      return;
    }
    reply(res, seen.symbol, answer);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/query`,
    apiKey,
    requests,
    get held() {
      return holding.size;
    },
    get aborted() {
      return aborted;
    },
    answer: (symbol, answer) => answers.set(symbol, answer),
    waitForHeld: (count = 1) => until(() => holding.size >= count),
    waitForAborted: (count = 1) => until(() => aborted >= count),
    release(answer) {
      for (const held of [...holding]) {
        holding.delete(held);
        reply(held.res, held.symbol, answer);
      }
      changed();
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function reply(res: ServerResponse, symbol: string, answer: Answer): void {
  switch (answer.kind) {
    case 'quote':
      return send(res, 200, globalQuoteBody(symbol, answer.price, answer.day));
    case 'empty':
      return send(res, 200, JSON.stringify({ 'Global Quote': {} }));
    case 'error-message':
      return send(res, 200, JSON.stringify({ 'Error Message': ALPHA_VANTAGE_TEXTS.errorMessage }));
    case 'note':
      return send(res, 200, JSON.stringify({ Note: ALPHA_VANTAGE_TEXTS.note }));
    case 'information':
      return send(res, 200, JSON.stringify({ Information: ALPHA_VANTAGE_TEXTS.information }));
    case 'information-demo':
      return send(res, 200, JSON.stringify({ Information: ALPHA_VANTAGE_TEXTS.informationDemo }));
    case 'status':
      return send(res, answer.status, '<html><body>Service Unavailable</body></html>', 'text/html');
    case 'invalid-json':
      return send(res, 200, '{"Global Quote": {"01. symbol": "IBM",');
    case 'hang':
      return;
  }
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
