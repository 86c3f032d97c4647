// How `observe` finds the current observation: AsyncLocalStorage in Node
// (set by the Node entry), the call stack elsewhere.

import type { Observation } from "./handles.mjs";

/** Where the current observation is kept while observed code runs. */
export interface Context {
  current(): Observation | undefined;
  run<T>(value: Observation, fn: () => T): T;
}

const stack: Observation[] = [];
let context: Context = {
  current: () => stack[stack.length - 1],
  run(value, fn) {
    stack.push(value);
    try {
      return fn();
    } finally {
      stack.pop();
    }
  },
};

let followsAsync = false;

/** @internal Called by the Node entry to use AsyncLocalStorage. */
export function useContext(next: Context): void {
  context = next;
  followsAsync = true;
}

/** Whether the current observation follows async calls (AsyncLocalStorage). */
export const contextFollowsAsync = (): boolean => followsAsync;

/** The observation observed code is running in, if any. */
export const currentObservation = (): Observation | undefined => context.current();

/** Runs `fn` with `value` as the current observation. */
export function runIn<T>(value: Observation, fn: () => T): T {
  return context.run(value, fn);
}
