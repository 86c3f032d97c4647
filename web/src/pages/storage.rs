//! Storage: what is kept in this browser, how much space it takes, clear.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::state::{use_state, Dirty};
use crate::{format, loader, records, storage};

#[component]
pub fn StoragePage() -> impl IntoView {
    let state = use_state();
    let shared = use_context::<crate::share::Shared>();
    let counts = Memo::new(move |_| {
        state.rows(|rows| {
            let sessions: std::collections::HashSet<&str> = rows
                .values()
                .filter_map(|row| row.session_id.as_deref())
                .collect();
            (
                rows.len(),
                rows.values()
                    .map(|row| row.observation_count)
                    .sum::<usize>(),
                sessions.len(),
            )
        })
    });
    let estimate = RwSignal::new(None::<(f64, f64)>);
    Effect::new(move |_| {
        counts.track();
        spawn_local(async move { estimate.set(storage::estimate().await) });
    });
    let clear = move |_| {
        // Clearing is the user's explicit word: the stored copy may go.
        state.blocked.set(false);
        crate::import::queue::stop_all(state);
        state.change(|store| store.clear());
        state.change_rows(|rows| rows.clear());
        records::forget_all();
        // A shared link held unkept goes too: no reload or Keep brings it back.
        crate::share::let_go(state, shared, None);
        crate::live::cleared();
        // Files dropped while the stored traces were loading go too.
        state.pending.update_value(Vec::clear);
        loader::persist(state, Dirty::cleared());
        state
            .notice
            .set(Some("Cleared: nothing is stored any more.".into()));
    };
    view! {
        <h1>"Storage"</h1>
        <dl class="figures" data-testid="storage">
            <div><dt>"Traces"</dt><dd data-testid="stored-traces">{move || format::count(counts.get().0 as u64)}</dd></div>
            <div><dt>"Observations"</dt><dd>{move || format::count(counts.get().1 as u64)}</dd></div>
            <div><dt>"Sessions"</dt><dd>{move || format::count(counts.get().2 as u64)}</dd></div>
            <div><dt>"Space used"</dt><dd>{move || match estimate.get() {
                Some((used, quota)) if used < 1e6 => format!("{:.0} KB of {:.0} MB", used / 1e3, quota / 1e6),
                Some((used, quota)) => format!("{:.1} MB of {:.0} MB", used / 1e6, quota / 1e6),
                None => "unknown".into(),
            }}</dd></div>
        </dl>
        <p>"Traces are kept in this browser's IndexedDB; nothing leaves this machine."</p>
        <button class="danger" data-testid="clear" on:click=clear>"Clear everything"</button>
    }
}
