//! Content search: which traces and observations hold a piece of text, and
//! in which of their fields.
//!
//! The rule:
//! - A [`Query`] is the user's text, trimmed. An empty (or all-whitespace)
//!   query is no query: [`Query::new`] returns `None`, and the caller shows
//!   everything unfiltered.
//! - It is one phrase, matched as a substring: "rotate key" finds "how to
//!   rotate key pairs", not "rotate the API key". Several words are not
//!   AND-ed: this is what Langfuse's and Phoenix's search boxes do, and a
//!   pasted error message or sentence finds exactly itself.
//! - Case is ignored in every script (`fold`: Unicode lowercasing, and
//!   final sigma as sigma); scripts without case (CJK, Arabic) match as
//!   written.
//! - An observation is searched in its id, name, type (the type's name and
//!   the caller's own label), model, provider, input, output, metadata and
//!   status message; a trace in its id, name, session, user, tags, input,
//!   output, metadata and status message.
//! - A payload (input, output, metadata) is searched in the decoded text of
//!   its string values and in its numbers as written, one value at a time
//!   (`values`): never its keys, its JSON punctuation, or `true`/`false`/
//!   `null`. So `\u4e2d` is found as 中, `"a"` finds a value that quotes
//!   `"a"` but not the value `a`, and "role" does not find every chat
//!   message. A JSON document kept as a string value (an OTLP attribute
//!   holding messages) is one value: its text is searched as written, keys
//!   and all.
//! - Results come in the timeline's order: depth first, children by start
//!   time (`Tree::depth_first`), so "k of n" and next/previous follow the
//!   rows a user sees.
//!
//! Nothing is indexed: each search reads the text again. `find` says how:
//! an ASCII query is looked for in the text as stored (`raw`), and only
//! what cannot be read that way (payloads with `\u` escapes, non-ASCII
//! text where case matters) is folded into one reused buffer (`fold`,
//! `values`) and searched with `memchr::memmem`.

mod fields;
mod find;
mod fold;
mod query;
mod raw;
mod values;

use crate::json::Json;
use crate::model::{Observation, Trace};
use crate::store::{Store, TraceEntry};

pub use fields::{Field, Fields};
pub use find::{text_holds, Scratch};
pub use query::Query;

use find::json_holds;

/// An observation that matched, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObservationMatch {
    pub id: String,
    pub fields: Fields,
}

/// What matched in one trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceMatches {
    /// Where the trace's own fields matched (empty: they did not).
    pub trace: Fields,
    /// The observations that matched, in the timeline's order.
    pub observations: Vec<ObservationMatch>,
}

impl TraceMatches {
    /// Whether anything in the trace matched.
    pub fn is_match(&self) -> bool {
        !self.trace.is_empty() || !self.observations.is_empty()
    }
}

/// What matched in one trace: its own fields, and its observations in the
/// timeline's order (for "k of n" and moving between matches).
pub fn trace_matches(entry: &TraceEntry, query: &Query) -> TraceMatches {
    let mut search = Search::new(query);
    let tree = entry.tree();
    let observations = tree
        .depth_first()
        .into_iter()
        .filter_map(|i| {
            let observation = tree.ordered[i];
            let fields = search.observation_fields(observation);
            (!fields.is_empty()).then(|| ObservationMatch {
                id: observation.id.clone(),
                fields,
            })
        })
        .collect();
    TraceMatches {
        trace: search.trace_fields(entry.trace()),
        observations,
    }
}

/// Ids of the traces in which the trace itself or any observation matches,
/// by start time then id (the store's trace order). Observations recorded
/// without a trace are not searched here.
pub fn traces_matching<'s>(store: &'s Store, query: &Query) -> Vec<&'s str> {
    let mut search = Search::new(query);
    store
        .traces_in_order()
        .into_iter()
        .filter(|entry| search.trace_has_match(entry))
        .map(|entry| entry.trace().id.as_str())
        .collect()
}

/// Whether a stored record's text (a trace's JSON Lines, as browser
/// storage keeps it) may hold a match: `false` means no trace or
/// observation in it matches, so a search of every stored record need not
/// read that one into a store. Exact by the reasoning that makes a
/// payload's shortcuts exact (`find.rs`): every field the rule searches is
/// a string value of the record's JSON, or a payload's value as written
/// there; the record's other values only add places to look.
pub fn record_may_match(text: &str, query: &Query) -> bool {
    let mut scratch = find::Scratch::default();
    text.lines()
        .any(|line| json_holds(line, query, &mut scratch))
}

/// Where one observation matches.
pub fn observation_fields(observation: &Observation, query: &Query) -> Fields {
    Search::new(query).observation_fields(observation)
}

/// Where a trace's own fields (not its observations) match.
pub fn trace_fields(trace: &Trace, query: &Query) -> Fields {
    Search::new(query).trace_fields(trace)
}

/// A query and the buffer text is folded into, reused for every field.
struct Search<'q> {
    query: &'q Query,
    scratch: Scratch,
}

/// A field's content, as search reads it.
enum Content<'a> {
    Text(&'a str),
    Payload(&'a Json),
}

impl<'q> Search<'q> {
    fn new(query: &'q Query) -> Search<'q> {
        Search {
            query,
            scratch: Scratch::default(),
        }
    }

    fn observation_fields(&mut self, o: &Observation) -> Fields {
        Self::observation_contents(o)
            .filter(|(_, content)| self.matches(content))
            .map(|(field, _)| field)
            .collect()
    }

    fn trace_fields(&mut self, trace: &Trace) -> Fields {
        Self::trace_contents(trace)
            .filter(|(_, content)| self.matches(content))
            .map(|(field, _)| field)
            .collect()
    }

    /// Stops at the first match.
    fn trace_has_match(&mut self, entry: &TraceEntry) -> bool {
        Self::trace_contents(entry.trace()).any(|(_, content)| self.matches(&content))
            || entry
                .observations()
                .iter()
                .any(|o| Self::observation_contents(o).any(|(_, content)| self.matches(&content)))
    }

    fn observation_contents(o: &Observation) -> impl Iterator<Item = (Field, Content<'_>)> {
        let texts = [
            (Field::Name, Some(o.name.as_str())),
            (Field::Type, Some(o.kind.as_str())),
            (Field::Type, o.type_label.as_deref()),
            (Field::Id, Some(o.id.as_str())),
            (Field::Model, o.model.as_deref()),
            (Field::Provider, o.provider.as_deref()),
            (Field::StatusMessage, o.status_message.as_deref()),
        ];
        let payloads = [
            (Field::Input, o.input.as_ref()),
            (Field::Output, o.output.as_ref()),
            (Field::Metadata, o.metadata.as_ref()),
        ];
        Self::contents(texts, payloads)
    }

    fn trace_contents(t: &Trace) -> impl Iterator<Item = (Field, Content<'_>)> {
        let texts = [
            (Field::Name, Some(t.name.as_str())),
            (Field::Id, Some(t.id.as_str())),
            (Field::Session, t.session_id.as_deref()),
            (Field::User, t.user_id.as_deref()),
            (Field::StatusMessage, t.status_message.as_deref()),
        ];
        let tags = t.tags.iter().map(|tag| (Field::Tags, Content::Text(tag)));
        let payloads = [
            (Field::Input, t.input.as_ref()),
            (Field::Output, t.output.as_ref()),
            (Field::Metadata, t.metadata.as_ref()),
        ];
        Self::contents(texts, payloads).chain(tags)
    }

    fn contents<'a, const T: usize>(
        texts: [(Field, Option<&'a str>); T],
        payloads: [(Field, Option<&'a Json>); 3],
    ) -> impl Iterator<Item = (Field, Content<'a>)> {
        let texts = texts
            .into_iter()
            .filter_map(|(field, text)| Some((field, Content::Text(text?))));
        let payloads = payloads
            .into_iter()
            .filter_map(|(field, json)| Some((field, Content::Payload(json?))));
        texts.chain(payloads)
    }

    fn matches(&mut self, content: &Content<'_>) -> bool {
        match content {
            Content::Text(text) => text_holds(text, self.query, &mut self.scratch),
            Content::Payload(json) => json_holds(json.as_str(), self.query, &mut self.scratch),
        }
    }
}

#[cfg(test)]
mod tests;
