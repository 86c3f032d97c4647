// The one way storage merges what it holds with what a tracer recorded:
// in a scratch core, the stored record first, then the tracer's (the
// core's merge rule decides; JS never compares records).

import { Core } from "./wasm/prompttrace_js.js";

/** Merges trace records in a scratch core: the stored record, then ours (core's merge rule). */
export class Merger {
  readonly #scratch = new Core();

  /**
   * Trace `id`'s record and index row after merging `ours` over `stored`.
   * Throws, naming the record, when the stored record cannot be read or
   * ours cannot merge into it.
   */
  trace(id: string, stored: string, ours: string, name: string): { record: string; row: unknown } {
    this.#scratch.clear();
    this.#scratch.importText(name, stored);
    this.#scratch.importText("this tracer", ours);
    return { record: this.#scratch.traceLines(id) ?? ours, row: id === "" ? undefined : this.#scratch.indexRow(id) };
  }

  /**
   * A whole stored file (or none) with each trace's records in `ours`
   * merged over it, as JSON Lines. Throws when the stored file cannot be
   * read; a trace that cannot merge is left out and listed in `failed`.
   */
  file(stored: string | null, ours: Map<string, string>, name: string): { text: string; failed: Map<string, unknown> } {
    this.#scratch.clear();
    if (stored !== null) this.#scratch.importText(name, stored);
    const failed = new Map<string, unknown>();
    for (const [id, lines] of ours) {
      try {
        this.#scratch.importText("this tracer", lines);
      } catch (error) {
        failed.set(id, error);
      }
    }
    return { text: this.#scratch.exportLines(), failed };
  }

  free(): void {
    this.#scratch.free();
  }
}
