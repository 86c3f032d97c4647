//! One file per page (route).

pub mod compare;
pub mod dashboard;
pub mod generations;
pub mod session;
pub mod sessions;
pub mod storage;
pub mod trace;
pub mod traces;

use leptos::prelude::*;

/// A sortable column header: a button in the `<th>` (so Tab reaches it and
/// Enter or Space presses it) that sorts by `key`, and again reverses; the
/// `<th>` states the order in `aria-sort`.
#[component]
pub fn SortHeader<K: PartialEq + Copy + Send + Sync + 'static>(
    label: &'static str,
    key: K,
    sort: RwSignal<(K, bool)>,
) -> impl IntoView {
    let order = move || match sort.get() {
        (current, true) if current == key => Some("ascending"),
        (current, false) if current == key => Some("descending"),
        _ => None,
    };
    let arrow = move || match order() {
        Some("ascending") => " ▲",
        Some(_) => " ▼",
        None => "",
    };
    view! {
        <th class="sortable" aria-sort=order>
            <button type="button" class="sort" on:click=move |_| sort.update(|(current, ascending)| {
                if *current == key {
                    *ascending = !*ascending;
                } else {
                    *current = key;
                    *ascending = false;
                }
            })>{label}<span aria-hidden="true">{arrow}</span></button>
        </th>
    }
}

/// Page through a long list: `size` rows a page.
#[component]
pub fn Pager(total: Signal<usize>, page: RwSignal<usize>, size: usize) -> impl IntoView {
    let pages = move || total.get().div_ceil(size).max(1);
    view! {
        <div class="pager">
            <button disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"‹ Previous"</button>
            <span data-testid="pager">{move || format!("Page {} of {} ({} rows)", page.get() + 1, pages(), crate::format::count(total.get() as u64))}</span>
            <button disabled={move || page.get() + 1 >= pages()} on:click=move |_| page.update(|p| *p += 1)>"Next ›"</button>
        </div>
    }
}
