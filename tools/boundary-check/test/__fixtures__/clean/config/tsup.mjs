export const shared = { format: ['esm'] };
