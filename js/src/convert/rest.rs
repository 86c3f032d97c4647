//! A call's `rest`: the JSON object of the fields few calls carry (tags,
//! prompt, usage, the OpenAI client's request…), and `track`'s calls,
//! read a field at a time. One deserializer a field type serves every
//! kind of call: a derived one a kind was ~16 KB of the record-only wasm.

use std::borrow::Cow;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::{Problems, Who};

/// What a kind of call carries in its `rest` (`convert.rs`), read by name.
/// `Default` is what a call without a `rest` carries.
pub trait FromRest: Default {
    fn from_rest(rest: &mut Rest) -> Self;
}

/// A JSON object's fields as raw JSON, in order. A list, not a map: it is
/// read a field at a time, and a map of its own was ~2 KB of the
/// record-only wasm.
#[derive(Default)]
pub struct Fields(Vec<(String, Box<RawValue>)>);

impl Fields {
    /// Field `name` (the last, if it is there twice, as a map would keep).
    pub fn get(&self, name: &str) -> Option<&RawValue> {
        let (_, raw) = self.0.iter().rev().find(|(key, _)| key == name)?;
        Some(raw)
    }

    fn take(&mut self, name: &str) -> Option<Box<RawValue>> {
        let at = self.0.iter().rposition(|(key, _)| key == name)?;
        // `remove`, not `swap_remove`: that would move the last field
        // before an earlier one of the same name, which would then win.
        Some(self.0.remove(at).1)
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Fields, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some(field) = map.next_entry()? {
                    fields.push(field);
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(Object)
    }
}

/// A call's `rest`: the JSON object of the fields few calls carry, read a
/// field at a time. A field that cannot be read (nested too deep, a lone
/// surrogate) is left out alone, with a problem; and one deserializer a
/// field type serves every kind of call (a derived one a kind was ~16 KB
/// of the record-only wasm).
pub struct Rest<'r> {
    fields: Fields,
    who: &'r Who<'r>,
    problems: &'r mut Problems,
}

impl Rest<'_> {
    /// Field `name`; `None` when it is missing, `null`, or not a `T`.
    pub fn field<T: DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        let raw = self.raw(name)?;
        serde_json::from_str(raw.get())
            .map_err(|error| {
                self.problems.push(format!(
                    "{}: its {name} could not be read ({error}); it is left out",
                    self.who
                ))
            })
            .ok()
    }

    /// Field `name` as its JSON text; `None` when it is missing or `null`.
    pub fn raw(&mut self, name: &str) -> Option<Box<RawValue>> {
        self.fields.take(name).filter(|raw| raw.get() != "null")
    }
}

impl<'r> Rest<'r> {
    /// The fields of an object already read into `fields`.
    pub(super) fn new(fields: Fields, who: &'r Who<'r>, problems: &'r mut Problems) -> Rest<'r> {
        Rest {
            fields,
            who,
            problems,
        }
    }
}

/// A call's `rest`, read; `None` when it has none, as most calls: a
/// call is moved a few times on its way into the store, so what few
/// carry is boxed, not carried by all.
pub(super) fn rest_of<T: FromRest>(
    text: Option<Cow<str>>,
    who: &Who,
    problems: &mut Problems,
) -> Option<Box<T>> {
    let fields = match text.filter(|text| text != "null") {
        None => return None,
        Some(text) => serde_json::from_str(&text).unwrap_or_else(|error| {
            problems.push(format!(
                "{who}: its fields could not be read ({error}); they are left out"
            ));
            Fields::default()
        }),
    };
    Some(Box::new(T::from_rest(&mut Rest {
        fields,
        who,
        problems,
    })))
}

/// A call's `rest`, or the default one when it has none.
pub(super) fn unboxed<T: FromRest>(rest: Option<Box<T>>) -> T {
    rest.map_or_else(T::default, |rest| *rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_given_twice_is_its_last_value_whatever_is_taken_before() {
        let mut problems = Vec::new();
        let who = Who {
            kind: "trace",
            id: "t",
        };
        let text = r#"{"tags":["a"],"release":"v1","environment":"e","release":"v2"}"#;
        let rest: super::super::TraceRest =
            unboxed(rest_of(Some(Cow::Borrowed(text)), &who, &mut problems));
        assert_eq!(rest.release.as_deref(), Some("v2"));
        assert_eq!(rest.environment.as_deref(), Some("e"));
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_rest_field_that_cannot_be_read_is_left_out_alone() {
        let mut problems = Vec::new();
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let text = format!(r#"{{"tags":["a"],"environment":{deep},"release":"v2"}}"#);
        let who = Who {
            kind: "trace",
            id: "t",
        };
        let rest: super::super::TraceRest =
            unboxed(rest_of(Some(Cow::Owned(text)), &who, &mut problems));
        assert_eq!(rest.tags, Some(vec!["a".to_string()]));
        assert_eq!(rest.release.as_deref(), Some("v2"));
        assert_eq!(rest.environment, None);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("trace \"t\": its environment could not be read"));
    }
}
