//! Messages as plain text, for terminals (`prompttrace show`).

use std::fmt::Write as _;

use serde_json::Value;

use super::{Message, Part};

/// One line per part, each line after the first of a text indented under
/// it: `user: …`, `assistant → lookup({"id":7}) [call_1]`, `tool [call_1]: …`.
pub fn render_messages(out: &mut String, messages: &[Message], indent: &str) {
    for message in messages {
        let speaker = match &message.name {
            Some(name) => format!("{} ({name})", message.role.as_str()),
            None => message.role.as_str().to_string(),
        };
        if message.parts.is_empty() {
            let _ = writeln!(out, "{indent}{speaker}: (empty)");
        }
        for part in &message.parts {
            render_part(out, &speaker, part, indent);
        }
    }
}

fn render_part(out: &mut String, speaker: &str, part: &Part, indent: &str) {
    let label = match part {
        Part::Reasoning { .. } => format!("{speaker} (reasoning):"),
        Part::ToolCall { id, name, .. } => format!("{speaker} → {name}{}", id_label(id)),
        // A result reads as the tool speaking, whoever's message holds it.
        Part::ToolResult {
            id, name, is_error, ..
        } => {
            let name = name.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
            let error = if *is_error { " (error)" } else { "" };
            format!("tool{name}{}{error}:", id_label(id))
        }
        _ => format!("{speaker}:"),
    };
    let body = body(part);
    let mut lines = body.lines();
    let _ = writeln!(out, "{indent}{label} {}", lines.next().unwrap_or(""));
    for line in lines {
        let _ = writeln!(out, "{indent}    {line}");
    }
}

/// A part's content without its label.
fn body(part: &Part) -> String {
    match part {
        Part::Text { text } | Part::Reasoning { text } => text.clone(),
        Part::Image { url } => format!("[image {}]", image_label(url)),
        Part::ToolCall { arguments, .. } => compact(arguments),
        Part::ToolResult { content, .. } => content.iter().map(body).collect::<Vec<_>>().join("\n"),
        Part::Json { value } => compact(value),
    }
}

fn id_label(id: &Option<String>) -> String {
    id.as_deref()
        .map(|id| format!(" [{id}]"))
        .unwrap_or_default()
}

/// A `data:` URL names its type and size, never its bytes.
fn image_label(url: &str) -> String {
    match url.strip_prefix("data:") {
        Some(rest) => {
            let media_type = rest.split([';', ',']).next().unwrap_or("");
            format!("{media_type}, {} bytes of data", rest.len())
        }
        None => url.to_string(),
    }
}

fn compact(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        value => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{read, Side};
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_render_as_lines_per_part() {
        let messages = read(
            &json!([
                {"role": "user", "content": "Where is\nmy order?"},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "function": {"name": "lookup", "arguments": "{\"id\":7}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": "shipped"}
            ]),
            Side::Input,
        )
        .unwrap();
        let mut out = String::new();
        render_messages(&mut out, &messages, "  ");
        assert_eq!(
            out,
            "  user: Where is\n      my order?\n  assistant → lookup [c1] {\"id\":7}\n  tool [c1]: shipped\n"
        );
    }
}
