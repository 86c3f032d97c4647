//! Trace content as collapsible pretty JSON, or plain text for strings.
//!
//! Invariant: content is untrusted (it comes from LLMs and users); it is
//! only ever rendered as text nodes, never as HTML, and links are never made.

use leptos::prelude::*;
use prompttrace::Json;
use serde_json::Value;

#[component]
pub fn JsonView(value: Json) -> impl IntoView {
    match value.to_value() {
        Ok(Value::String(text)) => view! { <pre class="text">{text}</pre> }.into_any(),
        Ok(value) => view! { <div class="json">{node(value, 0)}</div> }.into_any(),
        Err(_) => view! { <pre class="text">{value.as_str().to_string()}</pre> }.into_any(),
    }
}

fn node(value: Value, depth: usize) -> AnyView {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let size = map.len();
            let entries = map
                .into_iter()
                .map(|(key, value)| view! { <li><span class="key">{key}": "</span>{node(value, depth + 1)}</li> })
                .collect_view();
            view! {
                <details open=depth < 2>
                    <summary>{format!("{{…}} {size} keys")}</summary>
                    <ul>{entries}</ul>
                </details>
            }
            .into_any()
        }
        Value::Array(items) if !items.is_empty() => {
            let size = items.len();
            let entries = items
                .into_iter()
                .map(|value| view! { <li>{node(value, depth + 1)}</li> })
                .collect_view();
            view! {
                <details open=depth < 2>
                    <summary>{format!("[…] {size} items")}</summary>
                    <ol start="0">{entries}</ol>
                </details>
            }
            .into_any()
        }
        Value::String(text) => {
            view! { <span class="string">{format!("{text:?}")}</span> }.into_any()
        }
        other => view! { <span class="literal">{other.to_string()}</span> }.into_any(),
    }
}
