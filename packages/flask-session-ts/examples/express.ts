import express from 'express';
import { sessionMiddleware } from 'flask-session-ts/express';

const app = express();
app.use(sessionMiddleware({ secretKey: process.env.SECRET_KEY ?? '' })); // the Flask app's SECRET_KEY
app.get('/', (req, res) => {
  const visits = Number(req.session.get('visits') ?? 0) + 1;
  req.session.set('visits', visits);
  res.send(`Visits: ${visits}`);
});
const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log('Listening on', server.address());
});
