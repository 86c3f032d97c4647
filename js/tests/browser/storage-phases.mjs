// Page phases for the IndexedDB tests (browser.test.mjs drives them, one
// page load each, in one browser profile):
//   tracer&name=N   a new Tracer (no load) records trace N and flushes
//   resume&step=N   a new Tracer records step N into trace "resumed" and
//                   flushes: step 1 leaves it running, step 2 ends it (its
//                   save merges with the stored record); with `&retry`,
//                   `window.flushAgain()` flushes again (the test blocks
//                   the full core's chunk for the first flush)
//   priced&step=N   as resume, into trace "priced", with a generation of a
//                   model priced by the tracer's `prices` ($1 a call)
//   two-flushes     one tracer saves trace "long", adds to it, saves again
//                   (the second save finds its own record: no merge)
//   seed-v1&text=T  writes the package's layout v1 by hand: database
//                   `prompttrace` version 1, store `files`, T under the key
//                   "prompttrace" (T = "traces": two traces as JSON Lines)
//   layout          what is stored, read with IndexedDB directly, and what
//                   Tracer.load reads back
//   force-close     a tracer saves t1; the browser closes its connection
//                   (`window.clearIndexedDB`, the test's CDP
//                   Storage.clearDataForOrigin); it saves t2 and t3
//   blocked         another tab holds layout v1 open; a tracer flushes t1
//                   (it must not hang), then the tab closes and it flushes
import { Tracer } from "prompttrace";

export async function storagePhase(phase, params, onError) {
  switch (phase) {
    case "tracer": {
      const tracer = new Tracer({ storage: "indexedDB", onError });
      const trace = tracer.trace({ name: params.get("name"), sessionId: "tab", input: "hi" });
      trace.generation({ name: "answer", model: "gpt-4o-mini" }).complete({ output: "hello", usage: { input: 3, output: 1 } });
      trace.complete({ output: "hello" });
      await tracer.flush();
      return { stored: true };
    }
    case "resume": {
      const tracer = new Tracer({ storage: "indexedDB", onError });
      const step = params.get("step");
      const trace = tracer.trace({ id: "resumed", name: "chat", sessionId: "tab" });
      trace.span({ name: `step-${step}` }).complete({ output: step });
      if (step === "2") trace.complete({ output: "done" });
      await tracer.flush();
      window.flushAgain = async () => {
        await tracer.flush();
        return { inMemory: JSON.parse(tracer.export()).traces.length };
      };
      return { stored: true };
    }
    case "priced": {
      const prices = { "house-model": { input: 1000, output: 1000 } }; // USD per 1M tokens
      const tracer = new Tracer({ storage: "indexedDB", onError, prices });
      const step = params.get("step");
      const trace = tracer.trace({ id: "priced", name: "chat", sessionId: "tab" });
      trace.generation({ name: `call-${step}`, model: "house-model" }).complete({ output: "ok", usage: { input: 1000, output: 0 } });
      if (step === "2") trace.complete({ output: "done" });
      await tracer.flush();
      return { stored: true };
    }
    case "two-flushes": {
      const tracer = new Tracer({ storage: "indexedDB", onError });
      const trace = tracer.trace({ id: "long", name: "chat", sessionId: "tab" });
      trace.span({ name: "turn-1" }).complete({ output: "1" });
      await tracer.flush();
      trace.span({ name: "turn-2" }).complete({ output: "2" });
      trace.complete({ output: "done" });
      await tracer.flush();
      return { stored: true };
    }
    case "seed-v1":
      await seedV1(params.get("text") === "traces" ? twoTraces() : params.get("text"));
      return { seeded: true };
    case "layout":
      return layout(onError);
    case "force-close":
      return forceClose(onError);
    case "blocked":
      return blocked(onError);
    default:
      throw new Error(`unknown phase ${phase}`);
  }
}

/** Two traces as the package's v1 stored them: one JSON Lines file. */
function twoTraces() {
  const tracer = new Tracer();
  for (const name of ["v1-a", "v1-b"]) tracer.trace({ name, sessionId: "old" }).complete();
  return tracer.exportLines();
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function seedV1(text) {
  const open = indexedDB.open("prompttrace", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("files");
  const db = await request(open);
  const transaction = db.transaction("files", "readwrite");
  transaction.objectStore("files").put(text, "prompttrace");
  await new Promise((resolve) => (transaction.oncomplete = resolve));
  db.close();
}

async function layout(onError) {
  const db = await request(indexedDB.open("prompttrace"));
  const names = [...db.objectStoreNames];
  const read = (store, how) => request(db.transaction(store, "readonly").objectStore(store)[how]());
  const index = db.transaction("index", "readonly").objectStore("index");
  const indexes = [...index.indexNames].map((name) => [name, index.index(name).keyPath]);
  const bySession = request(index.index("by_session").getAllKeys("tab"));
  const found = {
    version: db.version,
    stores: names,
    indexes,
    bySession: await bySession,
    layout: await request(db.transaction("meta", "readonly").objectStore("meta").get("layout")),
    traceKeys: await read("traces", "getAllKeys"),
    rows: await read("index", "getAll"),
    v1Files: names.includes("files") ? await read("files", "getAll") : null,
  };
  db.close();
  const tracer = await Tracer.load({ storage: "indexedDB", onError });
  return { ...found, loaded: (await tracer.summary()).traces.map((t) => [t.name, t.status, t.observation_count]) };
}

/** The trace names stored in `traces`, read with IndexedDB directly. */
async function storedNames() {
  const db = await request(indexedDB.open("prompttrace"));
  const records = db.objectStoreNames.contains("traces") ? await request(db.transaction("traces").objectStore("traces").getAll()) : [];
  db.close();
  return records.map((record) => JSON.parse(record.split("\n").find((line) => line.startsWith('{"trace"'))).trace.name).sort();
}

async function forceClose(onError) {
  const tracer = new Tracer({ storage: "indexedDB", onError });
  tracer.trace("t1").complete();
  await tracer.flush();
  await window.clearIndexedDB(); // the browser closes the connection and empties the database
  await new Promise((resolve) => setTimeout(resolve, 100));
  tracer.trace("t2").complete();
  await tracer.flush();
  tracer.trace("t3").complete();
  await tracer.flush();
  return { stored: await storedNames() };
}

async function blocked(onError) {
  const open = indexedDB.open("prompttrace", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("files");
  const old = await request(open); // another tab, on an older version of the package
  const tracer = new Tracer({ storage: "indexedDB", onError });
  tracer.trace("t1").complete();
  const flushed = () => Promise.race([tracer.flush().then(() => "returned"), new Promise((resolve) => setTimeout(() => resolve("hung"), 5000))]);
  const waited = await flushed();
  // A second flush while the tab still holds it: no silent wait behind the first open.
  tracer.trace("t1b").complete();
  const waitedAgain = await flushed();
  old.close(); // that tab closes
  await new Promise((resolve) => setTimeout(resolve, 100));
  tracer.trace("t2").complete();
  await tracer.flush();
  return { waited: [waited, waitedAgain], stored: await storedNames() };
}
