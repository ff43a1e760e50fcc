import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createDashboardApp, type DashboardAppOptions } from './DashboardApp.js';
import { redact } from './server/Redact.js';

export interface DashboardServerOptions extends DashboardAppOptions {
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: only this machine can reach it unless told otherwise. */
  host?: string;
}

export interface RunningDashboard {
  /** `http://host:port`. */
  url: string;
  close(): Promise<void>;
}

/** Serves the dashboard until close(); resolves once it listens. */
export function startDashboard(options: DashboardServerOptions): Promise<RunningDashboard> {
  const app = createDashboardApp(options);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 8080, hostname: host }, (info: AddressInfo) => {
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: redact(`http://${shown}:${info.port}`),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Browsers keep connections alive: end them, or close() waits for their timeout.
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
