import { createApp } from './app.mjs';

const port = Number(process.env.PORT ?? 3000);
createApp({ outputDir: 'profiles', output: ['text', 'json'] }).listen(port, '127.0.0.1', () => {
  console.log(`example listening on http://127.0.0.1:${port}  (try /cpu, /io, /articles, /error, /users/42)`);
});
