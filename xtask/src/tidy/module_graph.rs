//! The module graph of a crate's `src/`. Each `.rs` file is a module
//! (`lib.rs` the crate, `a.rs` or `a/mod.rs` is `a`, `a/b.rs` is `a::b`),
//! and each path written in its code — `crate::…`, `super::…`, `self::…`,
//! in `use` trees and in expressions alike — uses the module it names: the
//! longest prefix of the path that is a module. Comments, doc comments and
//! literals hold no uses, and neither does a `#[cfg(test)] mod … { … }`
//! block: tests may reach any layer.

use std::collections::BTreeSet;

use super::rust_tokens::{tokens, Located, Token};

/// A module's path from the crate root; empty for the crate itself.
pub type Module = Vec<String>;

/// A path in one module's file that names another module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    pub from: Module,
    pub to: Module,
    /// The file as given, and the line of the path's last segment.
    pub file: String,
    pub line: usize,
}

/// The module a file holds, from its path relative to `src/`.
pub fn module_of(file: &str) -> Module {
    let mut parts: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    let last = parts.last().map(String::as_str);
    if last == Some("mod") || (parts.len() == 1 && matches!(last, Some("lib" | "main"))) {
        parts.pop();
    }
    parts
}

/// Every use between different modules in `files` (path relative to
/// `src/`, text), in file order, then line order.
pub fn uses(files: &[(String, String)]) -> Vec<Use> {
    let modules: BTreeSet<Module> = files.iter().map(|(file, _)| module_of(file)).collect();
    let mut found = Vec::new();
    for (file, text) in files {
        let from = module_of(file);
        for (path, line) in paths(&from, text) {
            let to = longest_module(&modules, &path);
            if to != from {
                found.push(Use {
                    from: from.clone(),
                    to,
                    file: file.clone(),
                    line,
                });
            }
        }
    }
    found
}

fn longest_module(modules: &BTreeSet<Module>, path: &[String]) -> Module {
    (0..=path.len())
        .rev()
        .map(|n| &path[..n])
        .find(|prefix| modules.contains(*prefix))
        .unwrap_or_default()
        .to_vec()
}

/// The crate-relative paths a file writes, each with its line. Inline
/// modules (`mod name { … }`) are followed, so `super` inside one means
/// the file's own module.
fn paths(file_module: &[String], text: &str) -> Vec<(Vec<String>, usize)> {
    let tokens = tokens(text);
    let token = |i: usize| tokens.get(i).map(|t| t.token);
    let mut found = Vec::new();
    // Open inline modules: name, and the brace depth inside them.
    let mut inline: Vec<(&str, usize)> = Vec::new();
    let mut depth: usize = 0;
    let mut i = 0;
    while let Some(current) = token(i) {
        match current {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                if inline.last().is_some_and(|&(_, inside)| inside == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Token::Punct('#') => {
                if let Some(end) = past_test_module(&tokens, i) {
                    i = end;
                    continue;
                }
            }
            Token::Ident("mod") => {
                if let (Some(Token::Ident(name)), Some(Token::Punct('{'))) =
                    (token(i + 1), token(i + 2))
                {
                    inline.push((name, depth + 1));
                }
            }
            Token::Ident("crate" | "super" | "self")
                if token(i + 1) == Some(Token::PathSep) && starts_path(&tokens, i) =>
            {
                let scope: Vec<String> = file_module
                    .iter()
                    .cloned()
                    .chain(inline.iter().map(|(name, _)| name.to_string()))
                    .collect();
                let mut written = Vec::new();
                i = use_tree(&tokens, i, Vec::new(), &mut written);
                found.extend(
                    written
                        .into_iter()
                        .map(|(segments, line)| (resolve(&scope, &segments), line)),
                );
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// Whether the keyword at `i` starts a path: not the middle of one, not
/// `$crate` in a macro, not `pub(in crate::…)` (a visibility, no use).
fn starts_path(tokens: &[Located], i: usize) -> bool {
    let before = |n: usize| i.checked_sub(n).map(|k| tokens[k].token);
    let inside_path = matches!(before(1), Some(Token::PathSep | Token::Punct('$')));
    let visibility = before(1) == Some(Token::Ident("in")) && before(2) == Some(Token::Punct('('));
    !inside_path && !visibility
}

/// Reads the path (or `use` tree) starting at `i` into `out`, one entry
/// per leaf with the line of its last segment, and returns the index after
/// it. A `*`, a turbofish `<` or anything else that is no segment ends it.
fn use_tree<'a>(
    tokens: &[Located<'a>],
    mut i: usize,
    mut prefix: Vec<&'a str>,
    out: &mut Vec<(Vec<&'a str>, usize)>,
) -> usize {
    let token = |i: usize| tokens.get(i).map(|t| t.token);
    let mut line = tokens.get(i).map_or(0, |t| t.line);
    loop {
        match token(i) {
            Some(Token::Ident(segment)) => {
                prefix.push(segment);
                line = tokens[i].line;
                i += 1;
                if token(i) != Some(Token::PathSep) {
                    break;
                }
                i += 1;
            }
            Some(Token::Punct('{')) => {
                i += 1;
                loop {
                    match token(i) {
                        None => return i,
                        Some(Token::Punct('}')) => return i + 1,
                        Some(Token::Punct(',')) => i += 1,
                        // `Value as Attribute`: the new name is no path.
                        Some(Token::Ident("as")) => i += 2,
                        Some(_) => i = use_tree(tokens, i, prefix.clone(), out).max(i + 1),
                    }
                }
            }
            _ => break,
        }
    }
    out.push((prefix, line));
    i
}

/// A written path as a path from the crate root, `scope` being the module
/// it is written in.
fn resolve(scope: &[String], segments: &[&str]) -> Vec<String> {
    let (mut path, rest) = match segments.split_first() {
        Some((&"crate", rest)) => (Vec::new(), rest),
        _ => (scope.to_vec(), segments),
    };
    for segment in rest {
        match *segment {
            "self" => {}
            "super" => {
                path.pop();
            }
            name => path.push(name.to_string()),
        }
    }
    path
}

/// At `#[cfg(test)]` followed (after other attributes and a visibility)
/// by `mod name { … }`: the index just past that block.
fn past_test_module(tokens: &[Located], i: usize) -> Option<usize> {
    const CFG_TEST: [Token<'static>; 7] = [
        Token::Punct('#'),
        Token::Punct('['),
        Token::Ident("cfg"),
        Token::Punct('('),
        Token::Ident("test"),
        Token::Punct(')'),
        Token::Punct(']'),
    ];
    let token = |i: usize| tokens.get(i).map(|t| t.token);
    if !tokens.get(i..i + 7)?.iter().map(|t| t.token).eq(CFG_TEST) {
        return None;
    }
    let mut j = i + 7;
    while token(j) == Some(Token::Punct('#')) {
        j = past_group(tokens, j + 1)?;
    }
    if token(j) == Some(Token::Ident("pub")) {
        j += 1;
        if token(j) == Some(Token::Punct('(')) {
            j = past_group(tokens, j)?;
        }
    }
    let is_module = token(j) == Some(Token::Ident("mod"))
        && matches!(token(j + 1), Some(Token::Ident(_)))
        && token(j + 2) == Some(Token::Punct('{'));
    if !is_module {
        return None;
    }
    past_group(tokens, j + 2)
}

/// The index just past the bracketed group opening at `open`.
fn past_group(tokens: &[Located], open: usize) -> Option<usize> {
    let (opening, closing) = match tokens.get(open)?.token {
        Token::Punct('(') => ('(', ')'),
        Token::Punct('[') => ('[', ']'),
        Token::Punct('{') => ('{', '}'),
        _ => return None,
    };
    let mut depth = 0;
    for (k, located) in tokens.iter().enumerate().skip(open) {
        if located.token == Token::Punct(opening) {
            depth += 1;
        } else if located.token == Token::Punct(closing) {
            depth -= 1;
            if depth == 0 {
                return Some(k + 1);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The uses of one file `a/b.rs` (module `a::b`) in a crate that also
    /// has the modules `a`, `c` and `c::d`, as `from -> to :line`.
    fn check(text: &str, expected: &[&str]) {
        let files: Vec<(String, String)> = [
            ("lib.rs", ""),
            ("a/mod.rs", ""),
            ("a/b.rs", text),
            ("c.rs", ""),
            ("c/d.rs", ""),
        ]
        .iter()
        .map(|(file, text)| (file.to_string(), text.to_string()))
        .collect();
        let found: Vec<String> = uses(&files)
            .iter()
            .map(|u| format!("{} -> {} :{}", u.from.join("::"), u.to.join("::"), u.line))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn module_graph_files_name_their_modules() {
        assert_eq!(module_of("lib.rs"), Module::new());
        assert_eq!(module_of("store.rs"), ["store"]);
        assert_eq!(module_of("rules/mod.rs"), ["rules"]);
        assert_eq!(
            module_of("format/otlp/export.rs"),
            ["format", "otlp", "export"]
        );
    }

    #[test]
    fn module_graph_reads_use_trees_and_inline_paths() {
        check(
            "use crate::{c::{d::{self, X}, Y as Z}, a};\nfn f() {\n    super::super::c::d::g::<u8>();\n}",
            &["a::b -> c::d :1", "a::b -> c::d :1", "a::b -> c :1", "a::b -> a :1", "a::b -> c::d :3"],
        );
        check("use super::*;\nuse self::inner::X;", &["a::b -> a :1"]);
    }

    #[test]
    fn module_graph_follows_inline_modules() {
        check(
            "mod inner {\n    use super::super::super::c::X;\n}\nuse super::super::c::Y;",
            &["a::b -> c :2", "a::b -> c :4"],
        );
    }

    #[test]
    fn module_graph_ignores_prose_literals_tests_and_visibility() {
        check(
            "//! See [`crate::c`].\n// crate::c\n/* crate::c */\nconst S: &str = \"crate::c\";\n\
             pub(in crate::c) fn f() {}\nmacro_rules! m { () => { $crate::c::X } }\n\
             #[cfg(test)]\n#[allow(unused)]\npub(crate) mod tests {\n    use crate::c::X;\n}\n\
             fn g() -> crate::c::d::Y {}",
            &["a::b -> c::d :12"],
        );
    }
}
