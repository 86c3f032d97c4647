//! The OTLP attribute conventions prompttrace reads and writes, as data:
//! `keys.rs` names every key once; `tables.rs` holds, per field, the keys
//! that may set it in priority order, and the value vocabularies both
//! directions share. This file turns the tables into one lookup, so reading
//! a span's attribute is one hash probe (then, on a miss, a few prefixes).
//!
//! Invariant: no key string is written anywhere else in `format/otlp/`.

mod key_hash;
mod keys;
mod tables;

use std::sync::LazyLock;

use std::collections::HashMap;

use key_hash::KeyHash;

pub(crate) use keys::{gen_ai, langfuse, openinference, otel, ours, vercel_ai};
pub(crate) use tables::*;

/// What an attribute key sets. Ranked fields carry the key's place in its
/// table (0 = first choice): a field keeps the value of its best-ranked key,
/// whatever order the attributes come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    Kind(u8, KindFrom),
    Name(u8),
    Model(u8),
    /// A model that alone makes the span an LLM call.
    GenerationModel,
    /// The AI SDK's function id (part of the observation's name).
    FunctionId,
    Provider(u8),
    Parameters(u8),
    UsageDetails,
    Cost(u8, CostFrom),
    /// Input or output of the [`IO`] source at this rank (`rank`: the
    /// key's place in that source's list).
    Io {
        source: u8,
        side: Side,
        rank: u8,
        /// Written as JSON text whatever the value ([`JSON_ENCODED`]).
        encoded: bool,
    },
    /// Part of the AI SDK's reply ([`VERCEL_REPLY`]): 0 text, 1 tool calls.
    VercelReply(u8),
    SystemInstructions,
    /// Time to first token at this rank, in units of this many ms.
    FirstChunk(u8, u16),
    Level,
    StatusMessage,
    CompletionStart,
    PromptName(u8),
    PromptVersion(u8),
    Metadata(u8, MetadataFrom),
    TraceName,
    TraceInput,
    TraceOutput,
    TraceMetadata(u8, MetadataFrom),
    Session(u8),
    User(u8),
    Tags(u8),
    Environment(u8),
    Release,
    Own(Own),
}

/// Which of a source's two values a key holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Input,
    Output,
}

/// What a key under a prefix sets (the key's rest names the item).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PrefixRule {
    /// One model parameter (`gen_ai.request.temperature`).
    RequestParameter,
    /// One token count (`gen_ai.usage.input_tokens`).
    UsageCount,
    /// Part of a flattened message list of the [`IO`] source at this rank.
    Flattened { source: u8, side: Side },
    /// One observation metadata key.
    MetadataKey,
    /// One trace metadata key.
    TraceMetadataKey,
}

impl PrefixRule {
    /// Parameters and counts stay visible as attributes too (as in Langfuse).
    pub fn kept_visible(self) -> bool {
        matches!(self, PrefixRule::RequestParameter | PrefixRule::UsageCount)
    }
}

/// Everything reading one key does: a key may set two fields
/// (`gen_ai.tool.name` is both the type and the name).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Uses {
    pub rules: [Option<Rule>; 2],
    /// The attribute also stays visible under the metadata's "attributes".
    pub kept_visible: bool,
}

/// The rules of an exact key.
pub(crate) fn uses(key: &str) -> Option<&'static Uses> {
    RULES.get(key)
}

/// The rule of a key under one of the prefixes, and the prefix's length.
pub(crate) fn prefix_rule(key: &str) -> Option<(PrefixRule, usize)> {
    PREFIXES
        .iter()
        .find(|(prefix, _)| key.starts_with(prefix))
        .map(|(prefix, rule)| (*rule, prefix.len()))
}

/// Whether an attribute key carries what went into or came out of a step
/// (inputs, outputs, messages, the system prompt, a status message): the
/// keys these tables read into those fields, exact or under a prefix, and
/// [`OTHER_CONTENT_PREFIXES`].
pub(crate) fn carries_content(key: &str) -> bool {
    let read_as_content = uses(key).is_some_and(|uses| {
        uses.rules.iter().flatten().any(|rule| {
            matches!(
                rule,
                Rule::Io { .. }
                    | Rule::VercelReply(_)
                    | Rule::SystemInstructions
                    | Rule::StatusMessage
                    | Rule::TraceInput
                    | Rule::TraceOutput
            )
        })
    });
    read_as_content
        || matches!(prefix_rule(key), Some((PrefixRule::Flattened { .. }, _)))
        || OTHER_CONTENT_PREFIXES
            .iter()
            .any(|prefix| key.starts_with(prefix))
}

static RULES: LazyLock<HashMap<&'static str, Uses, KeyHash>> = LazyLock::new(build_rules);
static PREFIXES: LazyLock<Vec<(&'static str, PrefixRule)>> = LazyLock::new(build_prefixes);

#[cfg(test)]
fn rules_for_tests() -> Vec<&'static str> {
    RULES.keys().copied().collect()
}

fn build_rules() -> HashMap<&'static str, Uses, KeyHash> {
    let mut rules: HashMap<&'static str, Uses, KeyHash> = HashMap::default();
    let mut add = |key: &'static str, rule: Rule| {
        let uses = rules.entry(key).or_default();
        let slot = uses.rules.iter_mut().find(|slot| slot.is_none());
        *slot.expect("a key sets at most two fields") = Some(rule);
    };
    let rank = |i: usize| u8::try_from(i).expect("tables are short");
    for (i, (key, from)) in KIND.iter().enumerate() {
        add(key, Rule::Kind(rank(i), *from));
    }
    for (i, key) in NAME.iter().enumerate() {
        add(key, Rule::Name(rank(i)));
    }
    for (i, key) in MODEL.iter().enumerate() {
        add(key, Rule::Model(rank(i)));
    }
    for key in MODEL_MAKES_GENERATION {
        add(key, Rule::GenerationModel);
    }
    add(vercel_ai::FUNCTION_ID, Rule::FunctionId);
    for (i, key) in PROVIDER.iter().enumerate() {
        add(key, Rule::Provider(rank(i)));
    }
    for (i, key) in PARAMETERS.iter().enumerate() {
        add(key, Rule::Parameters(rank(i)));
    }
    add(USAGE_DETAILS, Rule::UsageDetails);
    for (i, group) in COST.iter().enumerate() {
        for (key, from) in group.iter() {
            add(key, Rule::Cost(rank(i), *from));
        }
    }
    for (i, source) in IO.iter().enumerate() {
        for (side, keys) in [(Side::Input, source.inputs), (Side::Output, source.outputs)] {
            for (j, key) in keys.iter().enumerate() {
                add(
                    key,
                    Rule::Io {
                        source: rank(i),
                        side,
                        rank: rank(j),
                        encoded: JSON_ENCODED.contains(key),
                    },
                );
            }
        }
    }
    for (i, key) in VERCEL_REPLY.iter().enumerate() {
        add(key, Rule::VercelReply(rank(i)));
    }
    add(gen_ai::SYSTEM_INSTRUCTIONS, Rule::SystemInstructions);
    for (i, (key, unit_ms)) in FIRST_CHUNK.iter().enumerate() {
        add(key, Rule::FirstChunk(rank(i), *unit_ms));
    }
    add(langfuse::LEVEL, Rule::Level);
    add(langfuse::STATUS_MESSAGE, Rule::StatusMessage);
    add(langfuse::COMPLETION_START_TIME, Rule::CompletionStart);
    for (i, key) in PROMPT_NAME.iter().enumerate() {
        add(key, Rule::PromptName(rank(i)));
    }
    for (i, key) in PROMPT_VERSION.iter().enumerate() {
        add(key, Rule::PromptVersion(rank(i)));
    }
    for (i, (key, from)) in METADATA.iter().enumerate() {
        add(key, Rule::Metadata(rank(i), *from));
    }
    add(langfuse::TRACE_NAME, Rule::TraceName);
    add(langfuse::TRACE_INPUT, Rule::TraceInput);
    add(langfuse::TRACE_OUTPUT, Rule::TraceOutput);
    for (i, (key, from)) in TRACE_METADATA.iter().enumerate() {
        add(key, Rule::TraceMetadata(rank(i), *from));
    }
    for (i, key) in SESSION.iter().enumerate() {
        add(key, Rule::Session(rank(i)));
    }
    for (i, key) in USER.iter().enumerate() {
        add(key, Rule::User(rank(i)));
    }
    for (i, key) in TAGS.iter().enumerate() {
        add(key, Rule::Tags(rank(i)));
    }
    for (i, key) in ENVIRONMENT.iter().enumerate() {
        add(key, Rule::Environment(rank(i)));
    }
    add(langfuse::RELEASE, Rule::Release);
    for (key, own) in OWN {
        add(key, Rule::Own(own));
    }
    for key in KEPT_VISIBLE {
        rules
            .get_mut(key)
            .expect("a key kept visible is read by some rule")
            .kept_visible = true;
    }
    rules
}

fn build_prefixes() -> Vec<(&'static str, PrefixRule)> {
    let mut prefixes = Vec::new();
    for prefix in REQUEST_PARAMETER_PREFIXES {
        prefixes.push((prefix, PrefixRule::RequestParameter));
    }
    for prefix in USAGE_COUNT_PREFIXES {
        prefixes.push((prefix, PrefixRule::UsageCount));
    }
    for (i, source) in IO.iter().enumerate() {
        if let Some([input, output]) = source.flattened {
            let source = u8::try_from(i).expect("tables are short");
            prefixes.push((
                input,
                PrefixRule::Flattened {
                    source,
                    side: Side::Input,
                },
            ));
            prefixes.push((
                output,
                PrefixRule::Flattened {
                    source,
                    side: Side::Output,
                },
            ));
        }
    }
    for prefix in METADATA_KEY_PREFIXES {
        prefixes.push((prefix, PrefixRule::MetadataKey));
    }
    prefixes.push((TRACE_METADATA_KEY_PREFIX, PrefixRule::TraceMetadataKey));
    // The longest prefix wins: `ai.settings.context.` before `ai.settings.`.
    prefixes.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
    prefixes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions_rank_keys_by_their_place_in_the_tables() {
        let rules = |key| uses(key).unwrap().rules;
        assert_eq!(
            rules(langfuse::MODEL_NAME),
            [Some(Rule::Model(0)), Some(Rule::GenerationModel)]
        );
        assert_eq!(rules(vercel_ai::MODEL_ID), [Some(Rule::Model(3)), None]);
        assert_eq!(
            rules(gen_ai::REQUEST_MODEL),
            [Some(Rule::Model(4)), Some(Rule::GenerationModel)]
        );
        assert_eq!(
            rules(gen_ai::TOOL_NAME),
            [Some(Rule::Kind(6, KindFrom::Tool)), Some(Rule::Name(0))]
        );
        assert!(uses(gen_ai::REQUEST_MODEL).unwrap().kept_visible);
        assert!(!uses(langfuse::MODEL_NAME).unwrap().kept_visible);
        assert!(uses("gen_ai.request.temperature").is_none());
        assert_eq!(
            prefix_rule("gen_ai.request.temperature"),
            Some((PrefixRule::RequestParameter, gen_ai::REQUEST_PREFIX.len()))
        );
        assert_eq!(
            prefix_rule("llm.output_messages.0.message.role"),
            Some((
                PrefixRule::Flattened {
                    source: 4,
                    side: Side::Output
                },
                20
            ))
        );
    }

    #[test]
    fn conventions_name_no_key_twice_in_one_table() {
        let mut seen = std::collections::HashSet::new();
        for key in MODEL
            .iter()
            .chain(&PROVIDER)
            .chain(&SESSION)
            .chain(&USER)
            .chain(&TAGS)
        {
            assert!(seen.insert(*key), "{key} appears twice");
        }
    }
}
