// Turning the app's values into what the core takes, without ever throwing:
// names and ids become well-formed text, errors become their message.

/** Names and ids are text; a string cut inside an emoji is made well-formed. */
export const text = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : wellFormed(typeof value === "string" ? value : safeText(value));

const wellFormed = (value: string): string =>
  typeof value.toWellFormed === "function" ? value.toWellFormed() : value;

/** Tags: the list's items as text, leaving out null, undefined and empty ones. */
export const tagList = (value: unknown): string[] =>
  Array.isArray(value) ? value.map((tag) => text(tag)).filter((tag): tag is string => !!tag) : [];

export const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && typeof value === "object" && typeof (value as { then?: unknown }).then === "function";

/** A time as ms since the epoch: a Date, or a number of ms; else undefined. */
export function millis(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  return typeof value === "number" ? value : undefined;
}

/** An error's message (or name); other thrown values as text. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === "string" ? error : safeString(error);
}

/** Text of any value, even one whose toString throws (or a revoked Proxy, which throws at every touch). */
export function safeText(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return "[a value that cannot be read]";
    }
  }
}

/** JSON of any value, or its text when it cannot be JSON. */
export function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? safeText(value);
  } catch {
    return safeText(value);
  }
}

/** Node's timers have `unref()`/`ref()`, browsers' are numbers: call them where they exist. */
export function unref(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}

export function ref(timer: unknown): void {
  (timer as { ref?: () => void } | undefined)?.ref?.();
}
