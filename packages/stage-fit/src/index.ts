/** The FIT stage of commodity-hindcast (being built; see the README). */
export const STAGE_NAME = 'fit' as const;
