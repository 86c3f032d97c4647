//! Rust source as a flat list of tokens, for the module-graph check:
//! identifiers, `::` and single punctuation, each with its line. Comments
//! (doc comments too), string, byte and char literals and lifetimes are
//! dropped, so a path written in prose or in a string is no dependency.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// An identifier, keyword or number (`r#` stripped from raw ones).
    Ident(&'a str),
    /// `::`
    PathSep,
    Punct(char),
}

/// A token and its 1-based line.
#[derive(Clone, Copy, Debug)]
pub struct Located<'a> {
    pub token: Token<'a>,
    pub line: usize,
}

pub fn tokens(text: &str) -> Vec<Located<'_>> {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
        out: Vec::new(),
    };
    lexer.run();
    lexer.out
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    line: usize,
    out: Vec<Located<'a>>,
}

impl<'a> Lexer<'a> {
    fn run(&mut self) {
        while let Some(byte) = self.peek(0) {
            match byte {
                b'/' if self.peek(1) == Some(b'/') => self.skip_line(),
                b'/' if self.peek(1) == Some(b'*') => self.skip_block_comment(),
                b'"' => self.skip_string(),
                b'\'' => self.skip_char_or_lifetime(),
                b'r' | b'b' | b'c' if self.skip_prefixed_literal() => {}
                b':' if self.peek(1) == Some(b':') => {
                    self.push(Token::PathSep);
                    self.at += 2;
                }
                _ if is_ident(byte) => self.ident(),
                _ => {
                    self.count_line(byte);
                    if !byte.is_ascii_whitespace() {
                        self.push(Token::Punct(char::from(byte)));
                    }
                    self.at += 1;
                }
            }
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    fn push(&mut self, token: Token<'a>) {
        self.out.push(Located {
            token,
            line: self.line,
        });
    }

    fn count_line(&mut self, byte: u8) {
        if byte == b'\n' {
            self.line += 1;
        }
    }

    /// Steps over one byte, counting lines.
    fn bump(&mut self) {
        if let Some(byte) = self.peek(0) {
            self.count_line(byte);
            self.at += 1;
        }
    }

    fn ident(&mut self) {
        let start = self.at;
        while self.peek(0).is_some_and(is_ident) {
            self.at += 1;
        }
        self.push(Token::Ident(&self.text[start..self.at]));
    }

    fn skip_line(&mut self) {
        while self.peek(0).is_some_and(|b| b != b'\n') {
            self.at += 1;
        }
    }

    /// Block comments nest in Rust.
    fn skip_block_comment(&mut self) {
        let mut depth = 0;
        while let Some(byte) = self.peek(0) {
            if byte == b'/' && self.peek(1) == Some(b'*') {
                depth += 1;
                self.at += 2;
            } else if byte == b'*' && self.peek(1) == Some(b'/') {
                depth -= 1;
                self.at += 2;
                if depth == 0 {
                    return;
                }
            } else {
                self.bump();
            }
        }
    }

    /// A `"…"` literal with escapes, from its opening quote.
    fn skip_string(&mut self) {
        self.at += 1;
        while let Some(byte) = self.peek(0) {
            match byte {
                b'\\' => {
                    self.at += 1;
                    self.bump();
                }
                b'"' => {
                    self.at += 1;
                    return;
                }
                _ => self.bump(),
            }
        }
    }

    /// `r"…"`, `r#"…"#`, `b"…"`, `br#"…"#`, `b'…'`, `c"…"`, `cr"…"`, and
    /// raw identifiers (`r#type`). False when the `r`, `b` or `c` starts a
    /// plain identifier.
    fn skip_prefixed_literal(&mut self) -> bool {
        let mut prefix = 1;
        if matches!(self.peek(0), Some(b'b' | b'c')) && self.peek(1) == Some(b'r') {
            prefix = 2;
        }
        let raw = self.peek(prefix - 1) == Some(b'r');
        let hashes = (prefix..)
            .take_while(|&i| raw && self.peek(i) == Some(b'#'))
            .count();
        match self.peek(prefix + hashes) {
            Some(b'"') if raw => {
                self.at += prefix + hashes + 1;
                self.skip_raw_string(hashes);
            }
            Some(b'"') if hashes == 0 => {
                self.at += prefix;
                self.skip_string();
            }
            Some(b'\'') if self.peek(0) == Some(b'b') && prefix == 1 => {
                self.at += 1;
                self.skip_char_or_lifetime();
            }
            Some(byte) if raw && hashes == 1 && prefix == 1 && is_ident(byte) => {
                self.at += 2;
                self.ident();
            }
            _ => return false,
        }
        true
    }

    /// The body of a raw string, after its opening quote.
    fn skip_raw_string(&mut self, hashes: usize) {
        while let Some(byte) = self.peek(0) {
            if byte == b'"' && (1..=hashes).all(|i| self.peek(i) == Some(b'#')) {
                self.at += 1 + hashes;
                return;
            }
            self.bump();
        }
    }

    /// `'x'`, `'\n'`, `'"'` are chars; `'a` in `&'a str` is a lifetime.
    fn skip_char_or_lifetime(&mut self) {
        self.at += 1;
        if self.peek(0) == Some(b'\\') {
            self.at += 2;
            while self.peek(0).is_some_and(|b| b != b'\'') {
                self.at += 1;
            }
            self.at += 1;
            return;
        }
        let width = self.text[self.at..]
            .chars()
            .next()
            .map_or(1, char::len_utf8);
        if self.peek(width) == Some(b'\'') {
            self.at += width + 1;
            return;
        }
        while self.peek(0).is_some_and(is_ident) {
            self.at += 1;
        }
    }
}

/// Identifier bytes; non-ASCII bytes belong to identifiers (or are inside
/// a literal or comment and never reach here).
fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens of `text`, written back as one line of text.
    fn check(text: &str, expected: &str) {
        let written: Vec<String> = tokens(text)
            .iter()
            .map(|t| match t.token {
                Token::Ident(name) => name.to_string(),
                Token::PathSep => "::".into(),
                Token::Punct(c) => c.to_string(),
            })
            .collect();
        assert_eq!(written.join(" "), expected);
    }

    #[test]
    fn rust_tokens_drop_comments_and_literals() {
        check(
            "// crate::a\n/// crate::b\n/* crate::c /* nested */ */ x",
            "x",
        );
        check(
            r####"f("crate::a \" x", r#"crate::"b"#, b"c", br##"d"##, c"e")"####,
            "f ( , , , , )",
        );
        check("g('\"', '\\'', b'x', '\\u{1F600}', 'é')", "g ( , , , , )");
    }

    #[test]
    fn rust_tokens_keep_paths_and_drop_lifetimes() {
        check(
            "fn f<'a>(x: &'a str) -> crate::m::T",
            "fn f < > ( x : & str ) - > crate :: m :: T",
        );
        check("r#type::x; br", "type :: x ; br");
    }

    #[test]
    fn rust_tokens_count_lines_through_comments_and_strings() {
        let lines: Vec<usize> = tokens("a\n/* \n */ \"\n\" b\nr#\"\n\"# c")
            .iter()
            .map(|t| t.line)
            .collect();
        assert_eq!(lines, [1, 4, 6]);
    }
}
