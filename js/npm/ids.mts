// Ids and times for recording calls: random OpenTelemetry-sized ids
// (16-byte traces, 8-byte observations) and epoch milliseconds.

/** Milliseconds since the epoch, sub-millisecond where the platform allows. */
// The origin is read once: it never changes, and reading it showed in the recording profile.
const origin = performance.timeOrigin;
export const now = (): number => origin + performance.now();

// Random ids are cut from a pool of random hex text, refilled from
// crypto.getRandomValues 2 KB at a time: unique across runs, and each id is
// one slice of a flat string. (Built two digits at a time, an id was eight
// strings, and those alive in the queue were copied by every young-generation
// GC.)
const DIGITS = new Uint8Array(512);
for (let byte = 0; byte < 256; byte++) {
  const hex = byte.toString(16).padStart(2, "0");
  DIGITS[2 * byte] = hex.charCodeAt(0);
  DIGITS[2 * byte + 1] = hex.charCodeAt(1);
}
const random = new Uint8Array(2048);
const digits = new Uint8Array(2 * random.length);
const decoder = new TextDecoder();
let pool = "";
let poolAt = 0;

/** `bytes` random bytes as lowercase hex (16 for a trace id, 8 for an observation id). */
export function randomHex(bytes: number): string {
  const length = 2 * bytes;
  if (poolAt + length > pool.length) {
    crypto.getRandomValues(random);
    for (let i = 0; i < random.length; i++) {
      digits[2 * i] = DIGITS[2 * random[i]!]!;
      digits[2 * i + 1] = DIGITS[2 * random[i]! + 1]!;
    }
    pool = decoder.decode(digits);
    poolAt = 0;
  }
  const id = pool.slice(poolAt, poolAt + length);
  poolAt += length;
  return id;
}
