//! The priority tables: for each field, the keys that may set it, first
//! choice first, in the order Langfuse's server reads them
//! (`OtelIngestionProcessor.ts`, `ObservationTypeMapper.ts`); where we go
//! further, `docs/otlp-mapping.md` says so. A key's rank is its place in its
//! table. Adding a framework means adding rows here (and, for a new kind of
//! value, one arm in `attributes.rs`).
//!
//! Also here: the value vocabularies that reading and writing share
//! (OpenInference span kinds, GenAI operation names, level names).

use super::keys::{gen_ai, langfuse, openinference, otel, ours, plain, traceloop, vercel_ai};
use crate::model::{Level, ObservationType};

/// How a key's value names the observation type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KindFrom {
    /// One of our ten types, lower case only (as Langfuse).
    Langfuse,
    /// An OpenInference span kind ([`OPENINFERENCE_KINDS`]).
    OpenInference,
    /// A GenAI operation name ([`GEN_AI_OPERATIONS`]).
    GenAiOperation,
    /// A Vercel AI SDK operation id ([`VERCEL_OPERATIONS`], exactly).
    VercelOperation,
    /// The AI SDK's `operation.name`: the operation id, then the function id.
    VercelOperationName,
    /// An OpenLLMetry span kind ([`TRACELOOP_KINDS`]).
    Traceloop,
    /// The key's presence makes the span a tool call.
    Tool,
}

/// The observation type, first match wins; else a model of
/// [`MODEL_MAKES_GENERATION`] makes it a generation, else it is a span.
pub(crate) const KIND: [(&str, KindFrom); 8] = [
    (langfuse::OBSERVATION_TYPE, KindFrom::Langfuse),
    (openinference::SPAN_KIND, KindFrom::OpenInference),
    (gen_ai::OPERATION_NAME, KindFrom::GenAiOperation),
    (vercel_ai::OPERATION_ID, KindFrom::VercelOperation),
    (vercel_ai::OPERATION_NAME, KindFrom::VercelOperationName),
    (traceloop::SPAN_KIND, KindFrom::Traceloop),
    (gen_ai::TOOL_NAME, KindFrom::Tool),
    (gen_ai::TOOL_CALL_ID, KindFrom::Tool),
];

/// What an AI SDK operation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VercelOperation {
    /// A call to the model (`doGenerate`, `doStream`): a generation, when a
    /// model is known (as Langfuse).
    LlmCall,
    /// `doEmbed`: an embedding, when a model is known.
    Embedding,
    ToolCall,
    /// The function the app called (`ai.generateText`…): a span, whose
    /// token counts repeat its LLM calls' and are not counted again.
    Wrapper,
}

/// AI SDK operations other than [`VercelOperation::Wrapper`] (every other
/// `ai.*` operation is one).
pub(crate) const VERCEL_OPERATIONS: [(&str, VercelOperation); 7] = [
    ("ai.generateText.doGenerate", VercelOperation::LlmCall),
    ("ai.streamText.doStream", VercelOperation::LlmCall),
    ("ai.generateObject.doGenerate", VercelOperation::LlmCall),
    ("ai.streamObject.doStream", VercelOperation::LlmCall),
    ("ai.embed.doEmbed", VercelOperation::Embedding),
    ("ai.embedMany.doEmbed", VercelOperation::Embedding),
    ("ai.toolCall", VercelOperation::ToolCall),
];

/// OpenLLMetry's span kinds (ours: Langfuse does not read them).
pub(crate) const TRACELOOP_KINDS: [(&str, ObservationType); 4] = [
    ("workflow", ObservationType::Chain),
    ("task", ObservationType::Span),
    ("agent", ObservationType::Agent),
    ("tool", ObservationType::Tool),
];

/// The observation's name, else (for the AI SDK) `<function id>:<operation
/// id>`, else the span's name.
pub(crate) const NAME: [&str; 3] = [
    gen_ai::TOOL_NAME,
    plain::LOGFIRE_MSG,
    vercel_ai::TOOL_CALL_NAME,
];

pub(crate) const MODEL: [&str; 9] = [
    langfuse::MODEL_NAME,
    gen_ai::RESPONSE_MODEL,
    vercel_ai::RESPONSE_MODEL,
    vercel_ai::MODEL_ID,
    gen_ai::REQUEST_MODEL,
    openinference::RESPONSE_MODEL,
    openinference::MODEL_NAME,
    openinference::EMBEDDING_MODEL_NAME,
    plain::MODEL,
];

/// Models whose presence alone makes a span an LLM call (Langfuse's
/// "model based" rule: not the AI SDK's `ai.model.id`, which its wrapper
/// spans carry too).
pub(crate) const MODEL_MAKES_GENERATION: [&str; 5] = [
    langfuse::MODEL_NAME,
    gen_ai::REQUEST_MODEL,
    gen_ai::RESPONSE_MODEL,
    openinference::MODEL_NAME,
    plain::MODEL,
];

/// Ours: Langfuse has no provider field.
pub(crate) const PROVIDER: [&str; 5] = [
    gen_ai::PROVIDER_NAME,
    gen_ai::SYSTEM,
    openinference::PROVIDER,
    openinference::SYSTEM,
    vercel_ai::MODEL_PROVIDER,
];

/// Model parameters as one JSON object; without one, the
/// [`REQUEST_PARAMETER_PREFIXES`] keys together.
pub(crate) const PARAMETERS: [&str; 3] = [
    langfuse::MODEL_PARAMETERS,
    openinference::INVOCATION_PARAMETERS,
    plain::MODEL_CONFIG,
];

pub(crate) const REQUEST_PARAMETER_PREFIXES: [&str; 3] = [
    gen_ai::REQUEST_PREFIX,
    openinference::INVOCATION_PARAMETERS_PREFIX,
    vercel_ai::SETTINGS_PREFIX,
];

/// Token counts as one JSON object; without it, the
/// [`USAGE_COUNT_PREFIXES`] keys (named by [`usage_names`]).
pub(crate) const USAGE_DETAILS: &str = langfuse::USAGE_DETAILS;

pub(crate) const USAGE_COUNT_PREFIXES: [&str; 4] = [
    gen_ai::USAGE_PREFIX,
    openinference::TOKEN_COUNT_PREFIX,
    vercel_ai::USAGE_PREFIX,
    traceloop::USAGE_PREFIX,
];

/// How a cost key's value reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CostFrom {
    /// A JSON object `{input, output, total}`.
    Details,
    /// A number: the total.
    Total,
    /// A number: the input's cost.
    Input,
    /// A number: the output's cost.
    Output,
}

/// Cost, by rank: the keys of one rank make one cost together.
pub(crate) const COST: [&[(&str, CostFrom)]; 3] = [
    &[(langfuse::COST_DETAILS, CostFrom::Details)],
    &[(gen_ai::USAGE_COST, CostFrom::Total)],
    &[
        (openinference::COST_TOTAL, CostFrom::Total),
        (openinference::COST_PROMPT, CostFrom::Input),
        (openinference::COST_COMPLETION, CostFrom::Output),
    ],
];

/// One place input and output are read from: whole values (the first key
/// present of each list), or messages flattened into `<prefix>N.<field>`
/// keys.
pub(crate) struct IoSource {
    pub inputs: &'static [&'static str],
    pub outputs: &'static [&'static str],
    pub flattened: Option<[&'static str; 2]>,
    /// Segments each flattened item is wrapped in, left out on rebuilding.
    pub item_wrappers: &'static [&'static str],
}

const fn whole(input: &'static [&'static str], output: &'static [&'static str]) -> IoSource {
    IoSource {
        inputs: input,
        outputs: output,
        flattened: None,
        item_wrappers: &[],
    }
}

/// Input and output: the first source holding either gives both.
pub(crate) const IO: [IoSource; 11] = [
    whole(&[langfuse::INPUT], &[langfuse::OUTPUT]),
    whole(
        &[
            vercel_ai::PROMPT_MESSAGES,
            vercel_ai::PROMPT,
            vercel_ai::TOOL_CALL_ARGS,
            vercel_ai::VALUE,
            vercel_ai::VALUES,
        ],
        &[
            vercel_ai::RESPONSE_TEXT,
            vercel_ai::RESULT_TEXT,
            vercel_ai::TOOL_CALL_RESULT,
            vercel_ai::RESPONSE_OBJECT,
            vercel_ai::RESULT_OBJECT,
            vercel_ai::RESPONSE_TOOL_CALLS,
            vercel_ai::RESULT_TOOL_CALLS,
            vercel_ai::EMBEDDING,
            vercel_ai::EMBEDDINGS,
        ],
    ),
    // Filled from the span's events (the GenAI conventions' older content
    // events, `CONTENT_EVENTS`), not from keys.
    whole(&[], &[]),
    whole(&[traceloop::ENTITY_INPUT], &[traceloop::ENTITY_OUTPUT]),
    // Ours: an OpenInference LLM span's messages before its raw
    // `input.value` (Langfuse reads the raw value first).
    IoSource {
        inputs: &[],
        outputs: &[],
        flattened: Some([
            openinference::INPUT_MESSAGES_PREFIX,
            openinference::OUTPUT_MESSAGES_PREFIX,
        ]),
        item_wrappers: &ITEM_WRAPPERS,
    },
    whole(
        &[openinference::INPUT_VALUE],
        &[openinference::OUTPUT_VALUE],
    ),
    whole(&[plain::INPUT], &[plain::OUTPUT]),
    whole(&[plain::TOOL_ARGUMENTS], &[plain::TOOL_RESPONSE]),
    IoSource {
        inputs: &[gen_ai::PROMPT],
        outputs: &[gen_ai::COMPLETION],
        flattened: Some([gen_ai::PROMPT_PREFIX, gen_ai::COMPLETION_PREFIX]),
        item_wrappers: &[],
    },
    whole(&[gen_ai::INPUT_MESSAGES], &[gen_ai::OUTPUT_MESSAGES]),
    whole(&[gen_ai::TOOL_CALL_ARGUMENTS], &[gen_ai::TOOL_CALL_RESULT]),
];

/// Input and output keys the SDKs always write with `JSON.stringify` (or
/// `json.dumps`), so a JSON string in them is text, not a quoted string; a
/// list's items are each encoded.
pub(crate) const JSON_ENCODED: [&str; 5] = [
    traceloop::ENTITY_INPUT,
    traceloop::ENTITY_OUTPUT,
    vercel_ai::VALUE,
    vercel_ai::VALUES,
    vercel_ai::EMBEDDINGS,
];

/// The source of [`IO`] filled from span events.
pub(crate) const EVENTS_SOURCE: usize = 2;
/// The source of [`IO`] that `gen_ai.system_instructions` joins, as a
/// first message `{role: "system", parts}`.
pub(crate) const GEN_AI_MESSAGES_SOURCE: usize = 9;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions_sources_named_by_index_are_the_right_ones() {
        assert!(IO[EVENTS_SOURCE].inputs.is_empty() && IO[EVENTS_SOURCE].flattened.is_none());
        assert_eq!(IO[GEN_AI_MESSAGES_SOURCE].inputs, [gen_ai::INPUT_MESSAGES]);
        assert_eq!(
            IO[1].outputs[0], VERCEL_REPLY[0],
            "the AI SDK's reply source"
        );
    }
}

/// The AI SDK's reply when it holds both text and tool calls: one
/// assistant message `{role, content, tool_calls}` (as Langfuse).
pub(crate) const VERCEL_REPLY: [&str; 2] =
    [vercel_ai::RESPONSE_TEXT, vercel_ai::RESPONSE_TOOL_CALLS];

/// Keys that carry content but set no field (a model's reasoning, what was
/// embedded, the documents a retriever found, a prompt template and its
/// variables): they stay visible as attributes, and go with the content
/// when a trace is shared without it. A key is one of these when it starts
/// with one. (Our own template and variables keys set fields of their own,
/// and are content too.)
pub(crate) const OTHER_CONTENT_PREFIXES: [&str; 7] = [
    vercel_ai::RESPONSE_REASONING,
    openinference::EMBEDDINGS_PREFIX,
    openinference::RETRIEVAL_DOCUMENTS,
    openinference::PROMPT_TEMPLATE,
    openinference::PROMPT_TEMPLATE_VARIABLES,
    ours::TEMPLATE,
    ours::VARIABLES,
];

/// The GenAI conventions' older content events: input messages with the
/// role they stand for, and the reply.
pub(crate) const CONTENT_EVENTS: [(&str, &str); 4] = [
    ("gen_ai.system.message", "system"),
    ("gen_ai.user.message", "user"),
    ("gen_ai.assistant.message", "assistant"),
    ("gen_ai.tool.message", "tool"),
];
pub(crate) const CHOICE_EVENT: &str = "gen_ai.choice";

/// Segments OpenInference wraps each flattened list item in
/// (`llm.input_messages.0.message.role`, `…tool_calls.0.tool_call.id`,
/// `…contents.0.message_content.text`): left out when OpenInference's lists
/// are rebuilt, so messages read as `[{role, content}]` like every other
/// convention's.
pub(crate) const ITEM_WRAPPERS: [&str; 3] = ["message", "tool_call", "message_content"];

/// Time to first token after the span's start, and how many ms its unit is.
pub(crate) const FIRST_CHUNK: [(&str, u16); 3] = [
    (vercel_ai::MS_TO_FIRST_CHUNK, 1),
    (vercel_ai::STREAM_MS_TO_FIRST_CHUNK, 1),
    (gen_ai::TIME_TO_FIRST_CHUNK, 1000),
];

pub(crate) const PROMPT_NAME: [&str; 2] = [langfuse::PROMPT_NAME, langfuse::LEGACY_PROMPT_NAME];
pub(crate) const PROMPT_VERSION: [&str; 2] =
    [langfuse::PROMPT_VERSION, langfuse::LEGACY_PROMPT_VERSION];

/// How a whole-metadata key's value reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MetadataFrom {
    /// As SDKs write it: a string holding a JSON object is that object.
    Payload,
    /// Ours: any JSON value as its text (metadata that is not an object).
    JsonText,
}

/// The observation's metadata as one value; our own key comes first, for
/// a lossless round trip.
pub(crate) const METADATA: [(&str, MetadataFrom); 3] = [
    (ours::METADATA, MetadataFrom::JsonText),
    (langfuse::OBSERVATION_METADATA, MetadataFrom::Payload),
    (langfuse::METADATA, MetadataFrom::Payload),
];
/// One metadata key per attribute: `<prefix><key>`.
pub(crate) const METADATA_KEY_PREFIXES: [&str; 5] = [
    langfuse::OBSERVATION_METADATA_PREFIX,
    langfuse::METADATA_PREFIX,
    vercel_ai::METADATA_PREFIX,
    vercel_ai::CONTEXT_PREFIX,
    traceloop::ASSOCIATION_PREFIX,
];

pub(crate) const TRACE_METADATA: [(&str, MetadataFrom); 2] = [
    (ours::TRACE_METADATA, MetadataFrom::JsonText),
    (langfuse::TRACE_METADATA, MetadataFrom::Payload),
];
pub(crate) const TRACE_METADATA_KEY_PREFIX: &str = langfuse::TRACE_METADATA_PREFIX;

pub(crate) const SESSION: [&str; 8] = [
    langfuse::SESSION_ID,
    openinference::SESSION_ID,
    gen_ai::CONVERSATION_ID,
    langfuse::OBSERVATION_METADATA_SESSION,
    langfuse::TRACE_METADATA_SESSION,
    vercel_ai::METADATA_SESSION,
    vercel_ai::CONTEXT_SESSION,
    traceloop::SESSION,
];

pub(crate) const USER: [&str; 8] = [
    langfuse::USER_ID,
    openinference::USER_ID,
    langfuse::OBSERVATION_METADATA_USER,
    langfuse::TRACE_METADATA_USER,
    vercel_ai::METADATA_USER,
    vercel_ai::CONTEXT_USER,
    traceloop::USER,
    otel::ENDUSER_ID,
];

pub(crate) const TAGS: [&str; 6] = [
    langfuse::TRACE_TAGS,
    langfuse::TAGS,
    langfuse::OBSERVATION_METADATA_TAGS,
    langfuse::TRACE_METADATA_TAGS,
    vercel_ai::METADATA_TAGS,
    openinference::TAGS,
];

/// On a span, then (ranked after the span's) on its resource.
pub(crate) const ENVIRONMENT: [&str; 3] = [
    langfuse::ENVIRONMENT,
    otel::DEPLOYMENT_ENVIRONMENT_NAME,
    otel::DEPLOYMENT_ENVIRONMENT,
];

/// Keys a rule reads that still stay visible under the metadata's
/// "attributes", as Langfuse keeps them: every other convention's keys for
/// type, model, provider, parameters, usage and cost. (Langfuse's own keys
/// and ours are claimed; so are input/output and identity keys.)
pub(crate) const KEPT_VISIBLE: [&str; 32] = [
    vercel_ai::MODEL_PROVIDER,
    vercel_ai::RESPONSE_MODEL,
    vercel_ai::OPERATION_ID,
    vercel_ai::OPERATION_NAME,
    vercel_ai::FUNCTION_ID,
    vercel_ai::TOOL_CALL_NAME,
    traceloop::SPAN_KIND,
    openinference::EMBEDDING_MODEL_NAME,
    openinference::COST_PROMPT,
    openinference::COST_COMPLETION,
    vercel_ai::MS_TO_FIRST_CHUNK,
    vercel_ai::STREAM_MS_TO_FIRST_CHUNK,
    gen_ai::TIME_TO_FIRST_CHUNK,
    gen_ai::PROVIDER_NAME,
    gen_ai::SYSTEM,
    openinference::PROVIDER,
    openinference::SYSTEM,
    gen_ai::RESPONSE_MODEL,
    vercel_ai::MODEL_ID,
    gen_ai::REQUEST_MODEL,
    openinference::RESPONSE_MODEL,
    openinference::MODEL_NAME,
    plain::MODEL,
    openinference::SPAN_KIND,
    gen_ai::OPERATION_NAME,
    gen_ai::TOOL_NAME,
    gen_ai::TOOL_CALL_ID,
    plain::LOGFIRE_MSG,
    openinference::INVOCATION_PARAMETERS,
    plain::MODEL_CONFIG,
    gen_ai::USAGE_COST,
    openinference::COST_TOTAL,
];

/// Names of token counts under the [`USAGE_COUNT_PREFIXES`], first choice
/// first, and the detail names we store them under (Langfuse's).
pub(crate) mod usage_names {
    pub const INPUT: [&str; 5] = [
        "prompt_tokens",
        "input_tokens",
        "prompt",
        "promptTokens",
        "inputTokens",
    ];
    pub const OUTPUT: [&str; 5] = [
        "completion_tokens",
        "output_tokens",
        "completion",
        "completionTokens",
        "outputTokens",
    ];
    pub const TOTAL: [&str; 4] = ["total_tokens", "total", "totalTokens", "tokens"];
    pub const CACHE_READ: [&str; 9] = [
        "cachedInputTokens",
        "inputTokenDetails.cacheReadTokens",
        "cache_read.input_tokens",
        "cache_read_input_tokens",
        "cache_read_tokens",
        "details.cache_read_tokens",
        "details.cache_read_input_tokens",
        "prompt_details.cache_read",
        "input_cached_tokens",
    ];
    pub const CACHE_CREATION: [&str; 8] = [
        "inputTokenDetails.cacheWriteTokens",
        "cache_creation.input_tokens",
        "cache_creation_input_tokens",
        "cache_write_tokens",
        "details.cache_write_tokens",
        "details.cache_creation_input_tokens",
        "prompt_details.cache_write",
        "input_cache_creation",
    ];
    pub const REASONING: [&str; 5] = [
        "reasoning.output_tokens",
        "completion_details.reasoning",
        "reasoningTokens",
        "outputTokenDetails.reasoningTokens",
        "reasoning_tokens",
    ];
    /// Counts that only repeat the others (the AI SDK's input without cache
    /// and output without reasoning): read by none, kept as no detail.
    pub const REPEATS: [&str; 2] = [
        "inputTokenDetails.noCacheTokens",
        "outputTokenDetails.textTokens",
    ];
    pub const AUDIO: [&str; 1] = ["completion_details.audio"];

    /// Cached and cache-creation tokens are part of the input count, and
    /// reasoning and audio tokens part of the output count: input and
    /// output are stored without them, and they are stored as these details.
    pub const CACHED_DETAIL: &str = "input_cached_tokens";
    pub const CACHE_CREATION_DETAIL: &str = "input_cache_creation";
    pub const REASONING_DETAIL: &str = "output_reasoning_tokens";
    pub const AUDIO_DETAIL: &str = "output_audio_tokens";

    /// Every name above: the rest are kept as details under their own name.
    pub fn is_claimed(name: &str) -> bool {
        [
            &INPUT[..],
            &OUTPUT,
            &TOTAL,
            &CACHE_READ,
            &CACHE_CREATION,
            &REASONING,
            &AUDIO,
            &REPEATS,
        ]
        .iter()
        .any(|names| names.contains(&name))
    }
}

/// OpenInference's span kinds (`openinference.span.kind`), read in any case.
pub(crate) const OPENINFERENCE_KINDS: [(&str, ObservationType); 8] = [
    ("LLM", ObservationType::Generation),
    ("EMBEDDING", ObservationType::Embedding),
    ("CHAIN", ObservationType::Chain),
    ("RETRIEVER", ObservationType::Retriever),
    ("TOOL", ObservationType::Tool),
    ("AGENT", ObservationType::Agent),
    ("GUARDRAIL", ObservationType::Guardrail),
    ("EVALUATOR", ObservationType::Evaluator),
];

/// The GenAI conventions' `gen_ai.operation.name`; the writer uses each
/// type's first name.
pub(crate) const GEN_AI_OPERATIONS: [(&str, ObservationType); 9] = [
    ("chat", ObservationType::Generation),
    ("completion", ObservationType::Generation),
    ("text_completion", ObservationType::Generation),
    ("generate_content", ObservationType::Generation),
    ("generate", ObservationType::Generation),
    ("embeddings", ObservationType::Embedding),
    ("invoke_agent", ObservationType::Agent),
    ("create_agent", ObservationType::Agent),
    ("execute_tool", ObservationType::Tool),
];

/// Operations that are an agent's step: their model, usage and cost are
/// the LLM calls' below them, not their own (as Langfuse).
pub(crate) const AGENT_OPERATIONS: [&str; 2] = ["invoke_agent", "agent_step"];

/// Level names, read in any case; the writer uses each level's first name.
pub(crate) const LEVELS: [(&str, Level); 14] = [
    ("DEBUG", Level::Debug),
    ("TRACE", Level::Debug),
    ("VERBOSE", Level::Debug),
    ("DEFAULT", Level::Default),
    ("INFO", Level::Default),
    ("LOG", Level::Default),
    ("NOTICE", Level::Default),
    ("OK", Level::Default),
    ("SUCCESS", Level::Default),
    ("WARNING", Level::Warning),
    ("WARN", Level::Warning),
    ("ERROR", Level::Error),
    ("FATAL", Level::Error),
    ("CRITICAL", Level::Error),
];

/// Our own keys' meanings (see [`ours`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Own {
    TraceSpan,
    WithoutTrace,
    TraceId,
    ObservationId,
    TypeLabel,
    Template,
    Variables,
    Status,
}

pub(crate) const OWN: [(&str, Own); 8] = [
    (ours::TRACE_SPAN, Own::TraceSpan),
    (ours::WITHOUT_TRACE, Own::WithoutTrace),
    (ours::TRACE_ID, Own::TraceId),
    (ours::OBSERVATION_ID, Own::ObservationId),
    (ours::TYPE_LABEL, Own::TypeLabel),
    (ours::TEMPLATE, Own::Template),
    (ours::VARIABLES, Own::Variables),
    (ours::STATUS, Own::Status),
];
