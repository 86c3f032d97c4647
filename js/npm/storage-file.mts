// Node file storage: a native JSON Lines file that each record is appended
// to as it starts and as it ends (the core's change feed, after each apply
// of the queue). Each batch of records is one write on a file opened for
// appending (O_APPEND), so processes appending to one file at once do not
// interleave their lines. Before every write the file's last byte is
// checked: a file not ending in a newline (another process's crash cut a
// line, or this one's failed write) gets one and a header first, in the same
// write, and reading skips the cut line (core's `format::jsonl`). A process
// killed mid-write loses its cut record; the other writers lose nothing.
// Lines that could not be written are kept and written first next time;
// memory keeps their traces meanwhile.

import { isFull, type LeanCore as Core } from "./cores.mjs";
import { type Storage, type Stored, useFileStorage } from "./storage.mjs";
import type { Summary } from "./types.mjs";

/** The few `node:fs` functions used; the Node entry hands them over. */
export interface FileSystem {
  openSync(path: string | URL, flags: string): number;
  closeSync(fd: number): void;
  fstatSync(fd: number): { size: number };
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  readFileSync(path: string | URL): Uint8Array;
  mkdirSync(path: string | URL, options: { recursive: true }): unknown;
}

let files: FileSystem | undefined;

/** @internal Called by the Node entry: file storage works where this was set. */
export function useFileSystem(fs: FileSystem): void {
  files = fs;
  useFileStorage(fileStorage);
}

export function fileStorage(path: unknown, report: (error: Error) => void): Storage | undefined {
  if (!files) return undefined; // made only once the Node entry handed node:fs over
  if (!(typeof path === "string" && path !== "") && !(path instanceof URL)) {
    report(new Error(`storage { file } needs a path such as "traces.jsonl", not ${String(path)}; traces stay in memory`));
    return undefined;
  }
  return new FileStorage(files, path, report);
}

const encoder = new TextEncoder();

class FileStorage implements Storage {
  readonly name: string;
  readonly kind = "append";
  readonly #fs: FileSystem;
  readonly #path: string | URL;
  readonly #report: (error: Error) => void;
  /** Lines not written yet (a failed write): written first next time. */
  #retry: string[] = [];
  /** Told once that its tracer runs on the record-only core. */
  #notFull = false;
  /** This tracer wrote its header (`Core.appendStart`) already. */
  #started = false;

  constructor(fs: FileSystem, path: string | URL, report: (error: Error) => void) {
    this.#fs = fs;
    this.#path = path;
    this.#report = report;
    this.name = path instanceof URL ? path.pathname : path;
  }

  get unsaved(): boolean {
    return this.#retry.length > 0;
  }

  async read(): Promise<Stored[]> {
    const data = this.readNow();
    return data ? [{ name: this.name, data }] : [];
  }

  readNow(): Uint8Array | null {
    try {
      return this.#fs.readFileSync(this.#path);
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT") return null;
      throw error;
    }
  }

  async save(): Promise<void> {}

  summary(core: Core, warn: (problems: string[]) => void): Summary | undefined {
    let file: Uint8Array | null;
    try {
      file = this.readNow();
    } catch (error) {
      this.#report(new Error(`could not read ${this.name} (${(error as Error).message}); the summary covers memory only`));
      return undefined;
    }
    // File storage is Node's, where the core is the full one.
    if (!file || !isFull(core)) return undefined;
    try {
      const reply = JSON.parse(core.summaryWith(this.name, file)) as { summary: Summary; problems: string[] };
      warn(reply.problems);
      return reply.summary;
    } catch (error) {
      this.#report(new Error(`the summary covers memory only: ${(error as Error).message}`));
      return undefined;
    }
  }

  append(core: Core): void {
    // File storage is Node's, where the core is the full one: only it
    // carries the records' writer for a file.
    if (!isFull(core)) {
      if (!this.#notFull) this.#report(new Error(`${this.name}: file storage needs the full wasm core (the Node entry's); traces stay in memory`));
      this.#notFull = true;
      return;
    }
    const lines = this.#retry.length > 0 ? [...this.#retry, ...core.takeChangedLines()] : core.takeChangedLines();
    this.#retry = [];
    if (lines.length === 0) return;
    let fd: number;
    try {
      fd = this.#open();
    } catch (error) {
      this.#retry = lines;
      this.#report(new Error(`could not open ${this.name} to save traces (${(error as Error).message}); they stay in memory`));
      return;
    }
    let start = "";
    try {
      const size = this.#fs.fstatSync(fd).size;
      const last = size > 0 ? this.#lastByte(fd, size) : undefined;
      // A header first for a new tracer, a file emptied or rotated since, or
      // a file whose last line another process's crash cut short (checked on
      // every append: that process may die while this one keeps running).
      start = !this.#started || last !== 0x0a ? (core.constructor as unknown as { appendStart(last: number | undefined): string }).appendStart(last) : "";
      // The whole batch in one write: O_APPEND puts it at the end, after any
      // other writer's, right after the check above.
      this.#write(fd, start + lines.join(""));
      this.#started = true;
    } catch (error) {
      // Lines written whole are not written again; the rest are kept.
      let done = (error as { written?: number }).written ?? 0;
      done -= encoder.encode(start).length;
      let kept = 0;
      while (kept < lines.length && done >= encoder.encode(lines[kept]).length) done -= encoder.encode(lines[kept++]).length;
      this.#retry = lines.slice(kept);
      // A write may have stopped mid-line: the next starts on a new line, after a header.
      this.#started = false;
      this.#report(new Error(`could not save traces to ${this.name} (${(error as Error).message}); they stay in memory and are saved later`));
    } finally {
      try {
        this.#fs.closeSync(fd);
      } catch {
        // Nothing to do: the writes were made, or reported.
      }
    }
  }

  /** Opens the file for appending, making its folder first when missing. */
  #open(): number {
    try {
      return this.#fs.openSync(this.#path, "a+");
    } catch (error) {
      if ((error as { code?: unknown }).code !== "ENOENT") throw error;
      const path = this.#path;
      this.#fs.mkdirSync(path instanceof URL ? new URL(".", path) : path.replace(/[^/\\]*$/, "") || ".", { recursive: true });
      return this.#fs.openSync(path, "a+");
    }
  }

  /** Writes `text` whole; a failure throws the error with the bytes written so far (`written`). */
  #write(fd: number, text: string): void {
    const bytes = encoder.encode(text);
    let done = 0;
    try {
      // A short write (a signal, a full disk) continues where it stopped.
      while (done < bytes.length) done += this.#fs.writeSync(fd, bytes, done, bytes.length - done);
    } catch (error) {
      throw Object.assign(error as Error, { written: done });
    }
  }

  #lastByte(fd: number, size: number): number | undefined {
    const last = new Uint8Array(1);
    return this.#fs.readSync(fd, last, 0, 1, size - 1) === 1 ? last[0] : undefined;
  }

  allowReplace(): void {}
}
