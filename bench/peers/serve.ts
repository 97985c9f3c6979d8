/**
 * Running a peer as a server, configured like the app (SECRET_KEY, HOST, PORT, WORKERS): one
 * process, or a node:cluster primary with WORKERS workers; SIGTERM and SIGINT stop it.
 * @module
 */
import cluster from 'node:cluster';
import { createServer, type RequestListener } from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * Serves `listener` when `moduleUrl` is the script node was started with (so importing a peer,
 * as the bench does to make its cookies, starts nothing).
 */
export function servePeer(
  moduleUrl: string,
  name: string,
  listener: (secretKey: string) => RequestListener | Promise<RequestListener>,
): void {
  const script = process.argv[1];
  if (script === undefined || fileURLToPath(moduleUrl) !== script) return;
  const workers = Number(process.env['WORKERS'] ?? 1);
  if (workers > 1 && cluster.isPrimary) {
    for (let i = 0; i < workers; i++) cluster.fork();
    let stopping = false;
    const stop = () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    cluster.on('exit', () => {
      if (!stopping) process.stderr.write(`${name}: a worker exited\n`);
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(stopping ? 0 : 1);
    });
    return;
  }
  const secretKey = process.env['SECRET_KEY'] ?? '';
  if (secretKey === '') throw new Error('Set SECRET_KEY (the bench passes one).');
  void Promise.resolve(listener(secretKey)).then((handle) => {
    const server = createServer(handle);
    server.listen(Number(process.env['PORT'] ?? 5000), process.env['HOST'] ?? '127.0.0.1');
    const stop = () => {
      server.close(() => process.exit(0));
      server.closeIdleConnections();
      setTimeout(() => process.exit(0), 2000).unref();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
