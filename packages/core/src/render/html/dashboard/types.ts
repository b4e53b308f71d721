import type { RouteSummary } from '../../../aggregate/aggregator.js';
import type { Comparison } from '../../../aggregate/compare.js';
import type { HtmlData } from '../data.js';

/** What the dashboard page embeds (`<script type="application/json" id="prof-dashboard">`). */
export interface DashboardData {
  /** 'live': served by the app, polls its API; 'static': a file with everything embedded (aggregate.file). */
  mode: 'live' | 'static';
  /** ISO time the page (static: its data) was made. */
  generatedAt: string;
  /** Live: ms between two reads of api/routes while the page is visible. */
  poll?: number;
  /** Static: every route, and the call tree and comparison of the busiest ones. */
  routes?: RouteSummary[];
  views?: Record<string, HtmlData>;
  compares?: Record<string, Comparison>;
}

export type { Comparison, HtmlData, RouteSummary };
