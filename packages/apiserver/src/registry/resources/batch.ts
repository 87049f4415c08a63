import { define, intFieldAt, status } from "./define.js";

// batch/v1.

export const cronjobs = define("batch", "v1", "CronJob", "cronjobs", {
  namespaced: true,
  shortNames: ["cj"],
  categories: ["all"],
  subresources: [status],
  generation: true,
});

export const jobs = define("batch", "v1", "Job", "jobs", {
  namespaced: true,
  categories: ["all"],
  subresources: [status],
  generation: true,
  fieldSelectors: { "status.successful": intFieldAt("status.successful") },
});

export const batchResources = [cronjobs, jobs];
