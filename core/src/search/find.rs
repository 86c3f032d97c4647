//! Whether a text or a payload holds a query: the fold path (fold what is
//! read into a buffer, then search it), and the shortcuts that give the
//! same answer without folding, taken whenever they can be proved to.
//!
//! Why each shortcut is exact:
//! - ASCII folds to ASCII, and only two other characters fold to anything
//!   holding ASCII (İ to `i` + a combining dot, the Kelvin sign to `k`;
//!   `tests` checks this against the Unicode tables). So an ASCII query is
//!   found in raw text, ASCII case ignored, exactly where the folded text
//!   holds it — unless the query has an `i` or a `k` and the text is not
//!   ASCII, and then the fold path runs.
//! - Conversely, a non-ASCII query is never in ASCII text.
//! - A payload's raw text is its values' text, save for escapes. Escapes
//!   other than `\u` stand for `"`, `\`, `/` and control characters only,
//!   and a `\u` escape of a character outside ASCII cannot take part in a
//!   match of an ASCII query (but for İ and the Kelvin sign, as above). So
//!   an ASCII query holding none of those characters is found in the raw
//!   text where the values hold it (`raw::json_value_holds` keeps the
//!   places inside one value's text, outside escapes). Any other escape
//!   (`\u003c` for `<`, as Go writes it) sends the payload to the fold
//!   path, which decodes (`values`).
//! - A non-ASCII query's caseless run (CJK, Arabic…) must appear as written
//!   in any text that folds to the query, so a payload without `\u` escapes
//!   that lacks it cannot match; nor can an ASCII one.

use memchr::memchr;

use super::fold::fold_into;
use super::query::Query;
use super::raw::json_value_holds;
use super::values::{hex4, push_values};

/// The buffer the fold path folds into, reused across fields.
#[derive(Default)]
pub struct Scratch(Vec<u8>);

/// Whether plain text (a name, a model, a tag) holds the query.
pub fn text_holds(text: &str, query: &Query, scratch: &mut Scratch) -> bool {
    match &query.ascii {
        Some(needle) if !(query.has_i_or_k() && holds_i_or_k(text)) => {
            needle.find_from(text.as_bytes(), 0).is_some()
        }
        None if text.is_ascii() => false,
        _ => {
            scratch.0.clear();
            fold_into(text, &mut scratch.0);
            query.finder.find(&scratch.0).is_some()
        }
    }
}

/// Whether a payload (compact JSON text) holds the query in its values.
pub fn json_holds(json: &str, query: &Query, scratch: &mut Scratch) -> bool {
    let bytes = json.as_bytes();
    let backslash = memchr(b'\\', bytes);
    let escapes = backslash.map_or(Escapes::None, |at| {
        unicode_escapes(bytes, at, query.has_i_or_k())
    });
    match &query.ascii {
        Some(needle) if raw_answers(json, query, backslash.is_some(), escapes) => {
            return json_value_holds(bytes, needle);
        }
        None if escapes == Escapes::None || escapes == Escapes::NoUnicode => {
            if json.is_ascii() {
                return false;
            }
            if let Some(run) = &query.caseless {
                if run.find(bytes).is_none() {
                    return false;
                }
            }
        }
        _ => {}
    }
    scratch.0.clear();
    push_values(json, &mut scratch.0);
    query.finder.find(&scratch.0).is_some()
}

/// Whether an ASCII query is found in this payload's raw text exactly
/// where its values hold it (the module's header says why).
fn raw_answers(json: &str, query: &Query, has_escapes: bool, escapes: Escapes) -> bool {
    if escapes == Escapes::Unreadable || query.text.contains(['"', '\\']) {
        return false;
    }
    if query.escapable && has_escapes {
        return false;
    }
    !query.has_i_or_k() || !holds_i_or_k(json)
}

/// What a payload's escapes stand for, as far as the shortcuts care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Escapes {
    /// No backslash at all.
    None,
    /// Escapes, none of them `\u`: they stand for `"`, `\`, `/` and
    /// control characters only.
    NoUnicode,
    /// `\u` escapes, all of characters outside ASCII that fold to no
    /// ASCII the query holds: an ASCII query cannot match through them.
    NonAscii,
    /// A `\u` escape of an ASCII character (as Go writes `<`), or of İ or
    /// the Kelvin sign for a query with an `i` or a `k`.
    Unreadable,
}

/// Reads the escapes from the backslash at `at` on.
fn unicode_escapes(json: &[u8], mut at: usize, i_or_k: bool) -> Escapes {
    let mut found = Escapes::NoUnicode;
    loop {
        // Escaped text (`\u6771\u4eac`) is escapes back to back: look at
        // the next byte before searching for the next backslash.
        if json.get(at) != Some(&b'\\') {
            match memchr(b'\\', json.get(at..).unwrap_or_default()) {
                Some(n) => at += n,
                None => return found,
            }
        }
        if json.get(at + 1) != Some(&b'u') {
            at += 2;
            continue;
        }
        match hex4(json, at + 2) {
            Some(code) if code >= 0x80 && !(i_or_k && (code == 0x130 || code == 0x212A)) => {}
            _ => return Escapes::Unreadable,
        }
        found = Escapes::NonAscii;
        at += 6;
    }
}

/// Whether the text holds İ or the Kelvin sign as written.
fn holds_i_or_k(text: &str) -> bool {
    // By their first UTF-8 bytes, then the rest (a `contains` of chars
    // decodes every character).
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(n) = memchr::memchr2(0xC4, 0xE2, &bytes[at..]) {
        at += n;
        let rest = &bytes[at..];
        if rest.starts_with("\u{130}".as_bytes()) || rest.starts_with("\u{212A}".as_bytes()) {
            return true;
        }
        at += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn find_only_i_and_k_come_from_non_ascii_characters() {
        let from_non_ascii: Vec<char> = (0x80..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| c.to_lowercase().any(|l| l.is_ascii()))
            .collect();
        assert_eq!(from_non_ascii, ['\u{130}', '\u{212A}']);
    }

    #[test]
    fn find_shortcuts_agree_with_the_fold_path() {
        let payloads = [
            r#"{"a":"Kelvin 5\u212a","b":"x"}"#,
            "{\"a\":\"Kelvin 5\u{212A} İstanbul\"}",
            r#"{"a":"line\nbreak","b":"https:\/\/acme.test"}"#,
            r#"{"a":"東京リージョン","b":"\u6771\u4eac"}"#,
            r#"{"a":"東京","b":"Crème brûlée","n":[1.5,-2]}"#,
            r#"{"content":"say \"hi\"","k":"a/b"}"#,
        ];
        let queries = [
            "5k",
            "kelvin 5k",
            "istanbul",
            "i̇stanbul",
            "line\nbreak",
            "nbreak",
            "https://acme",
            "東京",
            "東京リージョン",
            "CRÈME",
            "brûlée",
            "1.5",
            "-2",
            "say \"hi\"",
            "a/b",
            "content",
            "x",
        ];
        for json in payloads {
            let mut expected = Vec::new();
            push_values(json, &mut expected);
            for text in queries {
                let query = Query::new(text).unwrap();
                let folded = query.finder.find(&expected).is_some();
                let fast = json_holds(json, &query, &mut Scratch::default());
                assert_eq!(fast, folded, "{text:?} in {json}");
            }
        }
    }

    /// Characters that make folding or escaping interesting.
    const ALPHABET: &[char] = &[
        'a', 'b', 'A', 'k', 'K', 'i', 'I', '\u{130}', '\u{212A}', 'é', 'É', 'Σ', 'ς', 'σ', '東',
        ' ', '"', '\\', '/', '\n', '1', '-', 'e', ':', ',', '<', '😀',
    ];

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHABET), 0..12)
            .prop_map(|chars| chars.into_iter().collect())
    }

    /// A payload as different writers escape it: serde_json (only what
    /// must be), Python (`\u` for everything outside ASCII), Go (`\u003c`).
    fn payload() -> impl Strategy<Value = String> {
        let value = prop_oneof![
            text().prop_map(serde_json::Value::from),
            (-50i64..50).prop_map(serde_json::Value::from),
            Just(serde_json::Value::Bool(true)),
        ];
        (proptest::collection::vec((text(), value), 0..4), 0..3).prop_map(|(entries, writer)| {
            let object: serde_json::Map<String, serde_json::Value> = entries.into_iter().collect();
            let json = serde_json::Value::Object(object).to_string();
            match writer {
                0 => json,
                1 => json.chars().map(escape_non_ascii).collect(),
                _ => json.replace('<', "\\u003c"),
            }
        })
    }

    fn escape_non_ascii(c: char) -> String {
        if c.is_ascii() {
            return c.to_string();
        }
        let mut units = [0u16; 2];
        c.encode_utf16(&mut units)
            .iter()
            .map(|unit| format!("\\u{unit:04x}"))
            .collect()
    }

    proptest! {
        #[test]
        fn find_shortcuts_agree_with_the_fold_path_on_any_payload(
            json in payload(),
            query in text(),
            piece in 0usize..64,
        ) {
            // Half the time, a piece of the payload's own values, so that
            // matches are common.
            let mut values = Vec::new();
            push_values(&json, &mut values);
            let own = String::from_utf8_lossy(&values).split('\u{FFFD}').nth(piece % 4).unwrap_or("").to_uppercase();
            for text in [query.as_str(), own.as_str()] {
                let Some(query) = Query::new(text) else { continue };
                let folded = query.finder.find(&values).is_some();
                prop_assert_eq!(json_holds(&json, &query, &mut Scratch::default()), folded, "{:?} in {}", text, json);
                let mut plain = Vec::new();
                fold_into(&json, &mut plain);
                let expected = query.finder.find(&plain).is_some();
                prop_assert_eq!(text_holds(&json, &query, &mut Scratch::default()), expected, "{:?} in text {}", text, json);
            }
        }
    }
}
