#!/usr/bin/env node
process.stderr.write('commodity-hindcast-evaluate: not built yet; use `commodity-hindcast run evaluate` once it exists\n');
process.exit(2);
