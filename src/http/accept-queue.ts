/**
 * How many connections wait in the kernel's accept queue of a listening port, read from
 * `/proc/net/tcp` (Linux; elsewhere the reader returns undefined and the signal is off).
 * Under keep-alive load Node accepts about one connection per event-loop turn, so this queue is
 * where newcomers wait; the event loop itself cannot see it. Listening sockets come first in
 * `/proc/net/tcp` (the kernel walks its listening hash before the established one), so the reader
 * reads on until it finds the port or reaches the first socket that is not listening, however many
 * listening sockets the host has: the first 4 KiB alone hold only ~27 of them (issue 16). Cost
 * per read with 1,000 listening sockets on the host (2-core machine at load 18): 2.2 ms when the
 * port is found, 11 ms when the whole listening section is read; the caller reads it at most
 * every 100 ms, and only while busy.
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** `/proc/net/tcp`'s state code for LISTEN. */
const LISTEN = '0A';

/**
 * Scans whole lines of the table (no header): the port's queue, `null` once past the listening
 * sockets without finding it, or undefined when the lines end while still among listening ones.
 */
function scanLines(lines: string, portSuffix: string): number | null | undefined {
  for (const line of lines.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const [, local, , state, queues] = fields;
    if (state === undefined || queues === undefined || local === undefined) continue;
    // Listening sockets are listed first: past them, the port is not listening.
    if (state !== LISTEN) return null;
    if (local.endsWith(portSuffix)) return Number.parseInt(queues.split(':')[1] ?? '', 16);
  }
  return undefined;
}

const portSuffixOf = (port: number) => `:${port.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The accept-queue length (`rx_queue` of the LISTEN line) for `port` in the text of
 * `/proc/net/tcp` or `/proc/net/tcp6`, or undefined when the port is not listed.
 */
export function parseAcceptQueue(text: string, port: number): number | undefined {
  const body = text.slice(text.indexOf('\n') + 1);
  return scanLines(body, portSuffixOf(port)) ?? undefined;
}

// Read size: the kernel fills a read with as many whole lines as fit (~150 bytes each).
const READ_BYTES = 64 * 1024;

/** A reader for `port`'s accept queue; it gives up (undefined, for good) where `/proc` cannot be read. */
export function acceptQueueReader(port: number, ipv6: boolean): () => number | undefined {
  const file = ipv6 ? '/proc/net/tcp6' : '/proc/net/tcp';
  const buffer = Buffer.alloc(READ_BYTES);
  const suffix = portSuffixOf(port);
  let available = true;
  return () => {
    if (!available) return undefined;
    try {
      const fd = openSync(file, 'r');
      try {
        let carry = '';
        let header = true;
        for (;;) {
          // Sequential reads (position null): the table is generated as it is read.
          const length = readSync(fd, buffer, 0, READ_BYTES, null);
          if (length === 0) return scanLines(carry, suffix) ?? undefined;
          let text = carry + buffer.toString('latin1', 0, length);
          if (header) {
            text = text.slice(text.indexOf('\n') + 1);
            header = false;
          }
          const end = text.lastIndexOf('\n') + 1;
          carry = text.slice(end);
          const found = scanLines(text.slice(0, end), suffix);
          if (found !== undefined) return found ?? undefined;
        }
      } finally {
        closeSync(fd);
      }
    } catch {
      available = false;
      return undefined;
    }
  };
}
