// Runs dependency-cruiser's checks (.dependency-cruiser.cjs) over every package's src through its
// API: the `depcruise` command refuses Node 20, which this repo still supports.
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
const result = await cruise(
  [
    'packages/core/src',
    'packages/express/src',
    'packages/koa/src',
    'packages/fastify/src',
    'packages/hono/src',
    'packages/nestjs/src',
    'packages/cli/src',
  ],
  {
    ...options,
    outputType: 'err',
  },
);
process.stdout.write(typeof result.output === 'string' ? result.output : '');
process.exitCode = result.exitCode;
