import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";

/** The kubectl the tests drive: WHARF_KUBECTL, else the machine's (undefined when there is none). */
export const KUBECTL: string | undefined =
  process.env.WHARF_KUBECTL ?? ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].find((p) => existsSync(p));

/** The minor version of kube-apiserver whose behaviour Wharf's apiserver follows (it reports v1.28.0-wharf). */
const SERVER_MINOR = 28;

/**
 * The minor version of the kubectl that actually runs when `kubectl` talks to Wharf's apiserver. Google Cloud
 * SDK's kubectl is a dispatcher (`v1.32.4-dispatcher`) that runs its `kubectl.1.NN` matching the server's minor
 * version, so against a 1.28 server it is 1.28, whatever `--client` says.
 */
export function kubectlMinor(kubectl: string): number {
  const out = execFileSync(kubectl, ["version", "--client", "-o", "json"], { encoding: "utf8" });
  const v = JSON.parse(out).clientVersion as { minor: string; gitVersion: string };
  if (v.gitVersion.endsWith("-dispatcher") && existsSync(join(dispatcherDir(kubectl), `kubectl.1.${SERVER_MINOR}`)))
    return SERVER_MINOR;
  return Number.parseInt(v.minor, 10);
}

/** The versioned kubectls a dispatcher carries beside itself (`kubectl.1.27` … `kubectl.1.33`), newest last. */
export function dispatchedKubectls(kubectl: string): { path: string; minor: number }[] {
  const dir = dispatcherDir(kubectl);
  const out: { path: string; minor: number }[] = [];
  for (let minor = 20; minor < 60; minor++) {
    const path = join(dir, `kubectl.1.${minor}`);
    if (existsSync(path)) out.push({ path, minor });
  }
  return out;
}

/** The dispatcher is reached through a symlink (/usr/bin/kubectl); its versions sit beside the real file. */
function dispatcherDir(kubectl: string): string {
  try {
    return dirname(realpathSync(kubectl));
  } catch {
    return dirname(kubectl);
  }
}
