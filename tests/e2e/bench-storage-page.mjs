// What bench-storage.mjs runs inside the page: each function is sent to
// the browser as its source, so it uses nothing from this module.

/** Init script: counts IndexedDB writes (put, add, delete, clear; their
 * keys' and values' lengths, an object's as JSON) and readwrite
 * transactions, notes the last click, and keeps the wasm memory Trunk's
 * start event hands over. A Web Worker's writes are not seen here. */
export function instrument() {
  const idb = { writes: 0, bytes: 0, started: 0, pending: 0, completed: 0, lastComplete: 0, lastClick: 0, quietSince: 0 };
  idb.reset = () => Object.assign(idb, { writes: 0, bytes: 0, started: 0, completed: 0, lastComplete: 0, quietSince: 0 });
  window.__benchIdb = idb;
  const size = (value) => {
    if (value === undefined) return 0;
    if (typeof value === "string") return value.length;
    try {
      return JSON.stringify(value)?.length ?? 0;
    } catch {
      return 0;
    }
  };
  // The originals, for the bench's own writes (`idbFloor`).
  idb.original = {};
  for (const method of ["put", "add", "delete", "clear"]) {
    const original = IDBObjectStore.prototype[method];
    idb.original[method] = original;
    IDBObjectStore.prototype[method] = function (...args) {
      idb.writes += 1;
      // put/add(value, key?), delete(key)
      idb.bytes += args.reduce((total, arg) => total + size(arg), 0);
      return original.apply(this, args);
    };
  }
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (...args) {
    const tx = transaction.apply(this, args);
    if (args[1] === "readwrite") {
      idb.started += 1;
      idb.pending += 1;
      tx.addEventListener("complete", () => {
        idb.pending -= 1;
        idb.completed += 1;
        idb.lastComplete = performance.now();
      });
      tx.addEventListener("abort", () => { idb.pending -= 1; });
    }
    return tx;
  };
  addEventListener("click", () => { idb.lastClick = performance.now(); }, true);
  addEventListener("TrunkApplicationStarted", (event) => { window.__benchWasm = event.detail?.wasm?.memory; });
}

/** Whether the step `what` is done, in the page, each frame: false while
 * waiting, else what the page shows. Steps:
 * - "imported": the traces table has rows, no import or save under way;
 * - "listed": the traces table has rows, or is empty once nothing is under
 *   way ({ empty });
 * - "opened": the trace page drew timeline rows, or says the trace is not
 *   stored once nothing is under way ({ missing });
 * - "deleted": after "Yes, delete", the page says the trace is gone,
 *   nothing is being saved, and the readwrite transactions begun since
 *   committed ({ ms from the click, writes, bytes }); or none began in the
 *   page a second after it went quiet (a worker's): { unseen, ms }.
 * The errors banner ends every step: { error }. */
export function check(what) {
  const banner = document.querySelector("[data-testid=errors]");
  if (banner) {
    const messages = [...banner.querySelectorAll("li")].map((li) => li.textContent.trim());
    return { error: messages.join("; ") || banner.textContent.trim() };
  }
  const busy = document.querySelector("[data-testid=progress], [data-testid=saving]") !== null;
  const table = document.querySelector("[data-testid=traces]");
  const rows = table ? table.querySelectorAll("tbody tr").length : 0;
  const notStored = "This trace is not stored here.";
  const says = (text) => document.querySelector("main")?.textContent.includes(text) ?? false;
  if (what === "imported") return rows > 0 && !busy && { rows };
  if (what === "listed") return rows > 0 ? { rows } : table !== null && !busy && { empty: true };
  if (what === "opened") {
    const drawn = document.querySelectorAll("[data-testid=timeline-row]").length;
    return drawn > 0 ? { rows: drawn } : !busy && says(notStored) && { missing: notStored };
  }
  const idb = window.__benchIdb;
  if (!says(notStored) || busy) return false;
  if (idb.started > 0) {
    return idb.pending === 0 && idb.completed > 0 && { ms: idb.lastComplete - idb.lastClick, writes: idb.writes, bytes: idb.bytes };
  }
  if (!idb.quietSince) idb.quietSince = performance.now();
  return performance.now() - idb.quietSince > 1000 && { unseen: true, ms: idb.quietSince - idb.lastClick };
}

/** The peer of an import's save: bare IndexedDB, putting as many records
 * and index rows as the viewer stored, in one transaction, into a database
 * of the same layout (in the page: its CSP allows no worker of ours, and
 * the page's own `put`, not the counting one). The records cycle through
 * a sample of the stored ones (their text and sizes); the rows are the
 * stored rows, under fresh keys. Resolves to { ms, records, bytes }
 * (bytes: the records' characters), or { error }. */
export async function idbFloor() {
  const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  // Without an upgrade: the database as it is (the viewer's is at 2).
  const open = (name, upgrade) => {
    const r = upgrade ? indexedDB.open(name, 1) : indexedDB.open(name);
    if (upgrade) r.onupgradeneeded = () => upgrade(r.result);
    return request(r);
  };
  const put = window.__benchIdb?.original?.put ?? IDBObjectStore.prototype.put;
  try {
    const stored = await open("prompttrace");
    const read = stored.transaction(["traces", "index"], "readonly");
    const sample = (await request(read.objectStore("traces").getAll(null, 512))).filter((v) => typeof v === "string");
    const rows = await request(read.objectStore("index").getAll());
    stored.close();
    if (!sample.length || !rows.length) throw new Error("nothing stored to measure against");
    const name = "prompttrace-bench-floor";
    await request(indexedDB.deleteDatabase(name));
    const floor = await open(name, (db) => {
      db.createObjectStore("traces");
      const index = db.createObjectStore("index");
      index.createIndex("by_session", "session_id");
      index.createIndex("by_start", "started_at");
    });
    const started = performance.now();
    const write = floor.transaction(["traces", "index"], "readwrite");
    const traces = write.objectStore("traces");
    const index = write.objectStore("index");
    let bytes = 0;
    rows.forEach((row, at) => {
      const key = "floor-" + at;
      const text = sample[at % sample.length];
      bytes += text.length;
      put.call(traces, text, key);
      put.call(index, { ...row, id: key }, key);
    });
    await new Promise((resolve, reject) => { write.oncomplete = resolve; write.onabort = () => reject(write.error); write.commit(); });
    const ms = performance.now() - started;
    floor.close();
    await request(indexedDB.deleteDatabase(name));
    return { ms, records: rows.length, bytes };
  } catch (error) {
    return { error: String(error) };
  }
}
