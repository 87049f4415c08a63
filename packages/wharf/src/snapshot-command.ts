import { restoreSnapshot } from "@wharf/brain";
import { Command } from "commander";
import { bool } from "./flags.js";

export function snapshotCommand(): Command {
  const cmd = new Command("snapshot").description("Work with brain snapshots (saved with `etcdctl snapshot save`)");
  cmd
    .command("restore <file>")
    .description("Restore a snapshot into a new data directory, then start `wharf brain --data-dir` on it")
    .requiredOption("--data-dir <dir>", "the new data directory to create")
    .option(
      "--skip-hash-check [bool]",
      "ignore the snapshot's sha256 trailer (for a copied data file)",
      bool("skip-hash-check"),
      false,
    )
    .action(async (file: string, o: { dataDir: string; skipHashCheck: boolean }) => {
      try {
        await restoreSnapshot(file, o.dataDir, o.skipHashCheck);
        process.stderr.write(`restored snapshot ${file} into ${o.dataDir}\n`);
      } catch (e) {
        process.stderr.write(`Error: ${(e as Error).message}\n`);
        process.exit(1);
      }
    });
  return cmd;
}
