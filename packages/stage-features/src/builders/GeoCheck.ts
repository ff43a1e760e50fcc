import { isGeoIdentifier } from '@commodity-hindcast/rundir-contract/domain';
import { FeaturesInputError } from '../FeaturesError.js';

/** Refuses the first geo identifier that is not in the contract's normal form, naming its row. */
export function assertGeoIdentifiers(
  field: string,
  location: string,
  geos: ArrayLike<string | null>,
  what = 'row',
): void {
  for (let i = 0; i < geos.length; i++) {
    const geo = geos[i];
    if (!isGeoIdentifier(geo)) {
      throw new FeaturesInputError(
        field,
        location,
        `${what} ${i}: geo_identifier ${JSON.stringify(geo)} is not a geo identifier in normal form (ADM0:<ISO3>[/ADM1:<name>[/ADM2:<name>]])`,
        "rebuild the input with the contract's geoIdentifier(), as the importers do",
      );
    }
  }
}
