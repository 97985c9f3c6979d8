import { Hono } from 'hono';
import { sessionMiddleware, type SessionEnv } from 'flask-session-ts/hono';

export const app = new Hono<SessionEnv>();
app.use(sessionMiddleware({ secretKey: process.env.SECRET_KEY ?? '' }));
app.get('/', (c) => {
  // A BadData when the visitor's cookie could not be used; undefined when it was fine or absent.
  if (c.get('sessionError') !== undefined) return c.text('Your session has expired: please sign in again.');
  return c.text(c.var.session.get('name') === undefined ? 'Welcome' : 'Welcome back');
});
