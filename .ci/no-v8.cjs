// Preloaded (NODE_OPTIONS=--require) for CI's inspector-backend runs on Node >= 24: hides
// v8.startCpuProfile() as Node 22 lacks it, so sampler 'auto' falls back to node:inspector in the
// test process and in every child it forks. Use with no-native.cjs.
'use strict';
const v8 = require('node:v8');
delete v8.startCpuProfile;
