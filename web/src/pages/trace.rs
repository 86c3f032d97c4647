//! Trace detail: header figures, the tree and waterfall, and a side panel
//! for the selected observation (selection is `&obs=` in the URL).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::A;
use prompttrace::messages::{self, Conversation, Message};
use prompttrace::model::{Observation, Trace};
use prompttrace::rules::duration;
use prompttrace::search::{self, Query, TraceMatches};
use prompttrace::summary::{tree, Node};

use crate::components::compare_pick::CompareWith;
use crate::components::confirm_delete::ConfirmDelete;
use crate::components::content::{Content, ContentToggle};
use crate::components::flame::{FlameGraph, ViewSwitch, VIEW};
use crate::components::json_view::JsonView;
use crate::components::share::ShareButton;
use crate::components::timeline::Timeline;
use crate::components::trace_search::TraceSearch;
use crate::links;
use crate::state::{use_state, AppState, Dirty};
use crate::{format, loader, records, FileKind};
use prompttrace::rollup::{self, CostTotals, PriceCache, Tokens};

/// The page is built again only when another trace is shown: a new
/// selection (`&obs=`) reaches the selected row and the detail panel alone,
/// and a store change reaches the header and rows, never the timeline node.
#[component]
pub fn TracePage(
    id: Signal<Option<String>>,
    selected: Signal<Option<String>>,
    query: Signal<Option<String>>,
    /// `&view=flame`: the flame graph instead of the tree.
    view: Signal<Option<String>>,
) -> impl IntoView {
    let state = use_state();
    let flame = Memo::new(move |_| view.with(|v| v.as_deref() == Some(VIEW)));
    let trace = Memo::new(move |_| {
        let id = id.get()?;
        state.read(|store, _| store.trace(&id).map(|entry| entry.trace().clone()))
    });
    // The trace's record is read when it is shown, without waiting for the
    // index rows (a cold deep link reads one record, not every row).
    let missing = Memo::new(move |_| {
        let id = id.get()?;
        trace.with(Option::is_none).then_some(id)
    });
    // Asked again when the store changes (a read dropped because storage
    // changed under it) or rows arrive (an import may bring it); `open`
    // skips what is held, under way, or known not to be stored.
    Effect::new(move |_| {
        let Some(id) = missing.get() else { return };
        state.read(|_, _| ());
        state.rows(|_| ());
        records::open(state, vec![id]);
    });
    let waiting = move || {
        // Reading starts and ends with a store change.
        state.read(|_, _| ());
        !state.loaded.get() || missing.with(|id| id.as_deref().is_some_and(records::reading))
    };
    let shown = Memo::new(move |_| trace.with(|t| t.as_ref().map(|t| t.id.clone())));
    // The search runs again when the query or the store changes, never on a
    // new selection.
    let found = Memo::new(move |_| {
        let query = Query::new(&query.get()?)?;
        let id = id.get()?;
        state.read(|store, _| {
            store
                .trace(&id)
                .map(|entry| search::trace_matches(entry, &query))
        })
    });
    let matches = Signal::derive(move || {
        Arc::new(found.with(|f| {
            f.iter()
                .flat_map(|f| &f.observations)
                .map(|m| m.id.clone())
                .collect::<HashSet<_>>()
        }))
    });
    move || match shown.get() {
        None if waiting() => {
            view! { <p class="empty" data-testid="opening">"Opening the trace…"</p> }.into_any()
        }
        None => view! { <p class="empty">"This trace is not stored here."</p> }.into_any(),
        Some(trace_id) => view! {
            <TraceHeader trace=trace/>
            <TraceSearch trace_id=trace_id.clone() query=query selected=selected found=found
                view=view/>
            <ViewSwitch trace_id=trace_id.clone() selected=selected query=query flame=flame/>
            <div class="trace-body">
                {trace_view(trace_id.clone(), flame, selected, query, matches)}
                <Detail trace_id=trace_id selected=selected found=found/>
            </div>
        }
        .into_any(),
    }
}

/// The tree (with its waterfall) or the flame graph, as `&view=` says.
fn trace_view(
    trace_id: String,
    flame: Memo<bool>,
    selected: Signal<Option<String>>,
    query: Signal<Option<String>>,
    matches: Signal<Arc<HashSet<String>>>,
) -> impl IntoView {
    move || {
        let trace_id = trace_id.clone();
        if flame.get() {
            view! { <FlameGraph trace_id selected query/> }.into_any()
        } else {
            view! { <Timeline trace_id selected query matches/> }.into_any()
        }
    }
}

/// Name, status and figures (the core's figures of this trace alone, so
/// a trace page never rolls up the whole store), and the actions.
#[component]
fn TraceHeader(trace: Memo<Option<Trace>>) -> impl IntoView {
    let state = use_state();
    let figures = Memo::new(move |_| {
        let id = trace.with(|t| t.as_ref().map(|t| t.id.clone()))?;
        state.read(|store, prices| {
            let entry = store.trace(&id)?;
            Some(rollup::trace_figures(store, entry, prices))
        })
    });
    // The actions (Share…) and "Compare with…" outside the figures'
    // closure, made again only for another trace: a live trace's figures
    // changing keeps an open panel open.
    let id = Memo::new(move |_| trace.with(|t| t.as_ref().map(|t| t.id.clone())));
    let name = Signal::derive(move || {
        trace.with(|t| t.as_ref().map(|t| t.name.clone()).unwrap_or_default())
    });
    let header = move || {
        let (trace, figures) = (trace.get()?, figures.get()?);
        Some(view! {
                <h1>{trace.name.clone()}<span class=format!("badge {}", trace.status.as_str())>{trace.status.as_str()}</span></h1>
                <dl class="figures">
                    <div><dt>"Duration"</dt><dd data-testid="trace-duration">{format::duration(duration::duration_ms(&trace))}</dd></div>
                    <div><dt>"Tokens"</dt><dd data-testid="trace-tokens">{format::count(figures.tokens.total)}</dd></div>
                    <div><dt>"Cost"</dt><dd data-testid="trace-cost">{format::cost(figures.cost.total)}</dd></div>
                    <div><dt>"LLM calls"</dt><dd data-testid="trace-calls">{figures.llm_call_count}</dd></div>
                    <div><dt>"Errors"</dt><dd data-testid="trace-errors">{figures.error_count}</dd></div>
                    <div><dt>"Session"</dt><dd data-testid="trace-session">{trace.session_id.clone().map(|s| view! { <A href=links::session(&s)>{s.clone()}</A> })}</dd></div>
                    <div><dt>"User"</dt><dd data-testid="trace-user">{trace.user_id.clone()}</dd></div>
                </dl>
        })
    };
    move || {
        let id = id.get()?;
        Some(view! {
            <div class="trace-header" data-testid="trace-header">
                {header}
                <TraceActions state=state id=id.clone()/>
                <CompareWith id=id name=name/>
            </div>
        })
    }
}

#[component]
fn TraceActions(state: AppState, id: String) -> impl IntoView {
    let stem = format!("trace-{id}");
    let shared = use_context::<crate::share::Shared>();
    let delete = {
        let id = id.clone();
        Callback::new(move |()| {
            crate::share::let_go(state, shared, Some(std::slice::from_ref(&id)));
            state.change(|store| store.remove_trace(&id));
            state.change_rows(|rows| rows.remove(&id));
            records::forget(&id);
            state.notice.set(Some(format!("Deleted trace {id}")));
            loader::persist(state, Dirty::keys([id.clone()]));
        })
    };
    let share = (vec![id.clone()], stem.clone());
    let export =
        move |kind: FileKind| crate::export_traces(state, std::slice::from_ref(&id), &stem, kind);
    let export_otlp = export.clone();
    view! {
        <div class="actions">
            <button on:click=move |_| export(FileKind::Native)>"Export trace"</button>
            <button data-testid="export-trace-otlp" on:click=move |_| export_otlp(FileKind::Otlp)>"Export as OTLP"</button>
            <ShareButton ids=share.0 stem=share.1 what="trace"/>
            <ConfirmDelete label="Delete trace" on_delete=delete/>
        </div>
    }
}

/// Each observation's own figures plus its descendants', from the core's
/// tree of the trace.
type Subtotals = HashMap<String, (Tokens, CostTotals)>;

#[component]
fn Detail(
    trace_id: String,
    selected: Signal<Option<String>>,
    found: Memo<Option<TraceMatches>>,
) -> impl IntoView {
    let state = use_state();
    let observation = Memo::new(move |_| {
        let id = selected.get()?;
        state.read(|store, _| store.observation(&id).cloned())
    });
    // Once per store change, not once per selection: arrow keys only look up.
    let subtotals = Memo::new_owning(move |_| {
        let all = state.read(|store, prices| {
            let mut all = Subtotals::new();
            if let Some(entry) = store.trace(&trace_id) {
                let mut stack = tree(entry, &mut PriceCache::new(prices));
                while let Some(Node {
                    id,
                    tokens,
                    cost,
                    children,
                    ..
                }) = stack.pop()
                {
                    all.insert(id, (tokens, cost));
                    stack.extend(children);
                }
            }
            all
        });
        (all, true)
    });
    // Where the search found the selected observation.
    let matched_in = move || {
        let id = selected.get()?;
        found.with(|f| {
            let fields = f.as_ref()?.observations.iter().find(|m| m.id == id)?.fields;
            Some(
                fields
                    .iter()
                    .map(|field| field.label())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
    };
    let subtree = move || {
        let id = selected.get()?;
        subtotals.with(|all| all.get(&id).copied())
    };
    view! {
        <aside class="detail" data-testid="detail">
            // Apart from the details, so a search never draws them again.
            {move || matched_in().map(|fields| view! { <p class="matched-in" data-testid="detail-matches">"Search matches in " {fields}</p> })}
            {move || match observation.get() {
                None => view! { <p class="muted">"Select an observation (click, or arrows and Enter)."</p> }.into_any(),
                Some(o) => details(o, subtree()).into_any(),
            }}
        </aside>
    }
}

fn details(o: Observation, subtree: Option<(Tokens, CostTotals)>) -> impl IntoView {
    let first_token = o
        .completion_start_time
        .map(|t| prompttrace::time::millis_between(o.started_at, t));
    // Cached and reasoning tokens (Langfuse's names), which the in/out
    // counts leave out: the call's own, as the provider reported them.
    let token_details = o.usage.as_ref().and_then(|u| {
        let parts: Vec<String> = u
            .details
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(name, n)| format!("{} {name}", format::count(*n)))
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    });
    let conversation = messages::of_observation(&o);
    view! {
        <h2 data-testid="detail-name">{o.name.clone()}</h2>
        <dl class="facts">
            <dt>"Type"</dt><dd>{o.kind.as_str()}{o.type_label.clone().map(|l| format!(" ({l})"))}</dd>
            <dt>"Status"</dt><dd class=format!("status-{}", o.status.as_str())>{o.status.as_str()}</dd>
            <dt>"Level"</dt><dd>{o.level.as_str()}</dd>
            <dt>"Duration"</dt><dd data-testid="detail-duration">{format::duration(duration::duration_ms(&o))}</dd>
            <dt>"Started"</dt><dd>{format::time(Some(o.started_at))}</dd>
            {o.status_message.clone().map(|m| view! { <dt>"Status message"</dt><dd class="status-message">{m}</dd> })}
            {o.model.clone().map(|m| view! { <dt>"Model"</dt><dd>{m}</dd> })}
            {o.provider.clone().map(|p| view! { <dt>"Provider"</dt><dd>{p}</dd> })}
            {o.prompt_name.clone().map(|p| view! { <dt>"Prompt"</dt><dd>{p}{o.prompt_version.map(|v| format!(" v{v}"))}</dd> })}
            {first_token.map(|ms| view! { <dt>"Time to first token"</dt><dd>{format::duration(Some(ms))}</dd> })}
            {subtree.map(|(tokens, cost)| view! {
                <dt>"Tokens"</dt><dd data-testid="detail-tokens">{format!("{} ({} in, {} out)", format::count(tokens.total), format::count(tokens.input), format::count(tokens.output))}</dd>
                <dt>"Cost"</dt><dd data-testid="detail-cost">{format::cost(cost.total)}</dd>
            })}
            {token_details.map(|d| view! { <dt>"Token details"</dt><dd data-testid="detail-token-details">{d}</dd> })}
        </dl>
        // The views differ only for conversations and text.
        {has_views(&o, &conversation).then(|| view! { <ContentToggle/> })}
        <IoSection title="Input" value=o.input.clone() messages=conversation.input/>
        <IoSection title="Output" value=o.output.clone() messages=conversation.output/>
        <Section title="Metadata" value=o.metadata.clone()/>
        <Section title="Model parameters" value=o.model_parameters.clone().map(|m| serde_json::Value::Object(m).into())/>
        <Section title="Variables" value=o.variables.clone().map(|m| serde_json::Value::Object(m).into())/>
        {o.template.clone().map(|t| view! { <section><h3>"Template"</h3><pre class="text">{t}</pre></section> })}
    }
}

/// Input or output, in the view the user picked (Messages, Markdown, JSON).
#[component]
fn IoSection(
    title: &'static str,
    value: Option<prompttrace::Json>,
    messages: Option<Vec<Message>>,
) -> impl IntoView {
    value.map(|value| {
        let text = value.as_str().to_string();
        view! {
            <section data-testid=format!("detail-{}", title.to_ascii_lowercase())>
                <h3>{title}
                    <button class="copy" title="Copy as JSON" on:click=move |_| copy(&text)>"Copy"</button>
                </h3>
                <Content value=value messages=messages/>
            </section>
        }
    })
}

/// Whether Messages | Markdown | JSON would show anything different.
fn has_views(o: &Observation, conversation: &Conversation) -> bool {
    let text = |json: &Option<prompttrace::Json>| {
        json.as_ref().is_some_and(|j| j.as_str().starts_with('"'))
    };
    conversation.input.is_some()
        || conversation.output.is_some()
        || text(&o.input)
        || text(&o.output)
}

#[component]
fn Section(title: &'static str, value: Option<prompttrace::Json>) -> impl IntoView {
    value.map(|value| {
        let text = value.as_str().to_string();
        view! {
            <section>
                <h3>{title}
                    <button class="copy" title="Copy as JSON" on:click=move |_| copy(&text)>"Copy"</button>
                </h3>
                <JsonView value=value/>
            </section>
        }
    })
}

fn copy(text: &str) {
    if let Some(window) = web_sys::window() {
        let clipboard = window.navigator().clipboard();
        let _ = clipboard.write_text(text);
    }
}
