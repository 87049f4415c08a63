#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx: the repository ships no build output.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
