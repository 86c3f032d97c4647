//! The Vercel AI SDK: the prompt messages a model receives (`ai.prompt.
//! messages`, v4 to v7) with `text`, `image`, `file`, `reasoning`,
//! `tool-call` and `tool-result` parts, and a response's list of tool calls
//! (`ai.response.toolCalls`) or content parts.

use serde_json::{Map, Value};

use super::parts::{self, all, message, object, only_keys, result_content, str_at};
use super::{Message, Part, Role, Side};

pub(super) fn read(value: &Value, side: Side) -> Option<Vec<Message>> {
    let Value::Array(items) = value else {
        return None;
    };
    if items.iter().all(|item| item.get("role").is_some()) {
        return all(items, read_message);
    }
    // A response: tool calls, or content parts, without a message around.
    let parts = if items.iter().all(|item| item.get("toolName").is_some()) {
        all(items, tool_call)?
    } else {
        all(items, read_part)?
    };
    Some(vec![message(side.default_role(), None, parts)])
}

fn read_message(value: &Value) -> Option<Message> {
    only_keys(
        value,
        &[
            "role",
            "content",
            "providerOptions",
            "providerMetadata",
            "experimental_providerMetadata",
        ],
    )?;
    let role = Role::parse(str_at(value, "role")?)?;
    let parts = parts::content(Some(value.get("content")?), read_part)?;
    Some(message(role, None, parts))
}

fn tool_call(call: &Value) -> Option<Part> {
    let fields = object(call)?;
    let arguments = fields.get("input").or_else(|| fields.get("args"));
    Some(parts::tool_call(
        str_at(call, "toolCallId"),
        str_at(call, "toolName")?,
        arguments,
    ))
}

fn read_part(part: &Value) -> Option<Part> {
    let fields = object(part)?;
    Some(match str_at(part, "type")? {
        "text" => parts::text(str_at(part, "text")?),
        "reasoning" => Part::Reasoning {
            text: str_at(part, "text")?.to_string(),
        },
        "redacted-reasoning" => Part::Reasoning {
            text: String::new(),
        },
        "tool-call" => tool_call(part)?,
        "tool-result" => tool_result(fields)?,
        "image" => match fields.get("image")? {
            Value::String(data) => parts::image_either(media_type(fields), data),
            _ => Part::Json {
                value: part.clone(),
            },
        },
        "file" => {
            // v7 wraps the data: `{type: "data", data}` or `{type: "url", url}`.
            let data = fields.get("data")?;
            let data = data
                .as_str()
                .or_else(|| str_at(data, "data"))
                .or_else(|| str_at(data, "url"));
            match data {
                Some(data) if parts::is_image_type(media_type(fields)) => {
                    parts::image_either(media_type(fields), data)
                }
                _ => Part::Json {
                    value: part.clone(),
                },
            }
        }
        // The SDK's other parts (sources, tool approvals), kept as JSON.
        "source" | "tool-approval-request" | "tool-approval-response" => Part::Json {
            value: part.clone(),
        },
        _ => return None,
    })
}

/// `mediaType` from v5 on, `mimeType` before.
fn media_type(fields: &Map<String, Value>) -> Option<&str> {
    fields
        .get("mediaType")
        .or_else(|| fields.get("mimeType"))?
        .as_str()
}

/// In a prompt from v5 on, `output: {type: "text" | "json" | "error-text" |
/// "error-json" | "content" | "execution-denied", value}`; in a step's
/// content, `output` is the tool's value itself; before v5, `result` and
/// `isError`.
fn tool_result(fields: &Map<String, Value>) -> Option<Part> {
    const KINDS: [&str; 6] = [
        "text",
        "json",
        "error-text",
        "error-json",
        "content",
        "execution-denied",
    ];
    let wrapped = fields.get("output").and_then(|output| {
        let kind = str_at(output, "type").filter(|k| KINDS.contains(k))?;
        Some((
            kind,
            output
                .get("value")
                .or_else(|| output.get("reason"))
                .unwrap_or(&Value::Null),
        ))
    });
    let (content, is_error) = match wrapped {
        Some((kind, value)) => {
            let content = match (kind, value) {
                ("content", Value::Array(items)) => {
                    all(items, |item| match str_at(item, "type")? {
                        "text" => Some(parts::text(str_at(item, "text")?)),
                        "media" if parts::is_image_type(str_at(item, "mediaType")) => Some(
                            parts::image_data(str_at(item, "mediaType"), str_at(item, "data")?),
                        ),
                        _ => Some(Part::Json {
                            value: item.clone(),
                        }),
                    })?
                }
                _ => result_content(value),
            };
            (
                content,
                kind.starts_with("error") || kind == "execution-denied",
            )
        }
        None => (
            result_content(
                fields
                    .get("output")
                    .or_else(|| fields.get("result"))
                    .unwrap_or(&Value::Null),
            ),
            fields
                .get("isError")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        ),
    };
    Some(Part::ToolResult {
        id: fields
            .get("toolCallId")
            .and_then(Value::as_str)
            .map(str::to_string),
        name: fields
            .get("toolName")
            .and_then(Value::as_str)
            .map(str::to_string),
        content,
        is_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ai_sdk_reads_prompt_messages() {
        let prompt = json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "file", "data": "AA", "mediaType": "image/png"}]},
            {"role": "assistant", "content": [{"type": "reasoning", "text": "Look"}, {"type": "tool-call", "toolCallId": "c1", "toolName": "look", "input": {"q": 1}}]},
            {"role": "tool", "content": [{"type": "tool-result", "toolCallId": "c1", "toolName": "look", "output": {"type": "error-text", "value": "down"}}]}
        ]);
        let messages = super::super::read(&prompt, Side::Input).unwrap();
        assert_eq!(
            super::super::adapter_of(&prompt, Side::Input),
            Some("ai-sdk")
        );
        assert_eq!(
            messages[1].parts[1],
            Part::Image {
                url: "data:image/png;base64,AA".into()
            }
        );
        assert_eq!(
            messages[3].parts,
            [Part::ToolResult {
                id: Some("c1".into()),
                name: Some("look".into()),
                content: vec![parts::text("down")],
                is_error: true
            }]
        );
    }

    #[test]
    fn ai_sdk_reads_a_list_of_tool_calls_as_the_reply() {
        let calls = json!([{"toolCallId": "c1", "toolName": "lookupOrder", "input": "{\"orderId\":\"A-1042\"}"}]);
        let messages = read(&calls, Side::Output).unwrap();
        assert_eq!(messages[0].role, Role::Assistant);
        assert_eq!(
            messages[0].parts,
            [Part::ToolCall {
                id: Some("c1".into()),
                name: "lookupOrder".into(),
                arguments: json!({"orderId": "A-1042"})
            }]
        );
    }
}
