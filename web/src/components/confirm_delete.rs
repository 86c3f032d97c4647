//! A delete button that asks first, in the page: pressed, it turns into
//! "Delete trace?  [Yes, delete] [Cancel]" with Cancel focused (the safe
//! choice under Enter); Cancel or Escape turns it back, focused again.
//! Never a browser dialog (`window.confirm` blocks the page, and headless or
//! embedded browsers may not show it).

use leptos::html::Button;
use leptos::prelude::*;

#[component]
pub fn ConfirmDelete(
    /// The button's text; the question is the same with a "?".
    label: &'static str,
    /// What "Yes, delete" does.
    on_delete: Callback<()>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let button = NodeRef::<Button>::new();
    let cancel = NodeRef::<Button>::new();
    // Focus follows the state once the user has pressed something (the
    // first run is the page load: nothing to move).
    Effect::new(move |before: Option<bool>| {
        let now = asking.get();
        if before.is_some_and(|before| before != now) {
            let target = if now { cancel.get() } else { button.get() };
            if let Some(target) = target {
                let _ = target.focus();
            }
        }
        now
    });
    let question = format!("{label}?");
    move || {
        if asking.get() {
            view! {
                <span class="confirm" role="group" aria-label=question.clone() on:keydown=move |event| {
                    if event.key() == "Escape" {
                        asking.set(false);
                    }
                }>
                    <span class="question">{question.clone()}</span>
                    <button class="danger" on:click=move |_| {
                        asking.set(false);
                        on_delete.run(());
                    }>"Yes, delete"</button>
                    <button node_ref=cancel on:click=move |_| asking.set(false)>"Cancel"</button>
                </span>
            }
            .into_any()
        } else {
            view! {
                <button class="danger" node_ref=button on:click=move |_| asking.set(true)>{label}</button>
            }
            .into_any()
        }
    }
}
