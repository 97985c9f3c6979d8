import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { sessionMiddleware, type SessionEnv } from 'flask-session-ts/hono';

const app = new Hono<SessionEnv>();
app.use(sessionMiddleware({ secretKey: process.env.SECRET_KEY ?? '' })); // the Flask app's SECRET_KEY
app.get('/', (c) => {
  const visits = Number(c.var.session.get('visits') ?? 0) + 1;
  c.var.session.set('visits', visits);
  return c.text(`Visits: ${visits}`);
});
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => {
  console.log('Listening on', info);
});
