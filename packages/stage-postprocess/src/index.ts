/** The POSTPROCESS stage of commodity-hindcast (being built; see the README). */
export const STAGE_NAME = 'postprocess' as const;
