//! The prompttrace viewer: a static Leptos app that opens trace files and
//! keeps them in the browser. Every rule (parsing, merging, rollups,
//! durations) is the core's; this crate only shows its results.
//!
//! Routing: the page and its parameters live in the query string of the
//! one index.html (see `links`), read with leptos_router's `use_query_map`,
//! so deep links work from any static file server. Each is a memo of its
//! own: a change to one parameter (`&obs=`, the selected observation)
//! reaches only what reads that parameter, never the page switch.

/// The wasm heap grows in large steps (`prompttrace-heap`: std's grows by
/// each allocation's need, and every grow costs V8 a GC).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: prompttrace_heap::Heap = prompttrace_heap::Heap::new();

mod components;
mod demo;
mod elsewhere;
mod format;
pub mod import;
mod links;
mod live;
mod loader;
mod pages;
mod records;
mod restore;
mod share;
mod state;
mod storage;
mod whole;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Router, A};
use leptos_router::hooks::use_query_map;
use prompttrace::format::{native, otlp};
use prompttrace::Store;
use wasm_bindgen::JsCast;

use state::Progress;

use state::AppState;

/// The theme ("light" or "dark"), in context for what draws its own
/// colours (the flame graph's canvas).
#[derive(Clone, Copy)]
pub struct Theme(pub RwSignal<String>);

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    components::content::provide_content_choice();
    let theme = RwSignal::new(storage::setting(storage::THEME).unwrap_or_else(|| "light".into()));
    provide_context(Theme(theme));
    Effect::new(move |_| {
        let theme = theme.get();
        storage::set_setting(storage::THEME, &theme);
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", &theme);
        }
    });
    // Served by `npx prompttrace view`: the files it follows, live.
    let live = live::address().map(|address| (live::Live::new(), address));
    if let Some((live, _)) = &live {
        provide_context(*live);
    }
    // A downloaded file's page holds its traces and touches no storage.
    let file_page = share::file_page();
    if file_page {
        storage::forbid();
        state.unavailable.set(true);
    } else {
        // What another context (the app's tracer, another tab) stores meanwhile.
        elsewhere::listen(state);
    }
    // Opened from a shared link or a downloaded file.
    let shared = share::found();
    // A link pasted over the viewer opens (a downloaded file opens no links).
    if !share::file_page() {
        share::follow_links(shared);
    }
    if let Some(shared) = shared {
        provide_context(shared);
    }
    start(state, live, shared);
    view! {
        <Router>
            <Shell theme=theme/>
        </Router>
    }
}

/// Loads what the browser kept, or the demo traces on a first visit.
fn start(state: AppState, live: Option<(live::Live, String)>, shared: Option<share::Shared>) {
    state
        .progress
        .set(Some(Progress::busy("Opening stored traces…")));
    spawn_local(async move {
        let mut showing_demo = false;
        // A downloaded file's page holds its traces and nothing else.
        let from_file = shared.is_some_and(|s| s.origin == share::Origin::File);
        let stored = !from_file && restore::restore(state).await;
        // Not in a page that shows an app's own traces: the live files', or
        // the database an app's tracer writes (openViewer), or a share's.
        let shows_app = live.is_some() || embedded() || shared.is_some();
        if !stored && !shows_app && storage::setting(storage::DEMO_SEEN).is_none() {
            let demo = demo::FILES
                .iter()
                .map(|(name, text)| (name.to_string(), loader::blob_of(text.as_bytes())))
                .collect();
            // Before files given while loading, which are newer.
            state.pending.update_value(|pending| {
                let later = std::mem::replace(pending, demo);
                pending.extend(later);
            });
            showing_demo = true;
        }
        // A share is unpacked before the page counts as loaded: until then
        // a trace, compare or dashboard page says "opening", never "not
        // stored here" or "nothing is stored".
        if let Some(shared) = shared {
            state
                .progress
                .set(Some(Progress::busy("Opening the shared traces…")));
            share::open(state, shared).await;
        }
        state.progress.set(None);
        state.loaded.set(true);
        // What was done while loading goes first: "Clear everything" then a
        // drop must clear, then store the dropped file, not the reverse.
        let unsaved = state
            .unsaved
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if !unsaved.is_empty() {
            loader::persist(state, unsaved);
        }
        let pending = state
            .pending
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if !pending.is_empty() {
            loader::import_all(state, pending);
        }
        if showing_demo {
            state.notice.set(Some(
                "Showing demo traces (the seed's scenarios). Clear them on the Storage page."
                    .into(),
            ));
        }
        elsewhere::loaded(state);
        if let Some((live, address)) = &live {
            live::connect(state, *live, address);
        }
        // `?url=` loads a file once, on arrival, after what was stored.
        if let Some(url) = url_param() {
            loader::import_url(state, url);
        }
    });
}

/// Whether the npm package's `openViewer` opened this page, on an app's
/// origin (it names the viewer's wasm in a meta tag).
fn embedded() -> bool {
    document()
        .query_selector("meta[name=prompttrace-viewer-wasm]")
        .ok()
        .flatten()
        .is_some()
}

fn url_param() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("url")
}

#[component]
fn Shell(theme: RwSignal<String>) -> impl IntoView {
    let state = state::use_state();
    let query = use_query_map();
    let page: Memo<String> = Memo::new(move |_| {
        query
            .with(|q| q.get("page"))
            .unwrap_or_else(|| "sessions".into())
    });
    // Made inside the page switch, so each page's parameters go with it.
    let param = move |key: &'static str| -> Signal<Option<String>> {
        Memo::new(move |_| query.with(|q| q.get(key))).into()
    };
    let dragging = RwSignal::new(false);
    window_event_listener(leptos::ev::paste, move |event| {
        let Some(text) = event
            .clipboard_data()
            .and_then(|data| data.get_data("text").ok())
        else {
            return;
        };
        let in_field = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA"));
        if !in_field && !text.trim().is_empty() {
            loader::import_all(
                state,
                vec![("pasted text".into(), loader::blob_of(text.as_bytes()))],
            );
        }
    });

    let nav = move |target: &'static str, label: &'static str| {
        view! {
            <A href=links::to(target, &[]) attr:class=move || if page.with(|p| p == target) { "active" } else { "" }>{label}</A>
        }
    };
    view! {
        <div
            class="app"
            on:dragover=move |event| {
                event.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |event: web_sys::DragEvent| {
                event.prevent_default();
                dragging.set(false);
                if let Some(files) = event.data_transfer().and_then(|d| d.files()) {
                    loader::import_files(state, files);
                }
            }
        >
            <header>
                <span class="brand">"prompttrace"</span>
                <nav>
                    {nav("sessions", "Sessions")}
                    {nav("traces", "Traces")}
                    {nav("generations", "LLM calls")}
                    {nav("dashboard", "Dashboard")}
                    {nav("storage", "Storage")}
                </nav>
                {use_context::<live::Live>().map(|live| view! { <live::LiveBadge live=live/> })}
                <ImportBar/>
                <button
                    class="theme"
                    title="Switch light / dark"
                    on:click=move |_| theme.update(|t| *t = if t == "dark" { "light".into() } else { "dark".into() })
                >
                    {move || if theme.get() == "dark" { "☀ light" } else { "☾ dark" }}
                </button>
            </header>
            <Banners/>
            <components::share::SharedBanner/>
            <Show when=move || dragging.get()>
                <div class="drop-overlay">"Drop trace files to load them"</div>
            </Show>
            <main>
                {move || match page.get().as_str() {
                    "session" => view! { <pages::session::SessionPage id=param("id")/> }.into_any(),
                    "traces" => view! { <pages::traces::TracesPage/> }.into_any(),
                    "compare" => view! { <pages::compare::ComparePage a=param("a") b=param("b")/> }.into_any(),
                    "trace" => view! { <pages::trace::TracePage id=param("id") selected=param("obs") query=param("q") view=param("view")/> }.into_any(),
                    "generations" => view! { <pages::generations::GenerationsPage/> }.into_any(),
                    "dashboard" => view! { <pages::dashboard::DashboardPage/> }.into_any(),
                    "storage" => view! { <pages::storage::StoragePage/> }.into_any(),
                    _ => view! { <pages::sessions::SessionsPage/> }.into_any(),
                }}
            </main>
        </div>
    }
}

#[component]
fn ImportBar() -> impl IntoView {
    let state = state::use_state();
    let url = RwSignal::new(String::new());
    // A downloaded file's page shows its traces only: nothing to store into.
    let opens_files = !share::file_page();
    view! {
        <div class="import">
            <Show when=move || opens_files>
            <label class="button">
                "Open files…"
                <input
                    type="file"
                    multiple
                    accept=".json,.jsonl,.ndjson,application/json"
                    data-testid="file-input"
                    on:change=move |event| {
                        let input: web_sys::HtmlInputElement = event_target(&event);
                        if let Some(files) = input.files() {
                            loader::import_files(state, files);
                        }
                        input.set_value("");
                    }
                />
            </label>
            <form on:submit=move |event| {
                event.prevent_default();
                let address = url.get_untracked();
                if !address.trim().is_empty() {
                    loader::import_url(state, address.trim().to_string());
                }
            }>
                <input type="url" placeholder="https://… trace file" prop:value=move || url.get() on:input=move |e| url.set(event_target_value(&e))/>
                <button type="submit">"Load"</button>
            </form>
            </Show>
            <button on:click=move |_| export(state, FileKind::Native)>"Export"</button>
            <button on:click=move |_| export(state, FileKind::Otlp) data-testid="export-otlp" title="OpenTelemetry OTLP/JSON, for Langfuse, Phoenix, Jaeger or any collector">"Export OTLP"</button>
        </div>
    }
}

/// What the export buttons write.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Our JSON document.
    Native,
    /// OpenTelemetry's OTLP/JSON.
    Otlp,
}

/// Downloads everything: native JSON Lines (a file of any size is written
/// a part at a time, which one JSON document cannot be), or OTLP.
fn export(state: AppState, kind: FileKind) {
    whole::export(
        state,
        match kind {
            FileKind::Native => whole::Export::JsonLines,
            FileKind::Otlp => whole::Export::Otlp,
        },
    );
}

/// Downloads some traces (a trace, a session, shown and so opened);
/// `stem` names the file.
pub fn export_traces(state: AppState, ids: &[String], stem: &str, kind: FileKind) {
    if kind == FileKind::Otlp {
        let text = state.peek(|store| otlp::write_selected(store, ids, &[]));
        download(&format!("{stem}.otlp.json"), &text);
        return;
    }
    let text = state.peek(|store| {
        let mut batch = prompttrace::store::Batch::default();
        for entry in ids.iter().filter_map(|id| store.trace(id)) {
            batch.traces.push(entry.trace().clone());
            batch
                .observations
                .extend(entry.observations().iter().cloned());
        }
        let mut selection = Store::new();
        // Records taken from a valid store pass every rule again.
        let _ = selection.import(batch);
        native::write(&selection)
    });
    download(&format!("{stem}.json"), &text);
}

pub fn download(file_name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence(&parts) {
        download_blob(file_name, &blob);
    }
}

pub fn download_blob(file_name: &str, blob: &web_sys::Blob) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Ok(link) = document().create_element("a") {
        let _ = link.set_attribute("href", &url);
        let _ = link.set_attribute("download", file_name);
        if let Some(link) = link.dyn_ref::<web_sys::HtmlElement>() {
            link.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[component]
fn Banners() -> impl IntoView {
    let state = state::use_state();
    view! {
        {move || state.progress.get().map(|progress| view! {
            <div class="progress" data-testid="progress">
                {match progress.fraction {
                    Some(done) => view! {
                        <progress max="1" value=done.to_string() aria-label=progress.label.clone()></progress>
                    }.into_any(),
                    None => view! {
                        <div class="progress-bar" role="progressbar" aria-label=progress.label.clone()></div>
                    }.into_any(),
                }}
                <span>{progress.label.clone()}{progress.fraction.map(|done| format!(" {:.0}%", done * 100.0))}</span>
                {progress.cancellable.then(|| view! {
                    <button data-testid="cancel-import" on:click=move |_| import::queue::cancel(state)>"Cancel"</button>
                })}
            </div>
        })}
        <Show when=move || { state.saving.get() > 0 }>
            <div class="saving" data-testid="saving">"Saving…"</div>
        </Show>
        <Show when=move || !state.errors.with(Vec::is_empty)>
            <div class="banner error" role="alert" data-testid="errors">
                <ul>{move || state.errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                <button on:click=move |_| state.errors.set(Vec::new())>"Dismiss"</button>
            </div>
        </Show>
        <Show when=move || state.notice.with(Option::is_some)>
            <div class="banner notice" data-testid="notice">
                <span>{move || state.notice.get()}</span>
                <button on:click=move |_| state.notice.set(None)>"Dismiss"</button>
            </div>
        </Show>
    }
}
