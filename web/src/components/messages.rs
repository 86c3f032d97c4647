//! A conversation: one block per message (`data-role`), tool calls with
//! their pretty arguments, results linked to the call they answer,
//! reasoning folded away, long text folded with "Show all".
//!
//! Invariant (as everywhere in the viewer): content is text nodes only; a
//! `data:` image is the one thing drawn from it, and a remote image is shown
//! as its URL, never fetched.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use prompttrace::messages::{Message, Part};
use prompttrace::Json;
use serde_json::Value;
use wasm_bindgen::JsCast;

use super::json_view::JsonView;
use super::markdown::Markdown;

/// Text longer than this is folded; 10 MB of text is never drawn unasked.
const FOLD_CHARS: usize = 3_000;
const FOLD_LINES: usize = 40;

#[component]
pub fn MessageList(messages: Vec<Message>, markdown: bool) -> impl IntoView {
    // A result names its call's tool when the API only sent the call's id.
    let tools: Arc<HashMap<String, String>> = Arc::new(
        messages
            .iter()
            .flat_map(|m| &m.parts)
            .filter_map(|part| match part {
                Part::ToolCall {
                    id: Some(id), name, ..
                } => Some((id.clone(), name.clone())),
                _ => None,
            })
            .collect(),
    );
    let blocks = messages
        .into_iter()
        .map(|message| message_view(message, markdown, &tools))
        .collect_view();
    view! { <div class="messages" data-testid="messages">{blocks}</div> }
}

fn message_view(
    message: Message,
    markdown: bool,
    tools: &Arc<HashMap<String, String>>,
) -> impl IntoView {
    let role = message.role.as_str();
    let parts = message
        .parts
        .into_iter()
        .map(|part| part_view(part, markdown, tools))
        .collect_view();
    view! {
        <div class="message" data-role=role>
            <div class="message-role">{role}{message.name.map(|n| view! { <span class="message-name">{n}</span> })}</div>
            <div class="message-parts">{parts}</div>
        </div>
    }
}

fn part_view(part: Part, markdown: bool, tools: &Arc<HashMap<String, String>>) -> AnyView {
    match part {
        Part::Text { text } => view! { <FoldedText text=text markdown=markdown/> }.into_any(),
        Part::Image { url } => image(url),
        Part::ToolCall {
            id,
            name,
            arguments,
        } => {
            let call_id = id.clone().unwrap_or_default();
            let arguments = match &arguments {
                Value::String(text) => text.clone(),
                value => serde_json::to_string_pretty(value).unwrap_or_default(),
            };
            view! {
                <div class="tool-call" data-call-id=call_id>
                    <div class="tool-head">"Call " <strong class="tool-name">{name}</strong>
                        {id.map(|id| view! { <span class="call-id">{id}</span> })}</div>
                    <pre class="arguments">{arguments}</pre>
                </div>
            }
            .into_any()
        }
        Part::ToolResult {
            id,
            name,
            content,
            is_error,
        } => {
            let name = name.or_else(|| tools.get(id.as_deref()?).cloned());
            let label = match (&name, &id) {
                (Some(name), _) => name.clone(),
                (None, Some(id)) => id.clone(),
                (None, None) => "tool".to_string(),
            };
            let linked = id.clone().filter(|id| tools.contains_key(id));
            let head = match linked {
                Some(id) => view! {
                    <a href="#" class="result-of" title="Show the call" on:click=move |event| show_call(event, &id)>{label}</a>
                }
                .into_any(),
                None => view! { <strong class="tool-name">{label}</strong> }.into_any(),
            };
            let parts = content
                .into_iter()
                .map(|p| part_view(p, markdown, tools))
                .collect_view();
            let result_of = id.clone().unwrap_or_default();
            view! {
                <div class="tool-result" class:error=is_error data-result-of=result_of>
                    <div class="tool-head">{if is_error { "Error from " } else { "Result of " }}{head}
                        {id.map(|id| view! { <span class="call-id">{id}</span> })}</div>
                    {parts}
                </div>
            }
            .into_any()
        }
        Part::Reasoning { text } if text.is_empty() => {
            view! { <p class="reasoning muted">"Reasoning (not shown by the provider)"</p> }
                .into_any()
        }
        Part::Reasoning { text } => view! {
            <details class="reasoning">
                <summary>"Reasoning"</summary>
                <FoldedText text=text markdown=markdown/>
            </details>
        }
        .into_any(),
        Part::Json { value } => view! { <JsonView value=Json::from(value)/> }.into_any(),
    }
}

/// A `data:` image is drawn; any other URL is shown, not loaded.
fn image(url: String) -> AnyView {
    if url
        .get(..11)
        .is_some_and(|s| s.eq_ignore_ascii_case("data:image/"))
    {
        view! { <img class="thumb" src=url alt="image from the message"/> }.into_any()
    } else {
        view! { <span class="remote-image" title="Remote images are not loaded">"Image (not loaded): "{url}</span> }
            .into_any()
    }
}

/// Scrolls to the call a result answers, in the same conversation.
fn show_call(event: leptos::ev::MouseEvent, id: &str) {
    event.prevent_default();
    let Some(list) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest(".messages").ok().flatten())
    else {
        return;
    };
    let Ok(calls) = list.query_selector_all(".tool-call[data-call-id]") else {
        return;
    };
    for i in 0..calls.length() {
        let Some(call) = calls
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        if call.get_attribute("data-call-id").as_deref() == Some(id) {
            call.scroll_into_view();
            let _ = call.class_list().add_1("flash");
            let cleared = call.clone();
            set_timeout(
                move || {
                    let _ = cleared.class_list().remove_1("flash");
                },
                std::time::Duration::from_millis(1_200),
            );
            return;
        }
    }
}

/// Text, folded when long, as plain text or markdown.
#[component]
pub fn FoldedText(text: String, markdown: bool) -> impl IntoView {
    let total = text.chars().count();
    let cut = fold_at(&text);
    let all = RwSignal::new(cut.is_none());
    let text = Arc::new(text);
    move || {
        let shown = match (all.get(), cut) {
            (false, Some(at)) => text[..at].to_string(),
            _ => text.as_str().to_string(),
        };
        let body = if markdown {
            view! { <Markdown text=shown/> }.into_any()
        } else {
            view! { <div class="text">{shown}</div> }.into_any()
        };
        let more = (!all.get()).then(|| {
            view! {
                <button class="show-all" on:click=move |_| all.set(true)>
                    {format!("Show all ({} characters)", crate::format::count(total as u64))}
                </button>
            }
        });
        view! { {body}{more} }
    }
}

/// Where a long text is cut: after `FOLD_CHARS` characters or `FOLD_LINES`
/// lines, on a character boundary; `None` when it is short.
fn fold_at(text: &str) -> Option<usize> {
    let by_chars = text.char_indices().nth(FOLD_CHARS).map(|(i, _)| i);
    let by_lines = text.match_indices('\n').nth(FOLD_LINES).map(|(i, _)| i);
    match (by_chars, by_lines) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
