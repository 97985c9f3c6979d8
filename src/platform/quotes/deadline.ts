/**
 * Waiting for a piece of work no longer than a page may: the one primitive {@link QuoteService}
 * uses at each of its steps (read the cache, take the budget, wait for the fetches).
 * @module
 */

/** `done` with the work's value; `late` at the deadline; `failed` when the work rejected. */
export type Settled<R> = { readonly kind: 'done'; readonly value: R } | { readonly kind: 'late' | 'failed' };

/**
 * `work`'s result, or `late` as soon as `deadline` aborts, or `failed` when `work` rejects (the
 * error goes to `onError`: a cache that did not answer, or a bug; either way logged, and the page
 * still gets its answer). Never rejects; `work` carries on after a `late`.
 */
export function beforeDeadline<R>(
  onError: (error: unknown) => void,
  work: Promise<R>,
  deadline: AbortSignal,
): Promise<Settled<R>> {
  const settled = work.then(
    (value): Settled<R> => ({ kind: 'done', value }),
    (error: unknown): Settled<R> => {
      onError(error);
      return { kind: 'failed' };
    },
  );
  if (deadline.aborted) return Promise.resolve({ kind: 'late' });
  return new Promise((resolve) => {
    const onDeadline = () => resolve({ kind: 'late' });
    deadline.addEventListener('abort', onDeadline, { once: true });
    void settled.then((result) => {
      deadline.removeEventListener('abort', onDeadline);
      resolve(result);
    });
  });
}
