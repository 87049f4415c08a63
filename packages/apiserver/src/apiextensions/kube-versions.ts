// Kubernetes' version priority (version.CompareKubeAwareVersionStrings):
// GA before beta before alpha, higher majors and minors first, and
// versions that are not Kubernetes-like last, alphabetically.

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

function rank(v: string): [number, number, number] | undefined {
  const m = KUBE_VERSION.exec(v);
  if (!m) return undefined;
  const level = m[2] === undefined ? 3 : m[2] === "beta" ? 2 : 1;
  return [level, Number(m[1]), m[3] === undefined ? 0 : Number(m[3])];
}

/** Sorts preferred first. */
export function compareKubeVersions(a: string, b: string): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra && rb) {
    if (ra[0] !== rb[0]) return rb[0] - ra[0];
    if (ra[1] !== rb[1]) return rb[1] - ra[1];
    return rb[2] - ra[2];
  }
  if (ra) return -1;
  if (rb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
