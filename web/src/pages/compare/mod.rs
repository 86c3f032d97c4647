//! Compare two runs (`?page=compare&a=…&b=…`): both traces' records are
//! opened on demand, core's `compare` aligns them, and the page shows the
//! totals of both with their deltas, then every aligned step (`steps`).

mod delta;
mod steps;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::A;
use prompttrace::compare::{compare, Comparison, Totals};
use prompttrace::Store;

use crate::format;
use crate::links;
use crate::records;
use crate::state::use_state;

/// What the page can show for the two ids in the URL.
#[derive(Clone, PartialEq)]
enum Shown {
    /// `a` or `b` is not in the URL.
    Unasked,
    /// A record is still being read (or not asked for yet).
    Opening,
    /// Storage says these ids are not stored (read and absent, deleted
    /// here, or no storage to read from).
    Missing(Vec<String>),
    Compared(Arc<Comparison>),
}

/// A cheap summary of what a trace holds now, to tell whether the
/// comparison must be made again: a live trace growing changes it,
/// another trace's records arriving do not.
fn fingerprint(store: &Store, id: &str) -> Option<u64> {
    let entry = store.trace(id)?;
    let mut hash = DefaultHasher::new();
    let trace = entry.trace();
    let size = |json: &Option<prompttrace::Json>| json.as_ref().map(|j| j.as_str().len());
    (
        &trace.name,
        trace.status.as_str(),
        trace.ended_at.is_some(),
        size(&trace.output),
    )
        .hash(&mut hash);
    for o in entry.observations() {
        (
            &o.id,
            &o.name,
            o.status.as_str(),
            o.ended_at.is_some(),
            &o.model,
            size(&o.input),
            size(&o.output),
            &o.status_message,
            o.usage.is_some(),
        )
            .hash(&mut hash);
    }
    Some(hash.finish())
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
        let mut wanted = vec![a, b];
        wanted.dedup();
        records::open(state, wanted);
    });
    // Changes only when trace a or b does: other traces arriving or a
    // live trace elsewhere growing do not make the comparison again.
    let held = Memo::new(move |_| {
        let (a, b) = ids.get()?;
        Some(state.read(|store, _| (fingerprint(store, &a), fingerprint(store, &b))))
    });
    let shown = Memo::new(move |_| {
        let Some((a, b)) = ids.get() else {
            return Shown::Unasked;
        };
        if let Some((Some(_), Some(_))) = held.get() {
            return state.peek_priced(|store, prices| {
                compare(store, prices, &a, &b).map_or_else(
                    // Both are held, so core found both: not reached.
                    |_| Shown::Missing(vec![a.clone(), b.clone()]),
                    |comparison| Shown::Compared(Arc::new(comparison)),
                )
            });
        }
        // Looked at again whenever the store changes: a read ends.
        state.read(|store, _| {
            let mut missing: Vec<String> = [&a, &b]
                .into_iter()
                .filter(|id| store.trace(id).is_none())
                .cloned()
                .collect();
            missing.dedup();
            let known = missing
                .iter()
                .all(|id| !records::reading(id) && (records::absent(id) || records::gone(id)));
            if known {
                Shown::Missing(missing)
            } else {
                Shown::Opening
            }
        })
    });
    // Page state outside the comparison: kept when it is made again.
    let view_state = steps::ViewState::new();
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
                        <li>"No trace with id “" <code class="isolate">{id}</code> "” is stored here."</li>
                    }).collect_view()}</ul>
                </div>
            }.into_any(),
            Shown::Compared(comparison) => view! {
                {(comparison.a.id == comparison.b.id).then(|| view! {
                    <p class="banner" role="status" data-testid="compare-same-trace">
                        "Both sides are the same trace: every step reads the same."
                    </p>
                })}
                <TotalsTable comparison=comparison.clone()/>
                <steps::Steps comparison=comparison view_state=view_state/>
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
    let tally = comparison.tally();
    let tally = format!(
        "{} changed, {} added, {} removed, {} same",
        tally.changed, tally.added, tally.removed, tally.same
    );
    view! {
        <table class="compare-totals" data-testid="compare-totals">
            <thead><tr>
                <th></th>
                <th>{run_head("A", a)}</th>
                <th>{run_head("B", b)}</th>
                <th class="num" aria-label="Difference, B minus A">"Δ (B − A)"</th>
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
            <span aria-live="polite">"Steps: " {tally}</span>
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
