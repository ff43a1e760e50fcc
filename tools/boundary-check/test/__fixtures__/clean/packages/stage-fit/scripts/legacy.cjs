const yaml = require('js-yaml');
const here = require.resolve('./legacy.cjs');

module.exports = { yaml, here };
