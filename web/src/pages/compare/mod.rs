//! Compare two runs (`?page=compare&a=…&b=…`): both traces' records are
//! opened on demand, core's `compare` aligns them, and the page shows the
//! totals of both with their deltas, then every aligned step (`steps`).

mod delta;
mod steps;

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::A;
use prompttrace::compare::{compare, Change, Comparison, Totals};

use crate::format;
use crate::links;
use crate::records;
use crate::state::use_state;

/// What the page can show for the two ids in the URL.
#[derive(Clone, PartialEq)]
enum Shown {
    /// `a` or `b` is not in the URL.
    Unasked,
    /// A record is still being read.
    Opening,
    /// These ids are not stored here.
    Missing(Vec<String>),
    /// Core could not compare them (its message).
    Failed(String),
    Compared(Arc<Comparison>),
}

#[component]
pub fn ComparePage(a: Signal<Option<String>>, b: Signal<Option<String>>) -> impl IntoView {
    let state = use_state();
    let ids = Memo::new(move |_| Some((a.get()?, b.get()?)));
    // Both records are read when the page shows them; asked again when the
    // store changes or rows arrive (as the trace page does), and `open`
    // skips what is held, under way, or known not to be stored.
    Effect::new(move |_| {
        let Some((a, b)) = ids.get() else { return };
        state.read(|_, _| ());
        state.rows(|_| ());
        records::open(state, vec![a, b]);
    });
    let shown = Memo::new(move |_| {
        let Some((a, b)) = ids.get() else {
            return Shown::Unasked;
        };
        state.read(|store, prices| {
            let missing: Vec<String> = [&a, &b]
                .into_iter()
                .filter(|id| store.trace(id).is_none())
                .cloned()
                .collect();
            if missing.is_empty() {
                return match compare(store, prices, &a, &b) {
                    Ok(comparison) => Shown::Compared(Arc::new(comparison)),
                    Err(why) => Shown::Failed(why),
                };
            }
            let opening = !state.loaded.get() || missing.iter().any(|id| records::reading(id));
            if opening {
                Shown::Opening
            } else {
                let mut missing = missing;
                missing.dedup();
                Shown::Missing(missing)
            }
        })
    });
    view! {
        <h1>"Compare runs"</h1>
        {move || match shown.get() {
            Shown::Unasked => view! {
                <p class="empty" data-testid="compare-unasked">
                    "Pick two traces to compare: tick two rows on the "
                    <A href=links::to("traces", &[])>"Traces"</A>
                    " page, or use “Compare with…” on a trace."
                </p>
            }.into_any(),
            Shown::Opening => view! { <p class="empty" data-testid="opening">"Opening the traces…"</p> }.into_any(),
            Shown::Missing(ids) => view! {
                <div class="banner error" role="alert" data-testid="compare-missing">
                    <ul>{ids.into_iter().map(|id| view! {
                        <li>"No trace with id “" <code>{id}</code> "” is stored here."</li>
                    }).collect_view()}</ul>
                </div>
            }.into_any(),
            Shown::Failed(why) => view! { <p class="banner error" role="alert">{why}</p> }.into_any(),
            Shown::Compared(comparison) => view! {
                <TotalsTable comparison=comparison.clone()/>
                <steps::Steps comparison=comparison/>
            }.into_any(),
        }}
    }
}

/// Both runs' own figures and B minus A.
#[component]
fn TotalsTable(comparison: Arc<Comparison>) -> impl IntoView {
    let (a, b) = (&comparison.a, &comparison.b);
    let count = |n: usize| format::count(n as u64);
    let rows = [
        (
            "Duration",
            "duration",
            format::duration(a.duration_ms),
            format::duration(b.duration_ms),
            delta::duration(a.duration_ms, b.duration_ms),
        ),
        (
            "Tokens",
            "tokens",
            format::count(a.tokens.total),
            format::count(b.tokens.total),
            delta::count(a.tokens.total as i64, b.tokens.total as i64),
        ),
        (
            "Cost",
            "cost",
            format::cost(a.cost.total),
            format::cost(b.cost.total),
            delta::cost(a.cost.total, b.cost.total),
        ),
        (
            "LLM calls",
            "calls",
            count(a.llm_call_count),
            count(b.llm_call_count),
            delta::count(a.llm_call_count as i64, b.llm_call_count as i64),
        ),
        (
            "Errors",
            "errors",
            count(a.error_count),
            count(b.error_count),
            delta::count(a.error_count as i64, b.error_count as i64),
        ),
        (
            "Observations",
            "observations",
            count(a.observation_count),
            count(b.observation_count),
            delta::count(a.observation_count as i64, b.observation_count as i64),
        ),
    ];
    let tally = [
        Change::Changed,
        Change::Added,
        Change::Removed,
        Change::Same,
    ]
    .map(|change| {
        let n = comparison
            .steps
            .iter()
            .filter(|s| s.change == change)
            .count();
        format!("{n} {}", steps::label(change))
    });
    view! {
        <table class="compare-totals" data-testid="compare-totals">
            <thead><tr>
                <th></th>
                <th>{run_head("A", a)}</th>
                <th>{run_head("B", b)}</th>
                <th class="num">"Δ (B − A)"</th>
            </tr></thead>
            <tbody>
                <tr>
                    <th scope="row">"Status"</th>
                    <td><span class=format!("badge {}", a.status.as_str())>{a.status.as_str()}</span></td>
                    <td><span class=format!("badge {}", b.status.as_str())>{b.status.as_str()}</span></td>
                    <td></td>
                </tr>
                {rows.into_iter().map(|(label, key, left, right, change)| view! {
                    <tr data-testid=format!("total-{key}")>
                        <th scope="row">{label}</th>
                        <td class="num" data-testid="a">{left}</td>
                        <td class="num" data-testid="b">{right}</td>
                        <td class=format!("num delta {}", change.direction) data-testid="delta">{change.text}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p class="compare-tally" data-testid="compare-tally">
            "Steps: " {tally.join(", ")}
            " · "
            <A href=links::compare(&b.id, &a.id) attr:data-testid="swap">"Swap A and B"</A>
        </p>
    }
}

fn run_head(label: &'static str, run: &Totals) -> impl IntoView {
    let (id, name) = (run.id.clone(), run.name.clone());
    view! {
        <span class="run-label">{label}</span>
        " "
        <A href=links::trace(&id) attr:class="run-name isolate" attr:data-testid=format!("run-{}", label.to_ascii_lowercase())>{name}</A>
        <div class="muted run-id">{id}</div>
    }
}
