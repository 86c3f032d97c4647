//! An observation's input or output in the view the user picked:
//! Messages (a conversation, from core's `messages`), Markdown (the same,
//! with text rendered as markdown), or JSON. The choice is remembered in
//! this browser; a view that does not apply (Messages for a value that is
//! not a conversation) falls back to the next that does.

use leptos::prelude::*;
use prompttrace::messages::Message;
use prompttrace::Json;
use serde_json::Value;

use super::json_view::JsonView;
use super::markdown::Markdown;
use super::messages::{FoldedText, MessageList};
use crate::storage;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentMode {
    Messages,
    Markdown,
    Json,
}

impl ContentMode {
    const ALL: [ContentMode; 3] = [
        ContentMode::Messages,
        ContentMode::Markdown,
        ContentMode::Json,
    ];

    fn as_str(self) -> &'static str {
        match self {
            ContentMode::Messages => "messages",
            ContentMode::Markdown => "markdown",
            ContentMode::Json => "json",
        }
    }

    fn label(self) -> &'static str {
        match self {
            ContentMode::Messages => "Messages",
            ContentMode::Markdown => "Markdown",
            ContentMode::Json => "JSON",
        }
    }
}

/// The app's one choice, read from and written to the settings.
#[derive(Clone, Copy)]
pub struct ContentChoice(RwSignal<ContentMode>);

pub fn provide_content_choice() {
    let saved = storage::setting(storage::CONTENT_VIEW);
    let mode = ContentMode::ALL
        .into_iter()
        .find(|m| Some(m.as_str()) == saved.as_deref())
        .unwrap_or(ContentMode::Messages);
    let signal = RwSignal::new(mode);
    Effect::new(move |_| storage::set_setting(storage::CONTENT_VIEW, signal.get().as_str()));
    provide_context(ContentChoice(signal));
}

fn use_choice() -> RwSignal<ContentMode> {
    expect_context::<ContentChoice>().0
}

/// Messages | Markdown | JSON.
#[component]
pub fn ContentToggle() -> impl IntoView {
    let choice = use_choice();
    let buttons = ContentMode::ALL
        .into_iter()
        .map(|mode| {
            view! {
                <button
                    data-testid=format!("view-{}", mode.as_str())
                    aria-pressed=move || (choice.get() == mode).to_string()
                    on:click=move |_| choice.set(mode)
                >{mode.label()}</button>
            }
        })
        .collect_view();
    view! { <div class="content-toggle" role="group" aria-label="Show content as">{buttons}</div> }
}

/// One value in the chosen view; `messages` is what core read of it.
#[component]
pub fn Content(value: Json, messages: Option<Vec<Message>>) -> impl IntoView {
    let choice = use_choice();
    let text = match value.to_value() {
        Ok(Value::String(text)) => Some(text),
        _ => None,
    };
    move || {
        let mode = choice.get();
        match (mode, &messages, &text) {
            (ContentMode::Json, _, _) => view! { <JsonView value=value.clone()/> }.into_any(),
            (mode, Some(messages), _) => {
                view! { <MessageList messages=messages.clone() markdown=mode == ContentMode::Markdown/> }.into_any()
            }
            (ContentMode::Markdown, None, Some(text)) => view! { <Markdown text=text.clone()/> }.into_any(),
            (_, None, Some(text)) => view! { <FoldedText text=text.clone() markdown=false/> }.into_any(),
            (_, None, None) => view! { <JsonView value=value.clone()/> }.into_any(),
        }
    }
}
