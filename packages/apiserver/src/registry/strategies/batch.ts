// batch/v1 Job and CronJob: SetDefaults_Job/_CronJob, the job strategy's
// selector generation, and pkg/apis/batch/validation of Kubernetes 1.28.

import {
  type FieldError,
  FieldPath,
  goLabelSelector,
  goStringMap,
  invalidField,
  invalidGoField,
  isDNS1123Label,
  type LabelSelectorSpec,
  labelSelectorMatches,
  notSupportedField,
  requiredField,
  validateImmutableField,
  validateLabelSelector,
  validateNonnegativeField,
} from "@wharf/apimachinery";
import type { KindStrategy, KubeObject } from "../strategy.js";
import { cronScheduleError } from "./cron.js";
import {
  defaultEmbeddedMetadata,
  defaultPodTemplate,
  podTemplateValidationOptions,
  validatePodTemplateSpec,
} from "./pod-spec.js";
import { child, isObj, num, type Obj, same, setDefault, setDefaultStr, str, strMap, sub } from "./util.js";

const LEGACY_JOB_NAME = "job-name";
const JOB_NAME = "batch.kubernetes.io/job-name";
const LEGACY_CONTROLLER_UID = "controller-uid";
const CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
const MAX_PARALLELISM_INDEXED = 100000;

function specOf(obj: KubeObject): Obj {
  return (isObj(obj.spec) ? obj.spec : {}) as Obj;
}

// ---------------------------------------------------------------- Job

function defaultJob(obj: KubeObject): void {
  const spec = child(obj, "spec");
  if (
    (spec.completions === undefined || spec.completions === null) &&
    (spec.parallelism === undefined || spec.parallelism === null)
  ) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, "parallelism", 1);
  if (spec.backoffLimit === undefined || spec.backoffLimit === null) {
    spec.backoffLimit = spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2147483647 : 6;
  }
  const template = child(spec, "template");
  const meta = obj.metadata ?? {};
  const tLabels = strMap(sub(template, "metadata")?.labels);
  if (tLabels && Object.keys(meta.labels ?? {}).length === 0) meta.labels = { ...tLabels };
  setDefault(spec, "completionMode", "NonIndexed");
  setDefault(spec, "suspend", false);
  for (const rule of Array.isArray(sub(spec, "podFailurePolicy")?.rules)
    ? (sub(spec, "podFailurePolicy")!.rules as unknown[])
    : []) {
    if (!isObj(rule) || !Array.isArray(rule.onPodConditions)) continue;
    for (const p of rule.onPodConditions) if (isObj(p)) setDefaultStr(p, "status", "True");
  }
  defaultPodTemplate(template);
  // The job strategy's PrepareForCreate: a generated selector unless manualSelector.
  if (spec.manualSelector !== true) {
    const tmeta = child(template, "metadata");
    const labels = (isObj(tmeta.labels) ? tmeta.labels : {}) as Record<string, string>;
    tmeta.labels = labels;
    const name = meta.name ?? "";
    const uid = meta.uid ?? "";
    for (const k of [LEGACY_JOB_NAME, JOB_NAME]) if (!Object.hasOwn(labels, k)) labels[k] = name;
    for (const k of [LEGACY_CONTROLLER_UID, CONTROLLER_UID]) if (!Object.hasOwn(labels, k)) labels[k] = uid;
    const selector = child(spec, "selector");
    const matchLabels = (isObj(selector.matchLabels) ? selector.matchLabels : {}) as Record<string, string>;
    selector.matchLabels = matchLabels;
    if (!Object.hasOwn(matchLabels, CONTROLLER_UID)) matchLabels[CONTROLLER_UID] = uid;
  }
}

/** ValidateHasLabel. */
function hasLabel(
  labels: Record<string, string> | undefined,
  path: FieldPath,
  key: string,
  expected: string,
): FieldError[] {
  const l = labels ?? {};
  if (!Object.hasOwn(l, key)) return [requiredField(path.child("labels").key(key), `must be '${expected}'`)];
  if (l[key] !== expected)
    return [invalidGoField(path.child("labels").key(key), goStringMap(labels), `must be '${expected}'`)];
  return [];
}

function validateGeneratedSelector(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  if (spec.manualSelector === true || !isObj(spec.selector)) return errs;
  const meta = obj.metadata ?? {};
  const uid = meta.uid ?? "";
  const name = meta.name ?? "";
  if (uid === "") errs.push(requiredField(FieldPath.of("metadata", "uid")));
  const tPath = FieldPath.of("spec", "template", "metadata");
  const labels = strMap(sub(sub(spec, "template"), "metadata")?.labels);
  errs.push(...hasLabel(labels, tPath, LEGACY_CONTROLLER_UID, uid));
  errs.push(...hasLabel(labels, tPath, LEGACY_JOB_NAME, name));
  errs.push(...hasLabel(labels, tPath, CONTROLLER_UID, uid));
  errs.push(...hasLabel(labels, tPath, JOB_NAME, name));
  const selector = spec.selector as LabelSelectorSpec;
  if (labelSelectorMatches(selector, { [CONTROLLER_UID]: uid, [JOB_NAME]: name }) === false) {
    errs.push(
      invalidGoField(FieldPath.of("spec", "selector"), goLabelSelector(selector), "`selector` not auto-generated"),
    );
  }
  return errs;
}

/** validateJobSpec: what a Job and a CronJob's jobTemplate share. */
function validateJobSpecCommon(spec: Obj, path: FieldPath, oldSpec: unknown): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished"]) {
    const v = num(spec[f]);
    if (v !== undefined) errs.push(...validateNonnegativeField(v, path.child(f)));
  }
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== null) {
    if (mode !== "NonIndexed" && mode !== "Indexed") {
      errs.push(notSupportedField(path.child("completionMode"), mode, ["NonIndexed", "Indexed"]));
    }
    if (mode === "Indexed") {
      if (spec.completions === undefined || spec.completions === null) {
        errs.push(requiredField(path.child("completions"), "when completion mode is Indexed"));
      }
      const par = num(spec.parallelism);
      if (par !== undefined && par > MAX_PARALLELISM_INDEXED) {
        errs.push(
          invalidField(
            path.child("parallelism"),
            par,
            `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`,
          ),
        );
      }
    }
  }
  const template = sub(spec, "template");
  errs.push(
    ...validatePodTemplateSpec(
      template,
      path.child("template"),
      podTemplateValidationOptions(sub(oldSpec, "template")),
    ),
  );
  const rp = str(sub(template, "spec")?.restartPolicy);
  const rpPath = path.child("template", "spec", "restartPolicy");
  if (rp === "Always" || rp === "") errs.push(requiredField(rpPath, 'valid values: "OnFailure", "Never"'));
  else if (rp !== "OnFailure" && rp !== "Never") errs.push(notSupportedField(rpPath, rp, ["OnFailure", "Never"]));
  else if (isObj(spec.podFailurePolicy) && rp !== "Never") {
    errs.push(invalidField(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

function validateJob(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const path = FieldPath.of("spec");
  const errs: FieldError[] = [];
  errs.push(...validateGeneratedSelector(obj));
  errs.push(...validateJobSpecCommon(spec, path, old?.spec));
  const selector = isObj(spec.selector) ? (spec.selector as LabelSelectorSpec) : undefined;
  if (!selector) errs.push(requiredField(path.child("selector")));
  else errs.push(...validateLabelSelector(selector, path.child("selector")));
  const tLabels = strMap(sub(sub(spec, "template"), "metadata")?.labels);
  if (labelSelectorMatches(selector, tLabels) === false) {
    errs.push(
      invalidGoField(
        path.child("template", "metadata", "labels"),
        goStringMap(tLabels),
        "`selector` does not match template `labels`",
      ),
    );
  }
  const completions = num(spec.completions);
  if (spec.completionMode === "Indexed" && completions !== undefined && completions > 0) {
    const name = obj.metadata?.name ?? "";
    const hostname = `${name}-${completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) {
      errs.push(
        invalidField(
          FieldPath.of("metadata", "name"),
          name,
          `will not able to create pod with invalid DNS label: ${hostname}`,
        ),
      );
    }
  }
  return errs;
}

function validateJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const oldSpec = specOf(old);
  const path = FieldPath.of("spec");
  const errs: FieldError[] = [];
  if (spec.completionMode === "Indexed") {
    if (!same(spec.completions, oldSpec.completions) && spec.completions !== undefined && spec.completions !== null) {
      if (spec.completions !== spec.parallelism) {
        errs.push(
          invalidField(
            path.child("completions"),
            spec.completions,
            "can only be modified in tandem with spec.parallelism",
          ),
        );
      }
    }
  } else errs.push(...validateImmutableField(spec.completions, oldSpec.completions, path.child("completions")));
  errs.push(
    ...validateImmutableField(
      spec.selector,
      oldSpec.selector,
      path.child("selector"),
      goLabelSelector(spec.selector as LabelSelectorSpec),
    ),
  );
  // A suspended job that never started may change its scheduling directives.
  let oldTemplate = oldSpec.template;
  const status = isObj(old.status) ? old.status : {};
  if (spec.suspend === true && (status.startTime === undefined || status.startTime === null) && isObj(oldTemplate)) {
    const t = structuredClone(oldTemplate) as Obj;
    const nt = (isObj(spec.template) ? spec.template : {}) as Obj;
    const tm = child(t, "metadata");
    const ntm = sub(nt, "metadata") ?? {};
    tm.labels = ntm.labels;
    tm.annotations = ntm.annotations;
    const ts = child(t, "spec");
    const nts = sub(nt, "spec") ?? {};
    for (const f of ["nodeSelector", "tolerations", "affinity", "schedulingGates"]) ts[f] = nts[f];
    oldTemplate = t;
  }
  if (!same(spec.template, oldTemplate))
    errs.push(...validateImmutableField(spec.template, oldTemplate ?? null, path.child("template")));
  errs.push(...validateImmutableField(spec.completionMode, oldSpec.completionMode, path.child("completionMode")));
  errs.push(...validateImmutableField(spec.podFailurePolicy, oldSpec.podFailurePolicy, path.child("podFailurePolicy")));
  errs.push(
    ...validateImmutableField(
      spec.backoffLimitPerIndex,
      oldSpec.backoffLimitPerIndex,
      path.child("backoffLimitPerIndex"),
    ),
  );
  return errs;
}

export const jobStrategy: KindStrategy = {
  default: defaultJob,
  validate: validateJob,
  validateUpdate: validateJobUpdate,
};

// ---------------------------------------------------------------- CronJob

function defaultCronJob(obj: KubeObject): void {
  const spec = child(obj, "spec");
  setDefaultStr(spec, "concurrencyPolicy", "Allow");
  setDefault(spec, "suspend", false);
  setDefault(spec, "successfulJobsHistoryLimit", 3);
  setDefault(spec, "failedJobsHistoryLimit", 1);
  const jobTemplate = child(spec, "jobTemplate");
  defaultEmbeddedMetadata(jobTemplate);
  defaultPodTemplate(child(child(jobTemplate, "spec"), "template"));
}

function validateCronJobSpec(spec: Obj, oldSpec: Obj | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = str(spec.schedule);
  const sPath = path.child("schedule");
  if (schedule === "") errs.push(requiredField(sPath));
  else {
    const err = cronScheduleError(schedule);
    if (err !== undefined) errs.push(invalidField(sPath, schedule, err));
    const allowTZ = oldSpec !== undefined && str(oldSpec.schedule).includes("TZ");
    if (allowTZ && schedule.includes("TZ") && spec.timeZone !== undefined && spec.timeZone !== null) {
      errs.push(invalidField(sPath, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
    } else if (!allowTZ && schedule.includes("TZ")) {
      errs.push(invalidField(sPath, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
    }
  }
  const sds = num(spec.startingDeadlineSeconds);
  if (sds !== undefined) errs.push(...validateNonnegativeField(sds, path.child("startingDeadlineSeconds")));
  const tz = spec.timeZone;
  if (typeof tz === "string" && (oldSpec === undefined || oldSpec.timeZone !== tz)) {
    const tzPath = path.child("timeZone");
    if (tz === "") errs.push(invalidField(tzPath, tz, "unknown time zone "));
    else if (tz.trim() !== tz || tz.includes(" ")) errs.push(invalidField(tzPath, tz, `unknown time zone ${tz}`));
    else {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
      } catch {
        errs.push(invalidField(tzPath, tz, `unknown time zone ${tz}`));
      }
    }
  }
  const cp = str(spec.concurrencyPolicy);
  const cpPath = path.child("concurrencyPolicy");
  if (cp === "") errs.push(requiredField(cpPath));
  else if (!["Allow", "Forbid", "Replace"].includes(cp))
    errs.push(notSupportedField(cpPath, cp, ["Allow", "Forbid", "Replace"]));
  const jt = sub(spec, "jobTemplate") ?? {};
  const jtSpec = sub(jt, "spec") ?? {};
  const jtPath = path.child("jobTemplate");
  errs.push(...validateJobSpecCommon(jtSpec, jtPath.child("spec"), sub(sub(oldSpec, "jobTemplate"), "spec")));
  if (isObj(jtSpec.selector)) {
    errs.push(
      invalidGoField(
        jtPath.child("spec", "selector"),
        goLabelSelector(jtSpec.selector as LabelSelectorSpec),
        "`selector` will be auto-generated",
      ),
    );
  }
  if (jtSpec.manualSelector === true)
    errs.push(notSupportedField(jtPath.child("spec", "manualSelector"), true, ["nil", "false"]));
  for (const f of ["successfulJobsHistoryLimit", "failedJobsHistoryLimit"]) {
    const v = num(spec[f]);
    if (v !== undefined) errs.push(...validateNonnegativeField(v, path.child(f)));
  }
  return errs;
}

export const cronJobStrategy: KindStrategy = {
  default: defaultCronJob,
  validate(obj, old) {
    const errs = validateCronJobSpec(specOf(obj), old && specOf(old), FieldPath.of("spec"));
    const name = obj.metadata?.name ?? "";
    if (Buffer.byteLength(name, "utf8") > 52) {
      errs.push(invalidField(FieldPath.of("metadata", "name"), name, "must be no more than 52 characters"));
    }
    return errs;
  },
};
