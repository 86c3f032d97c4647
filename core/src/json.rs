//! `Json`: a free-form payload (input, output, metadata) kept as compact
//! JSON text rather than a parsed tree.
//!
//! LLM payloads are large and rarely looked into: parsing them into
//! `serde_json::Value` trees dominated file import and the npm package's
//! ingest. Kept as text they are validated once, stored in one allocation,
//! written out verbatim, and parsed only when someone reads them. Text is
//! normalised to compact form (no whitespace outside strings), so equal
//! values read from pretty or compact files compare and write equally.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

/// A value's compact JSON text, as `{}` of a `Value` writes it. Not
/// `Display`: that writes through an `io::Write` adapter, a serializer of
/// its own (and io's error texts) in the record-only wasm, which has this
/// one anyway.
pub fn text_of(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// How deep a payload may nest: serde_json's own limit, so every payload
/// can still be parsed into a tree (and files stay readable elsewhere).
pub const MAX_DEPTH: usize = 128;

/// Compact JSON text of any JSON value (including `null`).
#[derive(Clone)]
pub struct Json(Box<RawValue>);

impl Json {
    /// Any serialisable value; a value serde cannot write as JSON (a map
    /// with non-string keys) is kept as the text of the error, as a string.
    /// A value nested deeper than [`MAX_DEPTH`] is kept as its JSON text,
    /// as a string, so every file written can be read back.
    pub fn new(value: &impl Serialize) -> Json {
        match serde_json::value::to_raw_value(value) {
            Ok(raw) if may_nest_deeper(raw.get()) && scan(raw.get()).depth > MAX_DEPTH => {
                Json::new(&raw.get())
            }
            Ok(raw) => Json(raw),
            Err(error) => Json::new(&format!("unserializable value: {error}")),
        }
    }

    /// Parses JSON text (and compacts it).
    pub fn parse(text: &str) -> Result<Json, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// JSON that JS's `JSON.stringify` wrote, already read (and so
    /// checked) as part of larger text, such as an element of an array.
    /// `JSON.stringify` puts no whitespace between tokens, so only the
    /// depth is looked at, and only when the brackets are many enough to
    /// pass it: a scan of every payload a batch showed in the recording
    /// profile. Only for such text: other text would keep its whitespace,
    /// and a `Json` is compact (equality compares text).
    pub fn of_stringified(raw: &RawValue) -> Result<Json, String> {
        if may_nest_deeper(raw.get()) {
            return Json::compact(raw.to_owned());
        }
        Ok(Json(raw.to_owned()))
    }

    /// The compact JSON text.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// The value as a tree, for callers that look inside. Fails only for a
    /// value built in code that nests deeper than serde_json parses.
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    fn compact(raw: Box<RawValue>) -> Result<Json, String> {
        let shape = scan(raw.get());
        if shape.depth > MAX_DEPTH {
            return Err(format!(
                "the JSON is nested more than {MAX_DEPTH} levels deep"
            ));
        }
        if !shape.whitespace {
            return Ok(Json(raw));
        }
        let text = minify(raw.get());
        Ok(Json(
            RawValue::from_string(text).expect("minified JSON stays valid"),
        ))
    }
}

impl Json {
    /// The entries of a JSON object, in their order (`None` for any other
    /// value). serde_json's own `Map` sorts keys; payload key order is the
    /// user's and must survive a round trip.
    pub fn entries(&self) -> Option<Vec<(String, Json)>> {
        if !self.as_str().starts_with('{') {
            return None;
        }
        serde_json::from_str::<Entries>(self.as_str())
            .ok()
            .map(|e| e.0)
    }

    /// An object of the given entries, in this order; a later entry with
    /// the same key replaces the earlier one in its place.
    pub fn from_entries(entries: impl IntoIterator<Item = (String, Json)>) -> Json {
        let mut merged: Vec<(String, Json)> = Vec::new();
        for (key, value) in entries {
            match merged.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => merged.push((key, value)),
            }
        }
        Json::new(&OrderedObject(&merged))
    }
}

struct Entries(Vec<(String, Json)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Json>()? {
                    entries.push((key, value));
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(V)
    }
}

struct OrderedObject<'a>(&'a [(String, Json)]);

impl Serialize for OrderedObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl From<Value> for Json {
    fn from(value: Value) -> Json {
        Json::new(&value)
    }
}

impl From<&str> for Json {
    /// A JSON string holding `text`.
    fn from(text: &str) -> Json {
        Json::new(&text)
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Json) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Value> for Json {
    fn eq(&self, other: &Value) -> bool {
        self.to_value().is_ok_and(|value| &value == other)
    }
}

impl fmt::Debug for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Json::compact(raw).map_err(serde::de::Error::custom)
    }
}

/// Whether text could nest deeper than [`MAX_DEPTH`]: not with fewer
/// opening brackets than that (counting them is quick; the exact scan
/// below is not, and showed in import profiles), nor with fewer bytes.
fn may_nest_deeper(text: &str) -> bool {
    text.len() > MAX_DEPTH && openings(text.as_bytes()) > MAX_DEPTH
}

/// How many `{` and `[` the bytes hold, eight at a time. A byte loop
/// vectorises natively but not in wasm32 (no SIMD there), and it ran over
/// every metadata an OTLP import writes (~40% of the file's bytes).
fn openings(bytes: &[u8]) -> usize {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // `{` (0x7b) and `[` (0x5b) differ only in 0x20: with it set, both
    // are 0x7b, and no other byte is.
    const SET: u64 = 0x2020_2020_2020_2020;
    const OPENING: u64 = 0x7b7b_7b7b_7b7b_7b7b;
    let mut chunks = bytes.chunks_exact(8);
    let mut count = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let x = (word | SET) ^ OPENING; // a zero byte where a bracket was
        let nonzero = (((x & LOW) + LOW) | x) & !LOW; // each byte's top bit: x's byte ≠ 0
        count += 8 - nonzero.count_ones() as usize;
    }
    let rest = chunks.remainder().iter().filter(|&&b| b | 0x20 == b'{');
    count + rest.count()
}

struct Shape {
    whitespace: bool,
    depth: usize,
}

/// Where the string whose contents start at `at` ends: just past its
/// closing quote. Strings are most of a payload's bytes, so they are
/// skipped with `memchr` rather than byte by byte.
pub(crate) fn past_string(bytes: &[u8], mut at: usize) -> usize {
    loop {
        let rest = bytes.get(at..).unwrap_or_default();
        match memchr::memchr2(b'"', b'\\', rest) {
            None => return bytes.len(),
            Some(i) if rest[i] == b'\\' => at += i + 2, // the escaped character is skipped
            Some(i) => return at + i + 1,
        }
    }
}

/// The elements of a JSON array, as text, cut at its own commas but not
/// checked (each is read on its own: one that cannot be read is left out
/// alone). Text that is not an array has none.
pub fn elements(array: &str) -> Elements<'_> {
    let inner = array.trim();
    let inner = inner.strip_prefix('[').and_then(|i| i.strip_suffix(']'));
    Elements {
        rest: inner.unwrap_or("").trim(),
    }
}

/// See [`elements`].
pub struct Elements<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Elements<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        let bytes = self.rest.as_bytes();
        let end = walk(bytes, |byte, depth| byte == b',' && depth == 0);
        let element = &self.rest[..end];
        self.rest = self.rest.get(end + 1..).unwrap_or("").trim_start();
        Some(element.trim())
    }
}

/// Walks JSON text outside its strings, with the depth at each byte (an
/// opening bracket counts itself), until `stop` says so; returns where it
/// stopped (the length if it never did).
fn walk(bytes: &[u8], mut stop: impl FnMut(u8, usize) -> bool) -> usize {
    let (mut at, mut depth) = (0, 0usize);
    while at < bytes.len() {
        let byte = bytes[at];
        match byte {
            b'"' => {
                at = past_string(bytes, at + 1);
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if stop(byte, depth) {
            return at;
        }
        at += 1;
    }
    bytes.len()
}

/// Whitespace outside strings, and the deepest nesting, in one pass.
fn scan(text: &str) -> Shape {
    let mut shape = Shape {
        whitespace: false,
        depth: 0,
    };
    walk(text.as_bytes(), |byte, depth| {
        shape.depth = shape.depth.max(depth);
        shape.whitespace |= byte.is_ascii_whitespace();
        false
    });
    shape
}

fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        #[test]
        fn openings_counts_every_opening_bracket(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let expected = bytes.iter().filter(|b| matches!(b, b'{' | b'[')).count();
            prop_assert_eq!(openings(&bytes), expected);
        }

        #[test]
        fn openings_counts_brackets_among_json_bytes(text in r#"[{}\[\]"a:,0 ;]{0,80}"#) {
            let expected = text.bytes().filter(|b| matches!(b, b'{' | b'[')).count();
            prop_assert_eq!(openings(text.as_bytes()), expected);
        }
    }

    #[test]
    fn an_array_is_cut_at_its_own_commas() {
        let array = r#"[{"a":"x,]\"}"},[1,[2,3]],"q\\",null,4]"#;
        let cut: Vec<_> = elements(array).collect();
        assert_eq!(
            cut,
            [r#"{"a":"x,]\"}"}"#, "[1,[2,3]]", r#""q\\""#, "null", "4"]
        );
        assert_eq!(elements("[]").count(), 0);
        assert_eq!(
            elements(" [ 1 , {\"a\": 2} ] ").collect::<Vec<_>>(),
            ["1", "{\"a\": 2}"]
        );
        assert_eq!(elements("{}").count(), 0, "not an array: no element");
    }

    #[test]
    fn strings_are_skipped_whatever_they_hold() {
        // Escaped quotes and backslashes, and a backslash ending a string.
        let parsed = Json::parse(r#"{"a\\" : "b\"c ]", "d" : [ "\\\\" , "\\\"" ] }"#).unwrap();
        assert_eq!(parsed.as_str(), r#"{"a\\":"b\"c ]","d":["\\\\","\\\""]}"#);
        // Brackets inside strings do not nest.
        let text = format!("[\"{}\", {{ }}]", "[{".repeat(200));
        assert_eq!(
            Json::parse(&text).unwrap().as_str(),
            format!("[\"{}\",{{}}]", "[{".repeat(200))
        );
        assert_eq!(elements(&text).count(), 2);
    }

    #[test]
    fn json_is_compacted_outside_strings_only() {
        let parsed = Json::parse("{ \"a b\" : [1, 2],\n \"c\": \"x \\\" y\" }").unwrap();
        assert_eq!(parsed.as_str(), r#"{"a b":[1,2],"c":"x \" y"}"#);
        assert_eq!(parsed, json!({"a b": [1, 2], "c": "x \" y"}));
    }

    #[test]
    fn json_nesting_is_limited() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let err = Json::parse(&deep).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the JSON is nested more than 128 levels deep"),
            "{err}"
        );
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(Json::parse(&ok).is_ok());
    }

    #[test]
    fn json_built_too_deep_is_kept_as_text_so_files_stay_readable() {
        let mut value = json!(1);
        for _ in 0..200 {
            value = json!([value]);
        }
        let kept = Json::new(&value);
        assert!(
            kept.as_str().starts_with("\"[[[["),
            "{}",
            &kept.as_str()[..10]
        );
        assert!(Json::parse(kept.as_str()).is_ok());
    }

    #[test]
    fn json_keeps_null_and_number_text() {
        assert_eq!(Json::parse("null").unwrap().as_str(), "null");
        assert_eq!(Json::parse("1.50").unwrap().as_str(), "1.50");
        assert_eq!(Json::from("hi").as_str(), "\"hi\"");
    }
}
