/** The PREDICT stage of commodity-hindcast (being built; see the README). */
export const STAGE_NAME = 'predict' as const;
