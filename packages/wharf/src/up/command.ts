import { Command, Option } from "commander";
import { durationMs, port } from "../flags.js";
import { up } from "./up.js";

export function upCommand(): Command {
  return new Command("up")
    .description(
      "Run the whole system on this machine: brain (embedded engine) and the apiserver on it, with a CA, " +
        "certificates and an admin kubeconfig in the data directory. Runs in the foreground; Ctrl-C stops it.",
    )
    .option(
      "--data-dir <dir>",
      "where everything is kept (brain's data, pki/, kubeconfig, logs/); a second run on it finds all objects again",
      "./wharf-data",
    )
    .option(
      "--bind-address <ip>",
      "the address the apiserver serves HTTPS on (0.0.0.0: every interface); brain listens on 127.0.0.1 only",
      "127.0.0.1",
    )
    .option("--secure-port <port>", "the apiserver's HTTPS port", port("secure-port"), 6443)
    .option(
      "--etcd-port <port>",
      "brain's client port on 127.0.0.1 (etcd v3 API: etcdctl --endpoints=127.0.0.1:PORT)",
      port("etcd-port"),
      2379,
    )
    .addOption(
      new Option("--ready-timeout <duration>", "how long each component may take to become ready (e.g. 90s, 2m)")
        .argParser(durationMs("ready-timeout"))
        .default(60_000, "60s"),
    )
    .addOption(
      new Option(
        "--stop-timeout <duration>",
        "how long each component may take to stop after SIGTERM before it is killed (a second Ctrl-C kills at once)",
      )
        .argParser(durationMs("stop-timeout"))
        .default(10_000, "10s"),
    )
    .addHelpText(
      "after",
      `
What it runs: \`wharf brain\` and \`wharf apiserver\` as child processes, started in that order, each
once the one before is healthy. Progress and the \`export KUBECONFIG=…\` line go to stdout; the
components' own logs go to DIR/logs/. If a component dies, wharf up says which and why, stops
the other and exits 1. Ctrl-C (SIGINT) or SIGTERM stops the apiserver, then brain, and exits 0.

The data directory:
  brain/               brain's data (lmdb)
  pki/                 ca.crt/ca.key (made once, reused), apiserver.crt/.key (serving),
                       admin.crt/.key (CN kubernetes-admin, O system:masters); keys 0600
  kubeconfig           cluster, user and context "wharf", certificates embedded (0600)
  logs/                brain.log, apiserver.log (JSON lines, appended)
  wharf-up.pid         held while it runs: a second wharf up on the same directory refuses to start`,
    )
    .action(async (o) => {
      const code = await up({
        dataDir: o.dataDir,
        bindAddress: o.bindAddress,
        securePort: o.securePort,
        etcdPort: o.etcdPort,
        readyTimeoutMs: o.readyTimeout,
        stopTimeoutMs: o.stopTimeout,
      });
      process.exit(code);
    });
}
