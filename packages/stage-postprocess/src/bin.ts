#!/usr/bin/env node
process.stderr.write('commodity-hindcast-postprocess: not built yet; use `commodity-hindcast run postprocess` once it exists\n');
process.exit(2);
