import { chmodSync, renameSync, writeFileSync } from "node:fs";

/** Writes a file whole or not at all, with its mode set even over an older file. */
export function write(file: string, data: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
