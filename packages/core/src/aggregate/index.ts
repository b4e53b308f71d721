export {
  AGGREGATE_LIMITS,
  Aggregator,
  type AggregateLimits,
  type ExemplarSummary,
  type RouteSummary,
} from './aggregator.js';
export type { Comparison, ComparisonRow } from './compare.js';
export type { RequestSet } from './route.js';
export { routeId, routeKeyOf, UNMATCHED_ROUTE, type RouteKey } from './route-key.js';
