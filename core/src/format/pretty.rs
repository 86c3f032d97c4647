//! The native document's pretty printing, byte for byte as serde_json's
//! `PrettyFormatter` writes it, from each record's compact JSON.
//!
//! `to_string_pretty` is a second copy of every record type's serializer
//! in each wasm (the record-only one a browser app inlines too, ~2.5 KB
//! gzipped); the compact one is there anyway, for JSON Lines. A record's
//! payloads (`Json`: raw JSON) are written as they are, as serde_json
//! writes raw values.

use crate::json::past_string;

/// The fields of a record that hold a payload (`Json`).
const PAYLOADS: [&str; 3] = ["input", "output", "metadata"];

/// Appends `compact`, one record as serde_json writes it compactly, as it
/// would pretty-print it `depth` levels deep (two spaces a level).
pub(super) fn record(out: &mut String, compact: &str, depth: usize) {
    let bytes = compact.as_bytes();
    let mut level = depth;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                let end = past_string(bytes, at + 1);
                let text = &compact[at..end];
                out.push_str(text);
                at = end;
                if bytes.get(at) == Some(&b':') {
                    out.push_str(": ");
                    at += 1;
                    let key = &text[1..text.len() - 1];
                    if level == depth + 1 && PAYLOADS.contains(&key) {
                        let end = past_value(bytes, at);
                        out.push_str(&compact[at..end]);
                        at = end;
                    }
                }
            }
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                out.push(open as char);
                if bytes.get(at + 1) == Some(&close) {
                    out.push(close as char);
                    at += 2;
                } else {
                    level += 1;
                    new_line(out, level);
                    at += 1;
                }
            }
            close @ (b'}' | b']') => {
                level -= 1;
                new_line(out, level);
                out.push(close as char);
                at += 1;
            }
            b',' => {
                out.push(',');
                new_line(out, level);
                at += 1;
            }
            _ => {
                let end = past_scalar(bytes, at);
                out.push_str(&compact[at..end]);
                at = end;
            }
        }
    }
}

fn new_line(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// Just past the number, `true`, `false` or `null` at `at`.
fn past_scalar(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && !matches!(bytes[at], b',' | b'}' | b']') {
        at += 1;
    }
    at
}

/// Just past the compact JSON value at `at`.
fn past_value(bytes: &[u8], mut at: usize) -> usize {
    let mut depth = 0usize;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => at = past_string(bytes, at + 1),
            b'{' | b'[' => {
                depth += 1;
                at += 1;
            }
            b'}' | b']' if depth == 0 => return at,
            b'}' | b']' => {
                depth -= 1;
                at += 1;
                if depth == 0 {
                    return at;
                }
            }
            b',' if depth == 0 => return at,
            _ => at += 1,
        }
    }
    at
}
