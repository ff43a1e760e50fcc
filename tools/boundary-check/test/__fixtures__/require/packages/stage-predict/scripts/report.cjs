'use strict';
const yaml = require('js-yaml');
const fit = require('../../stage-fit/dist/index.cjs');
const cli = require('@commodity-hindcast/cli');

module.exports = { yaml, fit, cli };
