//! Anthropic's Messages API: a request's `{system, messages}`, a response's
//! `{type: "message", role, content}`, and messages whose content blocks are
//! `text`, `image` (base64 or URL source), `tool_use`, `tool_result`,
//! `thinking` and `redacted_thinking`.

use serde_json::{Map, Value};

use super::parts::{self, all, message, object, only_keys, result_content, str_at};
use super::{Message, Part, Role, Side};

pub(super) fn read(value: &Value, _side: Side) -> Option<Vec<Message>> {
    let mut marked = false;
    let messages = match value {
        Value::Array(items) => all(items, |m| read_message(m, &mut marked))?,
        Value::Object(fields) => {
            if str_at(value, "type") == Some("message") || fields.contains_key("role") {
                marked |= str_at(value, "type") == Some("message");
                vec![read_message(value, &mut marked)?]
            } else {
                read_request(fields, &mut marked)?
            }
        }
        _ => return None,
    };
    marked.then_some(messages)
}

/// `{system, messages}`: the system prompt is a field of its own, text or
/// text blocks.
fn read_request(fields: &Map<String, Value>, marked: &mut bool) -> Option<Vec<Message>> {
    let Some(Value::Array(items)) = fields.get("messages") else {
        return None;
    };
    let mut messages = Vec::new();
    if let Some(system) = fields.get("system") {
        *marked = true;
        let parts = match system {
            Value::String(text) => vec![parts::text(text)],
            Value::Array(blocks) => all(blocks, |b| read_block(b, marked))?,
            _ => return None,
        };
        messages.push(message(Role::System, None, parts));
    }
    messages.extend(all(items, |m| read_message(m, marked))?);
    Some(messages)
}

fn read_message(value: &Value, marked: &mut bool) -> Option<Message> {
    // A response (`type: "message"`) carries metadata the API keeps adding;
    // a message in a request has a role and content only.
    let response = str_at(value, "type") == Some("message");
    if !response {
        only_keys(value, &["role", "content"])?;
    }
    let role = Role::parse(str_at(value, "role")?)?;
    let parts = match value.get("content")? {
        Value::String(text) => vec![parts::text(text)],
        Value::Array(blocks) => {
            let mut parts = Vec::with_capacity(blocks.len());
            for block in blocks {
                parts.push(read_block(block, marked)?);
                // A text's sources are kept, as JSON, after it.
                if let Some(citations) = block
                    .get("citations")
                    .filter(|c| c.as_array().is_some_and(|c| !c.is_empty()))
                {
                    parts.push(Part::Json {
                        value: serde_json::json!({ "citations": citations }),
                    });
                }
            }
            parts
        }
        _ => return None,
    };
    Some(message(role, None, parts))
}

/// One content block; `marked` is set by the blocks only Anthropic writes.
fn read_block(block: &Value, marked: &mut bool) -> Option<Part> {
    let fields = object(block)?;
    let kind = str_at(block, "type")?;
    if kind != "text" {
        *marked = true;
    }
    Some(match kind {
        "text" => parts::text(str_at(block, "text")?),
        "image" => image(fields.get("source")?)?,
        "tool_use" | "server_tool_use" => parts::tool_call(
            str_at(block, "id"),
            str_at(block, "name")?,
            fields.get("input"),
        ),
        "tool_result" => Part::ToolResult {
            id: str_at(block, "tool_use_id").map(str::to_string),
            name: None,
            content: match fields.get("content") {
                Some(Value::Array(blocks)) => all(blocks, |b| read_block(b, marked))?,
                Some(other) => result_content(other),
                None => Vec::new(),
            },
            is_error: fields
                .get("is_error")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
        "thinking" => Part::Reasoning {
            text: str_at(block, "thinking")?.to_string(),
        },
        // Redacted reasoning is encrypted: say that there was some.
        "redacted_thinking" => Part::Reasoning {
            text: String::new(),
        },
        // Anthropic's other blocks (documents, server tools' results).
        kind if kind.ends_with("_tool_use")
            || kind.ends_with("_tool_result")
            || ["document", "search_result", "container_upload"].contains(&kind) =>
        {
            Part::Json {
                value: block.clone(),
            }
        }
        _ => return None,
    })
}

fn image(source: &Value) -> Option<Part> {
    match str_at(source, "type")? {
        "base64" => Some(parts::image_data(
            str_at(source, "media_type"),
            str_at(source, "data")?,
        )),
        "url" => Some(parts::image_url(str_at(source, "url")?)),
        _ => Some(Part::Json {
            value: source.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn anthropic_reads_blocks_and_the_system_field() {
        let request = json!({"model": "claude", "system": "Be brief.", "max_tokens": 100, "messages": [
            {"role": "user", "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AA"}}, {"type": "text", "text": "What is this?"}]},
            {"role": "assistant", "content": [{"type": "thinking", "thinking": "Hmm", "signature": "s"}, {"type": "tool_use", "id": "tu_1", "name": "look", "input": {"q": 1}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "tu_1", "content": "a cat", "is_error": false}]}
        ]});
        let messages = super::super::read(&request, Side::Input).unwrap();
        assert_eq!(
            messages.iter().map(|m| m.role).collect::<Vec<_>>(),
            [Role::System, Role::User, Role::Assistant, Role::Tool]
        );
        assert_eq!(
            messages[1].parts[0],
            Part::Image {
                url: "data:image/png;base64,AA".into()
            }
        );
        assert_eq!(messages[2].parts[0], Part::Reasoning { text: "Hmm".into() });
    }

    #[test]
    fn anthropic_leaves_plain_text_chats_to_the_chat_reader() {
        assert_eq!(
            read(&json!([{"role": "user", "content": "Hi"}]), Side::Input),
            None
        );
    }
}
