//! A comparison as text for terminals (`prompttrace diff`): the totals of
//! both runs with their deltas, then each step marked `=` same, `~`
//! changed (with its content's line diff), `-` only in A, `+` only in B.

use std::fmt::Write as _;

use super::{Change, Comparison, Side, Step, Tag, Totals};
use crate::summary::{cost_text, duration_text, terminal_safe};

/// The comparison as lines; text from the files cannot drive the terminal.
pub fn render_text(comparison: &Comparison) -> String {
    let Comparison { a, b, steps } = comparison;
    let mut out = String::new();
    let _ = writeln!(out, "A: {}  [{}]  id {}", a.name, a.status.as_str(), a.id);
    let _ = writeln!(out, "B: {}  [{}]  id {}", b.name, b.status.as_str(), b.id);
    let _ = writeln!(out, "\n{}", totals_line(a, b));
    let counts = [Change::Changed, Change::Added, Change::Removed]
        .map(|change| steps.iter().filter(|s| s.change == change).count());
    let _ = writeln!(
        out,
        "steps: {} changed, {} added, {} removed, {} same\n",
        counts[0],
        counts[1],
        counts[2],
        steps.len() - counts.iter().sum::<usize>()
    );
    for step in steps {
        render_step(&mut out, step);
    }
    terminal_safe(&out)
}

fn totals_line(a: &Totals, b: &Totals) -> String {
    format!(
        "duration {}   tokens {}   cost {}   LLM calls {} → {}   errors {} → {}",
        pair(a.duration_ms, b.duration_ms, duration_text, ms_delta),
        tokens_pair(a.tokens.total, b.tokens.total),
        pair(a.cost.total, b.cost.total, cost_text, cost_delta),
        a.llm_call_count,
        b.llm_call_count,
        a.error_count,
        b.error_count,
    )
}

fn render_step(out: &mut String, step: &Step) {
    let mark = match step.change {
        Change::Same => '=',
        Change::Changed => '~',
        Change::Added => '+',
        Change::Removed => '-',
    };
    let indent = "  ".repeat(step.depth);
    let figures = match (&step.a, &step.b) {
        (Some(a), Some(b)) => {
            format!(
                "{}  tokens {}  {}",
                pair(a.duration_ms, b.duration_ms, duration_text, ms_delta),
                tokens_pair(a.tokens.total, b.tokens.total),
                pair(a.cost, b.cost, cost_text, cost_delta),
            ) + &status_change(a, b)
        }
        (Some(one), None) => format!("{}  only in A", one_side(one)),
        (None, Some(one)) => format!("{}  only in B", one_side(one)),
        (None, None) => String::new(),
    };
    let _ = writeln!(
        out,
        "{indent}{mark} {} {}  {figures}",
        step.kind.as_str(),
        step.name
    );
    for line in &step.diff {
        let sign = match line.tag {
            Tag::Same => ' ',
            Tag::Removed => '-',
            Tag::Added => '+',
        };
        let _ = writeln!(out, "{indent}    {sign} {}", line.text);
    }
}

fn one_side(side: &Side) -> String {
    format!(
        "[{}]  {}  {} tokens  {}",
        side.status.as_str(),
        duration_text(side.duration_ms),
        side.tokens.total,
        cost_text(side.cost)
    )
}

fn status_change(a: &Side, b: &Side) -> String {
    if a.status == b.status {
        format!("  [{}]", b.status.as_str())
    } else {
        format!("  [{} → {}]", a.status.as_str(), b.status.as_str())
    }
}

/// `A → B (delta)`, or `A → B` where either is unknown.
fn pair(
    a: Option<f64>,
    b: Option<f64>,
    show: fn(Option<f64>) -> String,
    delta: fn(f64) -> String,
) -> String {
    match (a, b) {
        (Some(x), Some(y)) => format!("{} → {} ({})", show(a), show(b), delta(y - x)),
        _ => format!("{} → {}", show(a), show(b)),
    }
}

fn tokens_pair(a: u64, b: u64) -> String {
    pair(Some(a as f64), Some(b as f64), count_text, count_delta)
}

fn count_text(n: Option<f64>) -> String {
    n.map_or_else(|| "?".into(), |n| format!("{n:.0}"))
}

fn count_delta(d: f64) -> String {
    format!("{d:+.0}")
}

fn ms_delta(d: f64) -> String {
    format!("{d:+.1} ms")
}

fn cost_delta(d: f64) -> String {
    let sign = if d < 0.0 { "-" } else { "+" };
    format!("{sign}{}", cost_text(Some(d.abs())))
}
