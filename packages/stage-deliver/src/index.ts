/** The DELIVER stage of commodity-hindcast (being built; see the README). */
export const STAGE_NAME = 'deliver' as const;
