#!/usr/bin/env node
process.stderr.write('commodity-hindcast-fit: not built yet; use `commodity-hindcast run fit` once it exists\n');
process.exit(2);
