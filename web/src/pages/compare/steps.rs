//! The aligned steps of a comparison, depth first, indented: what became
//! of each (a coloured label that also says it in words), both runs'
//! figures with the delta, the status of each side, and the text diff —
//! open for a changed step; for the others their content, on demand.

use std::sync::Arc;

use leptos::prelude::*;
use prompttrace::compare::{step_content, Change, Comparison, Line, Side, Step, Tag};

use super::delta::{self, Delta};
use crate::state::use_state;
use crate::{format, links};
use leptos_router::components::A;

/// What a change is called on screen.
pub fn label(change: Change) -> &'static str {
    match change {
        Change::Same => "same",
        Change::Changed => "changed",
        Change::Added => "added",
        Change::Removed => "removed",
    }
}

/// Steps drawn at first, and added by "Show more": two big runs do not
/// build tens of thousands of rows before the first paint.
const STEP_PAGE: usize = 500;

#[component]
pub fn Steps(comparison: Arc<Comparison>) -> impl IntoView {
    let only_differences = RwSignal::new(false);
    let limit = RwSignal::new(STEP_PAGE);
    let steps = StoredValue::new(comparison);
    let kept = move || {
        let only = only_differences.get();
        steps.with_value(|c| {
            c.steps
                .iter()
                .enumerate()
                .filter(|(_, step)| !only || step.change != Change::Same)
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        })
    };
    let kept = Memo::new(move |_| kept());
    let rows = move || {
        kept.with(|kept| {
            kept.iter()
                .take(limit.get())
                .map(|&i| {
                    let (step, runs) = steps
                        .with_value(|c| (c.steps[i].clone(), (c.a.id.clone(), c.b.id.clone())));
                    step_rows(i, step, runs)
                })
                .collect_view()
        })
    };
    let more = move || kept.with(Vec::len).saturating_sub(limit.get());
    view! {
        <label class="only-differences">
            <input type="checkbox" data-testid="only-differences"
                prop:checked=move || only_differences.get()
                on:change=move |e| only_differences.set(event_target_checked(&e))/>
            " Only steps that differ"
        </label>
        <table class="compare-steps" data-testid="compare-steps">
            <thead><tr>
                <th>"Step"</th>
                <th>"Change"</th>
                <th class="num">"Duration A → B"</th>
                <th class="num">"Δ"</th>
                <th class="num">"Tokens A → B"</th>
                <th class="num">"Δ"</th>
                <th class="num">"Cost A → B"</th>
                <th class="num">"Δ"</th>
                <th>"Status"</th>
            </tr></thead>
            {rows}
        </table>
        <Show when=move || { more() > 0 }>
            <button data-testid="more-steps" on:click=move |_| limit.update(|l| *l += STEP_PAGE)>
                {move || format!("Show {} more steps (of {})", more().min(STEP_PAGE), more())}
            </button>
        </Show>
    }
}

/// One step: its figures, then a row for its text. `runs` are the
/// traces of A and B, for the links to the step in each.
fn step_rows(index: usize, step: Step, runs: (String, String)) -> impl IntoView {
    let change = label(step.change);
    let (a, b) = (step.a.as_ref(), step.b.as_ref());
    let pair = |show: &dyn Fn(&Side) -> String| {
        format!(
            "{} → {}",
            a.map_or("–".into(), show),
            b.map_or("–".into(), show)
        )
    };
    let durations = pair(&|s| format::duration(s.duration_ms));
    let tokens = pair(&|s| format::count(s.tokens.total));
    let costs = pair(&|s| format::cost(s.cost));
    // One word when both runs ended alike.
    let statuses = match (a, b) {
        (Some(a), Some(b)) if a.status == b.status => a.status.as_str().to_string(),
        _ => pair(&|s| s.status.as_str().to_string()),
    };
    let both = a.zip(b);
    let duration_delta = both.map(|(a, b)| delta::duration(a.duration_ms, b.duration_ms));
    let token_delta = both.map(|(a, b)| delta::count(a.tokens.total as i64, b.tokens.total as i64));
    let cost_delta = both.map(|(a, b)| delta::cost(a.cost, b.cost));
    let status_error = [a, b]
        .iter()
        .flatten()
        .any(|s| s.status == prompttrace::model::Status::Error);
    let indent = format!("padding-left:{}px", 8 + step.depth * 18);
    // The side whose records hold the text: B's unless the step is only A's.
    let content_id = b.or(a).map(|s| s.id.clone());
    let diff = step.diff;
    view! {
        <tbody class=format!("compare-step change-{change}") data-testid="compare-step" data-change=change data-index=index.to_string()>
            <tr>
                <td class="step-name" style=indent>
                    <span class="type">{step.kind.as_str()}</span>" "
                    <span class="isolate" data-testid="step-name">{step.name}</span>
                    <span class="open-in-links">{open_in("A", &runs.0, a)}{open_in("B", &runs.1, b)}</span>
                </td>
                <td><span class=format!("change-label {change}") data-testid="step-change">{change}</span></td>
                <td class="num" data-testid="step-duration">{durations}</td>
                {delta_cell(duration_delta, "step-duration-delta")}
                <td class="num" data-testid="step-tokens">{tokens}</td>
                {delta_cell(token_delta, "step-tokens-delta")}
                <td class="num" data-testid="step-cost">{costs}</td>
                {delta_cell(cost_delta, "step-cost-delta")}
                <td class=if status_error { "status-error" } else { "" } data-testid="step-status">{statuses}</td>
            </tr>
            <tr class="step-text">
                <td colspan="9">{text_view(step.change, diff, content_id)}</td>
            </tr>
        </tbody>
    }
}

/// A link to the step on its trace's page, selected there.
fn open_in(run: &'static str, trace: &str, side: Option<&Side>) -> Option<impl IntoView> {
    let side = side?;
    let href = links::observation(trace, &side.id);
    Some(view! {
        " "
        <A href=href attr:class="open-in" attr:title=format!("Open this step in run {run}") attr:data-testid=format!("open-in-{}", run.to_ascii_lowercase())>{run}</A>
    })
}

fn delta_cell(delta: Option<Delta>, testid: &'static str) -> impl IntoView {
    let Delta { text, direction } = delta.unwrap_or(Delta {
        text: String::new(),
        direction: "",
    });
    view! { <td class=format!("num delta {direction}") data-testid=testid>{text}</td> }
}

/// A changed step's diff, open. Other steps fold their text away; it is
/// read from the records when first opened (a big trace's same steps
/// cost nothing until asked for).
fn text_view(change: Change, diff: Vec<Line>, content_id: Option<String>) -> impl IntoView {
    if !diff.is_empty() {
        let count = |tag| diff.iter().filter(|l| l.tag == tag).count();
        let summary = format!(
            "Text diff: {} removed, {} added",
            lines(count(Tag::Removed)),
            lines(count(Tag::Added))
        );
        return view! {
            <details class="step-diff" open data-testid="step-diff">
                <summary>{summary}</summary>
                {lines_view(diff)}
            </details>
        }
        .into_any();
    }
    let state = use_state();
    let opened = RwSignal::new(false);
    let summary = match change {
        Change::Changed => "Same text; only the status changed",
        Change::Added => "Text (only in B)",
        Change::Removed => "Text (only in A)",
        Change::Same => "Text (the same in both)",
    };
    let tag = match change {
        Change::Added => Tag::Added,
        Change::Removed => Tag::Removed,
        _ => Tag::Same,
    };
    view! {
        <details class="step-diff" data-testid="step-diff" on:toggle=move |_| opened.set(true)>
            <summary>{summary}</summary>
            {move || opened.get().then(|| {
                let text = content_id
                    .as_deref()
                    .map(|id| state.peek(|store| step_content(store, id)))
                    .unwrap_or_default();
                if text.is_empty() {
                    return view! { <p class="muted">"No input, output or status message."</p> }.into_any();
                }
                let lines = text
                    .lines()
                    .map(|line| Line { tag, text: line.to_string() })
                    .collect();
                lines_view(lines).into_any()
            })}
        </details>
    }
    .into_any()
}

fn lines(n: usize) -> String {
    if n == 1 {
        "1 line".into()
    } else {
        format!("{n} lines")
    }
}

/// Lines marked `-`/`+` in text as well as colour; text from the files is
/// shown as text, never markup.
fn lines_view(lines: Vec<Line>) -> impl IntoView {
    let lines = lines
        .into_iter()
        .map(|line| {
            let (class, sign) = match line.tag {
                Tag::Same => ("same", "  "),
                Tag::Removed => ("removed", "- "),
                Tag::Added => ("added", "+ "),
            };
            // Isolated: a bidi control in the text cannot move the sign.
            view! { <div class=format!("diff-line {class}") data-tag=class>{sign}<span class="isolate">{line.text}</span></div> }
        })
        .collect_view();
    view! { <pre class="diff" data-testid="diff">{lines}</pre> }
}
