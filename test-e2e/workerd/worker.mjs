// A Worker serving examples/hono/app.mjs three times over, picked by the first path segment:
//   /bare/...   without prof
//   /timed/...  with prof and serverTiming: true
//   /quiet/...  with prof and its defaults
//   /__log      what each profiler said through its logger, as JSON
// Bundled by workerd.test.ts with esbuild for the worker platform and run under real workerd.
import { createApp } from '../../examples/hono/app.mjs';

const logs = { timed: [], quiet: [] };
const loggerInto = (lines) => ({
  info: (m) => lines.push(['info', m]),
  warn: (m) => lines.push(['warn', m]),
  error: (m) => lines.push(['error', m]),
});

const apps = {
  bare: createApp(false),
  timed: createApp({ serverTiming: true, logger: loggerInto(logs.timed) }),
  quiet: createApp({ logger: loggerInto(logs.quiet) }),
};

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const [, which, ...rest] = url.pathname.split('/');
    if (which === '__log') return Response.json(logs);
    const app = apps[which];
    if (!app) return new Response(`no app ${which}`, { status: 400 });
    url.pathname = `/${rest.join('/')}`;
    return app.fetch(new Request(url, request), env, ctx);
  },
};
