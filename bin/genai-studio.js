#!/usr/bin/env node
// The CLI is bundled into dist/cli.js by `npm run build`.
require('../dist/cli.js');
