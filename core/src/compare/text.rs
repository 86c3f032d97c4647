//! A comparison as text for terminals (`prompttrace diff`): the totals of
//! both runs with their deltas, then each step marked `=` same, `~`
//! changed (with its content's line diff), `-` only in A, `+` only in B.

use std::fmt::Write as _;

use super::{delta, Change, Comparison, Delta, Direction, Side, Step, Tag, Totals};
use crate::summary::{cost_text, duration_text, terminal_safe};

/// The comparison as lines; text from the files cannot drive the terminal.
pub fn render_text(comparison: &Comparison) -> String {
    let Comparison { a, b, steps } = comparison;
    let mut out = String::new();
    let _ = writeln!(out, "A: {}  [{}]  id {}", a.name, a.status.as_str(), a.id);
    let _ = writeln!(out, "B: {}  [{}]  id {}", b.name, b.status.as_str(), b.id);
    let _ = writeln!(out, "\n{}", totals_line(a, b));
    let tally = comparison.tally();
    let _ = writeln!(
        out,
        "steps: {} changed, {} added, {} removed, {} same\n",
        tally.changed, tally.added, tally.removed, tally.same
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
                + &model_change(a, b)
        }
        (Some(one), None) => format!("{}  only in A", one_side(one)),
        (None, Some(one)) => format!("{}  only in B", one_side(one)),
        (None, None) => String::new(),
    };
    let name = match step.renamed_from() {
        Some(a_name) => format!("{a_name} → {}", step.name()),
        None => step.name().to_string(),
    };
    let _ = writeln!(
        out,
        "{indent}{mark} {} {name}  {figures}",
        step.kind.as_str(),
    );
    for line in &step.diff {
        let sign = match line.tag {
            Tag::Same => ' ',
            Tag::Removed => '-',
            Tag::Added => '+',
            Tag::Note => '…',
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

fn model_change(a: &Side, b: &Side) -> String {
    match (&a.model, &b.model) {
        (x, y) if x == y => String::new(),
        (x, y) => format!(
            "  model {} → {}",
            x.as_deref().unwrap_or("none"),
            y.as_deref().unwrap_or("none")
        ),
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
    signed(d, |n| format!("{n:.0}"), 1.0)
}

fn ms_delta(d: f64) -> String {
    signed(d, |ms| format!("{ms:.1} ms"), 0.1)
}

fn cost_delta(d: f64) -> String {
    signed(d, |usd| cost_text(Some(usd)), 0.000_001)
}

/// The shared delta rule (`delta`) with ASCII signs for terminals.
fn signed(d: f64, show: impl Fn(f64) -> String, smallest: f64) -> String {
    let Delta { direction, text } = delta(d, show, smallest);
    let sign = match direction {
        Direction::Up => '+',
        Direction::Down => '-',
        Direction::Even => '±',
    };
    format!("{sign}{text}")
}
