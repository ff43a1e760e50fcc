// zarrita (with its codecs) is loaded on first use: only the index stores (FEATURES, the importers, validation of a
// forecast slice) read or write Zarr, and every other stage would otherwise load it at start-up.
type ZarritaModule = typeof import('zarrita');

let loading: Promise<ZarritaModule> | undefined;

/** The zarrita module, imported once. */
export function zarrita(): Promise<ZarritaModule> {
  loading ??= import('zarrita');
  return loading;
}
