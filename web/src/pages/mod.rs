//! One file per page (route).

pub mod generations;
pub mod session;
pub mod sessions;
pub mod storage;
pub mod trace;
pub mod traces;

use leptos::prelude::*;

/// A sortable column header: clicking it sorts by `key`, again reverses.
#[component]
pub fn SortHeader<K: PartialEq + Copy + Send + Sync + 'static>(
    label: &'static str,
    key: K,
    sort: RwSignal<(K, bool)>,
) -> impl IntoView {
    let arrow = move || match sort.get() {
        (current, ascending) if current == key => {
            if ascending {
                " ▲"
            } else {
                " ▼"
            }
        }
        _ => "",
    };
    view! {
        <th class="sortable" on:click=move |_| sort.update(|(current, ascending)| {
            if *current == key {
                *ascending = !*ascending;
            } else {
                *current = key;
                *ascending = false;
            }
        })>{label}{arrow}</th>
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
