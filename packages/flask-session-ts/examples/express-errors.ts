import type { ErrorRequestHandler } from 'express';
import { SessionTooLarge } from 'flask-session-ts';

/** Register after the routes: `app.use(sessionErrors)`. */
export const sessionErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (error instanceof SessionTooLarge) res.status(422).send('That did not fit in your session.');
  else next(error);
};
