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
}

/// A serde_json error in `text` (one JSON document, or one line of a JSON
/// Lines file starting at line `first_line`), with the path to the bad value
/// when known (`traces[0].started_at`).
pub(crate) fn json_error(
    file: &str,
    text: &str,
    error: &serde_json::Error,
    path: Option<String>,
    first_line: usize,
) -> ImportError {
    let (mut line, mut column) = (error.line(), error.column());
    if column == 0 && line > 1 {
        // serde_json reports an error on a newline as column 0 of the next
        // line; the user's mistake is at the end of the line before.
        line -= 1;
        column = text
            .lines()
            .nth(line - 1)
            .map_or(1, |l| l.chars().count() + 1);
    }
    let message = humanize(error);
    // Where a truncated file stopped is all that matters; the path is noise.
    let path = path
        .filter(|_| !error.is_eof())
        .map(short_path)
        .filter(|p| !p.is_empty() && p != "." && p != "?");
    let message = match path {
        Some(path) => format!("at {path}: {message}"),
        None => message,
    };
    ImportError::at(file, line + first_line - 1, column.max(1), message)
}

/// Line and column (1-based, in characters) of a byte offset.
pub(crate) fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Paths deep inside free-form JSON (metadata nested 100 levels) say no
/// more than their first steps.
fn short_path(path: String) -> String {
    const KEEP: usize = 7;
    let parts: Vec<&str> = path.split('.').collect();
    if parts.len() <= KEEP {
        return path;
    }
    format!("{}.…", parts[..KEEP].join("."))
}

/// serde_json's message without its position, in plainer words.
fn humanize(error: &serde_json::Error) -> String {
    if error.is_eof() {
        return "the file ends in the middle of a JSON value; is it truncated?".to_string();
    }
    let text = error.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    let plain = match text {
        "recursion limit exceeded" => "the JSON is nested more than 128 levels deep",
        "trailing characters" => "there is more text after the end of the JSON value",
        "number out of range" => "the number is too large to represent",
        "expected value" | "expected ident" => "this is not valid JSON here (expected a value such as {, [, \"text\", a number, true, false or null)",
        "control character (\\u0000-\\u001F) found while parsing a string" => {
            "the text in quotes is not closed before the end of the line (or holds a raw control character)"
        }
        _ => "",
    };
    if !plain.is_empty() {
        return plain.to_string();
    }
    text.replace("expected u64", "expected a whole number of at least 0")
        .replace("expected u32", "expected a whole number of at least 0")
        .replace("expected f64", "expected a number")
        .replace("expected a string", "expected text in quotes")
}

/// The JSON kind a text starts with, when it is not an object.
pub(crate) fn not_an_object(text: &str) -> Option<(usize, &'static str)> {
    let offset = text.len() - text.trim_start().len();
    let kind = match text[offset..].chars().next()? {
        '{' => return None,
        '[' => "a JSON array",
        '"' => "a JSON string",
        '-' | '0'..='9' => "a JSON number",
        _ if ["true", "false", "null"]
            .iter()
            .any(|w| text[offset..].starts_with(w)) =>
        {
            "a JSON literal"
        }
        _ => "text that is not JSON",
    };
    Some((offset, kind))
}
