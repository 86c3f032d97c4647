//! What search reads of a JSON payload: the text of its string and number
//! values, decoded and folded, never its keys or punctuation.
//!
//! A payload is compact JSON text (`Json`), so searching its raw text would
//! match escapes rather than what they stand for (`\u4e2d` for 中, `\"`,
//! `\n`), keys (`"role"`, `"content"` in every chat message), and text that
//! spans two values (`a","b`). Instead each value is decoded and appended,
//! folded, to one buffer with a [`SEPARATOR`] after it: a byte that never
//! occurs in UTF-8, so a query (always UTF-8) can match within one value
//! only, and one substring search answers for the whole payload.
//!
//! Reading relies on the text being valid and compact (no whitespace
//! outside strings), which `Json` guarantees: a string is a key exactly
//! when a `:` follows its closing quote. String contents are copied in runs
//! between quotes and backslashes (found with `memchr`), so the cost is
//! close to one copy of the payload.

use crate::search::fold::{fold_into, push_folded};

/// Ends each value in the buffer: never part of UTF-8 text.
pub const SEPARATOR: u8 = 0xFF;

/// Appends the folded text of every string and number value in `json`
/// (valid, compact JSON text) to `out`, each followed by [`SEPARATOR`].
pub fn push_values(json: &str, out: &mut Vec<u8>) {
    let bytes = json.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                let start = out.len();
                at = push_string(json, at + 1, out);
                if bytes.get(at) == Some(&b':') {
                    out.truncate(start);
                } else {
                    out.push(SEPARATOR);
                }
            }
            b'-' | b'0'..=b'9' => {
                let end = bytes[at..]
                    .iter()
                    .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                    .map_or(bytes.len(), |n| at + n);
                out.extend(bytes[at..end].iter().map(u8::to_ascii_lowercase));
                out.push(SEPARATOR);
                at = end;
            }
            // Punctuation, and `true`, `false`, `null`: not text anyone wrote.
            _ => at += 1,
        }
    }
}

/// Decodes and folds the string whose contents start at `at`; returns the
/// index after its closing quote.
fn push_string(json: &str, mut at: usize, out: &mut Vec<u8>) -> usize {
    let bytes = json.as_bytes();
    loop {
        let Some(n) = memchr::memchr2(b'"', b'\\', &bytes[at..]) else {
            // Unreachable for valid JSON; keep what there is.
            fold_into(&json[at..], out);
            return bytes.len();
        };
        fold_into(&json[at..at + n], out);
        at += n;
        if bytes[at] == b'"' {
            return at + 1;
        }
        at = push_escape(bytes, at, out);
    }
}

/// Decodes the escape at `at` (a backslash); returns the index after it.
fn push_escape(bytes: &[u8], at: usize, out: &mut Vec<u8>) -> usize {
    let simple = match bytes.get(at + 1) {
        Some(b'n') => '\n',
        Some(b't') => '\t',
        Some(b'r') => '\r',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'u') => {
            let (c, end) = unicode_escape(bytes, at);
            push_folded(c, out);
            return end;
        }
        // `\"`, `\\`, `\/`: the character itself.
        Some(&other) => other as char,
        None => return bytes.len(),
    };
    push_folded(simple, out);
    at + 2
}

/// The character of `\uXXXX` at `at` (joining a surrogate pair; a lone
/// surrogate reads as U+FFFD, as serde_json's lossy reading does), and the
/// index after it.
fn unicode_escape(bytes: &[u8], at: usize) -> (char, usize) {
    let Some(first) = hex4(bytes, at + 2) else {
        return (char::REPLACEMENT_CHARACTER, (at + 2).min(bytes.len()));
    };
    let end = at + 6;
    if (0xD800..0xDC00).contains(&first) && bytes.get(end..end + 2) == Some(b"\\u") {
        if let Some(second @ 0xDC00..=0xDFFF) = hex4(bytes, end + 2) {
            let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
            return (
                char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
                end + 6,
            );
        }
    }
    (
        char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER),
        end,
    )
}

/// The number written by the four hex digits at `at`.
pub fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    bytes.get(at..at + 4)?.iter().try_fold(0, |code, &digit| {
        Some(code << 4 | (digit as char).to_digit(16)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Json;
    use serde_json::json;

    /// The values as the search sees them, one string each.
    fn values(json: &Json) -> Vec<String> {
        let mut out = Vec::new();
        push_values(json.as_str(), &mut out);
        out.split(|&b| b == SEPARATOR)
            .filter(|v| !v.is_empty())
            .map(|v| String::from_utf8(v.to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn values_are_strings_and_numbers_never_keys() {
        let payload = Json::parse(
            r#"{"role":"User","content":[{"type":"text","text":"Hi"}],"n":-1.5e3,"ok":true,"none":null}"#,
        )
        .unwrap();
        assert_eq!(values(&payload), ["user", "text", "hi", "-1.5e3"]);
    }

    #[test]
    fn values_decode_escapes() {
        let payload = Json::parse(
            r#"{"a":"\u4e2d\u6587 \"quoted\" line\nnext \\ \/ \ud83d\ude00 \ud800 X"}"#,
        )
        .unwrap();
        assert_eq!(
            values(&payload),
            ["中文 \"quoted\" line\nnext \\ / 😀 \u{fffd} x"]
        );
    }

    #[test]
    fn values_of_a_plain_string_payload() {
        assert_eq!(values(&Json::from("Ünïcode ТЕКСТ")), ["ünïcode текст"]);
    }

    #[test]
    fn values_keep_escaped_json_inside_a_string_as_its_text() {
        // What an OTLP attribute holding a JSON message list looks like.
        let inner = r#"[{"role":"tool","content":"Invoice 4417"}]"#;
        let payload = Json::from(json!({ "gen_ai.input.messages": inner }));
        assert_eq!(
            values(&payload),
            [r#"[{"role":"tool","content":"invoice 4417"}]"#]
        );
    }
}
