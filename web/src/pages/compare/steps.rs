//! The aligned steps of a comparison, depth first, indented: what became
//! of each (a coloured label that also says it in words), both runs'
//! figures with the delta, the status of each side, and the text diff —
//! open for a changed step; for the others their content, on demand.

use std::collections::HashSet;
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

/// Lines of one step's text drawn before "Show all": a huge step (up to
/// core's diff limit, or any size of unchanged text) does not stall the
/// page.
const LINES_SHOWN: usize = 200;

/// What the reader chose on the page, held by the page so that a
/// comparison made again (a live run grew) keeps it.
#[derive(Clone, Copy)]
pub struct ViewState {
    only_differences: RwSignal<bool>,
    limit: RwSignal<usize>,
    /// Steps (by their sides' ids) whose text the reader opened or closed
    /// against its default.
    toggled: RwSignal<HashSet<String>>,
}

impl ViewState {
    pub fn new() -> ViewState {
        ViewState {
            only_differences: RwSignal::new(false),
            limit: RwSignal::new(STEP_PAGE),
            toggled: RwSignal::new(HashSet::new()),
        }
    }
}

#[component]
pub fn Steps(comparison: Arc<Comparison>, view_state: ViewState) -> impl IntoView {
    let ViewState {
        only_differences,
        limit,
        toggled,
    } = view_state;
    let steps = StoredValue::new(comparison);
    let kept = Memo::new(move |_| {
        let only = only_differences.get();
        steps.with_value(|c| {
            c.steps
                .iter()
                .enumerate()
                .filter(|(_, step)| !only || step.change != Change::Same)
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        })
    });
    // Keyed by the step's index: "Show more" appends rows, and a row keeps
    // what was opened in it.
    let shown =
        move || kept.with(|kept| kept.iter().take(limit.get()).copied().collect::<Vec<_>>());
    let row = move |i: usize| {
        let (step, runs) =
            steps.with_value(|c| (c.steps[i].clone(), (c.a.id.clone(), c.b.id.clone())));
        step_rows(i, step, runs, toggled)
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
                <th class="num" aria-label="Duration difference">"Δ"</th>
                <th class="num">"Tokens A → B"</th>
                <th class="num" aria-label="Tokens difference">"Δ"</th>
                <th class="num">"Cost A → B"</th>
                <th class="num" aria-label="Cost difference">"Δ"</th>
                <th>"Status"</th>
            </tr></thead>
            <For each=shown key=|i| *i children=row/>
        </table>
        <Show when=move || { more() > 0 }>
            <button data-testid="more-steps" on:click=move |_| limit.update(|l| *l += STEP_PAGE)>
                {move || format!("Show {} more steps ({} left)", more().min(STEP_PAGE), more())}
            </button>
        </Show>
    }
}

/// One step: its figures, then a row for its text. `runs` are the
/// traces of A and B, for the links to the step in each.
fn step_rows(
    index: usize,
    step: Step,
    runs: (String, String),
    toggled: RwSignal<HashSet<String>>,
) -> impl IntoView {
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
    // A model swap is a change; it is said on the step.
    let model_change = both
        .filter(|(a, b)| a.model != b.model)
        .map(|(a, b)| {
            let model = |s: &Side| s.model.clone().unwrap_or_else(|| "none".into());
            view! {
                <div class="step-model" data-testid="step-model">
                    "model " <span class="isolate">{model(a)}</span> " → " <span class="isolate">{model(b)}</span>
                </div>
            }
        });
    let indent = format!("padding-left:{}px", 8 + step.depth * 18);
    // The side whose records hold the text: B's unless the step is only A's.
    let content_id = b.or(a).map(|s| s.id.clone());
    let key = format!(
        "{}|{}",
        a.map_or("", |s| s.id.as_str()),
        b.map_or("", |s| s.id.as_str())
    );
    // Each name isolated apart: a bidi control in one cannot reorder the
    // arrow or the other.
    let name = match step.renamed_from() {
        Some(old) => view! {
            <span class="isolate" data-testid="step-name-a">{old.to_string()}</span>
            " → "
            <span class="isolate" data-testid="step-name">{step.name().to_string()}</span>
        }
        .into_any(),
        None => {
            view! { <span class="isolate" data-testid="step-name">{step.name().to_string()}</span> }
                .into_any()
        }
    };
    let diff = step.diff;
    view! {
        <tbody class=format!("compare-step change-{change}") data-testid="compare-step" data-change=change data-index=index.to_string()>
            <tr>
                <td class="step-name" style=indent>
                    <span class="type">{step.kind.as_str()}</span>" "
                    {name}
                    <span class="open-in-links">{open_in("A", &runs.0, a)}{open_in("B", &runs.1, b)}</span>
                    {model_change}
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
                <td colspan="9">{text_view(step.change, diff, content_id, key, toggled)}</td>
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
/// cost nothing until asked for). Opening or closing one is remembered
/// by `toggled` (under `key`) across a comparison made again.
fn text_view(
    change: Change,
    diff: Vec<Line>,
    content_id: Option<String>,
    key: String,
    toggled: RwSignal<HashSet<String>>,
) -> impl IntoView {
    let by_default = !diff.is_empty();
    let open = by_default != toggled.with_untracked(|t| t.contains(&key));
    let on_toggle = move |event: leptos::ev::Event| {
        let now = event_target::<web_sys::Element>(&event).has_attribute("open");
        toggled.try_update(|t| {
            if now == by_default {
                t.remove(&key);
            } else {
                t.insert(key.clone());
            }
        });
    };
    if !diff.is_empty() {
        let count = |tag| diff.iter().filter(|l| l.tag == tag).count();
        let summary = if diff.iter().all(|l| l.tag == Tag::Note) {
            "Text differs".to_string()
        } else {
            format!(
                "Text diff: {} removed, {} added",
                format::counted(count(Tag::Removed), "line", "lines"),
                format::counted(count(Tag::Added), "line", "lines")
            )
        };
        return view! {
            <details class="step-diff" open=open data-testid="step-diff" on:toggle=on_toggle>
                <summary>{summary}</summary>
                {lines_view(diff)}
            </details>
        }
        .into_any();
    }
    let state = use_state();
    let opened = RwSignal::new(open);
    let summary = match change {
        Change::Changed => "Same text; only the status or model changed",
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
        <details class="step-diff" open=open data-testid="step-diff" on:toggle=move |e| { opened.set(true); on_toggle(e) }>
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

/// Lines marked `-`/`+` in text as well as colour; text from the files is
/// shown as text, never markup. The first `LINES_SHOWN`, then "Show all".
fn lines_view(lines: Vec<Line>) -> impl IntoView {
    let total = lines.len();
    let all = RwSignal::new(total <= LINES_SHOWN);
    let lines = StoredValue::new(lines);
    let drawn = move || {
        let upto = if all.get() { total } else { LINES_SHOWN };
        lines.with_value(|lines| lines[..upto].iter().map(line_view).collect_view())
    };
    view! {
        <pre class="diff" data-testid="diff">{drawn}</pre>
        <Show when=move || !all.get()>
            <button data-testid="show-all-lines" on:click=move |_| all.set(true)>
                {format!("Show all {total} lines ({} left)", total - LINES_SHOWN)}
            </button>
        </Show>
    }
}

fn line_view(line: &Line) -> impl IntoView {
    let (class, sign) = match line.tag {
        Tag::Same => ("same", "  "),
        Tag::Removed => ("removed", "- "),
        Tag::Added => ("added", "+ "),
        Tag::Note => ("note", "… "),
    };
    // Isolated: a bidi control in the text cannot move the sign.
    view! { <div class=format!("diff-line {class}") data-tag=class>{sign}<span class="isolate">{line.text.clone()}</span></div> }
}
