export const fit = 1;
