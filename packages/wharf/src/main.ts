import { Command } from "commander";
import { apiserverCommand } from "./apiserver-command.js";
import { brainCommand } from "./brain-command.js";
import { snapshotCommand } from "./snapshot-command.js";
import { upCommand } from "./up/command.js";

const program = new Command("wharf")
  .description("Wharf: a distributed operating system on the Kubernetes API")
  .version("0.1.0")
  .showHelpAfterError();
program.addCommand(brainCommand());
program.addCommand(apiserverCommand());
program.addCommand(snapshotCommand());
program.addCommand(upCommand());
await program.parseAsync(process.argv);
