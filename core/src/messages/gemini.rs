//! Google Gemini: `contents` of `{role: "user" | "model", parts}` with
//! `systemInstruction` (a request), `candidates[].content` (a response),
//! and parts `text` (`thought: true` for reasoning), `inlineData`,
//! `fileData`, `functionCall`, `functionResponse`. The REST API's
//! snake_case spellings are read too.

use serde_json::{Map, Value};

use super::parts::{self, all, message, object, only_keys, result_content, str_at};
use super::{Message, Part, Role, Side};

pub(super) fn read(value: &Value, side: Side) -> Option<Vec<Message>> {
    match value {
        Value::Array(items) => all(items, |c| read_content(c, side)),
        Value::Object(fields) => {
            if let Some(Value::Array(candidates)) = fields.get("candidates") {
                return all(candidates, |c| {
                    read_content(c.get("content")?, Side::Output)
                });
            }
            if fields.contains_key("parts") {
                return Some(vec![read_content(value, side)?]);
            }
            read_request(fields, side)
        }
        _ => None,
    }
}

fn field<'a>(fields: &'a Map<String, Value>, camel: &str, snake: &str) -> Option<&'a Value> {
    fields.get(camel).or_else(|| fields.get(snake))
}

/// The keys of `generateContent`'s request, in both spellings, and the JS
/// SDK's `{model, contents, config}`.
const REQUEST_KEYS: &[&str] = &[
    "contents",
    "systemInstruction",
    "system_instruction",
    "config",
    "model",
    "generationConfig",
    "generation_config",
    "tools",
    "toolConfig",
    "tool_config",
    "safetySettings",
    "safety_settings",
    "cachedContent",
    "cached_content",
    "labels",
];

/// `{contents, systemInstruction}`; the JS SDK also nests the system
/// instruction in `config`.
fn read_request(fields: &Map<String, Value>, side: Side) -> Option<Vec<Message>> {
    // Only a request's keys: a tool's `{path, contents}` is not a chat.
    if !fields
        .keys()
        .all(|key| REQUEST_KEYS.contains(&key.as_str()))
    {
        return None;
    }
    let contents = fields.get("contents")?;
    let system = field(fields, "systemInstruction", "system_instruction").or_else(|| {
        let config = fields.get("config")?.as_object()?;
        field(config, "systemInstruction", "system_instruction")
    });
    let mut messages = Vec::new();
    if let Some(system) = system {
        let parts = match system {
            Value::String(text) => vec![parts::text(text)],
            content => read_content(content, side)?.parts,
        };
        messages.push(message(Role::System, None, parts));
    }
    match contents {
        Value::String(text) => messages.push(message(Role::User, None, vec![parts::text(text)])),
        Value::Array(items) => messages.extend(all(items, |c| read_content(c, side))?),
        content => messages.push(read_content(content, side)?),
    }
    Some(messages)
}

/// One `Content`: a role (absent in a system instruction) and its parts.
fn read_content(content: &Value, side: Side) -> Option<Message> {
    only_keys(content, &["role", "parts"])?;
    let Some(Value::Array(items)) = content.get("parts") else {
        return None;
    };
    let role = match str_at(content, "role") {
        Some(word) => Role::parse(word)?,
        None => side.default_role(),
    };
    Some(message(role, None, all(items, read_part)?))
}

fn read_part(part: &Value) -> Option<Part> {
    let fields = object(part)?;
    if fields.contains_key("type") {
        // Typed parts are OpenTelemetry GenAI's, not Gemini's.
        return None;
    }
    if let Some(text) = str_at(part, "text") {
        let thought = fields
            .get("thought")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        return Some(if thought {
            Part::Reasoning {
                text: text.to_string(),
            }
        } else {
            parts::text(text)
        });
    }
    if let Some(data) = field(fields, "inlineData", "inline_data") {
        let media_type = str_at(data, "mimeType").or_else(|| str_at(data, "mime_type"));
        return Some(if parts::is_image_type(media_type) {
            parts::image_data(media_type, str_at(data, "data")?)
        } else {
            Part::Json {
                value: part.clone(),
            }
        });
    }
    if let Some(file) = field(fields, "fileData", "file_data") {
        let media_type = str_at(file, "mimeType").or_else(|| str_at(file, "mime_type"));
        let uri = str_at(file, "fileUri").or_else(|| str_at(file, "file_uri"))?;
        return Some(if parts::is_image_type(media_type) {
            parts::image_url(uri)
        } else {
            Part::Json {
                value: part.clone(),
            }
        });
    }
    if let Some(call) = field(fields, "functionCall", "function_call") {
        return Some(parts::tool_call(
            str_at(call, "id"),
            str_at(call, "name")?,
            call.get("args"),
        ));
    }
    if let Some(response) = field(fields, "functionResponse", "function_response") {
        return Some(Part::ToolResult {
            id: str_at(response, "id").map(str::to_string),
            name: str_at(response, "name").map(str::to_string),
            content: result_content(response.get("response").unwrap_or(&Value::Null)),
            is_error: false,
        });
    }
    Some(Part::Json {
        value: part.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn gemini_reads_contents_and_system_instruction() {
        let request = json!({
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
            "contents": [
                {"role": "user", "parts": [{"text": "Weather?"}, {"inlineData": {"mimeType": "image/png", "data": "AA"}}]},
                {"role": "model", "parts": [{"text": "Let me check", "thought": true}, {"functionCall": {"name": "weather", "args": {"city": "Oslo"}}}]},
                {"role": "user", "parts": [{"functionResponse": {"name": "weather", "response": {"temp": 3}}}]}
            ]
        });
        let messages = super::super::read(&request, Side::Input).unwrap();
        assert_eq!(
            messages.iter().map(|m| m.role).collect::<Vec<_>>(),
            [Role::System, Role::User, Role::Assistant, Role::Tool]
        );
        assert_eq!(
            messages[1].parts[1],
            Part::Image {
                url: "data:image/png;base64,AA".into()
            }
        );
        assert_eq!(
            messages[2].parts[0],
            Part::Reasoning {
                text: "Let me check".into()
            }
        );
    }

    #[test]
    fn gemini_reads_a_response() {
        let response =
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Cold."}]}}]});
        assert_eq!(
            read(&response, Side::Output).unwrap()[0].parts,
            [parts::text("Cold.")]
        );
    }
}
