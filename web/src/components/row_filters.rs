//! The index-row filters the traces page and the dashboard share: their
//! inputs, and what they read as core's `rollup::RowFilter` (the rule of
//! what a filter keeps lives there).

use leptos::prelude::*;
use prompttrace::model::Status;
use prompttrace::rollup::{time_bound, Edge, RowFilter};

use crate::state::use_state;

/// What the filter inputs hold.
#[derive(Clone, Copy, Default)]
pub struct RowFilters {
    name: RwSignal<String>,
    status: RwSignal<String>,
    session: RwSignal<String>,
    user: RwSignal<String>,
    model: RwSignal<String>,
    tag: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
}

impl RowFilters {
    /// The filter as core reads it; subscribes the caller to every input.
    pub fn rule(&self) -> RowFilter {
        let status = self.status.get();
        // The status chosen in the list, by the name core gives it.
        let chosen = Status::ALL.into_iter().find(|s| s.as_str() == status);
        RowFilter {
            name: self.name.get(),
            status: chosen,
            session: self.session.get(),
            user: self.user.get(),
            model: self.model.get(),
            tag: self.tag.get(),
            from: time_bound(&self.from.get(), Edge::Start),
            to: time_bound(&self.to.get(), Edge::End),
        }
    }
}

/// The filter inputs (name, status, session, user, model, tag, from, to).
#[component]
pub fn RowFilterInputs(filters: RowFilters) -> impl IntoView {
    let state = use_state();
    let models = Memo::new(move |_| {
        state.rows(|rows| {
            let models: std::collections::BTreeSet<&str> = rows
                .values()
                .flat_map(|row| row.models.iter().map(String::as_str))
                .collect();
            models.into_iter().map(str::to_string).collect::<Vec<_>>()
        })
    });
    let text_filter = |label: &'static str, signal: RwSignal<String>| {
        view! {
            <input type="search" placeholder=label aria-label=label
                prop:value=move || signal.get() on:input=move |e| signal.set(event_target_value(&e))/>
        }
    };
    let f = filters;
    view! {
        {text_filter("Name", f.name)}
        <select aria-label="Status" on:change=move |e| f.status.set(event_target_value(&e))>
            <option value="">"Any status"</option>
            {Status::ALL.map(|s| view! { <option value=s.as_str()>{s.as_str()}</option> }).collect_view()}
        </select>
        {text_filter("Session", f.session)}
        {text_filter("User", f.user)}
        <select aria-label="Model" on:change=move |e| f.model.set(event_target_value(&e))>
            <option value="">"Any model"</option>
            {move || models.get().into_iter().map(|m| view! { <option value=m.clone()>{m.clone()}</option> }).collect_view()}
        </select>
        {text_filter("Tag", f.tag)}
        <label title="Times are read and shown in UTC">"From (UTC) "<input type="datetime-local" step="1" on:input=move |e| f.from.set(event_target_value(&e))/></label>
        <label title="Times are read and shown in UTC">"To (UTC) "<input type="datetime-local" step="1" on:input=move |e| f.to.set(event_target_value(&e))/></label>
    }
}
