#!/usr/bin/env node
import { fitFold } from '../dist/index.js';

console.log(fitFold);
