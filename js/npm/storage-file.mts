// Node file storage: a native JSON Lines file that each record is appended
// to as it starts and as it ends (the core's change feed, after each apply
// of the queue). Every record is one write on a file opened for appending
// (O_APPEND), so processes appending to one file lose nothing; a writer
// that finds the file not ending in a newline (a crash cut a line) starts
// with one and a header, and reading skips the cut line (core's
// `format::jsonl`). Lines that could not be written are kept and written
// first next time; memory keeps their traces meanwhile.

import { Core } from "./wasm/prompttrace_js.js";
import type { Storage, Stored } from "./storage.mjs";

/** The few `node:fs` functions used; the Node entry hands them over. */
export interface FileSystem {
  openSync(path: string | URL, flags: string): number;
  closeSync(fd: number): void;
  fstatSync(fd: number): { size: number };
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  readFileSync(path: string | URL): Uint8Array;
}

let files: FileSystem | undefined;

/** @internal Called by the Node entry: file storage works where this was set. */
export function useFileSystem(fs: FileSystem): void {
  files = fs;
}

export function fileStorage(path: unknown, report: (error: Error) => void): Storage | undefined {
  if (!files) {
    report(new Error("file storage needs Node (a path to append to); traces stay in memory"));
    return undefined;
  }
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

  append(core: Core): void {
    const lines = this.#retry.length > 0 ? [...this.#retry, ...core.takeChangedLines()] : core.takeChangedLines();
    this.#retry = [];
    if (lines.length === 0) return;
    let fd: number;
    try {
      fd = this.#fs.openSync(this.#path, "a+");
    } catch (error) {
      this.#retry = lines;
      this.#report(new Error(`could not open ${this.name} to save traces (${(error as Error).message}); they stay in memory`));
      return;
    }
    let written = 0;
    try {
      const size = this.#fs.fstatSync(fd).size;
      // A new tracer, or a file emptied or rotated since: a header first.
      if (!this.#started || size === 0) {
        this.#write(fd, Core.appendStart(size > 0 ? this.#lastByte(fd, size) : undefined));
        this.#started = true;
      }
      for (const line of lines) {
        this.#write(fd, line);
        written++;
      }
    } catch (error) {
      this.#retry = lines.slice(written);
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

  /** One record, one write: O_APPEND puts it whole at the end, after any other writer's. */
  #write(fd: number, line: string): void {
    const bytes = encoder.encode(line);
    let done = this.#fs.writeSync(fd, bytes, 0, bytes.length);
    // A short write (a signal, a full disk) continues where it stopped.
    while (done < bytes.length) done += this.#fs.writeSync(fd, bytes, done, bytes.length - done);
  }

  #lastByte(fd: number, size: number): number | undefined {
    const last = new Uint8Array(1);
    return this.#fs.readSync(fd, last, 0, 1, size - 1) === 1 ? last[0] : undefined;
  }

  allowReplace(): void {}
}
