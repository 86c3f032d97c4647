//! Sharing in the page (`crate::share` does the work): the "Share…"
//! button of a trace page, whose panel asks what to leave out (core's
//! `share::Redaction`) then copies a link or downloads an HTML file; and
//! the banner of a page opened from a share ("not stored — Keep").

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use prompttrace::share::{shared_lines, Redaction};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::share::{self, codec, html, Keeping, Origin, Shared, FRAGMENT, LINK_LIMIT};
use crate::state::{use_state, AppState};
use crate::{links, records};

/// Links longer than this may be cut by chat tools and mail (many cut
/// around 8 KB); the panel says so.
const LONG_LINK: usize = 8 * 1024;

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
    // The shared lines, or (said in the panel) why there are none.
    let lines = move || {
        let redaction = Redaction {
            content: content.get_untracked(),
            metadata: metadata.get_untracked(),
            who: who.get_untracked(),
        };
        let lines = ids.with_untracked(|ids| prepared(state, ids, what, redaction));
        if let Err(why) = &lines {
            said.set(Some(why.clone()));
        }
        lines.ok()
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
                    let copied = copy(&address).await;
                    if !copied {
                        select_link();
                    }
                    said.set(Some(link_said(&address, what, copied)));
                }
            }
        });
    };
    let download = move |_| {
        let Some(lines) = lines() else { return };
        busy.set(true);
        spawn_local(async move {
            let title = stem.get_untracked();
            let heading = ids
                .with_untracked(|ids| heading_of(state, ids))
                .unwrap_or_else(|| title.clone());
            let result = match codec::encode(&lines).await {
                Ok(text) => html::page(&text, &heading).await,
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
                            " Inputs and outputs " <span class="muted">"(also status messages, prompt templates and variables, and their copies in metadata: what span events say, and the attributes a convention names as messages, documents or templates; attributes no convention names stay unless Metadata is also left out)"</span></label>
                        <label><input type="checkbox" data-testid="share-drop-metadata" prop:checked=move || metadata.get()
                            on:change=move |e| metadata.set(event_target_checked(&e))/>
                            " Metadata"</label>
                        <label><input type="checkbox" data-testid="share-drop-who" prop:checked=move || who.get()
                            on:change=move |e| who.set(event_target_checked(&e))/>
                            " Who: the traces' user and session ids " <span class="muted">"(copies in free-form metadata stay unless Metadata is also left out)"</span></label>
                    </fieldset>
                    {local_viewer().map(|host| view! {
                        <p class="share-local" data-testid="share-local">
                            {format!("This viewer runs at {host}: a link opens only where that viewer runs (this computer or its network). To send the {what} elsewhere, use Download as HTML.")}
                        </p>
                    })}
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
    let text = codec::encode(lines)
        .await
        .map_err(|why| format!("The link could not be made: {why}."))?;
    if text.len() > LINK_LIMIT {
        return Err(format!(
            "This {what} is too large for a link (even compressed, its link would be {} long; a link carries up to {}). Use Download as HTML.",
            size(text.len()),
            size(LINK_LIMIT)
        ));
    }
    let viewer = share::viewer_address().ok_or("this page has no address")?;
    Ok(format!("{viewer}{FRAGMENT}{text}"))
}

/// The shared lines of `ids`, whole: every trace must be open in this tab
/// (a session's may not be yet), never a part of them silently.
fn prepared(
    state: AppState,
    ids: &[String],
    what: &str,
    redaction: Redaction,
) -> Result<String, String> {
    if ids.is_empty() {
        return Err(format!("This {what} has no traces to share yet."));
    }
    let missing: Vec<String> = state.peek(|store| {
        ids.iter()
            .filter(|id| store.trace(id).is_none())
            .cloned()
            .collect()
    });
    if !missing.is_empty() {
        if missing.iter().all(|id| records::absent(id)) {
            return Err(format!(
                "{} of this {what}'s {} traces could not be opened, so it is not shared (a part of it would mislead).",
                missing.len(),
                ids.len()
            ));
        }
        records::open(state, ids.to_vec());
        return Err(format!(
            "{} of this {what}'s {} traces are still being opened: try again in a moment.",
            missing.len(),
            ids.len()
        ));
    }
    state
        .peek(|store| shared_lines(store, ids, redaction))
        .ok_or_else(|| format!("This {what} has no traces to share."))
}

/// The downloaded page's title: the one trace's name (its id when it has
/// none); `None` for several (the file's stem names them).
fn heading_of(state: AppState, ids: &[String]) -> Option<String> {
    let [id] = ids else { return None };
    state.peek(|store| {
        let trace = store.trace(id)?.trace();
        Some(if trace.name.is_empty() {
            trace.id.clone()
        } else {
            trace.name.clone()
        })
    })
}

/// What the panel says of a link made.
fn link_said(address: &str, what: &str, copied: bool) -> String {
    let mut said = match copied {
        true => format!("Link copied ({}). Whoever opens it sees this {what}; it is not stored until they keep it.", size(address.len())),
        false => format!("The browser did not allow copying: the link below ({}) is selected, copy it.", size(address.len())),
    };
    if address.len() > LONG_LINK {
        said.push_str(" It is long: chat tools and mail may cut links over about 8 KB — check it arrives whole, or use Download as HTML.");
    }
    said
}

/// Puts text on the clipboard; false when the browser refused or has no
/// clipboard here (`navigator.clipboard` is missing outside a secure
/// context: http on another host).
async fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    let present = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .is_ok_and(|clipboard| clipboard.is_object());
    if !present {
        return false;
    }
    JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .is_ok()
}

/// The link's field selected (copying was refused), once it is drawn.
fn select_link() {
    request_animation_frame(|| {
        let input = document()
            .query_selector("[data-testid=share-link]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(input) = input {
            let _ = input.focus();
            input.select();
        }
    });
}

/// This viewer's host when a link to it opens only near it (loopback, a
/// private network, mDNS, a file).
fn local_viewer() -> Option<String> {
    let location = web_sys::window()?.location();
    if location.protocol().ok()? == "file:" {
        return Some("a file on this computer".into());
    }
    let host = location.hostname().ok()?;
    private_host(&host).then_some(host)
}

/// Whether `host` names a loopback, unspecified, private-network,
/// link-local or shared (carrier-grade NAT, Tailscale) address, or a name
/// only a local network resolves (mDNS `.local`, a tailnet's `.ts.net`).
fn private_host(host: &str) -> bool {
    let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
    if host == "localhost"
        || [".localhost", ".local", ".ts.net"]
            .iter()
            .any(|end| host.ends_with(end))
    {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            let [first, second, ..] = ip.octets();
            ip.is_loopback()
                || ip.is_unspecified()
                || ip.is_private()
                || ip.is_link_local()
                // 100.64.0.0/10: shared address space (CGNAT, Tailscale).
                || (first == 100 && (second & 0xc0) == 64)
        }
        Ok(std::net::IpAddr::V6(ip)) => {
            let first = ip.segments()[0];
            ip.is_loopback()
                || ip.is_unspecified()
                // fc00::/7 unique local, fe80::/10 link-local.
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

fn size(bytes: usize) -> String {
    if bytes < 1024 * 1024 {
        format!("{:.0} KB", (bytes as f64 / 1024.0).ceil())
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// The banner of a page opened from a share, and the move to what it
/// brought once read (a link names no page; a reload of a held link stays
/// on the page it was on).
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
        let Some(ids) = shared.shown.get() else {
            return false;
        };
        let shown = query.with_untracked(|q| q.get("id").is_some_and(|id| ids.contains(&id)));
        if !shown && !shared.restored {
            let page = match ids.as_slice() {
                [one] => links::trace(one),
                _ => session_of(state, &ids)
                    .map(|session| links::session(&session))
                    .unwrap_or_else(|| links::to("traces", &[])),
            };
            // The fragment stays in the address bar until a click changes
            // it (a reload then opens the tab's copy); never in the query.
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
    let title = move || {
        shared.ids.with(|ids| match ids.as_deref() {
            Some([_]) | None => "Shared trace",
            Some(ids) if session_of(state, ids).is_some() => "Shared session",
            Some(_) => "Shared traces",
        })
    };
    let storage_unusable = move || state.unavailable.get() || state.blocked.get();
    Some(view! {
        <Show when=move || shared.ids.with(Option::is_some)>
            <div class="banner shared" role="status" data-testid="shared-banner">
                {match shared.origin {
                    Origin::Link => view! {
                        <span><strong>{title}</strong>" — not stored. It goes when this tab closes, unless you keep it."</span>
                        {move || match (storage_unusable(), shared.keeping.get()) {
                            (true, _) => view! {
                                <span data-testid="shared-keep-unavailable">" Storage cannot be used here, so it cannot be kept."</span>
                            }.into_any(),
                            (false, Keeping::Under) => view! {
                                <button data-testid="shared-keep" disabled=true>"Keeping…"</button>
                            }.into_any(),
                            (false, keeping) => view! {
                                <button data-testid="shared-keep" on:click=move |_| share::keep(state, shared)>"Keep"</button>
                                {match keeping {
                                    Keeping::Failed(why) => Some(view! {
                                        <span data-testid="shared-keep-failed">{format!(" Not kept ({why}): it is still held in this tab; Keep tries again.")}</span>
                                    }),
                                    _ => None,
                                }}
                            }.into_any(),
                        }}
                    }.into_any(),
                    Origin::File => view! {
                        <span><strong>{title}</strong>" — opened from this file, not stored. Files cannot be opened here."</span>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_private_hosts_are_loopback_private_and_local_names() {
        for host in [
            "localhost",
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.7",
            "172.20.0.1",
            "printer.local",
            "[::1]",
            "app.localhost",
            "[fe80::1]",
            "0.0.0.0",
            "[::]",
            "100.64.0.1",
            "100.127.255.254",
            "laptop.tail1234.ts.net",
        ] {
            assert!(private_host(host), "{host}");
        }
        for host in [
            "example.com",
            "8.8.8.8",
            "172.32.0.1",
            "local.example.com",
            "100.128.0.1",
            "100.63.255.255",
            "[fec0::1]",
            "ts.net.example.com",
        ] {
            assert!(!private_host(host), "{host}");
        }
    }
}
