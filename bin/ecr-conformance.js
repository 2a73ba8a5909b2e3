#!/usr/bin/env node
// The command line. Installed from the package it runs the compiled files (dist/); in a clone, where the
// sources and tsx (a development dependency) are at hand, it runs the sources, so they are never stale.
import { existsSync } from 'node:fs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
let sources = false;
if (existsSync(new URL('../src/cli.ts', import.meta.url))) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    sources = true;
  } catch {
    // No tsx: run the compiled files.
  }
}
await import(sources ? '../src/cli.ts' : '../dist/cli.js');
