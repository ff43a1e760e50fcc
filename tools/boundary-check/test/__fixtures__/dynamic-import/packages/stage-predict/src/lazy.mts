export async function loadFit(): Promise<unknown> {
  const layout = await import('@commodity-hindcast/rundir-contract/layout');
  const fit = await import('@commodity-hindcast/stage-fit');
  return [layout, fit];
}

export async function loadByName(name: string): Promise<unknown> {
  return import(name);
}
