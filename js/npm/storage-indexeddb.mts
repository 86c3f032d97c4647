// IndexedDB in the viewer's layout v2 (docs/storage-v2.md), so a viewer
// served from the app's origin shows what the app recorded: database
// `prompttrace` version 2, one record per trace (`traces`, its JSON Lines),
// its summary row (`index`), the layout version (`meta`). A save writes the
// records changed since the last one (each trace's, with its row) in one
// transaction, each merged by the core over what is stored; a quota error
// aborts it and keeps what was stored. The package's layout v1 (one JSON
// Lines file per key in `files`) is migrated on first open, all or nothing.

import { type LeanCore as Core, newFullCore } from "./cores.mjs";
import { Merger, rowOf, takeChanges, withWhole, type Ours } from "./storage-merge.mjs";
import type { Storage, Stored } from "./storage.mjs";

const DB_NAME = "prompttrace";
const DB_VERSION = 2;
export const TRACES = "traces";
export const INDEX = "index";
export const META = "meta";
/** Layout v1's store, kept by the upgrade until its traces are migrated. */
export const V1_FILES = "files";

export function indexedStorage(report: (error: Error) => void): Storage | undefined {
  const factory: IDBFactory | undefined = globalThis.indexedDB;
  if (!factory) {
    report(new Error("IndexedDB is not available here; traces stay in memory"));
    return undefined;
  }
  return new IndexedStorage(factory, report);
}

class IndexedStorage implements Storage {
  readonly name = "indexedDB:prompttrace";
  readonly kind = "flush";
  readonly #factory: IDBFactory;
  readonly #report: (error: Error) => void;
  #opened: Promise<IDBDatabase> | undefined;
  /** The connection `#opened` resolved to, while it is open. */
  #db: IDBDatabase | undefined;
  /** Changed records a failed save took from the core, by trace: saved with the next one. */
  #retry = new Map<string, string>();
  #chain: Promise<unknown> = Promise.resolve();
  /** Set while another tab blocks our open; cleared when the open succeeds. */
  #blocked: Error | undefined;
  /** `clear()` was called: a stored record that cannot be read is replaced. */
  #replace = false;
  /** Counts `clear()` calls, so a save resets `#replace` only if none came meanwhile. */
  #clears = 0;
  /** What this storage last wrote, by trace: a stored record still equal to it needs no merge. */
  readonly #written = new Written();

  constructor(factory: IDBFactory, report: (error: Error) => void) {
    this.#factory = factory;
    this.#report = report;
  }

  get unsaved(): boolean {
    return this.#retry.size > 0;
  }

  async read(): Promise<Stored[]> {
    const db = await this.#open();
    const transaction = db.transaction(TRACES, "readonly");
    const store = transaction.objectStore(TRACES);
    const keys = store.getAllKeys();
    const values = store.getAll();
    await done(transaction, "read");
    return values.result.map((data: unknown, i) => ({
      name: `${this.name}/${String(keys.result[i])}`,
      data: typeof data === "string" ? data : "", // refused by the import, and reported
    }));
  }

  /**
   * One save at a time: each takes what changed (and what earlier saves
   * left to retry) when the one before it has finished, so two failing
   * saves never overwrite each other's leftovers.
   */
  save(core: () => Core, prices: readonly string[]): Promise<void> {
    const run = this.#chain.then(() => this.#save(core, prices));
    this.#chain = run.catch(() => {});
    return run;
  }

  async #save(core: () => Core, prices: readonly string[]): Promise<void> {
    if (this.#blocked) {
      // Never wait on a blocked open: the traces stay for a later flush.
      throw this.#blocked;
    }
    const changes = takeChanges(core(), this.#retry);
    this.#retry = new Map();
    if (changes.size === 0) return;
    const failed = new Map<string, unknown>();
    // Traces stored already, to merge with: only the full core reads their
    // records, so they wait for it, loaded after this transaction (a page
    // that only records new traces never fetches it).
    let waiting = changes;
    let merger: Merger | undefined;
    const clears = this.#clears;
    try {
      const db = await this.#open();
      const replace = this.#replace;
      while (waiting.size > 0) {
        const deferred = new Set<string>();
        // The core when used, after the awaits: the tracer may have moved to the full one.
        await this.#write(db, core, waiting, merger, deferred, (id, error) => {
          if (replace) return false; // after clear(): ours is written over it
          failed.set(id, error);
          return true;
        });
        announce([...waiting.keys()].filter((id) => !failed.has(id) && !deferred.has(id)));
        waiting = new Map([...deferred].map((id) => [id, changes.get(id) ?? ""]));
        if (waiting.size > 0 && merger) throw new Error("a stored record was read twice"); // never: a bug
        if (waiting.size > 0) {
          try {
            merger = new Merger(await newFullCore(), prices);
          } catch (error) {
            throw new Error(`traces stored already can only be merged by the full wasm core, which could not be loaded (${(error as Error).message}); they stay in memory and are saved at a later flush`);
          }
        }
      }
      if (this.#clears === clears) this.#replace = false;
    } finally {
      merger?.free();
      // Whatever failed after the take, the taken traces not written are saved next time.
      for (const [id, text] of waiting) this.#retry.set(id, text);
      for (const id of failed.keys()) this.#retry.set(id, changes.get(id) ?? "");
    }
    if (failed.size > 0) {
      const [[id, error]] = failed;
      throw new Error(
        `trace "${id}" is stored in a record that cannot be merged with this tracer's (${(error as Error).message}); the stored record is kept, and the trace stays in memory (clear() replaces it)`,
      );
    }
  }

  /** One transaction of `#save`: `traces` written, or deferred when stored already and there is no merger yet. */
  async #write(
    db: IDBDatabase,
    core: () => Core,
    traces: Map<string, string>,
    merger: Merger | undefined,
    deferred: Set<string>,
    failed: (id: string, error: unknown) => boolean,
  ): Promise<void> {
    let transaction: IDBTransaction;
    try {
      transaction = db.transaction([TRACES, INDEX], "readwrite");
    } catch (error) {
      // The browser closed the connection (site data cleared, a newer
      // layout, storage pressure): the next flush opens it again.
      this.#forget(db);
      throw new Error(`IndexedDB closed the connection (${(error as Error).message}); traces stay in memory and are saved at the next flush`);
    }
    writeTraces(transaction, core, withWhole(core(), traces), merger, deferred, this.#written, failed);
    await done(transaction, "write");
  }

  append(): void {}

  readNow(): null {
    return null;
  }

  allowReplace(): void {
    this.#replace = true;
    this.#clears++;
    this.#written.forget(); // what memory held is gone: what is stored is merged again, not taken as ours
  }

  /**
   * The database at layout v2, upgraded and migrated: one connection, kept
   * until the browser closes it or an open fails (then the next save opens
   * again).
   */
  #open(): Promise<IDBDatabase> {
    if (this.#opened) return this.#opened;
    const opened = new Promise<IDBDatabase>((resolve, reject) => {
      let gaveUp = false;
      const request = this.#factory.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => upgrade(request.result, request.transaction);
      // Waiting would hang flush() until the other tab closes: give up this
      // time and keep the traces for a later flush. The request stays queued (IndexedDB queues opens per database, so a
      // second one would wait silently behind it): saves fail at once until
      // it succeeds, then use its connection.
      request.onblocked = () => {
        gaveUp = true;
        this.#blocked = new Error("IndexedDB: another tab holds the traces database open at an older layout (reload or close it); traces stay in memory and are saved at a later flush");
        reject(this.#blocked);
      };
      request.onsuccess = () => {
        const db = request.result;
        if (gaveUp) {
          this.#blocked = undefined;
          this.#opened = migrate(db)
            .catch((error: unknown) => this.#report(error instanceof Error ? error : new Error(String(error))))
            .then(() => db);
        }
        // Let a newer layout's upgrade proceed; the next save opens again.
        db.onversionchange = () => {
          db.close();
          this.#forget(db);
        };
        // The browser closed it (site data cleared, storage pressure).
        db.onclose = () => this.#forget(db);
        this.#db = db;
        resolve(db);
      };
      request.onerror = () => {
        this.#blocked = undefined;
        this.#forget(undefined, opened);
        reject(new Error(`could not open IndexedDB (${request.error?.name ?? "Error"}: ${request.error?.message ?? "unknown error"}); traces stay in memory`));
      };
    }).then(async (db) => {
      await migrate(db).catch((error: unknown) => this.#report(error instanceof Error ? error : new Error(String(error))));
      return db;
    });
    this.#opened = opened;
    return opened;
  }

  /** Drops the cached connection if it is `db` (or the open `opened`), so the next save opens a new one. */
  #forget(db: IDBDatabase | undefined, opened?: Promise<IDBDatabase>): void {
    if (opened !== undefined ? this.#opened !== opened : db === undefined || this.#db !== db) return;
    this.#opened = undefined;
    this.#db = undefined;
  }
}

/** Creates layout v2's stores (from nothing, or beside v1's `files`, which stays to be migrated). */
function upgrade(db: IDBDatabase, transaction: IDBTransaction | null): void {
  const names = db.objectStoreNames;
  if (!names.contains(TRACES)) db.createObjectStore(TRACES);
  if (!names.contains(INDEX)) {
    const index = db.createObjectStore(INDEX);
    index.createIndex("by_session", "session_id");
    index.createIndex("by_start", "started_at");
  }
  if (!names.contains(META)) db.createObjectStore(META);
  transaction?.objectStore(META).put(DB_VERSION, "layout");
}

/**
 * Puts each trace's record and index row in `transaction`: ours whole, or
 * our changed records merged over the stored one by the core. Without a
 * merger, a trace stored already goes to `deferred` and is not written. A
 * stored record that cannot be read or merged goes to `failed`, which says
 * whether to skip the trace (the stored record stays) or to write ours
 * over it.
 */
export function writeTraces(
  transaction: IDBTransaction,
  source: () => Core,
  traces: Map<string, Ours>,
  merger: Merger | undefined,
  deferred: Set<string>,
  written: Written,
  failed: (id: string, error: unknown) => boolean,
): void {
  const records = transaction.objectStore(TRACES);
  const index = transaction.objectStore(INDEX);
  for (const [id, ours] of traces) {
    const put = (record: string, row: unknown): void => {
      records.put(record, id);
      if (row !== undefined) index.put(row, id);
      written.note(id, record); // if the transaction aborts, the next save finds a mismatch and merges: the safe way
    };
    const ownRow = (): unknown => (id === "" || ours.whole === undefined ? undefined : rowOf(source(), id));
    const own = ours.whole ?? ours.changed;
    const stored = records.get(id);
    // Handled here, never thrown: an exception in a handler would abort
    // the whole transaction without saying why.
    stored.onsuccess = () => {
      try {
        if (stored.result === undefined) {
          // Only our changed records, and the trace left memory: alone they
          // would be a record without its trace line. Nothing to add to.
          if (ours.whole === undefined && id !== "") return;
          return put(own, ownRow());
        }
        if (typeof stored.result !== "string") throw new Error("the stored record is not JSON Lines text");
        // Stored as this storage last wrote it (no other tab wrote since): ours, whole, is the
        // merge. Not for the calls without trace (""): those that left memory are only stored.
        if (id !== "" && ours.whole !== undefined && written.wrote(id, stored.result)) return put(ours.whole, ownRow());
        if (!merger) {
          deferred.add(id); // written by the next transaction, with the full core to merge
          return;
        }
        const merged = merger.trace(id, stored.result, ours, `indexedDB:prompttrace/${id}`);
        put(merged.record, merged.row);
      } catch (error) {
        if (failed(id, error)) return;
        try {
          put(own, ownRow());
        } catch (again) {
          failed(id, again);
        }
      }
    };
  }
}

/**
 * Layout v1 → v2, when v1's `files` still hold any: the migration
 * (`storage-indexeddb-v1.mts`) is imported only then.
 */
async function migrate(db: IDBDatabase): Promise<void> {
  if (!db.objectStoreNames.contains(V1_FILES) || (await v1Files(db)) === 0) return;
  let migrateV1: (db: IDBDatabase) => Promise<void>;
  try {
    ({ migrateV1 } = await import("./storage-indexeddb-v1.mjs"));
  } catch (error) {
    throw new Error(`the traces stored by an earlier version (IndexedDB layout v1) could not be migrated (the migration could not be loaded: ${(error as Error)?.message ?? String(error)}); they are kept as they are`);
  }
  return migrateV1(db);
}

/** How many files layout v1 still holds (none once migrated: the store stays, empty). */
async function v1Files(db: IDBDatabase): Promise<number> {
  const transaction = db.transaction(V1_FILES, "readonly");
  const count = transaction.objectStore(V1_FILES).count();
  await done(transaction, "read");
  return count.result;
}

/**
 * What a storage last wrote under each trace, as a fingerprint (the length
 * and a 53-bit hash): a stored record equal to it was written by no one
 * else since, so this tracer's whole trace is what a merge would give, and
 * the full core (the only reader) is not needed. Bounded: a trace it
 * forgot is merged, as any other.
 */
export class Written {
  static readonly MAX = 10_000;
  readonly #prints = new Map<string, string>();

  note(id: string, record: string): void {
    this.#prints.delete(id); // re-inserted last: the oldest is forgotten first
    this.#prints.set(id, fingerprint(record));
    if (this.#prints.size > Written.MAX) this.#prints.delete(this.#prints.keys().next().value as string);
  }

  wrote(id: string, record: string): boolean {
    return this.#prints.get(id) === fingerprint(record);
  }

  forget(): void {
    this.#prints.clear();
  }
}

/** The length and cyrb53 (a public-domain 53-bit string hash) of `text`. */
function fingerprint(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${text.length}:${4294967296 * (2097151 & h2) + (h1 >>> 0)}`;
}

let channel: BroadcastChannel | undefined;

/**
 * Tells viewers on this origin (one `openViewer` opened, another tab's)
 * which traces a flush stored, so they read them again: the viewer listens
 * on this channel (web/src/elsewhere.rs).
 */
function announce(traces: string[]): void {
  if (traces.length === 0 || typeof BroadcastChannel === "undefined") return;
  try {
    channel ??= new BroadcastChannel("prompttrace");
    channel.postMessage({ kind: "stored", traces });
  } catch {
    // Nobody to tell: the traces are stored all the same.
  }
}

/** Resolves when the transaction commits; rejects (it changed nothing) when it aborts. */
export function done(transaction: IDBTransaction, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    const fail = (): void => {
      const error = transaction.error;
      reject(new Error(`IndexedDB ${what} failed (${error?.name ?? "AbortError"}: ${error?.message ?? "aborted"}); the earlier copy is kept`));
    };
    transaction.onabort = fail; // a failed request aborts the transaction
  });
}
