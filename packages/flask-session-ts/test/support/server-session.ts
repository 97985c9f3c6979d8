/**
 * One request to a server-side store: a new session, `data` set inside `update`, committed.
 * @module
 */
import type { ServerSessionStore } from '../../src/stores/server-store.js';

/** Saves `data` in a new session of `store`; returns the cookie (`name=value`) the visitor gets. */
export async function saveNewSession(
  store: ServerSessionStore,
  data: Record<string, string>,
): Promise<string> {
  const { session } = await store.open(undefined);
  await store.update(session, (s) => {
    for (const [k, v] of Object.entries(data)) s.set(k, v);
  });
  const action = await store.commit(session);
  if (action.kind !== 'set') throw new Error(`expected a cookie, got ${action.kind}`);
  return action.header.split(';')[0] ?? '';
}
