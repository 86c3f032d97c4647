//! OpenAI chat completions, and the many APIs that copy it: `{role,
//! content, tool_calls}` messages (OpenInference's rebuilt lists too), a
//! request's `{messages}`, a response's `{choices: [{message}]}`.
//!
//! OpenInference's flattened messages, rebuilt by the import, read here too.
//!
//! The generic reader, last in the registry: a part type it does not know
//! is kept as JSON rather than refusing the message.

use serde_json::Value;

use super::parts::{
    self, all, content, listed_tool_call, message, object, only_keys, result_content, str_at,
};
use super::{Message, Part, Role, Side};

pub(super) fn read(value: &Value, _side: Side) -> Option<Vec<Message>> {
    match value {
        Value::Array(items) => all(items, read_message),
        Value::Object(fields) => {
            if let Some(Value::Array(messages)) = fields.get("messages") {
                return all(messages, read_message);
            }
            if let Some(Value::Array(choices)) = fields.get("choices") {
                return all(choices, |choice| read_message(choice.get("message")?));
            }
            read_message(value).map(|m| vec![m])
        }
        _ => None,
    }
}

/// Every key of a chat message, OpenAI's and its copies'.
const KEYS: &[&str] = &[
    "role",
    "content",
    "contents",
    "name",
    "tool_calls",
    "tool_call_id",
    "function_call",
    "refusal",
    "reasoning_content",
    "reasoning",
    "audio",
    "annotations",
    "parsed",
];
/// The keys that hold what a message says.
const SAYS: &[&str] = &[
    "content",
    "contents",
    "tool_calls",
    "function_call",
    "refusal",
    "audio",
];

/// One message; `None` when it has no role we know or its content is not
/// a string or a list of parts.
pub(super) fn read_message(value: &Value) -> Option<Message> {
    let fields = object(value)?;
    // A message says something; an object that only has a `role` (a user
    // record, a permission) is not one, and a key we do not know means the
    // value is something else.
    only_keys(value, KEYS)?;
    if !SAYS.iter().any(|key| fields.contains_key(*key)) {
        return None;
    }
    let role = Role::parse(str_at(value, "role")?)?;
    let name = str_at(value, "name");
    if role == Role::Tool {
        let id = str_at(value, "tool_call_id");
        let content = match fields.get("content") {
            Some(Value::Array(items)) => all(items, read_part)?,
            Some(other) => result_content(other),
            None => Vec::new(),
        };
        let result = Part::ToolResult {
            id: id.map(str::to_string),
            name: name.map(str::to_string),
            content,
            is_error: false,
        };
        return Some(message(role, None, vec![result]));
    }
    let mut parts = Vec::new();
    for key in ["reasoning_content", "reasoning"] {
        if let Some(text) = str_at(value, key).filter(|t| !t.is_empty()) {
            parts.push(Part::Reasoning {
                text: text.to_string(),
            });
        }
    }
    // OpenInference flattens content parts as `message.contents`.
    let listed = fields
        .get("content")
        .filter(|c| !c.is_null())
        .or_else(|| fields.get("contents"));
    parts.extend(content(listed, read_part)?);
    if let Some(refusal) = str_at(value, "refusal") {
        parts.push(parts::text(refusal));
    }
    if let Some(Value::Array(calls)) = fields.get("tool_calls") {
        parts.extend(all(calls, listed_tool_call)?);
    }
    if let Some(call) = fields.get("function_call").filter(|c| c.is_object()) {
        parts.push(listed_tool_call(call)?);
    }
    // Citations and audio are kept, as JSON.
    for key in ["annotations", "audio"] {
        match fields.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) if items.is_empty() => {}
            Some(value) => parts.push(Part::Json {
                value: serde_json::json!({ key: value }),
            }),
        }
    }
    Some(message(role, name, parts))
}

/// A content part: text, an image, a refusal; anything else as JSON.
fn read_part(value: &Value) -> Option<Part> {
    object(value)?;
    Some(match str_at(value, "type") {
        Some("text") => parts::text(str_at(value, "text")?),
        Some("refusal") => parts::text(str_at(value, "refusal")?),
        Some("image_url") => {
            let image = value.get("image_url")?;
            let url = image.as_str().or_else(|| str_at(image, "url"))?;
            parts::image_url(url)
        }
        // OpenInference's `message_content.image.image.url`.
        Some("image") => {
            let image = value.get("image")?;
            let url = str_at(image, "url").or_else(|| str_at(image.get("image")?, "url"))?;
            parts::image_url(url)
        }
        _ => Part::Json {
            value: value.clone(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::{read as read_any, Role, Side};
    use super::*;
    use serde_json::json;

    #[test]
    fn openai_chat_reads_tool_calls_and_results() {
        let input = json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [{"type": "text", "text": "Hi"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}]},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{\"id\":7}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "{\"status\":\"shipped\"}"}
        ]);
        let messages = read_any(&input, Side::Input).unwrap();
        let roles: Vec<Role> = messages.iter().map(|m| m.role).collect();
        assert_eq!(
            roles,
            [Role::System, Role::User, Role::Assistant, Role::Tool]
        );
        assert_eq!(
            messages[1].parts[1],
            Part::Image {
                url: "data:image/png;base64,AA".into()
            }
        );
        assert_eq!(
            messages[2].parts,
            [Part::ToolCall {
                id: Some("c1".into()),
                name: "lookup".into(),
                arguments: json!({"id": 7})
            }]
        );
        assert_eq!(
            messages[3].parts,
            [Part::ToolResult {
                id: Some("c1".into()),
                name: None,
                content: vec![Part::Json {
                    value: json!({"status": "shipped"})
                }],
                is_error: false
            }]
        );
    }

    #[test]
    fn openai_chat_reads_a_response_and_a_request() {
        let response = json!({"choices": [{"message": {"role": "assistant", "content": "Hello"}}]});
        assert_eq!(
            read(&response, Side::Output).unwrap()[0].parts,
            [parts::text("Hello")]
        );
        let request =
            json!({"model": "gpt-4o", "messages": [{"role": "developer", "content": "x"}]});
        assert_eq!(read(&request, Side::Input).unwrap()[0].role, Role::System);
    }

    #[test]
    fn openai_chat_refuses_what_is_not_a_conversation() {
        assert_eq!(
            read(&json!([{"role": "critic", "content": "x"}]), Side::Input),
            None
        );
        assert_eq!(read(&json!([{"content": "x"}]), Side::Input), None);
        assert_eq!(read(&json!({"query": "x"}), Side::Input), None);
        assert_eq!(read(&json!([1, 2]), Side::Input), None);
    }
}
