//! OpenAI's Responses API: a request's `input` (a string, or items) with
//! `instructions`, and a response's `output` items. Items are messages
//! (`input_text`/`output_text`/`input_image` parts), `function_call`,
//! `function_call_output` and `reasoning`; one turn of the model spans
//! several items, so consecutive items the model wrote are one message.

use serde_json::{Map, Value};

use super::parts::{self, message, object, only_keys, result_content, str_at};
use super::{Message, Part, Role, Side};

pub(super) fn read(value: &Value, side: Side) -> Option<Vec<Message>> {
    match value {
        Value::Array(items) => read_items(items, false),
        Value::Object(fields) => read_envelope(fields, side),
        _ => None,
    }
}

/// The keys of a `responses.create` request.
const REQUEST_KEYS: &[&str] = &[
    "model",
    "input",
    "instructions",
    "tools",
    "tool_choice",
    "temperature",
    "top_p",
    "top_logprobs",
    "max_output_tokens",
    "max_tool_calls",
    "reasoning",
    "text",
    "stream",
    "stream_options",
    "store",
    "previous_response_id",
    "conversation",
    "metadata",
    "parallel_tool_calls",
    "truncation",
    "user",
    "include",
    "background",
    "prompt",
    "prompt_cache_key",
    "safety_identifier",
    "service_tier",
];

/// `{input, instructions}` (a request) or `{object: "response", output}`.
fn read_envelope(fields: &Map<String, Value>, side: Side) -> Option<Vec<Message>> {
    if let (Some("response"), Some(Value::Array(items))) = (
        fields.get("object").and_then(Value::as_str),
        fields.get("output"),
    ) {
        return read_items(items, true);
    }
    let request = fields.contains_key("input")
        && fields
            .keys()
            .all(|key| REQUEST_KEYS.contains(&key.as_str()));
    if !request || !(fields.contains_key("model") || fields.contains_key("instructions")) {
        return None;
    }
    let mut messages = Vec::new();
    if let Some(instructions) = fields.get("instructions").and_then(Value::as_str) {
        messages.push(message(Role::System, None, vec![parts::text(instructions)]));
    }
    match fields.get("input")? {
        Value::String(text) => {
            messages.push(message(side.default_role(), None, vec![parts::text(text)]))
        }
        Value::Array(items) => messages.extend(read_items(items, true)?),
        _ => return None,
    }
    Some(messages)
}

/// A list of items; `None` unless it has something only the Responses API
/// writes (an item `type` or an `input_*`/`output_*` part), so plain chat
/// lists are left to the chat reader.
fn read_items(items: &[Value], in_envelope: bool) -> Option<Vec<Message>> {
    let mut marked = in_envelope;
    let mut messages: Vec<Message> = Vec::new();
    for item in items {
        object(item)?;
        marked |= item.get("type").is_some();
        let next = match str_at(item, "type") {
            None | Some("message") => {
                only_keys(item, &["type", "role", "content", "id", "status"])?;
                let role = Role::parse(str_at(item, "role")?)?;
                let parts = match item.get("content")? {
                    Value::String(text) => vec![parts::text(text)],
                    Value::Array(content) => {
                        let mut read = Vec::new();
                        for part in content {
                            let (part, responses_only) = read_part(part)?;
                            marked |= responses_only;
                            read.push(part);
                        }
                        read
                    }
                    _ => return None,
                };
                message(role, None, parts)
            }
            Some("function_call" | "custom_tool_call") => {
                let arguments = item.get("arguments").or_else(|| item.get("input"));
                let call =
                    parts::tool_call(str_at(item, "call_id"), str_at(item, "name")?, arguments);
                message(Role::Assistant, None, vec![call])
            }
            Some("function_call_output" | "custom_tool_call_output") => {
                let result = Part::ToolResult {
                    id: str_at(item, "call_id").map(str::to_string),
                    name: None,
                    content: output_content(item.get("output")?)?,
                    is_error: false,
                };
                message(Role::Tool, None, vec![result])
            }
            Some("reasoning") => message(Role::Assistant, None, reasoning(item)),
            // Built-in tools' calls (`web_search_call`, `mcp_call`, …).
            Some(kind)
                if kind.ends_with("_call")
                    || kind.ends_with("_call_output")
                    || kind.starts_with("mcp_")
                    || kind == "item_reference" =>
            {
                message(
                    Role::Assistant,
                    None,
                    vec![Part::Json {
                        value: item.clone(),
                    }],
                )
            }
            Some(_) => return None,
        };
        match messages.last_mut() {
            // The model's items of one turn read as one message.
            Some(last) if last.role == Role::Assistant && next.role == Role::Assistant => {
                last.parts.extend(next.parts)
            }
            _ => messages.push(next),
        }
    }
    marked.then_some(messages)
}

/// A content part, and whether only the Responses API writes it.
fn read_part(part: &Value) -> Option<(Part, bool)> {
    object(part)?;
    Some(match str_at(part, "type")? {
        "input_text" | "output_text" => (parts::text(str_at(part, "text")?), true),
        "text" => (parts::text(str_at(part, "text")?), false),
        "refusal" => (parts::text(str_at(part, "refusal")?), false),
        "input_image" => match str_at(part, "image_url") {
            Some(url) => (parts::image_url(url), true),
            None => (
                Part::Json {
                    value: part.clone(),
                },
                true,
            ),
        },
        // The API's other parts, kept as JSON; any other type is not this API's.
        "input_file" | "input_audio" | "output_audio" | "summary_text" | "reasoning_text" => (
            Part::Json {
                value: part.clone(),
            },
            true,
        ),
        _ => return None,
    })
}

/// A function's output: text, or a list of input parts.
fn output_content(output: &Value) -> Option<Vec<Part>> {
    match output {
        Value::Array(items) => items
            .iter()
            .map(|p| read_part(p).map(|(part, _)| part))
            .collect(),
        other => Some(result_content(other)),
    }
}

/// The summary the API shows of the model's reasoning, or its text.
fn reasoning(item: &Value) -> Vec<Part> {
    let texts = ["summary", "content"]
        .iter()
        .filter_map(|key| item.get(*key)?.as_array())
        .flatten()
        .filter_map(|entry| str_at(entry, "text"))
        .map(|text| Part::Reasoning {
            text: text.to_string(),
        });
    let read: Vec<Part> = texts.collect();
    if read.is_empty() {
        // Encrypted reasoning: say that there was some.
        vec![Part::Reasoning {
            text: String::new(),
        }]
    } else {
        read
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn openai_responses_merges_one_turn_of_items() {
        let output = json!({"object": "response", "output": [
            {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Look it up."}]},
            {"type": "function_call", "call_id": "call_1", "name": "lookup", "arguments": "{\"id\":7}"}
        ]});
        let messages = read(&output, Side::Output).unwrap();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].role, Role::Assistant);
        assert_eq!(messages[0].parts.len(), 2);
    }

    #[test]
    fn openai_responses_reads_a_request_with_instructions() {
        let request = json!({"model": "gpt-4.1", "instructions": "Be brief.", "input": [
            {"role": "user", "content": [{"type": "input_text", "text": "Hi"}, {"type": "input_image", "image_url": "https://x/y.png"}]},
            {"type": "function_call_output", "call_id": "call_1", "output": "42"}
        ]});
        let messages = read(&request, Side::Input).unwrap();
        assert_eq!(
            messages.iter().map(|m| m.role).collect::<Vec<_>>(),
            [Role::System, Role::User, Role::Tool]
        );
        assert_eq!(
            messages[1].parts[1],
            Part::Image {
                url: "https://x/y.png".into()
            }
        );
    }

    #[test]
    fn openai_responses_leaves_plain_chat_lists_alone() {
        assert_eq!(
            read(&json!([{"role": "user", "content": "Hi"}]), Side::Input),
            None
        );
    }
}
