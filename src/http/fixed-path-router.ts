/**
 * Hono's trie router, which the app routes with (its RegExpRouter refuses the app's routes:
 * `/stocks/:index{[0-9]+}/edit` beside `/stocks/:symbol/lots`), remembering its answers for the
 * paths registered without a parameter (`/stocks`, `/add_stock`, …) asked with GET or POST.
 *
 * Why: the trie walks the path and collects every middleware and handler on each request, 5–7 µs
 * of a page view under load (`search`, `#pushHandlerSets` and `splitPath` in
 * `npx tsx bench/profile.ts --scenario stocks10`), where the answer for a fixed path never changes
 * once the app is built. What is kept is bounded by the app's own routes: a path with a parameter,
 * an unknown path and any other method are routed afresh every time.
 *
 * Sharing an answer between requests is what Hono's own RegExpRouter does for static paths: Hono
 * reads a match result and never changes it.
 * @module
 */
import type { Result, Router } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';

/** The methods whose answers are kept: the ones the app's fixed paths serve. */
const KEPT_METHODS = ['GET', 'POST'] as const;

// A parameter (`:id`), a wildcard (`*`) or an optional part (`?`): such a path is not fixed.
const NOT_FIXED = /[:*?]/;

/** A {@link TrieRouter} that answers its fixed paths from memory (see the module's comment). */
export class FixedPathRouter<T> implements Router<T> {
  readonly name = 'FixedPathRouter';
  readonly #trie = new TrieRouter<T>();
  /** Paths registered with no parameter: the only ones whose answers are kept. */
  readonly #fixedPaths = new Set<string>();
  readonly #answers = new Map<string, Map<string, Result<T>>>(
    KEPT_METHODS.map((method) => [method, new Map()]),
  );

  add(method: string, path: string, handler: T): void {
    this.#trie.add(method, path, handler);
    if (!NOT_FIXED.test(path)) this.#fixedPaths.add(path);
    // A route added later may change any answer: none kept from before it stands.
    for (const answers of this.#answers.values()) answers.clear();
  }

  match(method: string, path: string): Result<T> {
    const answers = this.#answers.get(method);
    if (answers === undefined || !this.#fixedPaths.has(path)) return this.#trie.match(method, path);
    let answer = answers.get(path);
    if (answer === undefined) {
      answer = this.#trie.match(method, path);
      answers.set(path, answer);
    }
    return answer;
  }
}
