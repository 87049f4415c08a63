import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readdir, rename } from "node:fs/promises";
import { join } from "node:path";

/** Where brain keeps its engine inside a data directory. */
export function engineDir(dataDir: string): string {
  return join(dataDir, "member", "brain");
}

/**
 * Restores a snapshot saved from brain's Maintenance.Snapshot stream (for
 * example with `etcdctl snapshot save`) into a new data directory. The
 * stream ends with the sha256 of what precedes it; a file whose checksum does
 * not match is refused unless `skipHashCheck`.
 */
export async function restoreSnapshot(file: string, dataDir: string, skipHashCheck = false): Promise<void> {
  const dir = engineDir(dataDir);
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new Error(`data directory ${dataDir} already holds a brain store; restore into a new one`);
  }
  const fh = await open(file, "r");
  try {
    const { size } = await fh.stat();
    if (size < 32) throw new Error(`${file} is too small to be a snapshot`);
    const bodySize = skipHashCheck ? size : size - 32;
    const sha = createHash("sha256");
    const buf = Buffer.allocUnsafe(1024 * 1024);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, "data.mdb.restoring");
    const out = await open(tmp, "w");
    try {
      let pos = 0;
      while (pos < bodySize) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, bodySize - pos), pos);
        if (bytesRead === 0) break;
        sha.update(buf.subarray(0, bytesRead));
        await out.write(buf, 0, bytesRead);
        pos += bytesRead;
      }
      if (!skipHashCheck) {
        const trailer = Buffer.alloc(32);
        await fh.read(trailer, 0, 32, bodySize);
        if (!trailer.equals(sha.digest())) throw new Error(`${file}: snapshot checksum mismatch`);
      }
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, join(dir, "data.mdb"));
  } finally {
    await fh.close();
  }
}
