import Fastify from 'fastify';
import { sessionPlugin } from 'flask-session-ts/fastify';

const app = Fastify();
await app.register(sessionPlugin({ secretKey: process.env.SECRET_KEY ?? '' })); // the Flask app's SECRET_KEY
app.get('/', (request) => {
  const visits = Number(request.session.get('visits') ?? 0) + 1;
  request.session.set('visits', visits);
  return `Visits: ${visits}`;
});
console.log('Listening on', await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' }));
