//! Small readers every adapter shares: fields, roles, tool arguments,
//! images and tool results.

use serde_json::{Map, Value};

use super::{Message, Part, Role};

pub(super) fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key)?.as_str()
}

pub(super) fn object(value: &Value) -> Option<&Map<String, Value>> {
    value.as_object()
}

/// `Some` when an object has no keys but `allowed`: a reader that would
/// drop a key it does not know (`tool_calls` on a message it reads as plain
/// text) leaves the value to a reader that knows it.
pub(super) fn only_keys(value: &Value, allowed: &[&str]) -> Option<()> {
    object(value)?
        .keys()
        .all(|key| allowed.contains(&key.as_str()))
        .then_some(())
}

pub(super) fn message(role: Role, name: Option<&str>, parts: Vec<Part>) -> Message {
    Message {
        role,
        name: name.filter(|n| !n.is_empty()).map(str::to_string),
        parts,
    }
}

pub(super) fn text(text: &str) -> Part {
    Part::Text {
        text: text.to_string(),
    }
}

/// Reads each element of a list with `read`; `None` as soon as one is not
/// readable, so a list is a conversation only if all of it is.
pub(super) fn all<T>(items: &[Value], read: impl FnMut(&Value) -> Option<T>) -> Option<Vec<T>> {
    items.iter().map(read).collect()
}

/// Tool arguments as JSON when the API sent JSON text (OpenAI, the AI SDK
/// before v5), as given otherwise.
pub(super) fn arguments(value: Option<&Value>) -> Value {
    match value {
        Some(Value::String(text)) => {
            serde_json::from_str(text).unwrap_or(Value::String(text.clone()))
        }
        Some(value) => value.clone(),
        None => Value::Object(Map::new()),
    }
}

pub(super) fn tool_call(id: Option<&str>, name: &str, arguments_value: Option<&Value>) -> Part {
    Part::ToolCall {
        id: id.map(str::to_string),
        name: name.to_string(),
        arguments: arguments(arguments_value),
    }
}

/// One entry of a message's list of tool calls, in each shape such lists
/// take: OpenAI's `{id, function: {name, arguments}}` (OpenInference's
/// without `type`), LangChain's `{id, name, args}`, the AI SDK's
/// `{toolCallId, toolName, input | args}`, and a flat `{id, name, arguments}`.
pub(super) fn listed_tool_call(value: &Value) -> Option<Part> {
    let call = object(value)?;
    // OpenAI's custom tools: `{id, type: "custom", custom: {name, input}}`.
    if let Some(custom) = call.get("custom") {
        let name = str_at(custom, "name")?;
        return Some(tool_call(str_at(value, "id"), name, custom.get("input")));
    }
    if let Some(function) = call.get("function") {
        let name = str_at(function, "name")?;
        return Some(tool_call(
            str_at(value, "id"),
            name,
            function.get("arguments"),
        ));
    }
    if let Some(name) = str_at(value, "toolName") {
        let arguments = call.get("input").or_else(|| call.get("args"));
        return Some(tool_call(str_at(value, "toolCallId"), name, arguments));
    }
    let name = str_at(value, "name")?;
    let arguments = call
        .get("arguments")
        .or_else(|| call.get("args"))
        .or_else(|| call.get("input"));
    Some(tool_call(str_at(value, "id"), name, arguments))
}

/// A tool's result: text stays text, JSON (or JSON text) stays JSON.
pub(super) fn result_content(value: &Value) -> Vec<Part> {
    match value {
        Value::Null => Vec::new(),
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(json @ (Value::Object(_) | Value::Array(_))) => vec![Part::Json { value: json }],
            _ => vec![self::text(text)],
        },
        value => vec![Part::Json {
            value: value.clone(),
        }],
    }
}

/// An image the API names by reference (`https:`, `data:`, `gs://`, a file
/// id): kept as given. The viewer draws only `data:` images and shows any
/// other reference as text.
pub(super) fn image_url(url: &str) -> Part {
    Part::Image {
        url: url.to_string(),
    }
}

/// An image sent as base64 with its media type, as a `data:` URL (data that
/// already is one is kept).
pub(super) fn image_data(media_type: Option<&str>, data: &str) -> Part {
    if starts_with_ignore_case(data, "data:") {
        return image_url(data);
    }
    Part::Image {
        url: format!("data:{};base64,{data}", media_type.unwrap_or("image/png")),
    }
}

/// A field that holds either (the AI SDK's `image` and `file` data).
pub(super) fn image_either(media_type: Option<&str>, data: &str) -> Part {
    let scheme = data.split_once("://").map(|(scheme, _)| scheme);
    let is_reference = scheme.is_some_and(|s| {
        !s.is_empty()
            && s.len() <= 16
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.')
    });
    if is_reference {
        image_url(data)
    } else {
        image_data(media_type, data)
    }
}

/// Byte offsets may fall inside a character: compare with `get`.
fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

pub(super) fn is_image_type(media_type: Option<&str>) -> bool {
    media_type.is_some_and(|t| t.to_ascii_lowercase().starts_with("image/"))
}

/// A list of content parts where each part is read by `read_part`; a plain
/// string is one text part and `null` none.
pub(super) fn content(
    value: Option<&Value>,
    read_part: impl FnMut(&Value) -> Option<Part>,
) -> Option<Vec<Part>> {
    match value {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::String(s)) => Some(if s.is_empty() {
            Vec::new()
        } else {
            vec![text(s)]
        }),
        Some(Value::Array(items)) => all(items, read_part),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_in_json_text_are_parsed() {
        assert_eq!(arguments(Some(&json!("{\"a\":1}"))), json!({"a": 1}));
        assert_eq!(arguments(Some(&json!("not json"))), json!("not json"));
    }

    #[test]
    fn images_keep_references_and_build_data_urls() {
        let url = |u: &str| Part::Image { url: u.into() };
        assert_eq!(image_url("gs://bucket/cat.png"), url("gs://bucket/cat.png"));
        assert_eq!(
            image_data(Some("image/jpeg"), "AAAA"),
            url("data:image/jpeg;base64,AAAA")
        );
        assert_eq!(
            image_data(None, "data:image/gif;base64,R0"),
            url("data:image/gif;base64,R0")
        );
        assert_eq!(
            image_either(None, "https://x/y.png"),
            url("https://x/y.png")
        );
        assert_eq!(
            image_either(Some("image/png"), "iVBOR+/="),
            url("data:image/png;base64,iVBOR+/=")
        );
    }

    #[test]
    fn multibyte_text_is_never_cut_inside_a_character() {
        assert_eq!(
            image_data(None, "ééé"),
            Part::Image {
                url: "data:image/png;base64,ééé".into()
            }
        );
        assert_eq!(
            image_either(None, "日本語"),
            Part::Image {
                url: "data:image/png;base64,日本語".into()
            }
        );
    }
}
