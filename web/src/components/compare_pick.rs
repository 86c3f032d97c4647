//! The ways to the compare page: "Compare with…" on a trace (pick the
//! other run from a searchable list of the stored traces, same name
//! first), and two rows ticked on the traces page then "Compare".
//! Both lists come from the index rows: no record is opened to pick.

use std::time::Duration;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use prompttrace::rollup::IndexRow;
use prompttrace::search::{text_holds, Query, Scratch};

use crate::format;
use crate::links;
use crate::state::use_state;

/// At most this many candidates are drawn; the search narrows the rest.
const SHOWN: usize = 50;

/// One trace another could be compared with.
#[derive(Clone, PartialEq)]
struct Candidate {
    id: String,
    name: String,
    started: String,
    status: &'static str,
}

/// The traces to offer beside `this` (its own name first, then the
/// newest), matching `query` in name or id, case ignored (the query is
/// folded once, rows are not copied: a million rows are fine); the best
/// `SHOWN` found by a partial selection, then sorted.
fn candidates(rows: &[&IndexRow], this: &str, name: &str, query: &str) -> (Vec<Candidate>, usize) {
    let query = Query::new(query);
    let mut scratch = Scratch::default();
    let mut kept: Vec<&IndexRow> = rows
        .iter()
        .copied()
        .filter(|row| row.id != this)
        .filter(|row| {
            query.as_ref().is_none_or(|query| {
                text_holds(&row.name, query, &mut scratch)
                    || text_holds(&row.id, query, &mut scratch)
            })
        })
        .collect();
    let order = |x: &&IndexRow, y: &&IndexRow| {
        (y.name == name)
            .cmp(&(x.name == name))
            .then(y.started_at.total_cmp(&x.started_at))
            .then(x.id.cmp(&y.id))
    };
    let total = kept.len();
    if total > SHOWN {
        kept.select_nth_unstable_by(SHOWN - 1, order);
        kept.truncate(SHOWN);
    }
    kept.sort_by(order);
    let shown = kept
        .into_iter()
        .map(|row| Candidate {
            id: row.id.clone(),
            name: row.name.clone(),
            started: format::time(prompttrace::Timestamp::from_unix_millis_f64(row.started_at)),
            status: row.status.as_str(),
        })
        .collect();
    (shown, total)
}

/// Typing waits this long before the list is searched again.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// "Compare with…" for trace `id` named `name`: a button that opens the
/// list of the other traces; a pick goes to the compare page, this trace
/// as A. It closes on Escape, and when the focus leaves it (a click
/// elsewhere).
#[component]
pub fn CompareWith(id: String, name: Signal<String>) -> impl IntoView {
    let state = use_state();
    let open = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    // The list is searched once typing pauses. The timer may fire after
    // a pick took the page elsewhere: `try_` reads a disposed signal
    // without a panic.
    Effect::new(move |_| {
        let now = typed.get();
        set_timeout(
            move || {
                if typed.try_get_untracked().as_ref() == Some(&now) {
                    query.try_set(now);
                }
            },
            DEBOUNCE,
        );
    });
    let picker_id = "compare-picker";
    let root = NodeRef::<leptos::html::Div>::new();
    let on_focus_out = move |event: leptos::ev::FocusEvent| {
        let inside = event
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
            .zip(root.try_get_untracked().flatten())
            .is_some_and(|(to, root)| root.contains(Some(&to)));
        if !inside {
            open.try_set(false);
        }
    };
    let this = StoredValue::new(id);
    let search = NodeRef::<leptos::html::Input>::new();
    let button = NodeRef::<leptos::html::Button>::new();
    // The list opens with its search box focused; Escape closes it and
    // gives the focus back to the button.
    Effect::new(move |_| {
        if open.get() {
            if let Some(input) = search.get() {
                let _ = input.focus();
            }
        }
    });
    let on_key = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" {
            open.set(false);
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    let list = Memo::new(move |_| {
        if !open.get() {
            return (Vec::new(), 0);
        }
        let query = query.get();
        state.rows(|rows| {
            let rows: Vec<&IndexRow> = rows.values().collect();
            name.with(|name| this.with_value(|this| candidates(&rows, this, name, &query)))
        })
    });
    view! {
        <div class="compare-with" node_ref=root on:focusout=on_focus_out>
            <button node_ref=button data-testid="compare-with" aria-haspopup="dialog" aria-controls=picker_id
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>"Compare with…"</button>
            <Show when=move || open.get()>
                <div class="compare-picker" id=picker_id tabindex="-1" data-testid="compare-picker" role="dialog" aria-label="Compare with another trace" on:keydown=on_key>
                    <input type="search" placeholder="Find a trace by name or id" aria-label="Find a trace to compare with"
                        data-testid="compare-search" node_ref=search
                        prop:value=move || typed.get() on:input=move |e| typed.set(event_target_value(&e))/>
                    <ul>
                        {move || list.get().0.into_iter().map(|c| {
                            let href = this.with_value(|this| links::compare(this, &c.id));
                            view! {
                                <li data-testid="compare-candidate">
                                    <A href=href attr:class="isolate" on:click=move |_| open.set(false)>{c.name}</A>
                                    <span class=format!("badge {}", c.status)>{c.status}</span>
                                    <span class="muted">{c.started}</span>
                                    <span class="muted run-id">{c.id}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {move || {
                        let (shown, total) = list.with(|(shown, total)| (shown.len(), *total));
                        if total == 0 {
                            Some("No other trace matches.".to_string())
                        } else if total > shown {
                            Some(format!("{shown} of {total} shown: type to narrow."))
                        } else {
                            None
                        }
                    }.map(|note| view! { <p class="muted" role="status">{note}</p> })}
                </div>
            </Show>
        </div>
    }
}

/// The traces ticked on the traces page, oldest tick first; two at most
/// (a third tick lets the oldest go).
pub type Picked = RwSignal<Vec<String>>;

/// A row's tick box, labelled with the trace's name.
#[component]
pub fn PickBox(id: String, picked: Picked) -> impl IntoView {
    let name = use_state().peek_rows(|rows| rows.get(&id).map(|row| row.name.clone()));
    let name = name.unwrap_or_else(|| id.clone());
    let id = StoredValue::new(id);
    let checked = move || picked.with(|p| id.with_value(|id| p.contains(id)));
    view! {
        <input type="checkbox" data-testid="pick-trace" aria-label=format!("Pick {name} to compare")
            prop:checked=checked
            on:change=move |_| picked.update(|p| {
                let id = id.get_value();
                if let Some(at) = p.iter().position(|x| *x == id) {
                    p.remove(at);
                } else {
                    p.push(id);
                    if p.len() > 2 {
                        p.remove(0);
                    }
                }
            })/>
    }
}

/// The ticked traces as A and B: A is the one that started first (the
/// earlier run is the reference), whatever order they were ticked in.
fn as_runs(rows: &crate::state::Rows, picked: &[String]) -> Vec<(String, String)> {
    let mut runs: Vec<(f64, String, String)> = picked
        .iter()
        .filter_map(|id| {
            rows.get(id)
                .map(|row| (row.started_at, id.clone(), row.name.clone()))
        })
        .collect();
    runs.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    runs.into_iter().map(|(_, id, name)| (id, name)).collect()
}

/// "Compare" once two rows are ticked, the ticked traces named (each
/// with ✕ to untick it) and which is A and which B. Ticks of traces no
/// longer listed (deleted) are dropped.
#[component]
pub fn CompareButton(picked: Picked) -> impl IntoView {
    let state = use_state();
    let navigate = use_navigate();
    Effect::new(move |_| {
        state.rows(|rows| {
            if picked.with_untracked(|p| p.iter().any(|id| rows.get(id).is_none())) {
                picked.update(|p| p.retain(|id| rows.get(id).is_some()));
            }
        })
    });
    let runs = Memo::new(move |_| picked.with(|p| state.rows(|rows| as_runs(rows, p))));
    let ready = move || runs.with(|r| r.len() == 2);
    view! {
        <div class="compare-bar">
            <button data-testid="compare-picked" disabled=move || !ready()
                on:click=move |_| {
                    if let [(a, _), (b, _)] = runs.get_untracked().as_slice() {
                        navigate(&links::compare(a, b), Default::default());
                    }
                }>"Compare"</button>
            <span class="muted" data-testid="picked-count" aria-live="polite">{move || match runs.with(Vec::len) {
                0 => "Tick two traces to compare them.".to_string(),
                1 => "1 trace ticked: tick one more.".to_string(),
                _ => "2 traces ticked (A started first):".to_string(),
            }}</span>
            {move || runs.get().into_iter().zip(["A", "B"]).map(|((id, name), run)| {
                let untick = id.clone();
                view! {
                    <span class="picked" data-testid="picked">
                        <span class="run-label">{run}</span>" "
                        <span class="isolate">{name.clone()}</span>
                        <button class="untick" data-testid="untick" aria-label=format!("Untick {name}")
                            on:click=move |_| picked.update(|p| p.retain(|x| *x != untick))>"✕"</button>
                    </span>
                }
            }).collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prompttrace::model::Trace;
    use prompttrace::{PriceTable, Store, Timestamp};

    #[test]
    fn compare_candidates_put_the_same_name_first_then_the_newest() {
        let mut store = Store::new();
        for (id, name, at) in [
            ("t1", "chat", 1),
            ("t2", "search", 5),
            ("t3", "chat", 2),
            ("t4", "search", 4),
        ] {
            store
                .add_trace(Trace::new(
                    id,
                    name,
                    Timestamp::from_unix_nanos(at * 1_000_000_000),
                ))
                .unwrap();
        }
        let prices = PriceTable::builtin();
        let rows: Vec<IndexRow> = store
            .traces()
            .map(|entry| IndexRow::of(&store, entry, &prices))
            .collect();
        let rows: Vec<&IndexRow> = rows.iter().collect();
        let ids = |query: &str| {
            let (shown, total) = candidates(&rows, "t1", "chat", query);
            (shown.into_iter().map(|c| c.id).collect::<Vec<_>>(), total)
        };
        assert_eq!(ids(""), (vec!["t3".into(), "t2".into(), "t4".into()], 3));
        assert_eq!(ids("SEAR"), (vec!["t2".into(), "t4".into()], 2));
        assert_eq!(ids("t4"), (vec!["t4".into()], 1));
        assert_eq!(ids("nothing"), (vec![], 0));
    }
}
