/**
 * Six lines of Express 5 app with no error middleware, as issue 17 found it: a handler storing a
 * value the session cannot hold used to end the whole process. Run as its own process by
 * src/express.test.ts, which checks the process stays up. Prints `port: N` once listening.
 * @module
 */
import express from 'express';
import { sessionMiddleware } from '../../src/express.js';

const app = express();
app.use(sessionMiddleware({ secretKey: 'express-bare-test-secret-key' }));
app.get('/map', (req, res) => {
  req.session.set('x', new Map() as never);
  res.send('stored');
});
app.get('/mutated', (req, res) => {
  const cart: Record<string, unknown> = {};
  req.session.set('cart', cart as never);
  cart.self = cart;
  res.send('stored');
});
app.get('/read', (req, res) => res.send(req.session.has('x') ? 'stored' : 'empty'));
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`port: ${typeof address === 'object' && address !== null ? address.port : ''}`);
});
