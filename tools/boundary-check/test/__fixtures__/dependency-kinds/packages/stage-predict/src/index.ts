export const predict = 1;
