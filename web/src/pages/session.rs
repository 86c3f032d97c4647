//! Session detail: the conversation, each trace a turn (the user's question
//! and the answer as chat), its LLM and tool calls expandable inline.

use leptos::prelude::*;
use leptos_router::components::A;
use prompttrace::messages::{self, Message, Turn};
use prompttrace::model::{Observation, ObservationType};
use prompttrace::rules::duration;
use prompttrace::Json;

use crate::components::confirm_delete::ConfirmDelete;
use crate::components::json_view::JsonView;
use crate::components::messages::MessageList;
use crate::components::share::ShareButton;
use crate::links;
use crate::state::{use_state, Dirty};
use crate::{format, loader, records, FileKind};

/// One trace of the session as a turn: the question and the answer as
/// chat (core's `messages::turn`), falling back to JSON for other shapes,
/// and its LLM and tool calls, expandable in place.
#[derive(Clone, PartialEq)]
struct TurnRow {
    trace: prompttrace::Trace,
    cost: Option<f64>,
    turn: Turn,
    steps: Vec<Observation>,
}

impl TurnRow {
    /// What tells one state of a turn from a later one (a live file ends a
    /// call, a trace gets its answer): the row is drawn again when it changes.
    fn key(&self) -> String {
        let trace = &self.trace;
        let mut key = format!(
            "{}|{}|{:?}|{:?}|{}|{}|{:?}",
            trace.id,
            trace.name,
            trace.status,
            trace.ended_at,
            trace.input.as_ref().map_or(0, |v| v.as_str().len()),
            trace.output.as_ref().map_or(0, |v| v.as_str().len()),
            self.cost,
        );
        for step in &self.steps {
            key.push_str(&format!(
                "|{}:{:?}:{:?}:{}:{:?}",
                step.id,
                step.status,
                step.ended_at,
                step.output.as_ref().map_or(0, |v| v.as_str().len()),
                step.usage,
            ));
        }
        key
    }
}

fn turn_view(row: TurnRow) -> impl IntoView {
    let TurnRow {
        trace,
        cost,
        turn,
        steps,
    } = row;
    let duration = format::duration(duration::duration_ms(&trace));
    let question = side(turn.question, trace.input.clone());
    let answer = side(turn.answer, trace.output.clone());
    let trace_id = trace.id.clone();
    view! {
        <li class=format!("turn status-{}", trace.status.as_str()) data-testid="turn">
            <div class="turn-head">
                <A href=links::trace(&trace.id)>{trace.name.clone()}</A>
                <span class="status">{trace.status.as_str()}</span>
                <span>{duration}</span>
                <span>{format::cost(cost)}</span>
                <span class="muted">{format::time(Some(trace.started_at))}</span>
            </div>
            <div class="chat">
                {question}
                {(!steps.is_empty()).then(|| steps_view(&trace_id, steps))}
                {answer}
            </div>
        </li>
    }
}

fn side(messages: Option<Vec<Message>>, raw: Option<Json>) -> Option<AnyView> {
    match (messages, raw) {
        (Some(messages), _) => {
            Some(view! { <MessageList messages=messages markdown=true/> }.into_any())
        }
        (None, Some(raw)) => Some(view! { <JsonView value=raw/> }.into_any()),
        (None, None) => None,
    }
}

/// The turn's LLM and tool calls, folded: each with its own output.
fn steps_view(trace_id: &str, steps: Vec<Observation>) -> impl IntoView {
    let calls = steps.iter().filter(|o| o.is_llm_call()).count();
    let tools = steps.len() - calls;
    let summary = format!(
        "{} · {}",
        format::counted(calls, "LLM call", "LLM calls"),
        format::counted(tools, "tool call", "tool calls")
    );
    let items = steps
        .into_iter()
        .map(|o| {
            let conversation = messages::of_observation(&o);
            let href = links::observation(trace_id, &o.id);
            let output = side(conversation.output, o.output.clone());
            let input = (o.kind != ObservationType::Generation).then(|| side(conversation.input, o.input.clone())).flatten();
            let (name, took) = (o.name.clone(), format::duration(duration::duration_ms(&o)));
            view! {
                <li class="step" data-type=o.kind.as_str()>
                    <div class="step-head">
                        <span class="type">{o.kind.as_str()}</span>
                        <A href=href>{name}</A>
                        {o.model.clone().map(|m| view! { <span class="muted">{m}</span> })}
                        <span class=format!("status-{}", o.status.as_str())>{o.status.as_str()}</span>
                        <span class="muted">{took}</span>
                    </div>
                    {input.map(|i| view! { <div class="step-io"><h5>"Input"</h5>{i}</div> })}
                    {output.map(|out| view! { <div class="step-io"><h5>"Output"</h5>{out}</div> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <details class="steps" data-testid="turn-steps">
            <summary>{summary}</summary>
            <ol>{items}</ol>
        </details>
    }
}

#[component]
pub fn SessionPage(id: Signal<Option<String>>) -> impl IntoView {
    let state = use_state();
    let turns = Memo::new(move |_| {
        let Some(id) = id.get() else {
            return Vec::new();
        };
        let costs: std::collections::HashMap<String, Option<f64>> = state.rows(|rows| {
            rows.values()
                .filter(|row| row.session_id.as_deref() == Some(id.as_str()))
                .map(|row| (row.id.clone(), row.cost))
                .collect()
        });
        state.read(|store, _| {
            let mut traces: Vec<_> = store.traces_in_session(&id).collect();
            traces.sort_by_key(|e| (e.trace().started_at, e.trace().id.clone()));
            traces
                .into_iter()
                .map(|entry| {
                    let trace = entry.trace().clone();
                    let cost = costs.get(&trace.id).copied().flatten();
                    let steps = entry
                        .observations_in_order()
                        .into_iter()
                        .filter(|o| o.is_llm_call() || o.kind == ObservationType::Tool)
                        .cloned()
                        .collect();
                    TurnRow {
                        trace,
                        cost,
                        turn: messages::turn(entry),
                        steps,
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    // Its traces' records are read when it is shown.
    let in_session = Memo::new(move |_| {
        let id = id.get()?;
        Some(state.rows(|rows| {
            rows.values()
                .filter(|row| row.session_id.as_deref() == Some(id.as_str()))
                .map(|row| row.id.clone())
                .collect::<Vec<_>>()
        }))
    });
    // Again whenever the store changes: an import makes opened copies
    // stale, and they go until read again.
    // All of them, so none is let go to make room for another.
    Effect::new(move |_| {
        let Some(ids) = in_session.get() else { return };
        state.read(|_, _| ());
        records::open(state, ids);
    });
    let shared = use_context::<crate::share::Shared>();
    let delete = Callback::new(move |()| {
        if let Some(id) = id.get_untracked() {
            let traces: Vec<String> = in_session.get_untracked().unwrap_or_default();
            state.change(|store| store.remove_session(&id));
            state.change_rows(|rows| {
                for trace in &traces {
                    rows.remove(trace);
                }
            });
            for trace in &traces {
                records::forget(trace);
            }
            crate::share::let_go(state, shared, Some(&traces));
            let removed = traces.len();
            state
                .notice
                .set(Some(format!("Deleted session {id} ({removed} traces)")));
            loader::persist(state, Dirty::keys(traces));
        }
    });
    let trace_ids = Signal::derive(move || {
        turns.with(|turns| {
            turns
                .iter()
                .map(|row| row.trace.id.clone())
                .collect::<Vec<_>>()
        })
    });
    // Shared: every trace of the session by its index rows, opened or not
    // (the share opens the rest, or refuses; never a part of it).
    let session_ids = Signal::derive(move || in_session.get().unwrap_or_default());
    let stem = Signal::derive(move || format!("session-{}", id.get().unwrap_or_default()));
    let export = move |kind: FileKind| {
        crate::export_traces(
            state,
            &trace_ids.get_untracked(),
            &stem.get_untracked(),
            kind,
        );
    };
    view! {
        <h1>"Session " <span data-testid="session-id">{move || id.get().unwrap_or_default()}</span></h1>
        <div class="actions">
            <button on:click=move |_| export(FileKind::Native)>"Export session"</button>
            <button data-testid="export-session-otlp" on:click=move |_| export(FileKind::Otlp)>"Export as OTLP"</button>
            <ShareButton ids=session_ids stem=stem what="session"/>
            <ConfirmDelete label="Delete this session" on_delete=delete/>
        </div>
        <ol class="conversation" data-testid="conversation">
            <For each=move || turns.get() key=TurnRow::key let:row>
                {turn_view(row)}
            </For>
        </ol>
        <Show when=move || turns.with(Vec::is_empty)>
            <p class="empty">"No traces in this session."</p>
        </Show>
    }
}
