//! Reading attribute values: text, counts, numbers, JSON payloads, tags,
//! levels and type names, and rebuilding flattened message lists. Every
//! reader is lenient (what cannot be read is `None`, and the attribute then
//! stays visible as metadata); none allocates more than its input warrants.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::conventions::{GEN_AI_OPERATIONS, LEVELS, OPENINFERENCE_KINDS};
use super::wire::{AnyValue, KeyValue};
use crate::json::Json;
use crate::model::{Level, ObservationType};

/// Keys nested deeper than this under a flattened prefix stay plain
/// attributes: the rebuilt tree must stay within JSON's nesting limit (and
/// a 20,000-segment key must not recurse).
pub(crate) const MAX_SEGMENTS: usize = 32;

/// Items a flattened list may lack and still be a list (`gen_ai.prompt.0`
/// and `gen_ai.prompt.2` without `gen_ai.prompt.1`).
const GAP: usize = 8;

/// Rebuilds `prefix.0.role`, `prefix.0.content`… into `[{role, content}]`
/// (a segment of `wrappers` right after an index is left out: OpenInference's
/// `0.message.role`).
///
/// A node becomes an array when every child segment is an index below the
/// number of keys under that node plus [`GAP`] (each item needs a key of
/// its own; a few may be missing), else an object keyed by segment. So a
/// 60-byte `gen_ai.prompt.0.10000` makes an object, not 10,001 nulls: the
/// values built are bounded by the keys read times their depth.
pub(crate) fn unflatten(
    pairs: &[(&str, &AnyValue)],
    prefix: &str,
    wrappers: &[&str],
) -> Option<Value> {
    let mut root = Node::default();
    for (key, value) in pairs {
        let Some(path) = key.strip_prefix(prefix) else {
            continue;
        };
        if path.split('.').nth(MAX_SEGMENTS).is_some() {
            continue; // `Fields::apply` keeps such keys as plain attributes
        }
        let mut node = &mut root;
        node.keys += 1;
        let mut after_index = false;
        for segment in path.split('.') {
            if after_index && wrappers.contains(&segment) {
                after_index = false;
                continue;
            }
            after_index = segment.bytes().all(|b| b.is_ascii_digit()) && !segment.is_empty();
            node = node.children.entry(segment).or_default();
            node.keys += 1;
        }
        node.value = Some(value);
    }
    (root.keys > 0).then(|| root.into_value())
}

#[derive(Default)]
struct Node<'k, 'v> {
    /// Keys at or below this node.
    keys: usize,
    value: Option<&'v AnyValue<'v>>,
    children: BTreeMap<&'k str, Node<'k, 'v>>,
}

impl Node<'_, '_> {
    fn into_value(self) -> Value {
        if self.children.is_empty() {
            return self.value.map_or(Value::Null, |v| {
                serde_json::to_value(v).unwrap_or(Value::Null)
            });
        }
        let indexes: Option<Vec<usize>> = self.children.keys().map(|s| s.parse().ok()).collect();
        match indexes {
            Some(indexes) if indexes.iter().all(|&i| i < self.keys + GAP) => {
                let len = indexes.iter().max().map_or(0, |&i| i + 1);
                let mut items = vec![Value::Null; len];
                for (i, child) in indexes.into_iter().zip(self.children.into_values()) {
                    items[i] = child.into_value();
                }
                Value::Array(items)
            }
            _ => Value::Object(
                self.children
                    .into_iter()
                    .map(|(segment, child)| (segment.to_string(), child.into_value()))
                    .collect::<Map<String, Value>>(),
            ),
        }
    }
}

pub(crate) fn is_lower(value: &AnyValue) -> bool {
    matches!(value, AnyValue::String(s) if !s.bytes().any(|b| b.is_ascii_uppercase()))
}

/// An OpenInference span kind, in any case.
pub(crate) fn openinference_kind(kind: &str) -> Option<ObservationType> {
    OPENINFERENCE_KINDS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(kind))
        .map(|(_, kind)| *kind)
}

/// A GenAI operation name.
pub(crate) fn gen_ai_operation(name: &str) -> Option<ObservationType> {
    GEN_AI_OPERATIONS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, kind)| *kind)
}

/// A level name, in any case.
pub(crate) fn level(text: &str) -> Option<Level> {
    let text = text.trim();
    LEVELS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text))
        .map(|(_, level)| *level)
}

/// The key without its prefix, borrowed where the key is.
pub(crate) fn strip<'a>(key: &Cow<'a, str>, prefix_len: usize) -> Cow<'a, str> {
    match key {
        Cow::Borrowed(k) => Cow::Borrowed(&k[prefix_len..]),
        Cow::Owned(k) => Cow::Owned(k[prefix_len..].to_string()),
    }
}

/// A value as text without copying a string.
pub(crate) fn str_of<'v>(value: &'v AnyValue) -> Cow<'v, str> {
    match value {
        AnyValue::String(s) => Cow::Borrowed(s.as_ref()),
        other => Cow::Owned(text(other)),
    }
}

/// A value as text: strings as they are, anything else as its JSON.
pub(crate) fn text(value: &AnyValue) -> String {
    match value {
        AnyValue::String(s) | AnyValue::Bytes(s) => s.to_string(),
        AnyValue::Empty => String::new(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// A non-empty string value without copying it.
pub(crate) fn borrowed<'a>(value: &AnyValue<'a>) -> Option<Cow<'a, str>> {
    match value {
        AnyValue::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A token count: integers, whole doubles, or their text.
pub(crate) fn count(value: &AnyValue) -> Option<u64> {
    match value {
        AnyValue::Int(n) => u64::try_from(*n).ok(),
        AnyValue::Double(f) if *f >= 0.0 && f.fract() == 0.0 && *f < 1.8e19 => Some(*f as u64),
        AnyValue::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(crate) fn number(value: &AnyValue) -> Option<f64> {
    match value {
        AnyValue::Int(n) => Some(*n as f64),
        AnyValue::Double(f) if f.is_finite() => Some(*f),
        AnyValue::String(s) => s.trim().parse().ok().filter(|f: &f64| f.is_finite()),
        _ => None,
    }
}

/// A payload: a string holding a JSON object or array is that JSON (SDKs
/// serialise structured input into string attributes); other strings stay
/// text; other values become their JSON.
pub(crate) fn payload(value: &AnyValue) -> Json {
    match value {
        AnyValue::String(s) => {
            // JSON's whitespace is ASCII: text after any other is no JSON.
            let first = s.bytes().find(|b| !b.is_ascii_whitespace());
            if matches!(first, Some(b'{' | b'[')) {
                if let Ok(json) = Json::parse(s) {
                    return json;
                }
            }
            Json::new(&s.as_ref())
        }
        other => Json::new(other),
    }
}

/// A payload an SDK always writes as JSON text: a string is read whole (a
/// JSON string literal is its text), a list's items each; what does not
/// parse reads as [`payload`] does.
pub(crate) fn encoded_payload(value: &AnyValue) -> Json {
    match value {
        AnyValue::String(s) => Json::parse(s).unwrap_or_else(|_| payload(value)),
        AnyValue::Array(items) => {
            let decoded: Vec<Value> = items
                .iter()
                .map(|item| match item {
                    AnyValue::String(s) => {
                        serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_string()))
                    }
                    other => serde_json::to_value(other).unwrap_or(Value::Null),
                })
                .collect();
            Json::new(&decoded)
        }
        other => payload(other),
    }
}

/// A JSON object given as a string attribute or a key-value list.
pub(crate) fn json_object(value: &AnyValue) -> Option<Map<String, Value>> {
    match value {
        AnyValue::String(s) => match serde_json::from_str(s) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        },
        AnyValue::KvList(_) => match serde_json::to_value(value) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        },
        _ => None,
    }
}

/// Tags: an array, a JSON array in a string, a comma-separated string, or
/// one tag.
pub(crate) fn tags(value: &AnyValue) -> Vec<String> {
    match value {
        AnyValue::Array(items) => items.iter().map(text).filter(|t| !t.is_empty()).collect(),
        AnyValue::String(s) if s.trim_start().starts_with('[') => {
            match serde_json::from_str::<Vec<Value>>(s) {
                Ok(list) => list
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .collect(),
                Err(_) => vec![s.to_string()],
            }
        }
        AnyValue::String(s) if s.contains(',') => s
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        AnyValue::String(s) if !s.is_empty() => vec![s.to_string()],
        _ => Vec::new(),
    }
}

/// An attribute value as JSON: strings, numbers, booleans, arrays, and
/// key-value lists as objects.
impl Serialize for AnyValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AnyValue::Empty => serializer.serialize_unit(),
            AnyValue::String(s) | AnyValue::Bytes(s) => serializer.serialize_str(s),
            AnyValue::Bool(b) => serializer.serialize_bool(*b),
            AnyValue::Int(n) => serializer.serialize_i64(*n),
            AnyValue::Double(f) if f.is_finite() => serializer.serialize_f64(*f),
            AnyValue::Double(f) => serializer.serialize_str(&f.to_string()),
            AnyValue::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            AnyValue::KvList(pairs) => {
                let mut map = serializer.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
        }
    }
}

/// Attributes as one JSON object, keys in file order.
pub(crate) struct AttributeMap<'s, 'a>(pub &'s [&'a KeyValue<'a>]);

impl Serialize for AttributeMap<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for kv in self.0 {
            map.serialize_entry(kv.key.as_ref(), &kv.value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(s: &str) -> AnyValue<'_> {
        AnyValue::String(Cow::Borrowed(s))
    }

    #[test]
    fn unflatten_rebuilds_message_lists() {
        let (role, content, second) = (string("user"), string("hi"), string("there"));
        let pairs = [
            ("gen_ai.prompt.0.role", &role),
            ("gen_ai.prompt.0.content", &content),
            ("gen_ai.prompt.1.content", &second),
        ];
        let value = unflatten(&pairs, "gen_ai.prompt.", &[]).unwrap();
        assert_eq!(
            value,
            serde_json::json!([{"content": "hi", "role": "user"}, {"content": "there"}])
        );
    }

    #[test]
    fn unflatten_leaves_out_openinference_item_wrappers() {
        let (role, name, id) = (string("assistant"), string("lookup"), string("c1"));
        let pairs = [
            ("llm.output_messages.0.message.role", &role),
            (
                "llm.output_messages.0.message.tool_calls.0.tool_call.function.name",
                &name,
            ),
            (
                "llm.output_messages.0.message.tool_calls.0.tool_call.id",
                &id,
            ),
        ];
        let wrappers = ["message", "tool_call"];
        let value = unflatten(&pairs, "llm.output_messages.", &wrappers).unwrap();
        assert_eq!(
            value,
            serde_json::json!([{"role": "assistant", "tool_calls": [{"function": {"name": "lookup"}, "id": "c1"}]}])
        );
    }

    #[test]
    fn unflatten_bounds_an_index_by_the_keys_under_its_prefix() {
        let hostile = string("x");
        let pairs = [("gen_ai.prompt.0.10000", &hostile)];
        let value = unflatten(&pairs, "gen_ai.prompt.", &[]).unwrap();
        // One key cannot make an array of 10,001 items: "10000" is an
        // object key, and "0" (one key under the prefix) is an index.
        assert_eq!(value, serde_json::json!([{"10000": "x"}]));
        let gap = [("gen_ai.prompt.0", &hostile), ("gen_ai.prompt.2", &hostile)];
        assert_eq!(
            unflatten(&gap, "gen_ai.prompt.", &[]).unwrap(),
            serde_json::json!(["x", null, "x"])
        );
        let far = [("gen_ai.prompt.10", &hostile)];
        assert_eq!(
            unflatten(&far, "gen_ai.prompt.", &[]).unwrap(),
            serde_json::json!({"10": "x"})
        );
    }
}
