/** Bindings of the analytics Worker, written by hand. Source of truth: wrangler.json. */
export interface Env {
  ANALYTICS: AnalyticsEngineDataset;
  AUTH_SERVICE: Fetcher;

  ENVIRONMENT: string;
  MAX_EVENTS_PER_BATCH: string;

  // Signs the daily export for the data warehouse.
  API_SIGNING_KEY: string;
}
