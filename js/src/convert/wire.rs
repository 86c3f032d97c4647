//! The batch format the JS side sends its recording calls in
//! (`js/npm/wire.mts` writes it): numbers in one `Float64Array`, and every
//! text field of every call concatenated into one UTF-8 buffer. Per call,
//! one crossing's share of a buffer and a handful of numbers, instead of a JSON
//! object parsed field by field: the payloads (input, output, metadata) are
//! the only JSON, and the fields few calls carry (tags, prompt, usage, the
//! OpenAI client's request…) travel together as one JSON object, `rest`.
//!
//! Per call, the numbers are `[kind, at, mask]` (a change adds its
//! `flags` before the mask), then the length of each text field whose bit
//! is set in the mask, in the order the fields are read below. Lengths are
//! in UTF-8 bytes: the JS side encodes each field as it writes it, so a
//! field is whole characters (a lone surrogate came as U+FFFD).
//! A payload's (or `rest`'s) bit has no length: the payloads and rests are
//! the elements of one JSON array, taken in order (one `JSON.stringify` on
//! the JS side when the batch is sent, not one a value). An observation
//! start whose mask has [`SAME_TRACE`] (and not its trace id's bit) is in
//! the trace of the batch's start before it: the id is sent once a batch.

use std::borrow::Cow;

use prompttrace::json::{self, Json};
use serde_json::value::RawValue;

use super::rest::rest_of;
use super::{ChangeCall, ObservationStart, Problems, TraceStart, Who};

const TRACE: f64 = 1.0;
const OBSERVATION: f64 = 2.0;
const CHANGE: f64 = 3.0;

/// A change's flags.
const ABOUT_TRACE: u32 = 1;
const UPDATE: u32 = 2;

/// One call read from a batch.
pub enum Call<'a> {
    Trace(TraceStart),
    Observation(ObservationStart<'a>),
    Change(ChangeCall<'a>),
}

/// Reads a batch's calls in order. A batch this reader cannot follow (the
/// numbers and text disagree: a bug, never the app's values) yields one
/// error and ends.
pub struct Calls<'a> {
    texts: Texts<'a>,
    payloads: Payloads<'a>,
    nums: &'a [f64],
    at: usize,
    /// The trace id the last observation start read carried.
    trace_id: Option<&'a str>,
}

/// The bits of the fields in the payloads' array, in each kind's mask
/// (fields in the order read below).
const TRACE_INPUT: u32 = 1 << 4;
const TRACE_METADATA: u32 = 1 << 5;
const TRACE_REST: u32 = 1 << 6;
const INPUT: u32 = 1 << 5;
const METADATA: u32 = 1 << 6;
const REST: u32 = 1 << 10;
/// An observation start's: its trace id is the previous start's.
const SAME_TRACE: u32 = 1 << 11;
const OUTPUT: u32 = 1 << 2;
const CHANGE_REST: u32 = 1 << 3;

impl<'a> Calls<'a> {
    /// `payloads` is the batch's JSON array of payloads.
    pub fn new(text: &'a str, payloads: &'a str, nums: &'a [f64]) -> Calls<'a> {
        Calls {
            texts: Texts::new(text),
            payloads: Payloads::new(payloads),
            nums,
            at: 0,
            trace_id: None,
        }
    }

    fn num(&mut self) -> Option<f64> {
        let value = self.nums.get(self.at).copied();
        self.at += 1;
        value
    }

    fn whole(&mut self) -> Option<u32> {
        let value = self.num()?;
        (value >= 0.0 && value <= f64::from(u32::MAX) && value.fract() == 0.0)
            .then_some(value as u32)
    }

    /// The text fields a mask says are present, `N` of them in order (a
    /// bit past them: the writer and this reader disagree). The bits in
    /// `payloads` are payloads: their fields are left `None` here, and read
    /// by [`Calls::payload`].
    fn fields<const N: usize>(&mut self, mask: u32, payloads: u32) -> Option<[Option<&'a str>; N]> {
        if mask >> N != 0 {
            return None;
        }
        let mut fields = [const { None }; N];
        for (bit, field) in fields.iter_mut().enumerate() {
            if mask & !payloads & (1 << bit) != 0 {
                let units = self.whole()?;
                *field = Some(self.texts.take(units as usize)?);
            }
        }
        Some(fields)
    }

    /// The JSON text of the `rest` whose bit is `bit`, if the mask has it
    /// (`None`: as for [`Calls::payload`]).
    fn rest(&mut self, mask: u32, bit: u32) -> Option<Option<Cow<'a, str>>> {
        if mask & bit == 0 {
            return Some(None);
        }
        Some(Some(Cow::Borrowed(self.payloads.take_text()?)))
    }

    /// The payload of field `bit`, if the mask has it; one that cannot be
    /// read is left out, and its problem noted. `None`: the mask has it
    /// but no payload is left (the writer and this reader disagree).
    fn payload(
        &mut self,
        mask: u32,
        bit: u32,
        field: &str,
        who: &Who,
        problems: &mut Problems,
    ) -> Option<Option<Json>> {
        if mask & bit == 0 {
            return Some(None);
        }
        Some(self.payloads.take()?.unwrap_or_else(|error| {
            problems.push(format!(
                "{who}: its {field} could not be read ({error}); it is left out"
            ));
            None
        }))
    }

    fn call(&mut self, kind: f64, problems: &mut Problems) -> Option<Call<'a>> {
        let at = self.num()?;
        if kind == CHANGE {
            let flags = self.whole()?;
            let mask = self.whole()?;
            let [id, error, ..] = self.fields::<4>(mask, OUTPUT | CHANGE_REST)?;
            let id = id.unwrap_or_default();
            let who = who(flags & ABOUT_TRACE != 0, id);
            let call = ChangeCall {
                trace: flags & ABOUT_TRACE != 0,
                update: flags & UPDATE != 0,
                at,
                error: error.map(str::to_owned),
                output: self.payload(mask, OUTPUT, "output", &who, problems)?,
                rest: rest_of(self.rest(mask, CHANGE_REST)?, &who, problems),
                id: Cow::Borrowed(id),
            };
            return Some(Call::Change(call));
        }
        let mask = self.whole()?;
        if kind == TRACE {
            let [id, name, session_id, user_id, ..] =
                self.fields::<7>(mask, TRACE_INPUT | TRACE_METADATA | TRACE_REST)?;
            let id = id.unwrap_or_default().to_owned();
            let who = who(true, &id);
            let start = TraceStart {
                at,
                name: name.unwrap_or_default().to_owned(),
                session_id: session_id.map(str::to_owned),
                user_id: user_id.map(str::to_owned),
                input: self.payload(mask, TRACE_INPUT, "input", &who, problems)?,
                metadata: self.payload(mask, TRACE_METADATA, "metadata", &who, problems)?,
                rest: rest_of(self.rest(mask, TRACE_REST)?, &who, problems),
                id,
            };
            return Some(Call::Trace(start));
        }
        if kind != OBSERVATION {
            return None;
        }
        let same_trace = mask & SAME_TRACE != 0;
        let [id, trace_id, parent_id, name, kind, _, _, level, provider, model, _] =
            self.fields::<11>(mask & !SAME_TRACE, INPUT | METADATA | REST)?;
        if same_trace && (trace_id.is_some() || self.trace_id.is_none()) {
            return None; // the writer and this reader disagree
        }
        let trace_id = if same_trace { self.trace_id } else { trace_id };
        self.trace_id = trace_id;
        let id = id.unwrap_or_default().to_owned();
        let who = who(false, &id);
        let start = ObservationStart {
            trace_id: trace_id.map(str::to_owned),
            parent_id: parent_id.map(str::to_owned),
            at,
            name: name.unwrap_or_default().to_owned(),
            kind: kind.map(Cow::Borrowed),
            input: self.payload(mask, INPUT, "input", &who, problems)?,
            metadata: self.payload(mask, METADATA, "metadata", &who, problems)?,
            level: level.map(str::to_owned),
            provider: provider.map(str::to_owned),
            model: model.map(str::to_owned),
            rest: rest_of(self.rest(mask, REST)?, &who, problems),
            id,
        };
        Some(Call::Observation(start))
    }

    /// The next call; problems with its values go to `problems`.
    pub fn next(&mut self, problems: &mut Problems) -> Option<Result<Call<'a>, String>> {
        let Some(kind) = self.num() else {
            // Text or payloads no call took: the writer and this reader disagree.
            let left = !self.texts.rest.is_empty() | self.payloads.drain();
            self.texts.rest = "";
            return left.then(|| Err(MALFORMED.to_string()));
        };
        let call = self.call(kind, problems);
        if call.is_none() {
            self.at = self.nums.len(); // nothing after a misread is trusted
            self.texts.rest = "";
            self.payloads.drain();
        }
        Some(call.ok_or_else(|| MALFORMED.to_string()))
    }
}

const MALFORMED: &str = "tracing data could not be read: the batch is malformed";

fn who(trace: bool, id: &str) -> Who<'_> {
    Who {
        kind: if trace { "trace" } else { "observation" },
        id,
    }
}

/// The batch's payloads, one JSON array, taken an element at a time.
enum Payloads<'a> {
    /// The array read whole (always, from the JS side's `JSON.stringify`),
    /// which checked every element. (An element nested too deep reads as
    /// raw JSON: `Json::of_stringified` leaves it out alone.)
    Read(std::vec::IntoIter<&'a RawValue>),
    /// The array could not be read whole (some element is not JSON: a
    /// batch is not trusted): cut at its commas, each element is read on
    /// its own, so one that cannot be read is left out alone.
    Cut(json::Elements<'a>),
}

impl<'a> Payloads<'a> {
    fn new(array: &'a str) -> Payloads<'a> {
        match serde_json::from_str::<Vec<&RawValue>>(array) {
            Ok(read) => Payloads::Read(read.into_iter()),
            Err(_) => Payloads::Cut(json::elements(array)),
        }
    }

    /// The next payload (`null` is none); `None` when none is left.
    fn take(&mut self) -> Option<Result<Option<Json>, String>> {
        let (text, read) = match self {
            Payloads::Read(elements) => {
                let raw = elements.next()?;
                (raw.get(), Json::of_stringified(raw))
            }
            Payloads::Cut(elements) => {
                let text = elements.next()?;
                (text, Json::parse(text).map_err(|error| error.to_string()))
            }
        };
        Some(if text == "null" {
            Ok(None)
        } else {
            read.map(Some)
        })
    }

    /// The next element's JSON text, unread; `None` when none is left.
    fn take_text(&mut self) -> Option<&'a str> {
        match self {
            Payloads::Read(elements) => elements.next().map(RawValue::get),
            Payloads::Cut(elements) => elements.next(),
        }
    }

    /// Drops what is left; whether anything was.
    fn drain(&mut self) -> bool {
        match self {
            Payloads::Read(elements) => std::mem::take(elements).next().is_some(),
            Payloads::Cut(elements) => std::mem::replace(elements, json::elements(""))
                .next()
                .is_some(),
        }
    }
}

/// The batch's text, taken field by field.
struct Texts<'a> {
    rest: &'a str,
}

impl<'a> Texts<'a> {
    fn new(text: &'a str) -> Texts<'a> {
        Texts { rest: text }
    }

    /// The next `bytes` bytes of text; `None` past the end or inside a
    /// character (the writer and this reader disagree).
    fn take(&mut self, bytes: usize) -> Option<&'a str> {
        let (field, rest) = self.rest.split_at_checked(bytes)?;
        self.rest = rest;
        Some(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(text: &str, bytes: &[usize]) -> Vec<Option<String>> {
        let mut texts = Texts::new(text);
        bytes
            .iter()
            .map(|&n| texts.take(n).map(str::to_owned))
            .collect()
    }

    #[test]
    fn fields_are_cut_by_utf8_bytes() {
        assert_eq!(
            taken("abcde", &[2, 3]),
            [Some("ab".into()), Some("cde".into())]
        );
        assert_eq!(
            taken("é😀x", &[2, 4, 1]),
            [Some("é".into()), Some("😀".into()), Some("x".into())]
        );
        assert_eq!(taken("ab", &[3]), [None]);
        assert_eq!(taken("é", &[1]), [None], "inside a character");
    }

    #[test]
    fn text_no_call_took_is_one_error() {
        let mut problems = Vec::new();
        // A trace start with an id of 2 units, and 3 units of text.
        let mut calls = Calls::new("abc", "[]", &[1.0, 0.0, 1.0, 2.0]);
        assert!(matches!(
            calls.next(&mut problems),
            Some(Ok(Call::Trace(_)))
        ));
        assert!(matches!(calls.next(&mut problems), Some(Err(_))));
        assert!(calls.next(&mut problems).is_none());
    }

    #[test]
    fn a_mask_bit_past_the_kinds_fields_is_one_error() {
        let mut problems = Vec::new();
        // A change has 4 text fields: bit 4 is none of them.
        let mut calls = Calls::new("", "[]", &[3.0, 0.0, 0.0, 16.0]);
        assert!(matches!(calls.next(&mut problems), Some(Err(_))));
        assert!(calls.next(&mut problems).is_none());
    }

    #[test]
    fn a_malformed_batch_is_one_error() {
        let mut problems = Vec::new();
        let mut calls = Calls::new("ab", "[]", &[2.0, 1.0, 1.0, 5.0, 2.0]);
        assert!(matches!(calls.next(&mut problems), Some(Err(_))));
        assert!(calls.next(&mut problems).is_none());
    }

    /// An observation "o" of trace "t" named "n" with an input and
    /// metadata, then a change of it with an output and a rest: `payloads`
    /// holds the four, in that order. Returns the calls read and the problems.
    fn observation_and_change(payloads: &str) -> (Vec<Call<'_>>, Problems) {
        let mut problems = Vec::new();
        const NUMS: [f64; 11] = [
            2.0,
            0.0,
            0b110_1011 as f64,
            1.0,
            1.0,
            1.0,
            3.0,
            0.0,
            0.0,
            0b1101 as f64,
            1.0,
        ];
        let mut calls = Calls::new("otno", payloads, &NUMS);
        let read = std::iter::from_fn(|| calls.next(&mut problems))
            .map(|call| call.expect("the batch reads"))
            .collect();
        (read, problems)
    }

    #[test]
    fn a_payload_that_cannot_be_read_is_left_out_alone() {
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        // Read whole (too deep is left out by `Json::of_stringified`), and cut at
        // commas (an element that is not JSON makes the array unreadable).
        for bad in [deep.as_str(), r#"{"a":}"#] {
            let payloads = format!(r#"[{bad},{{"b":1}},null,{{"usage":{{"input":3}}}}]"#);
            let (calls, problems) = observation_and_change(&payloads);
            let [Call::Observation(start), Call::Change(change)] = &calls[..] else {
                panic!("an observation start and a change: {problems:?}");
            };
            assert!(start.input.is_none());
            assert_eq!(
                start.metadata.as_ref().map(Json::as_str),
                Some(r#"{"b":1}"#)
            );
            assert!(change.output.is_none(), "null is no output");
            assert!(
                change
                    .rest
                    .as_ref()
                    .is_some_and(|rest| rest.usage.is_some()),
                "the rest after them is read"
            );
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(problems[0].starts_with("observation \"o\": its input could not be read"));
        }
    }

    #[test]
    fn a_start_in_the_previous_starts_trace_reads_its_trace_id() {
        let mut problems = Vec::new();
        // Observation "a" of trace "t" (id and trace id set: bits 0, 1),
        // then "b" with SAME_TRACE instead of its trace id's bit.
        let same = f64::from(SAME_TRACE | 1);
        let nums = [2.0, 0.0, 3.0, 1.0, 1.0, 2.0, 0.0, same, 1.0];
        let mut calls = Calls::new("atb", "[]", &nums);
        let read: Vec<_> = std::iter::from_fn(|| calls.next(&mut problems)).collect();
        let trace_ids: Vec<_> = read
            .iter()
            .map(|call| match call {
                Ok(Call::Observation(start)) => start.trace_id.clone(),
                _ => panic!("two observation starts"),
            })
            .collect();
        assert_eq!(trace_ids, [Some("t".to_string()), Some("t".to_string())]);
        // With no start before it, or with its own trace id too: malformed.
        let first = [2.0, 0.0, same, 1.0];
        assert!(matches!(
            Calls::new("b", "[]", &first).next(&mut problems),
            Some(Err(_))
        ));
        let both = [2.0, 0.0, f64::from(SAME_TRACE | 3), 1.0, 1.0];
        assert!(matches!(
            Calls::new("bt", "[]", &both).next(&mut problems),
            Some(Err(_))
        ));
    }

    #[test]
    fn payloads_no_call_took_are_one_error() {
        let mut problems = Vec::new();
        let mut calls = Calls::new("ab", "[1]", &[1.0, 0.0, 1.0, 2.0]);
        assert!(matches!(
            calls.next(&mut problems),
            Some(Ok(Call::Trace(_)))
        ));
        assert!(matches!(calls.next(&mut problems), Some(Err(_))));
    }
}
