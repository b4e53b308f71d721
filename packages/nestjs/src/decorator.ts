import type { IncomingMessage } from 'node:http';
import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { resolveOptions, type ProfilerOptions } from '@prof/core';

/** Metadata key written by @Profile(). */
export const PROFILE_METADATA = 'prof:profile';

/**
 * The options with `enabled` and `allow` typed for what they receive under NestJS: Node's request,
 * as the server got it (prof starts on arrival, before Nest's platform wraps it).
 */
export type NestProfilerOptions = ProfilerOptions<IncomingMessage>;

/** Options @Profile({...}) may override for one controller or handler. */
export type ProfileRouteOptions = Pick<
  NestProfilerOptions,
  'enabled' | 'slowThreshold' | 'maxDuration' | 'printEachRequest' | 'render'
>;
const ROUTE_OPTION_NAMES: string[] = [
  'enabled',
  'slowThreshold',
  'maxDuration',
  'printEachRequest',
  'render',
] satisfies (keyof ProfileRouteOptions)[];

/**
 * On a controller or a handler (the handler's wins): `@Profile()` always profiles it, even when
 * `enabled` is false globally; `@Profile(false)` never does; `@Profile({ slowThreshold: 50 })`
 * always profiles it with those options over the global ones (`enabled` included, if given).
 */
export function Profile(setting: boolean | ProfileRouteOptions = true): CustomDecorator<string> {
  if (typeof setting === 'object') {
    for (const key of Object.keys(setting)) {
      if (!ROUTE_OPTION_NAMES.includes(key))
        throw new TypeError(`prof: @Profile() accepts ${ROUTE_OPTION_NAMES.join(', ')}; \`${key}\` is global only`);
    }
    resolveOptions(setting); // a bad value throws at class definition, naming the option
  }
  return SetMetadata(PROFILE_METADATA, setting);
}

/** A controller's or handler's @Profile() setting, as read back from its metadata. */
export type Setting = boolean | ProfileRouteOptions | undefined;
