//! OpenTelemetry GenAI semantic conventions: `gen_ai.input.messages` and
//! `gen_ai.output.messages`, `{role, parts: [{type, …}]}` with `text`,
//! `tool_call`, `tool_call_response`, `reasoning`, `blob` and `uri` parts.
//! The import joins `gen_ai.system_instructions` as the first system
//! message already.

use serde_json::Value;

use super::parts::{self, all, message, object, only_keys, result_content, str_at};
use super::{Message, Part, Role, Side};

pub(super) fn read(value: &Value, _side: Side) -> Option<Vec<Message>> {
    match value {
        Value::Array(items) => all(items, read_message),
        Value::Object(_) => read_message(value).map(|m| vec![m]),
        _ => None,
    }
}

fn read_message(value: &Value) -> Option<Message> {
    only_keys(value, &["role", "parts", "name", "finish_reason"])?;
    let role = Role::parse(str_at(value, "role")?)?;
    let Some(Value::Array(items)) = value.get("parts") else {
        return None;
    };
    Some(message(role, str_at(value, "name"), all(items, read_part)?))
}

fn read_part(part: &Value) -> Option<Part> {
    let fields = object(part)?;
    let content = str_at(part, "content");
    Some(match str_at(part, "type")? {
        "text" => parts::text(content?),
        "reasoning" => Part::Reasoning {
            text: content?.to_string(),
        },
        "tool_call" => parts::tool_call(
            str_at(part, "id"),
            str_at(part, "name")?,
            fields.get("arguments"),
        ),
        "tool_call_response" => Part::ToolResult {
            id: str_at(part, "id").map(str::to_string),
            name: None,
            content: result_content(
                fields
                    .get("response")
                    .or_else(|| fields.get("result"))
                    .unwrap_or(&Value::Null),
            ),
            is_error: false,
        },
        "blob"
            if parts::is_image_type(str_at(part, "mime_type"))
                || str_at(part, "modality") == Some("image") =>
        {
            parts::image_data(str_at(part, "mime_type"), content?)
        }
        "uri"
            if parts::is_image_type(str_at(part, "mime_type"))
                || str_at(part, "modality") == Some("image") =>
        {
            parts::image_url(str_at(part, "uri")?)
        }
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
    fn genai_reads_parts() {
        let input = json!([
            {"role": "user", "parts": [{"type": "text", "content": "Weather?"}, {"type": "uri", "modality": "image", "uri": "https://x/y.png"}]},
            {"role": "assistant", "parts": [{"type": "tool_call", "id": "c1", "name": "weather", "arguments": {"city": "Oslo"}}]},
            {"role": "tool", "parts": [{"type": "tool_call_response", "id": "c1", "response": "3 degrees"}]}
        ]);
        let messages = super::super::read(&input, Side::Input).unwrap();
        assert_eq!(
            messages[0].parts[1],
            Part::Image {
                url: "https://x/y.png".into()
            }
        );
        assert_eq!(
            messages[2].parts,
            [Part::ToolResult {
                id: Some("c1".into()),
                name: None,
                content: vec![parts::text("3 degrees")],
                is_error: false
            }]
        );
        assert_eq!(super::super::adapter_of(&input, Side::Input), Some("genai"));
    }
}
