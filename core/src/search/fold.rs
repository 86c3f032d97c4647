//! Case folding for search: the one mapping applied to both the query and
//! the text searched, so they always compare alike.
//!
//! It is Unicode lowercasing, character by character (`char::to_lowercase`,
//! which knows every script with case: Latin with accents, Greek, Cyrillic,
//! Armenian, Georgian, Cherokee…; scripts without case, CJK and Arabic,
//! pass unchanged), plus one equivalence lowercasing alone misses: Greek
//! final sigma `ς` reads as `σ`, so "ΟΔΟΣ" finds "οδός". It is not full case
//! folding: "ß" does not find "SS". Nor is text normalised: a precomposed
//! "é" does not find "e" followed by a combining accent.

/// Appends `text`, folded, to `out`.
pub fn fold_into(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // ASCII runs (most of any payload, whatever its language: JSON
        // punctuation, markup, code) are folded a byte at a time, which
        // the compiler vectorises.
        let ascii_end = run_end(bytes, at, |b| b.is_ascii());
        out.extend(bytes[at..ascii_end].iter().map(u8::to_ascii_lowercase));
        // An ASCII byte is always a character boundary.
        let other_end = run_end(bytes, ascii_end, |b| !b.is_ascii());
        for c in text[ascii_end..other_end].chars() {
            push_folded(c, out);
        }
        at = other_end;
    }
}

/// Where the run of bytes from `from` that satisfy `keep` ends.
fn run_end(bytes: &[u8], from: usize, keep: impl Fn(u8) -> bool) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| !keep(b))
        .map_or(bytes.len(), |n| from + n)
}

/// Appends one character, folded, to `out`.
pub fn push_folded(c: char, out: &mut Vec<u8>) {
    if c.is_ascii() {
        out.push((c as u8).to_ascii_lowercase());
    } else if is_caseless(c) || is_small_letter(c) {
        // Most of any non-English text: no table lookup.
        push_char(c, out);
    } else {
        for lower in c.to_lowercase() {
            push_char(if lower == 'ς' { 'σ' } else { lower }, out);
        }
    }
}

/// Byte by byte: `extend_from_slice` calls `memcpy` for a slice this short.
fn push_char(c: char, out: &mut Vec<u8>) {
    let mut buffer = [0u8; 4];
    for &byte in c.encode_utf8(&mut buffer).as_bytes() {
        out.push(byte);
    }
}

/// Characters of scripts without case (Hebrew to Myanmar, CJK, kana,
/// Hangul): no other character folds to one of them, and they fold to
/// themselves. `tests` checks both against the Unicode tables.
pub fn is_caseless(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{109F}' | '\u{2E80}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7FF}')
}

/// Small letters (and a few signs) that fold to themselves: Latin-1's,
/// Cyrillic's and Greek's (final sigma aside).
fn is_small_letter(c: char) -> bool {
    matches!(c, '\u{00DF}'..='\u{00FF}' | '\u{0430}'..='\u{045F}' | '\u{03AC}'..='\u{03CE}')
        && c != 'ς'
}

/// `text` folded, as a string.
pub fn fold(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    fold_into(text, &mut out);
    String::from_utf8(out).expect("folding keeps text UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_lowercases_every_cased_script() {
        assert_eq!(fold("Hello WORLD"), "hello world");
        assert_eq!(fold("ÉCOLE Ça Ñandú"), "école ça ñandú");
        assert_eq!(fold("ПРИВЕТ Мир"), "привет мир");
        assert_eq!(fold("ΑΘΗΝΑ"), "αθηνα");
        assert_eq!(fold("Ճանապարհ"), "ճանապարհ");
    }

    #[test]
    fn fold_leaves_uncased_scripts_alone() {
        assert_eq!(fold("東京の天気"), "東京の天気");
        assert_eq!(fold("مرحبا بالعالم"), "مرحبا بالعالم");
        assert_eq!(fold("한국어 텍스트"), "한국어 텍스트");
    }

    #[test]
    fn fold_reads_final_sigma_as_sigma() {
        assert_eq!(fold("ΟΔΟΣ"), fold("οδος"));
        assert_eq!(fold("οδός"), "οδόσ");
    }

    #[test]
    fn fold_shortcuts_agree_with_the_unicode_tables() {
        let all = || (0..=0x10FFFFu32).filter_map(char::from_u32);
        for c in all().filter(|&c| is_caseless(c) || is_small_letter(c)) {
            assert!(c.to_lowercase().eq([c]), "{c:?} folds to itself");
        }
        // Nothing else folds into a caseless script: searching raw text
        // for a caseless character finds every text that folds to it.
        for c in all().filter(|&c| !is_caseless(c)) {
            assert!(!c.to_lowercase().any(is_caseless), "{c:?}");
        }
    }

    #[test]
    fn fold_handles_mixed_runs_and_growing_characters() {
        // 'İ' lowercases to two characters (i + combining dot): folding may
        // change a text's length, which is why folded offsets never index
        // the original.
        assert_eq!(fold("aİb"), "ai\u{307}b");
        assert_eq!(fold("A東B京C"), "a東b京c");
        assert_eq!(fold(""), "");
    }
}
