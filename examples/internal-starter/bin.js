#!/usr/bin/env node
// The whole starter: distroless-python's command line with this team's preset.
import { run } from 'create-distroless-python';

process.exitCode = await run({
  preset: new URL('./preset.json', import.meta.url),
  program: 'create-acme-python-service',
  argv: process.argv.slice(2),
});
