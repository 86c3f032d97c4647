//! The one error type of reading and importing files, and the wording of
//! serde's messages for people who did not write the parser.

use std::fmt;

/// A file was refused. `Display`: `file:line:column: what is wrong`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "{}:{line}:{column}: {}", self.file, self.message)
            }
            (Some(line), None) => write!(f, "{}:{line}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl ImportError {
    pub fn at(file: &str, line: usize, column: usize, message: impl Into<String>) -> ImportError {
        ImportError {
            file: file.to_string(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }

    pub fn whole(file: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            file: file.to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// A serde_json error, with the path to the bad value when known
    /// (`traces[0].started_at`). `line_offset` shifts lines for JSON Lines.
    pub(crate) fn from_json(
        file: &str,
        error: &serde_json::Error,
        path: Option<String>,
        line_offset: usize,
    ) -> ImportError {
        let message = humanize(error);
        let message = match path.filter(|p| !p.is_empty() && p != ".") {
            Some(path) => format!("at {path}: {message}"),
            None => message,
        };
        ImportError::at(file, error.line() + line_offset, error.column(), message)
    }
}

/// Line and column (1-based, in characters) of a byte offset.
pub(crate) fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// serde_json's message without its position, in plainer words.
fn humanize(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    if error.is_eof() {
        return "the file ends in the middle of a JSON value; is it truncated?".to_string();
    }
    if text == "recursion limit exceeded" {
        return "the JSON is nested more than 128 levels deep".to_string();
    }
    text.replace("expected u64", "expected a whole number of at least 0")
        .replace("expected u32", "expected a whole number of at least 0")
        .replace("expected f64", "expected a number")
        .replace("expected a string", "expected text in quotes")
}
