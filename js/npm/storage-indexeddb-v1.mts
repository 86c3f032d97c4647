// IndexedDB layout v1 (the package's earlier one: a JSON Lines file per key
// in `files`) migrated to layout v2, all or nothing. Imported by
// storage-indexeddb.mts only when a v1 store still holds files.

import { type FullCore, newFullCore } from "./cores.mjs";
import { done, INDEX, META, TRACES, V1_FILES, writeTraces, Written } from "./storage-indexeddb.mjs";
import { Merger, withWhole } from "./storage-merge.mjs";

/**
 * Layout v1 → v2: every file in `files` is read by the core (all of them, or
 * the migration stops and they stay as they are), then its traces are
 * written like a save and `files` is emptied, in one transaction.
 */
export async function migrateV1(db: IDBDatabase): Promise<void> {
  let scratch: FullCore;
  let merger: Merger;
  try {
    // Only the full core reads stored files.
    scratch = await newFullCore();
    merger = new Merger(await newFullCore(), []); // what a tracer's setPrices say is not known at open
  } catch (error) {
    throw new Error(`the traces stored by an earlier version (IndexedDB layout v1) could not be migrated (the full wasm core could not be loaded: ${(error as Error).message}); they are kept as they are`);
  }
  const transaction = db.transaction([TRACES, INDEX, META, V1_FILES], "readwrite");
  const files = transaction.objectStore(V1_FILES);
  const keys = files.getAllKeys();
  const values = files.getAll();
  let unreadable: Error | undefined;
  // Both serve the requests the migration makes, until it commits or aborts.
  values.onsuccess = () => {
    if (values.result.length === 0) return;
    try {
      scratch.watchChanges();
      values.result.forEach((text: unknown, i) => {
        const name = `indexedDB:prompttrace/files/${String(keys.result[i])}`;
        if (typeof text !== "string") throw new Error(`${name}: not a trace file`);
        scratch.importLines(name, new TextEncoder().encode(text));
      });
      // All or nothing: a trace that cannot merge stops the whole migration.
      const all = new Map(scratch.takeTouchedTraces().map((id) => [id, scratch.traceLines(id) ?? ""]));
      writeTraces(transaction, () => scratch, withWhole(scratch, all), merger, new Set(), new Written(), (id, error) => {
        unreadable = new Error(`trace "${id}": ${(error as Error).message}`);
        transaction.abort();
        return true;
      });
      files.clear();
    } catch (error) {
      unreadable = error instanceof Error ? error : new Error(String(error));
      transaction.abort();
    }
  };
  try {
    await done(transaction, "migration");
  } catch (error) {
    const why = unreadable ?? (error as Error);
    throw new Error(`the traces stored by an earlier version (IndexedDB layout v1) could not be migrated (${why.message}); they are kept as they are`);
  } finally {
    scratch.free();
    merger.free();
  }
}
