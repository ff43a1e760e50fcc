/** The dashboard URL of a file of a run directory, each segment percent-encoded. */
export function fileHref(runId: string, relative: string): string {
  return `/runs/${encodeURIComponent(runId)}/files/${relative.split('/').map(encodeURIComponent).join('/')}`;
}

/** The dashboard URL of a run's page. */
export function runHref(runId: string): string {
  return `/runs/${encodeURIComponent(runId)}`;
}
