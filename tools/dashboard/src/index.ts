export { createDashboardApp } from './DashboardApp.js';
export type { DashboardAppOptions } from './DashboardApp.js';
export { startDashboard } from './DashboardServer.js';
export type { DashboardServerOptions, RunningDashboard } from './DashboardServer.js';
