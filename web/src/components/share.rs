//! Sharing in the page (`crate::share` does the work): the "Share…"
//! button of a trace page, whose panel asks what to leave out (core's
//! `share::Redaction`) then copies a link or downloads an HTML file; and
//! the banner of a page opened from a share ("not stored — Keep").

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use prompttrace::share::{shared_lines, Redaction};
use wasm_bindgen_futures::JsFuture;

use crate::links;
use crate::share::{self, codec, html, Origin, Shared, FRAGMENT};
use crate::state::use_state;

/// The longest fragment a link carries. Browsers take far longer URLs
/// (Chromium 2 MB), but chat tools, mail and issue trackers cut or refuse
/// long links well before that; 64 KB of base64 holds about 48 KB
/// compressed, a few hundred KB of JSON Lines. Larger traces go as a file.
pub const LINK_LIMIT: usize = 64 * 1024;

/// "Share…" and its panel, for the traces `ids` (`stem` names the file;
/// `what` they are: "trace", "session").
#[component]
pub fn ShareButton(
    #[prop(into)] ids: Signal<Vec<String>>,
    #[prop(into)] stem: Signal<String>,
    what: &'static str,
) -> impl IntoView {
    let state = use_state();
    // A downloaded file's page has neither a server to read the viewer's
    // files from nor an address a link could name.
    let from_file = use_context::<Shared>().is_some_and(|s| s.origin == Origin::File);
    let open = RwSignal::new(false);
    let content = RwSignal::new(false);
    let metadata = RwSignal::new(false);
    let who = RwSignal::new(false);
    let link = RwSignal::new(None::<String>);
    let said = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let lines = move || {
        let redaction = Redaction {
            content: content.get_untracked(),
            metadata: metadata.get_untracked(),
            who: who.get_untracked(),
        };
        ids.with_untracked(|ids| state.peek(|store| shared_lines(store, ids, redaction)))
    };
    let copy_link = move |_| {
        let Some(lines) = lines() else { return };
        busy.set(true);
        link.set(None);
        spawn_local(async move {
            let result = make_link(&lines, what).await;
            busy.set(false);
            match result {
                Err(why) => said.set(Some(why)),
                Ok(address) => {
                    link.set(Some(address.clone()));
                    said.set(Some(match copy(&address).await {
                        true => format!("Link copied. Whoever opens it sees this {what}; it is not stored until they keep it."),
                        false => "The browser did not allow copying: select the link below and copy it.".into(),
                    }));
                }
            }
        });
    };
    let download = move |_| {
        let Some(lines) = lines() else { return };
        busy.set(true);
        spawn_local(async move {
            let title = stem.get_untracked();
            let result = match codec::encode(&lines).await {
                Ok(text) => html::page(&text, &title).await,
                Err(why) => Err(why),
            };
            busy.set(false);
            match result {
                Ok(page) => {
                    crate::download(&format!("{title}.html"), &page);
                    said.set(Some(format!(
                        "Downloaded {title}.html ({}): it opens in any browser, with no network.",
                        size(page.len())
                    )));
                }
                Err(why) => said.set(Some(format!("The file could not be made: {why}."))),
            }
        });
    };
    (!from_file).then(|| view! {
        <span class="share">
            <button data-testid="share" aria-expanded=move || open.get().to_string() on:click=move |_| {
                open.update(|o| *o = !*o);
                link.set(None);
                said.set(None);
            }>"Share…"</button>
            <Show when=move || open.get()>
                <div class="share-panel" role="dialog" aria-label=format!("Share this {what}") data-testid="share-dialog"
                    on:keydown=move |event| if event.key() == "Escape" { open.set(false) }>
                    <fieldset>
                        <legend>"Leave out"</legend>
                        <label><input type="checkbox" data-testid="share-drop-content" prop:checked=move || content.get()
                            on:change=move |e| content.set(event_target_checked(&e))/>
                            " Inputs and outputs " <span class="muted">"(also status messages, prompt templates and variables, and their copies in metadata: span events, message and document attributes)"</span></label>
                        <label><input type="checkbox" data-testid="share-drop-metadata" prop:checked=move || metadata.get()
                            on:change=move |e| metadata.set(event_target_checked(&e))/>
                            " Metadata"</label>
                        <label><input type="checkbox" data-testid="share-drop-who" prop:checked=move || who.get()
                            on:change=move |e| who.set(event_target_checked(&e))/>
                            " Who: user and session ids"</label>
                    </fieldset>
                    <p class="muted" data-testid="share-always">"Always shared: names, times, statuses, models, model parameters, tokens, cost, prompt names and versions, tags, environment and release — and the user and session ids unless left out above."</p>
                    <div class="share-actions">
                        <button data-testid="share-copy-link" disabled=move || busy.get() on:click=copy_link>"Copy link"</button>
                        <button data-testid="share-download" disabled=move || busy.get() on:click=download>"Download as HTML"</button>
                        <button on:click=move |_| open.set(false)>"Close"</button>
                    </div>
                    {move || said.get().map(|text| view! { <p class="share-said" role="status" data-testid="share-said">{text}</p> })}
                    {move || link.get().map(|address| view! {
                        <input class="share-link" readonly data-testid="share-link" aria-label=format!("Link to this {what}")
                            prop:value=address on:focus=move |e| {
                                let input: web_sys::HtmlInputElement = event_target(&e);
                                input.select();
                            }/>
                    })}
                </div>
            </Show>
        </span>
    })
}

/// The link: this viewer's address and the shared text as its fragment,
/// or why a link cannot carry it.
async fn make_link(lines: &str, what: &str) -> Result<String, String> {
    let text = codec::encode(lines).await?;
    if text.len() > LINK_LIMIT {
        return Err(format!(
            "This {what} is too large for a link ({} compressed; a link carries up to {}). Use Download as HTML.",
            size(text.len()),
            size(LINK_LIMIT)
        ));
    }
    let viewer = share::viewer_address().ok_or("this page has no address")?;
    Ok(format!("{viewer}{FRAGMENT}{text}"))
}

/// Puts text on the clipboard; false when the browser refused.
async fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    JsFuture::from(window.navigator().clipboard().write_text(text))
        .await
        .is_ok()
}

fn size(bytes: usize) -> String {
    if bytes < 1024 * 1024 {
        format!("{:.0} KB", (bytes as f64 / 1024.0).ceil())
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// The banner of a page opened from a share, and the move to what it
/// brought once read (a link names no page).
#[component]
pub fn SharedBanner() -> impl IntoView {
    let state = use_state();
    let shared = use_context::<Shared>()?;
    let navigate = use_navigate();
    let query = use_query_map();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let Some(ids) = shared.ids.get() else {
            return false;
        };
        let shown = query.with_untracked(|q| q.get("id").is_some_and(|id| ids.contains(&id)));
        if !shown {
            let page = match ids.as_slice() {
                [one] => links::trace(one),
                _ => session_of(state, &ids)
                    .map(|session| links::session(&session))
                    .unwrap_or_else(|| links::to("traces", &[])),
            };
            // The fragment stays in the address bar (a reload opens it
            // again); it is never part of the query.
            let fragment = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default();
            let options = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            navigate(&format!("{page}{fragment}"), options);
        }
        true
    });
    Some(view! {
        <Show when=move || shared.ids.with(Option::is_some)>
            <div class="banner shared" role="status" data-testid="shared-banner">
                {match shared.origin {
                    Origin::Link => view! {
                        <span><strong>"Shared trace"</strong>" — not stored. It goes when this tab closes, unless you keep it."</span>
                        <button data-testid="shared-keep" on:click=move |_| share::keep(state, shared)>"Keep"</button>
                    }.into_any(),
                    Origin::File => view! {
                        <span><strong>"Shared trace"</strong>" — opened from this file, not stored."</span>
                    }.into_any(),
                }}
            </div>
        </Show>
    })
}

/// The session all of `ids` belong to, if one.
fn session_of(state: crate::state::AppState, ids: &[String]) -> Option<String> {
    state.peek(|store| {
        let mut sessions = ids
            .iter()
            .map(|id| store.trace(id).and_then(|e| e.trace().session_id.clone()));
        let first = sessions.next()??;
        sessions
            .all(|s| s.as_ref() == Some(&first))
            .then_some(first)
    })
}
