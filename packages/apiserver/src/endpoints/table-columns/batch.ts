// Table columns of batch/v1 kinds, as kube-apiserver 1.28 prints them.

import { humanDuration, parseTime, since } from "./human-duration.js";
import {
  ageColumn,
  ageOf,
  at,
  boolPtr,
  column,
  containerCells,
  containersColumn,
  doc,
  imagesColumn,
  int,
  list,
  nameColumn,
  nameOf,
  type Obj,
  type Printer,
  str,
} from "./object.js";
import { formatLabelSelector } from "./selectors.js";

function completions(o: Obj): string {
  const succeeded = int(at(o, "status", "succeeded"));
  const completionsSpec = at(o, "spec", "completions");
  const parallelismSpec = at(o, "spec", "parallelism");
  // kube defaults both to 1 when neither is set, and parallelism to 1 when only it is missing.
  const noCompletions = completionsSpec === undefined || completionsSpec === null;
  const noParallelism = parallelismSpec === undefined || parallelismSpec === null;
  if (!noCompletions) return `${succeeded}/${int(completionsSpec)}`;
  if (noParallelism) return `${succeeded}/1`;
  const parallelism = int(parallelismSpec);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(o: Obj, now: number): string {
  const start = parseTime(at(o, "status", "startTime"));
  if (start === undefined) return "";
  const end = parseTime(at(o, "status", "completionTime"));
  return humanDuration((end ?? now) - start);
}

export const job: Printer = {
  columns: [
    nameColumn(),
    column("Completions", "string", doc("batch/v1.JobStatus.succeeded")),
    column("Duration", "string", "Time required to complete the job."),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column("Selector", "string", doc("batch/v1.JobSpec.selector"), { priority: 1 }),
  ],
  cells(o, now) {
    const [names, images] = containerCells(at(o, "spec", "template", "spec"));
    return [
      nameOf(o),
      completions(o),
      jobDuration(o, now),
      ageOf(o, now),
      names,
      images,
      formatLabelSelector(at(o, "spec", "selector")),
    ];
  },
};

export const cronJob: Printer = {
  columns: [
    nameColumn(),
    column("Schedule", "string", doc("batch/v1beta1.CronJobSpec.schedule")),
    column("Suspend", "boolean", doc("batch/v1beta1.CronJobSpec.suspend")),
    column("Active", "integer", doc("batch/v1beta1.CronJobStatus.active")),
    column("Last Schedule", "string", doc("batch/v1beta1.CronJobStatus.lastScheduleTime")),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column("Selector", "string", doc("batch/v1.JobSpec.selector"), { priority: 1 }),
  ],
  cells(o, now) {
    const jobSpec = at(o, "spec", "jobTemplate", "spec");
    const [names, images] = containerCells(at(jobSpec, "template", "spec"));
    const last = at(o, "status", "lastScheduleTime");
    return [
      nameOf(o),
      str(at(o, "spec", "schedule")),
      // suspend defaults to false.
      boolPtr(at(o, "spec", "suspend") ?? false),
      list(at(o, "status", "active")).length,
      last === undefined || last === null ? "<none>" : since(last, now),
      ageOf(o, now),
      names,
      images,
      formatLabelSelector(at(jobSpec, "selector")),
    ];
  },
};
