//! A step's content diffed line by line, kept readable and bounded: only
//! the changed hunks with three lines of context each, the unchanged runs
//! between them counted ("N same lines"), and no diff at all above a size
//! limit (Myers is O((N+M)·D): two 1 MB JSON bodies that differ throughout
//! would take ~10⁹ steps and freeze the page or the terminal).

use similar::{ChangeTag, TextDiff};

use super::{Line, Tag};

/// Bytes per side above which two texts are not diffed.
pub const DIFF_MAX_BYTES: usize = 256 * 1024;
/// Lines per side above which two texts are not diffed.
pub const DIFF_MAX_LINES: usize = 5_000;
/// Unchanged lines kept around each change.
const CONTEXT: usize = 3;

/// The diff of `before` → `after`; a single `Note` line when either side
/// is too large to diff, saying so and the sizes.
pub fn line_diff(before: &str, after: &str) -> Vec<Line> {
    let too_large =
        |text: &str| text.len() > DIFF_MAX_BYTES || text.lines().count() > DIFF_MAX_LINES;
    if too_large(before) || too_large(after) {
        return vec![note(format!(
            "too large to diff ({} → {} bytes)",
            before.len(),
            after.len()
        ))];
    }
    let diff = TextDiff::from_lines(before, after);
    let total = diff.old_slices().len();
    let mut out = Vec::new();
    let mut next = 0;
    for group in diff.grouped_ops(CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        skipped(&mut out, first.old_range().start - next);
        next = last.old_range().end;
        for op in &group {
            out.extend(diff.iter_changes(op).map(|change| Line {
                tag: match change.tag() {
                    ChangeTag::Equal => Tag::Same,
                    ChangeTag::Delete => Tag::Removed,
                    ChangeTag::Insert => Tag::Added,
                },
                text: change.value().trim_end_matches('\n').to_string(),
            }));
        }
    }
    if !out.is_empty() {
        skipped(&mut out, total.saturating_sub(next));
    }
    out
}

fn note(text: String) -> Line {
    Line {
        tag: Tag::Note,
        text,
    }
}

fn skipped(out: &mut Vec<Line>, n: usize) {
    match n {
        0 => {}
        1 => out.push(note("1 same line".into())),
        n => out.push(note(format!("{n} same lines"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(n: usize, changed: Option<usize>) -> String {
        (0..n)
            .map(|i| {
                if Some(i) == changed {
                    format!("line {i} changed\n")
                } else {
                    format!("line {i}\n")
                }
            })
            .collect()
    }

    #[test]
    fn a_diff_keeps_three_lines_of_context_and_counts_the_rest() {
        let diff = line_diff(&numbered(100, None), &numbered(100, Some(50)));
        let shown: Vec<(Tag, &str)> = diff.iter().map(|l| (l.tag, l.text.as_str())).collect();
        assert_eq!(
            shown,
            [
                (Tag::Note, "47 same lines"),
                (Tag::Same, "line 47"),
                (Tag::Same, "line 48"),
                (Tag::Same, "line 49"),
                (Tag::Removed, "line 50"),
                (Tag::Added, "line 50 changed"),
                (Tag::Same, "line 51"),
                (Tag::Same, "line 52"),
                (Tag::Same, "line 53"),
                (Tag::Note, "46 same lines"),
            ]
        );
    }

    #[test]
    fn a_change_near_the_start_has_no_leading_marker() {
        let diff = line_diff(&numbered(10, None), &numbered(10, Some(1)));
        assert_eq!(diff[0].text, "line 0");
        assert_eq!(diff.last().unwrap().text, "5 same lines");
    }

    #[test]
    fn texts_too_large_are_not_diffed_and_say_why() {
        // 1 MB of JSON lines differing throughout: Myers would take ~10⁹ steps.
        let before: String = (0..60_000).map(|i| format!("  \"k{i}\": {i},\n")).collect();
        let after: String = (0..60_000)
            .map(|i| format!("  \"v{i}\": {},\n", i * 7))
            .collect();
        let diff = line_diff(&before, &after);
        assert_eq!(diff.len(), 1);
        assert_eq!(diff[0].tag, Tag::Note);
        assert_eq!(
            diff[0].text,
            format!(
                "too large to diff ({} → {} bytes)",
                before.len(),
                after.len()
            )
        );
        // Many short lines under the byte limit are refused by their count.
        let many = numbered(DIFF_MAX_LINES + 1, None);
        assert!(many.len() < DIFF_MAX_BYTES);
        assert!(line_diff(&many, "x\n")[0]
            .text
            .starts_with("too large to diff"));
    }
}
