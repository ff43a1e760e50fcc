#!/usr/bin/env node
process.stderr.write('commodity-hindcast-deliver: not built yet; use `commodity-hindcast run deliver` once it exists\n');
process.exit(2);
