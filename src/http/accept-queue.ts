/**
 * How many connections wait in the kernel's accept queue of a listening port, read from
 * `/proc/net/tcp` (Linux; elsewhere the reader returns undefined and the signal is off).
 * Under keep-alive load Node accepts about one connection per event-loop turn, so this queue is
 * where newcomers wait; the event loop itself cannot see it. Listening sockets come first in
 * `/proc/net/tcp`, so its first page is enough (0.3–1 ms per read on a loaded 2-core machine:
 * the caller reads it at most every 100 ms, and only while busy).
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** `/proc/net/tcp`'s state code for LISTEN. */
const LISTEN = '0A';

/**
 * The accept-queue length (`rx_queue` of the LISTEN line) for `port` in the text of
 * `/proc/net/tcp` or `/proc/net/tcp6`, or undefined when the port is not listed.
 */
export function parseAcceptQueue(text: string, port: number): number | undefined {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [, local, , state, queues] = fields;
    if (state === undefined || queues === undefined || local === undefined) continue;
    // Listening sockets are listed first: past them, the port is not listening.
    if (state !== LISTEN) return undefined;
    if (local.endsWith(`:${portHex}`)) return Number.parseInt(queues.split(':')[1] ?? '', 16);
  }
  return undefined;
}

// One page: the kernel produces /proc/net/tcp a page per read, listening sockets first.
const READ_BYTES = 4096;

/** A reader for `port`'s accept queue; it gives up (undefined, for good) where `/proc` cannot be read. */
export function acceptQueueReader(port: number, ipv6: boolean): () => number | undefined {
  const file = ipv6 ? '/proc/net/tcp6' : '/proc/net/tcp';
  const buffer = Buffer.alloc(READ_BYTES);
  let available = true;
  return () => {
    if (!available) return undefined;
    try {
      const fd = openSync(file, 'r');
      try {
        const length = readSync(fd, buffer, 0, READ_BYTES, 0);
        return parseAcceptQueue(buffer.toString('latin1', 0, length), port);
      } finally {
        closeSync(fd);
      }
    } catch {
      available = false;
      return undefined;
    }
  };
}
