// Preloaded (NODE_OPTIONS=--require) for CI's runs of the other backends on Node >= 24:
// @datadog/pprof fails to load as if it were not installed, so sampler 'auto' falls back to the next
// backend (and context attribution to the async-hook timeline) in the test process and every child.
'use strict';
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (typeof request === 'string' && request.startsWith('@datadog/pprof')) {
    throw new Error('@datadog/pprof disabled for this run (.ci/no-pprof.cjs): another backend is under test');
  }
  return load.call(this, request, ...rest);
};
