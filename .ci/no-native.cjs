// Preloaded (NODE_OPTIONS=--require) for CI's inspector-backend runs: v8-profiler-next fails to
// load as a failed native build would, so sampler 'auto' falls back to node:inspector everywhere,
// in the test process and in every child it forks.
'use strict';
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'v8-profiler-next') {
    throw new Error(
      'v8-profiler-next disabled for this run (.ci/no-native.cjs): the node:inspector backend is under test',
    );
  }
  return load.call(this, request, ...rest);
};
