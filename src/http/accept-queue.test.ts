import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptQueueReader, parseAcceptQueue } from './accept-queue.js';

const SAMPLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1520 1 0000 100 0 0 10 0
   1: 0100007F:1388 00000000:0000 0A 00000000:000003E8 00:00000000 00000000     0        0 5995 1 0000 100 0 0 10 0
   2: 0100007F:1388 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 6532 1 0000 20 4 30 10 -1
   3: 0100007F:1F90 0100007F:C351 01 00000000:00000000 00:00000000 00000000     0        0 6533 1 0000 20 4 30 10 -1
`;

describe('parseAcceptQueue', () => {
  it('reads the rx_queue of the LISTEN line of the port', () => {
    expect(parseAcceptQueue(SAMPLE, 5000)).toBe(1000);
    expect(parseAcceptQueue(SAMPLE, 2024)).toBe(0);
  });

  it('is undefined for a port that only has connections, or none', () => {
    expect(parseAcceptQueue(SAMPLE, 8080)).toBeUndefined();
    expect(parseAcceptQueue(SAMPLE, 1)).toBeUndefined();
    expect(parseAcceptQueue('', 5000)).toBeUndefined();
  });
});

describe('acceptQueueReader', () => {
  const servers: net.Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  it('sees a real listening socket on this machine', async () => {
    const server = net.createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    expect(acceptQueueReader(port, false)()).toBe(0);
  });

  it('finds the port behind hundreds of other listening sockets (more than the first 4 KiB holds)', async () => {
    for (let i = 0; i < 200; i++) {
      const other = net.createServer();
      servers.push(other);
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    }
    const server = net.createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    expect(acceptQueueReader(port, false)()).toBe(0);
  });
});
