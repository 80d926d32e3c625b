// Analytics the overview, a campaign's page and an affiliate's page share.
export { AnalyticsChart } from './AnalyticsChart';
export { AnalyticsPanel } from './AnalyticsPanel';
export { useAnalytics } from './useAnalytics';
