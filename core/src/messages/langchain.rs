//! LangChain's serialized messages: the constructor form `message.toJSON()`
//! writes (`{lc: 1, type: "constructor", id: [.., "AIMessage"], kwargs}`),
//! the stored form (`{type: "ai", data}`, also Python's
//! `messages_to_dict`), and the callbacks' `{messages: [[…]]}` (one list
//! per prompt). Content is text or OpenAI-like parts; tool calls are
//! `{id, name, args}`.

use serde_json::Value;

use super::parts::{
    self, all, listed_tool_call, message, object, only_keys, result_content, str_at,
};
use super::{Message, Part, Role, Side};

pub(super) fn read(value: &Value, _side: Side) -> Option<Vec<Message>> {
    match value {
        Value::Array(items) => all(items, read_message),
        Value::Object(fields) => match fields.get("messages") {
            // One list per prompt; a traced call has one prompt.
            Some(Value::Array(prompts)) => {
                let lists = all(prompts, |prompt| match prompt {
                    Value::Array(items) => all(items, read_message),
                    single => read_message(single).map(|m| vec![m]),
                })?;
                Some(lists.into_iter().flatten().collect())
            }
            _ => read_message(value).map(|m| vec![m]),
        },
        _ => None,
    }
}

/// The class name (or stored type) and the fields of one message.
fn read_message(value: &Value) -> Option<Message> {
    let (kind, fields) = if str_at(value, "type") == Some("constructor") {
        let class = value.get("id")?.as_array()?.last()?.as_str()?;
        (
            class.trim_end_matches("Chunk").trim_end_matches("Message"),
            value.get("kwargs")?,
        )
    } else {
        only_keys(value, &["type", "data"])?;
        (str_at(value, "type")?, value.get("data")?)
    };
    // Every LangChain message has content (standard blocks: `content_blocks`).
    if !(object(fields)?.contains_key("content") || fields.get("content_blocks").is_some()) {
        return None;
    }
    let role = match kind.to_ascii_lowercase().as_str() {
        "human" => Role::User,
        "ai" => Role::Assistant,
        "system" | "developer" => Role::System,
        "tool" | "function" => Role::Tool,
        "chat" | "generic" => Role::parse(str_at(fields, "role")?)?,
        _ => return None,
    };
    let name = str_at(fields, "name");
    // Messages built from standard blocks keep them under `content_blocks`.
    let content = fields
        .get("content")
        .or_else(|| fields.get("content_blocks"));
    if role == Role::Tool {
        let result = Part::ToolResult {
            id: str_at(fields, "tool_call_id").map(str::to_string),
            name: name.map(str::to_string),
            content: match content {
                Some(Value::Array(items)) => all(items, read_part)?,
                Some(other) => result_content(other),
                None => Vec::new(),
            },
            is_error: str_at(fields, "status") == Some("error"),
        };
        return Some(message(role, None, vec![result]));
    }
    let mut parts = parts::content(content, read_part)?;
    let calls = fields
        .get("tool_calls")
        .or_else(|| fields.get("additional_kwargs")?.get("tool_calls"));
    if let Some(Value::Array(calls)) = calls {
        for call in all(calls, listed_tool_call)? {
            // Standard blocks may hold the same call as `tool_calls`.
            if !parts.contains(&call) {
                parts.push(call);
            }
        }
    }
    // Calls the model wrote but LangChain could not parse: kept, as JSON.
    if let Some(Value::Array(invalid)) = fields.get("invalid_tool_calls") {
        parts.extend(invalid.iter().map(|call| Part::Json {
            value: serde_json::json!({ "invalid_tool_call": call }),
        }));
    }
    Some(message(role, name, parts))
}

/// Content parts: OpenAI's (`text`, `image_url`), LangChain's standard
/// blocks (`image` with `url` or base64 `data`, `reasoning`), and
/// Anthropic's passed through (`thinking`, `tool_use`).
fn read_part(part: &Value) -> Option<Part> {
    object(part)?;
    Some(match str_at(part, "type")? {
        "text" => parts::text(str_at(part, "text")?),
        "image_url" => {
            let image = part.get("image_url")?;
            parts::image_url(image.as_str().or_else(|| str_at(image, "url"))?)
        }
        "image" => {
            let media_type = str_at(part, "mimeType").or_else(|| str_at(part, "mime_type"));
            let data = str_at(part, "data").or_else(|| str_at(part, "base64"));
            match (str_at(part, "url"), data) {
                (Some(url), _) => parts::image_url(url),
                (None, Some(data)) => parts::image_data(media_type, data),
                (None, None) => Part::Json {
                    value: part.clone(),
                },
            }
        }
        "reasoning" => Part::Reasoning {
            text: str_at(part, "reasoning")
                .or_else(|| str_at(part, "text"))?
                .to_string(),
        },
        "tool_call" => {
            parts::tool_call(str_at(part, "id"), str_at(part, "name")?, part.get("args"))
        }
        "thinking" => Part::Reasoning {
            text: str_at(part, "thinking")?.to_string(),
        },
        _ => Part::Json {
            value: part.clone(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn langchain_reads_the_constructor_and_stored_forms() {
        let constructor = json!([
            {"lc": 1, "type": "constructor", "id": ["langchain_core", "messages", "SystemMessage"], "kwargs": {"content": "Be brief."}},
            {"lc": 1, "type": "constructor", "id": ["langchain_core", "messages", "AIMessageChunk"], "kwargs": {"content": "", "tool_calls": [{"id": "c1", "name": "look", "args": {"q": 1}, "type": "tool_call"}]}},
            {"lc": 1, "type": "constructor", "id": ["langchain_core", "messages", "ToolMessage"], "kwargs": {"content": "found", "tool_call_id": "c1"}}
        ]);
        let messages = super::super::read(&constructor, Side::Input).unwrap();
        assert_eq!(
            messages.iter().map(|m| m.role).collect::<Vec<_>>(),
            [Role::System, Role::Assistant, Role::Tool]
        );
        assert_eq!(
            messages[1].parts,
            [Part::ToolCall {
                id: Some("c1".into()),
                name: "look".into(),
                arguments: json!({"q": 1})
            }]
        );
        let stored = json!({"messages": [[{"type": "human", "data": {"content": "Hi"}}]]});
        assert_eq!(read(&stored, Side::Input).unwrap()[0].role, Role::User);
    }
}
