// More of k8s.io/apimachinery/pkg/util/validation and api/validation: the
// syntax checks the per-kind strategies need (DNS-1035 labels, config keys,
// environment variable names, ports, percents, IPs) and the small generic
// field checks (non-negative, immutable). Messages are kube's texts.

import { isDeepStrictEqual } from "node:util";
import { type FieldError, invalidField } from "./field-error.js";
import type { FieldPath } from "./field-path.js";
import type { GoValue } from "./go-value.js";
import { invalidGoField } from "./go-value.js";
import { maxLenError, type NameValidator, regexError } from "./names.js";

/** apimachinery's IsNegativeErrorMsg. */
export const IS_NEGATIVE_ERROR_MSG = "must be greater than or equal to 0";
/** apimachinery's FieldImmutableErrorMsg. */
export const FIELD_IMMUTABLE_ERROR_MSG = "field is immutable";

function byteLength(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** validation.InclusiveRangeError. */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** ValidateNonnegativeField. */
export function validateNonnegativeField(value: number, path: FieldPath | string): FieldError[] {
  return value < 0 ? [invalidField(path, value, IS_NEGATIVE_ERROR_MSG)] : [];
}

/**
 * ValidateImmutableField: the new value must equal the old one (a missing
 * value equals null). `shown` replaces the printed value where Go's
 * rendering is known (see go-value.ts).
 */
export function validateImmutableField(
  next: unknown,
  old: unknown,
  path: FieldPath | string,
  shown?: GoValue,
): FieldError[] {
  if (isDeepStrictEqual(next ?? null, old ?? null)) return [];
  return [
    shown
      ? invalidGoField(path, shown, FIELD_IMMUTABLE_ERROR_MSG)
      : invalidField(path, next, FIELD_IMMUTABLE_ERROR_MSG),
  ];
}

const dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
export const DNS1035_LABEL_MAX_LENGTH = 63;

/** IsDNS1035Label: service names. */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1035_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH));
  if (!dns1035LabelRe.test(value)) errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, "my-name", "abc-123"));
  return errs;
}

function maskTrailingDash(name: string): string {
  if (name.length > 1 && name.endsWith("-")) return `${name.slice(0, -2)}a`;
  return name;
}

/** NameIsDNS1035Label (Service names). */
export const nameIsDNS1035Label: NameValidator = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** hasChDirPrefix's messages: keys and names that would walk out of a directory. */
function chDirErrors(value: string): string[] {
  if (value === ".") return ["must not be '.'"];
  if (value === "..") return ["must not be '..'"];
  if (value.startsWith("..")) return ["must not start with '..'"];
  return [];
}

const configMapKeyFmt = "[-._a-zA-Z0-9]+";
const configMapKeyRe = new RegExp(`^${configMapKeyFmt}$`);
const configMapKeyErrMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";

/** IsConfigMapKey: keys of ConfigMap and Secret data. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!configMapKeyRe.test(value))
    errs.push(regexError(configMapKeyErrMsg, configMapKeyFmt, "key.name", "KEY_NAME", "key-name"));
  errs.push(...chDirErrors(value));
  return errs;
}

const envVarNameFmt = "[-._a-zA-Z][-._a-zA-Z0-9]*";
const envVarNameRe = new RegExp(`^${envVarNameFmt}$`);
const envVarNameErrMsg =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";

/** IsEnvVarName. */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!envVarNameRe.test(value))
    errs.push(regexError(envVarNameErrMsg, envVarNameFmt, "my.env-name", "MY_ENV.NAME", "MyEnvName1"));
  errs.push(...chDirErrors(value));
  return errs;
}

const cIdentifierFmt = "[A-Za-z_][A-Za-z0-9_]*";
const cIdentifierRe = new RegExp(`^${cIdentifierFmt}$`);

/** IsCIdentifier. */
export function isCIdentifier(value: string): string[] {
  if (cIdentifierRe.test(value)) return [];
  return [
    regexError(
      "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'",
      cIdentifierFmt,
      "my_name",
      "MY_NAME",
      "MyName",
    ),
  ];
}

/** IsValidPortNum. */
export function isValidPortNum(port: number): string[] {
  return port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** IsValidPortName: an IANA_SVC_NAME. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(port)) errs.push("must contain at least one letter (a-z)");
  if (port.includes("--")) errs.push("must not contain consecutive hyphens (-)");
  if (port.length > 0 && (port.startsWith("-") || port.endsWith("-"))) {
    errs.push("must not begin or end with a hyphen (-)");
  }
  return errs;
}

const percentFmt = "[0-9]+%";
const percentRe = new RegExp(`^${percentFmt}$`);

/** IsValidPercent. */
export function isValidPercent(value: string): string[] {
  if (percentRe.test(value)) return [];
  return [
    regexError("a valid percent string must be a numeric string followed by an ending '%'", percentFmt, "1%", "93%"),
  ];
}

/** Go's strconv.Atoi of the digits of a valid percent ("25%" is 25). */
export function percentValue(value: unknown): number | undefined {
  if (typeof value !== "string" || !percentRe.test(value)) return undefined;
  return Number.parseInt(value.slice(0, -1), 10);
}

/** intstr's IntValue: a number as is, a string through Atoi (0 when not a number). */
export function intOrStringIntValue(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const n = /^[+-]?\d+$/.test(value) ? Number.parseInt(value, 10) : 0;
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

/** getIntOrPercentValue of apps validation: the percent's number, or the int. */
export function intOrPercentValue(value: unknown): number {
  return percentValue(value) ?? intOrStringIntValue(value);
}

const ipv4Re = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(value: string): boolean {
  return ipv4Re.test(value);
}

export function isIPv6(value: string): boolean {
  if (!value.includes(":") || value.includes("%")) return false;
  try {
    return new URL(`http://[${value}]/`).hostname.length > 0;
  } catch {
    return false;
  }
}

/** IsValidIP's message (kube 1.28). */
export function isValidIP(value: string): string[] {
  return isIPv4(value) || isIPv6(value) ? [] : ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"];
}
