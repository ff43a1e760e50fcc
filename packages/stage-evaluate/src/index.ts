/** The EVALUATE stage of commodity-hindcast (being built; see the README). */
export const STAGE_NAME = 'evaluate' as const;
