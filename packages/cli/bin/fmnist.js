#!/usr/bin/env node
// The `fmnist` command. The TypeScript sources are compiled to dist/ by `pnpm build`.
import '../dist/main.js';
