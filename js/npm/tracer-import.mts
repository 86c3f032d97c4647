// What `Tracer.import` and the reading of stored records hand the full
// core: a file as text or bytes, and a stored record's bytes.

import type { FullCore } from "./cores.mjs";
import type { ImportReport } from "./types.mjs";

/** The core's report of an import: counts, and the lines it skipped. */
export type CoreReport = ImportReport & { warnings?: string[] };

/** Imports a file, as text or UTF-8 bytes, into the full core. Throws when the file is refused. */
export function importFile(core: FullCore, file: string | Uint8Array | ArrayBuffer, name: string): CoreReport {
  if (file instanceof ArrayBuffer) return core.importBytes(name, new Uint8Array(file));
  if (ArrayBuffer.isView(file)) return core.importBytes(name, new Uint8Array(file.buffer, file.byteOffset, file.byteLength));
  return core.importText(name, String(file));
}

/**
 * A stored record's or file's bytes, without the UTF-8 byte order mark a
 * file saved by an editor may start with (the JSON Lines reader refuses it).
 */
export function storedBytes(data: string | Uint8Array): Uint8Array {
  const encoded = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const bom = encoded[0] === 0xef && encoded[1] === 0xbb && encoded[2] === 0xbf;
  return bom ? encoded.subarray(3) : encoded;
}
