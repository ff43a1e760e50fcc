#!/usr/bin/env node
process.stderr.write('commodity-hindcast-predict: not built yet; use `commodity-hindcast run predict` once it exists\n');
process.exit(2);
