//! Source files stay under a line limit: a long file holds more than one
//! thing, and its reader loses the thread. Every line counts, tests at the
//! end of a Rust file included: they are read too.

pub const LIMIT: usize = 600;

/// The files (path, text) over [`LIMIT`] lines, with their line counts.
pub fn oversized(files: &[(String, String)]) -> Vec<(String, usize)> {
    files
        .iter()
        .map(|(path, text)| (path.clone(), text.lines().count()))
        .filter(|&(_, lines)| lines > LIMIT)
        .collect()
}

/// One line per offender, saying what to do.
pub fn report(oversized: &[(String, usize)]) -> String {
    let mut text = format!("source files over {LIMIT} lines; split each by what it holds:\n");
    for (path, lines) in oversized {
        text.push_str(&format!("    {path}: {lines} lines\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes_over_the_limit_are_reported_with_their_counts() {
        let file = |path: &str, lines: usize| (path.to_string(), "x\n".repeat(lines));
        let files = [
            file("a.rs", LIMIT),
            file("b.mjs", LIMIT + 1),
            file("c.ts", 853),
        ];
        let found = oversized(&files);
        assert_eq!(found, [("b.mjs".into(), 601), ("c.ts".into(), 853)]);
        assert_eq!(
            report(&found),
            "source files over 600 lines; split each by what it holds:\n    \
             b.mjs: 601 lines\n    c.ts: 853 lines\n"
        );
    }
}
