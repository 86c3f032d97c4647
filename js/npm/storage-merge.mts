// The one way storage merges what it holds with what a tracer recorded:
// in a scratch core, the stored record first, then the tracer's (the
// core's merge rule decides; JS never compares records). The scratch core
// is a full one: only it reads stored records (in browsers it loads on
// first use, so a page that only records and saves never fetches it).

import type { FullCore, LeanCore as Core } from "./cores.mjs";

/**
 * The records written since the last take, by trace: each a JSON Lines
 * text of that trace's changed records only (core's `jsonl::write_changes`),
 * after what `pending` held for it (records a failed save kept; the newer
 * lines come later and win).
 */
export function takeChanges(core: Core, pending: Map<string, string> = new Map()): Map<string, string> {
  const changes = new Map(pending);
  const flat = core.takeChangedTraces();
  for (let i = 0; i + 1 < flat.length; i += 2) changes.set(flat[i], (changes.get(flat[i]) ?? "") + flat[i + 1]);
  return changes;
}

/** A trace's index row (the viewer's layout v2), from the core's JSON; undefined when the core has no such trace. */
export function rowOf(core: Core, id: string): unknown {
  const row = core.indexRow(id);
  return row === undefined ? undefined : JSON.parse(row);
}

/**
 * Merges trace records in a scratch core: the stored record, then ours
 * (core's merge rule). Ours is the records this tracer changed since its
 * last save, so records it did not change stay as stored (another tab may
 * have stored a newer state of them); a trace not stored yet is written
 * whole from memory.
 */
export class Merger {
  readonly #scratch: FullCore;

  /**
   * `scratch`: a full core of its own (`newFullCore`), freed with the
   * merger; `prices`, the tracer's `setPrices` (JSON), for the rows.
   */
  constructor(scratch: FullCore, prices: readonly string[]) {
    this.#scratch = scratch;
    for (const json of prices) scratch.setPrices(json);
  }

  /**
   * Trace `id`'s record and index row after merging `ours` over `stored`.
   * Throws, naming the record, when the stored record cannot be read or
   * ours cannot merge into it.
   */
  trace(id: string, stored: string, ours: Ours, name: string): { record: string; row: unknown } {
    this.#scratch.clear();
    this.#scratch.importLines(name, utf8(stored));
    this.#import(id, ours);
    const record = this.#scratch.traceLines(id) ?? ours.whole ?? ours.changed;
    return { record, row: id === "" ? undefined : rowOf(this.#scratch, id) };
  }

  /** Ours over what the scratch core holds: the changed records, or the whole trace where none of it is stored. */
  #import(id: string, ours: Ours): void {
    const stored = id === "" ? this.#scratch.traceLines(id) !== undefined : this.#scratch.indexRow(id) !== undefined;
    this.#scratch.importLines("this tracer", utf8(stored || ours.whole === undefined ? ours.changed : ours.whole));
  }

  /**
   * A whole stored file (or none) with each trace's records in `ours`
   * merged over it, as JSON Lines. Throws when the stored file cannot be
   * read; a trace that cannot merge is left out and listed in `failed`.
   */
  file(stored: string | null, ours: Map<string, Ours>, name: string): { text: string; failed: Map<string, unknown> } {
    this.#scratch.clear();
    if (stored !== null) this.#scratch.importLines(name, utf8(stored));
    const failed = new Map<string, unknown>();
    for (const [id, lines] of ours) {
      try {
        this.#import(id, lines);
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

/** A trace's records to save: those changed since the last save, and the whole trace in memory (undefined once it left). */
export interface Ours {
  changed: string;
  whole: string | undefined;
}

/** `changes` with each trace's whole record from memory beside it. */
export function withWhole(core: Core, changes: Map<string, string>): Map<string, Ours> {
  return new Map([...changes].map(([id, changed]) => [id, { changed, whole: core.traceLines(id) }]));
}

const encoder = new TextEncoder();

/** Stored records are native JSON Lines, read by the core as UTF-8 bytes. */
function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
