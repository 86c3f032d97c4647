//! `Query`: the user's text, folded once, and what lets search skip the
//! folding of what it reads (`raw`).

use memchr::memmem::Finder;

use super::fold::{fold, is_caseless};
use super::raw::AsciiNeedle;

/// What the user searches for, folded once.
#[derive(Clone, Debug)]
pub struct Query {
    pub(super) text: String,
    /// Finds the query in folded text.
    pub(super) finder: Finder<'static>,
    /// The query as an ASCII needle for raw text, when it is ASCII.
    pub(super) ascii: Option<AsciiNeedle>,
    /// Whether the query holds a character JSON text may escape even where
    /// it needs not (`"`, `\`, `/`, control characters): then a payload's
    /// raw text is never searched directly.
    pub(super) escapable: bool,
    /// The longest run of characters without case (CJK, Arabic…, spaces and
    /// digits included) of a non-ASCII query: any text that folds to the
    /// query holds it as written, unless it wrote it in `\u` escapes.
    pub(super) caseless: Option<Finder<'static>>,
}

impl Query {
    /// The query for the user's text; `None` when it is empty once trimmed.
    pub fn new(text: &str) -> Option<Query> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let text = fold(text);
        let ascii = text.is_ascii().then(|| AsciiNeedle::new(text.as_bytes()));
        let escapable = text.chars().any(is_escapable);
        let caseless = longest_caseless_run(&text)
            .filter(|run| !run.is_ascii())
            .map(|run| Finder::new(run.as_bytes()).into_owned());
        Some(Query {
            finder: Finder::new(text.as_bytes()).into_owned(),
            text,
            ascii,
            escapable,
            caseless,
        })
    }

    /// The query as it is compared: trimmed and folded.
    pub fn folded(&self) -> &str {
        &self.text
    }

    /// Whether the query may hold an ASCII `i` or `k`, which two non-ASCII
    /// characters fold to (İ, and the Kelvin sign).
    pub(super) fn has_i_or_k(&self) -> bool {
        self.text.bytes().any(|b| b == b'i' || b == b'k')
    }
}

/// Characters JSON text may write as an escape other than `\u`.
fn is_escapable(c: char) -> bool {
    matches!(c, '"' | '\\' | '/') || c.is_control()
}

/// The longest run of characters that have no case (ASCII letters aside)
/// and that JSON text never escapes unless written with `\u`.
fn longest_caseless_run(text: &str) -> Option<&str> {
    let caseless =
        |c: char| is_caseless(c) || (c.is_ascii() && !c.is_ascii_alphabetic() && !is_escapable(c));
    let mut best: Option<&str> = None;
    let mut start = None;
    for (at, c) in text.char_indices().chain([(text.len(), 'a')]) {
        match (caseless(c) && at < text.len(), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                let run = &text[from..at];
                if best.is_none_or(|b| run.len() > b.len()) {
                    best = Some(run);
                }
                start = None;
            }
            _ => {}
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keeps_the_longest_caseless_run_of_a_non_ascii_query() {
        let run = |text: &str| longest_caseless_run(text).map(String::from);
        assert_eq!(run("東京リージョン"), Some("東京リージョン".into()));
        assert_eq!(run("api 東京 key"), Some(" 東京 ".into()));
        assert_eq!(run("смена ключа"), Some(" ".into()));
        assert!(Query::new("смена ключа").unwrap().caseless.is_none());
        assert!(Query::new("plain ascii").unwrap().caseless.is_none());
        assert!(Query::new("東京").unwrap().caseless.is_some());
    }

    #[test]
    fn query_notes_characters_json_may_escape() {
        assert!(Query::new("a/b").unwrap().escapable);
        assert!(Query::new("say \"hi\"").unwrap().escapable);
        assert!(!Query::new("say hi").unwrap().escapable);
    }
}
