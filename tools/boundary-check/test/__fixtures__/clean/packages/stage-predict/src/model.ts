export const model = 'ridge';
