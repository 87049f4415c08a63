import { ageColumn, ageOf, at, column, list, nameColumn, nameOf, type Obj, type Printer, str } from "./object.js";
import { labelSelectorString } from "./selectors.js";

const webhookColumns = [
  nameColumn(),
  column("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration"),
  ageColumn(),
];
const webhookCells = (o: Obj, now: number) => [nameOf(o), list(at(o, "webhooks")).length, ageOf(o, now)];

export const mutatingWebhookConfiguration: Printer = { columns: webhookColumns, cells: webhookCells };
export const validatingWebhookConfiguration: Printer = { columns: webhookColumns, cells: webhookCells };

export const validatingAdmissionPolicy: Printer = {
  columns: [
    nameColumn(),
    column(
      "Validations",
      "integer",
      "Validations indicates the number of validation rules defined in this configuration",
    ),
    column("ParamKind", "string", "ParamKind specifies the kind of resources used to parameterize this policy"),
    ageColumn(),
  ],
  cells(o, now) {
    const paramKind = at(o, "spec", "paramKind");
    return [
      nameOf(o),
      list(at(o, "spec", "validations")).length,
      paramKind === undefined || paramKind === null
        ? "<unset>"
        : `${str(at(paramKind, "apiVersion"))}/${str(at(paramKind, "kind"))}`,
      ageOf(o, now),
    ];
  },
};

export const validatingAdmissionPolicyBinding: Printer = {
  columns: [
    nameColumn(),
    column("PolicyName", "string", "PolicyName indicates the policy definition which the policy binding binded to"),
    column("ParamRef", "string", "ParamRef indicates the param resource which sets the configration param"),
    ageColumn(),
  ],
  cells(o, now) {
    const ref = at(o, "spec", "paramRef");
    let param = "<unset>";
    if (ref !== undefined && ref !== null) {
      const name = str(at(ref, "name"));
      const ns = str(at(ref, "namespace"));
      const selector = at(ref, "selector");
      if (name !== "") param = ns !== "" ? `${ns}/${name}` : `*/${name}`;
      // kube prints a selector with Go's struct formatting; its selector string is the closest readable form.
      else if (selector !== undefined && selector !== null) param = labelSelectorString(selector) ?? "";
    }
    return [nameOf(o), str(at(o, "spec", "policyName")), param, ageOf(o, now)];
  },
};
