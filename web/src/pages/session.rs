//! Session detail: the conversation, each trace's input and output in order.

use leptos::prelude::*;
use leptos_router::components::A;
use prompttrace::rules::duration;

use crate::components::confirm_delete::ConfirmDelete;
use crate::components::json_view::JsonView;
use crate::links;
use crate::state::use_state;
use crate::{format, loader, FileKind};

fn turn_view(trace: prompttrace::Trace, cost: Option<f64>) -> impl IntoView {
    let duration = format::duration(duration::duration_ms(&trace));
    view! {
        <li class=format!("turn status-{}", trace.status.as_str())>
            <div class="turn-head">
                <A href=links::trace(&trace.id)>{trace.name.clone()}</A>
                <span class="status">{trace.status.as_str()}</span>
                <span>{duration}</span>
                <span>{format::cost(cost)}</span>
                <span class="muted">{format::time(Some(trace.started_at))}</span>
            </div>
            <div class="io">
                <div class="input"><h4>"Input"</h4>{trace.input.map(|v| view! { <JsonView value=v/> })}</div>
                <div class="output"><h4>"Output"</h4>{trace.output.map(|v| view! { <JsonView value=v/> })}</div>
            </div>
        </li>
    }
}

#[component]
pub fn SessionPage(id: Signal<Option<String>>) -> impl IntoView {
    let state = use_state();
    let turns = Memo::new(move |_| {
        let Some(id) = id.get() else {
            return Vec::new();
        };
        let figures = state.rollups().get();
        state.read(|store, _| {
            let mut traces: Vec<_> = store.traces_in_session(&id).collect();
            traces.sort_by_key(|e| (e.trace().started_at, e.trace().id.clone()));
            traces
                .into_iter()
                .map(|entry| {
                    let trace = entry.trace().clone();
                    let cost = figures.traces.get(&trace.id).and_then(|f| f.cost.total);
                    (trace, cost)
                })
                .collect::<Vec<_>>()
        })
    });
    let delete = Callback::new(move |()| {
        if let Some(id) = id.get_untracked() {
            let removed = state.change(|store| store.remove_session(&id));
            state
                .notice
                .set(Some(format!("Deleted session {id} ({removed} traces)")));
            loader::persist(state);
        }
    });
    let export = move |kind: FileKind| {
        let ids: Vec<String> = turns
            .get_untracked()
            .into_iter()
            .map(|(trace, _)| trace.id)
            .collect();
        let stem = format!("session-{}", id.get_untracked().unwrap_or_default());
        crate::export_traces(state, &ids, &stem, kind);
    };
    view! {
        <h1>"Session " <span data-testid="session-id">{move || id.get().unwrap_or_default()}</span></h1>
        <div class="actions">
            <button on:click=move |_| export(FileKind::Native)>"Export session"</button>
            <button data-testid="export-session-otlp" on:click=move |_| export(FileKind::Otlp)>"Export as OTLP"</button>
            <ConfirmDelete label="Delete this session" on_delete=delete/>
        </div>
        <ol class="conversation" data-testid="conversation">
            <For each=move || turns.get() key=|(trace, _)| trace.id.clone() let:turn>
                {turn_view(turn.0, turn.1)}
            </For>
        </ol>
        <Show when=move || turns.with(Vec::is_empty)>
            <p class="empty">"No traces in this session."</p>
        </Show>
    }
}
