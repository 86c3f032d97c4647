//! The fast path: an ASCII query found in raw text as stored, with no
//! folded copy. Case is ignored byte by byte (for ASCII it is the whole of
//! folding), and in a payload each place found is kept only when it lies
//! in the text of one string value, not in an escape, or in a number.
//! `find.rs` decides when this gives the same answer as the fold path.

use memchr::{memchr, memchr2};

/// An ASCII query, folded.
#[derive(Clone, Debug)]
pub struct AsciiNeedle {
    bytes: Vec<u8>,
    /// The offset of its rarest byte, by which places are looked for.
    rare: usize,
}

impl AsciiNeedle {
    /// `folded` is ASCII and not empty.
    pub fn new(folded: &[u8]) -> AsciiNeedle {
        let rare = (0..folded.len())
            .min_by_key(|&i| commonness(folded[i]))
            .unwrap_or(0);
        AsciiNeedle {
            bytes: folded.to_vec(),
            rare,
        }
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The first place at or after `from` where `hay` holds the needle,
    /// ASCII case ignored.
    pub fn find_from(&self, hay: &[u8], from: usize) -> Option<usize> {
        let byte = self.bytes[self.rare];
        let (lower, upper) = (byte, byte.to_ascii_uppercase());
        let mut at = from + self.rare;
        while at < hay.len() {
            let found = if lower == upper {
                memchr(lower, &hay[at..])
            } else {
                memchr2(lower, upper, &hay[at..])
            };
            let start = at + found? - self.rare;
            let end = start + self.bytes.len();
            if end <= hay.len() && hay[start..end].eq_ignore_ascii_case(&self.bytes) {
                return Some(start);
            }
            at = start + self.rare + 1;
        }
        None
    }
}

/// How often a byte shows in LLM payloads (JSON punctuation, English text,
/// ids and numbers): higher is more common. Unlisted bytes are rarest.
fn commonness(byte: u8) -> usize {
    const COMMON_LAST: &[u8] = b"\" e:,taoinsrhldcu{}0123456789mpf.g-yw_b[]vk/xjqz";
    COMMON_LAST
        .iter()
        .position(|&b| b == byte.to_ascii_lowercase())
        .map_or(0, |i| COMMON_LAST.len() - i)
}

/// Whether the compact JSON text `json` holds `needle` inside the text of
/// one string value or in a number, outside escapes. The caller makes
/// sure that this is where the decoded values would hold it: the needle
/// has no `"` and `\`, and no escape stands for a character the needle
/// could match.
pub fn json_value_holds(json: &[u8], needle: &AsciiNeedle) -> bool {
    let mut reader = Reader::new(json);
    let mut from = 0;
    while let Some(at) = needle.find_from(json, from) {
        if reader.is_value_text(at, needle.len()) {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Where a place in JSON text is: read forward from the start, only as far
/// as the places asked about (which come in increasing order).
struct Reader<'a> {
    json: &'a [u8],
    /// Read up to here; past the place asked about only when that place is
    /// the character of an escape.
    at: usize,
    in_string: bool,
    /// Where the current (or last) string's contents start.
    string_start: usize,
    /// The last string found to be a key or a value, by its start.
    known: Option<(usize, bool)>,
}

impl<'a> Reader<'a> {
    fn new(json: &'a [u8]) -> Reader<'a> {
        Reader {
            json,
            at: 0,
            in_string: false,
            string_start: 0,
            known: None,
        }
    }

    /// Whether `len` bytes at `at` (free of `"` and `\`) are text of a
    /// string value, or part of a number.
    fn is_value_text(&mut self, at: usize, len: usize) -> bool {
        self.read_to(at);
        if self.at > at {
            return false; // The character of an escape (the `n` of `\n`).
        }
        if self.in_string {
            return !self.string_is_key();
        }
        let is_number_byte = |b: &u8| matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9');
        let first = self.json[..at]
            .iter()
            .rposition(|b| !is_number_byte(b))
            .map_or(0, |i| i + 1);
        self.json[at..at + len].iter().all(is_number_byte)
            && matches!(self.json[first], b'-' | b'0'..=b'9')
    }

    fn read_to(&mut self, target: usize) {
        while self.at < target {
            let rest = &self.json[self.at..target];
            if self.in_string {
                let Some(n) = memchr2(b'"', b'\\', rest) else {
                    self.at = target;
                    return;
                };
                let found = self.at + n;
                if self.json[found] == b'\\' {
                    self.at = found + escape_len(self.json, found);
                } else {
                    self.in_string = false;
                    self.at = found + 1;
                }
            } else {
                // Outside strings, valid JSON has no backslash.
                let Some(n) = memchr(b'"', rest) else {
                    self.at = target;
                    return;
                };
                self.in_string = true;
                self.string_start = self.at + n + 1;
                self.at = self.string_start;
            }
        }
    }

    /// Whether the string being read is a key: in compact JSON, a `:`
    /// follows its closing quote.
    fn string_is_key(&mut self) -> bool {
        if let Some((start, is_key)) = self.known {
            if start == self.string_start {
                return is_key;
            }
        }
        let mut at = self.at;
        let is_key = loop {
            let Some(n) = memchr2(b'"', b'\\', &self.json[at..]) else {
                break false;
            };
            at += n;
            if self.json[at] == b'"' {
                break self.json.get(at + 1) == Some(&b':');
            }
            at += escape_len(self.json, at);
        };
        self.known = Some((self.string_start, is_key));
        is_key
    }
}

/// How long the escape at `at` (a backslash) is: `\uXXXX` or `\n`.
fn escape_len(json: &[u8], at: usize) -> usize {
    if json.get(at + 1) == Some(&b'u') {
        6
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(json: &str, needle: &str) -> bool {
        json_value_holds(json.as_bytes(), &AsciiNeedle::new(needle.as_bytes()))
    }

    #[test]
    fn raw_needle_ignores_ascii_case_and_finds_every_place() {
        let needle = AsciiNeedle::new(b"key");
        let hay = b"a KEY, a Key and a kEy";
        assert_eq!(needle.find_from(hay, 0), Some(2));
        assert_eq!(needle.find_from(hay, 3), Some(9));
        assert_eq!(needle.find_from(hay, 10), Some(19));
        assert_eq!(needle.find_from(hay, 20), None);
        assert_eq!(AsciiNeedle::new(b"zz").find_from(b"z", 0), None);
    }

    #[test]
    fn raw_needle_looks_for_its_rarest_byte() {
        assert_eq!(AsciiNeedle::new(b"zeppelin").rare, 0);
        assert_eq!(AsciiNeedle::new(b"the key").rare, 4);
    }

    #[test]
    fn raw_json_finds_value_text_only() {
        let json = r#"{"role":"user","content":"Rotate KEY now","n":-12.5e3,"ok":true}"#;
        assert!(holds(json, "rotate key"));
        assert!(holds(json, "user"));
        assert!(holds(json, "12.5e"));
        assert!(!holds(json, "role"), "a key");
        assert!(!holds(json, "content"), "a key");
        assert!(!holds(json, "true"));
        assert!(
            !holds(r#"{"ok":true,"off":false}"#, "e"),
            "literals are not text"
        );
        assert!(
            holds(r#"{"ok":true,"n":1e5}"#, "e"),
            "a number's exponent is"
        );
        assert!(!holds(json, "user:"));
    }

    #[test]
    fn raw_json_skips_escapes_and_escaped_quotes() {
        // `\n` is a newline, not the letter n; `\"` does not end the string.
        let json = r#"{"a":"x\nyz \"role\":q","role":1}"#;
        assert!(!holds(json, "nyz"));
        assert!(holds(json, "yz"));
        assert!(holds(json, "role"), "text in a value that looks like a key");
        let unicode = r#"{"a":"\u6771\u4eac 1abc"}"#;
        assert!(holds(unicode, "1abc"));
        assert!(!holds(unicode, "6771"), "hex digits of an escape");
        assert!(!holds(unicode, "4eac 1"));
        let key_after_escape = r#"{"a\nb":"v","c":"needle"}"#;
        assert!(!holds(key_after_escape, "b"));
        assert!(holds(key_after_escape, "needle"));
    }
}
