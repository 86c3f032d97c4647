//! Every OTLP attribute key prompttrace reads or writes, named once, grouped
//! by the convention that defines it. Readers (`attributes.rs`, through the
//! tables in `tables.rs`) and the writer (`export.rs`) both use these names,
//! so a key can never be spelt two ways.

/// Langfuse's own SDK attributes (`langfuse.*`).
pub(crate) mod langfuse {
    pub const OBSERVATION_TYPE: &str = "langfuse.observation.type";
    pub const MODEL_NAME: &str = "langfuse.observation.model.name";
    pub const MODEL_PARAMETERS: &str = "langfuse.observation.model.parameters";
    pub const USAGE_DETAILS: &str = "langfuse.observation.usage_details";
    pub const COST_DETAILS: &str = "langfuse.observation.cost_details";
    pub const INPUT: &str = "langfuse.observation.input";
    pub const OUTPUT: &str = "langfuse.observation.output";
    pub const LEVEL: &str = "langfuse.observation.level";
    pub const STATUS_MESSAGE: &str = "langfuse.observation.status_message";
    pub const COMPLETION_START_TIME: &str = "langfuse.observation.completion_start_time";
    pub const PROMPT_NAME: &str = "langfuse.observation.prompt.name";
    pub const PROMPT_VERSION: &str = "langfuse.observation.prompt.version";
    /// Older SDKs' prompt keys.
    pub const LEGACY_PROMPT_NAME: &str = "langfuse.prompt.name";
    pub const LEGACY_PROMPT_VERSION: &str = "langfuse.prompt.version";
    pub const OBSERVATION_METADATA: &str = "langfuse.observation.metadata";
    /// Older SDKs' observation metadata.
    pub const METADATA: &str = "langfuse.metadata";

    pub const TRACE_NAME: &str = "langfuse.trace.name";
    pub const TRACE_INPUT: &str = "langfuse.trace.input";
    pub const TRACE_OUTPUT: &str = "langfuse.trace.output";
    pub const TRACE_METADATA: &str = "langfuse.trace.metadata";
    pub const TRACE_TAGS: &str = "langfuse.trace.tags";
    pub const TAGS: &str = "langfuse.tags";
    pub const SESSION_ID: &str = "langfuse.session.id";
    pub const USER_ID: &str = "langfuse.user.id";
    pub const ENVIRONMENT: &str = "langfuse.environment";
    pub const RELEASE: &str = "langfuse.release";

    /// Session, user and tags set as metadata keys (Langfuse's Python SDK).
    pub const OBSERVATION_METADATA_SESSION: &str =
        "langfuse.observation.metadata.langfuse_session_id";
    pub const TRACE_METADATA_SESSION: &str = "langfuse.trace.metadata.langfuse_session_id";
    pub const OBSERVATION_METADATA_USER: &str = "langfuse.observation.metadata.langfuse_user_id";
    pub const TRACE_METADATA_USER: &str = "langfuse.trace.metadata.langfuse_user_id";
    pub const OBSERVATION_METADATA_TAGS: &str = "langfuse.observation.metadata.langfuse_tags";
    pub const TRACE_METADATA_TAGS: &str = "langfuse.trace.metadata.langfuse_tags";

    /// One metadata key each: `<prefix><key>`.
    pub const TRACE_METADATA_PREFIX: &str = "langfuse.trace.metadata.";
    pub const OBSERVATION_METADATA_PREFIX: &str = "langfuse.observation.metadata.";
    pub const METADATA_PREFIX: &str = "langfuse.metadata.";
}

/// OpenTelemetry's GenAI semantic conventions (`gen_ai.*`).
pub(crate) mod gen_ai {
    pub const OPERATION_NAME: &str = "gen_ai.operation.name";
    /// Seconds from the request to the first streamed chunk (`@ai-sdk/otel`).
    pub const TIME_TO_FIRST_CHUNK: &str = "gen_ai.client.operation.time_to_first_chunk";
    pub const PROVIDER_NAME: &str = "gen_ai.provider.name";
    /// The provider's older key.
    pub const SYSTEM: &str = "gen_ai.system";
    pub const REQUEST_MODEL: &str = "gen_ai.request.model";
    pub const RESPONSE_MODEL: &str = "gen_ai.response.model";
    pub const CONVERSATION_ID: &str = "gen_ai.conversation.id";
    pub const TOOL_NAME: &str = "gen_ai.tool.name";
    pub const TOOL_CALL_ID: &str = "gen_ai.tool.call.id";
    pub const TOOL_CALL_ARGUMENTS: &str = "gen_ai.tool.call.arguments";
    pub const TOOL_CALL_RESULT: &str = "gen_ai.tool.call.result";
    pub const INPUT_MESSAGES: &str = "gen_ai.input.messages";
    pub const OUTPUT_MESSAGES: &str = "gen_ai.output.messages";
    /// OpenLLMetry's whole prompt and completion.
    pub const PROMPT: &str = "gen_ai.prompt";
    pub const COMPLETION: &str = "gen_ai.completion";
    pub const USAGE_INPUT_TOKENS: &str = "gen_ai.usage.input_tokens";
    pub const USAGE_OUTPUT_TOKENS: &str = "gen_ai.usage.output_tokens";
    pub const USAGE_COST: &str = "gen_ai.usage.cost";
    /// The system prompt, apart from the input messages.
    pub const SYSTEM_INSTRUCTIONS: &str = "gen_ai.system_instructions";

    /// `gen_ai.request.<parameter>` (temperature, max_tokens…).
    pub const REQUEST_PREFIX: &str = "gen_ai.request.";
    /// `gen_ai.usage.<count>`.
    pub const USAGE_PREFIX: &str = "gen_ai.usage.";
    /// OpenLLMetry's flattened messages: `gen_ai.prompt.0.role`…
    pub const PROMPT_PREFIX: &str = "gen_ai.prompt.";
    pub const COMPLETION_PREFIX: &str = "gen_ai.completion.";
}

/// Arize's OpenInference conventions (and Phoenix's session and user keys).
pub(crate) mod openinference {
    pub const SPAN_KIND: &str = "openinference.span.kind";
    pub const MODEL_NAME: &str = "llm.model_name";
    pub const RESPONSE_MODEL: &str = "llm.response.model";
    pub const PROVIDER: &str = "llm.provider";
    pub const SYSTEM: &str = "llm.system";
    pub const INVOCATION_PARAMETERS: &str = "llm.invocation_parameters";
    pub const COST_TOTAL: &str = "llm.cost.total";
    pub const COST_PROMPT: &str = "llm.cost.prompt";
    pub const COST_COMPLETION: &str = "llm.cost.completion";
    pub const EMBEDDING_MODEL_NAME: &str = "embedding.model_name";
    pub const TOKEN_COUNT_PROMPT: &str = "llm.token_count.prompt";
    pub const TOKEN_COUNT_COMPLETION: &str = "llm.token_count.completion";
    pub const TOKEN_COUNT_TOTAL: &str = "llm.token_count.total";
    pub const INPUT_VALUE: &str = "input.value";
    pub const OUTPUT_VALUE: &str = "output.value";
    pub const INPUT_MIME_TYPE: &str = "input.mime_type";
    pub const OUTPUT_MIME_TYPE: &str = "output.mime_type";
    pub const SESSION_ID: &str = "session.id";
    pub const USER_ID: &str = "user.id";
    pub const TAGS: &str = "tag.tags";

    /// `llm.invocation_parameters.<parameter>`.
    pub const INVOCATION_PARAMETERS_PREFIX: &str = "llm.invocation_parameters.";
    /// `llm.token_count.<count>`.
    pub const TOKEN_COUNT_PREFIX: &str = "llm.token_count.";
    /// Flattened messages: `llm.input_messages.0.message.role`…
    pub const INPUT_MESSAGES_PREFIX: &str = "llm.input_messages.";
    pub const OUTPUT_MESSAGES_PREFIX: &str = "llm.output_messages.";
    /// What an embedding span embedded, and the vectors:
    /// `embedding.embeddings.0.embedding.text`…
    pub const EMBEDDINGS_PREFIX: &str = "embedding.embeddings.";
    /// A retriever's documents, as one JSON list or flattened
    /// (`retrieval.documents.0.document.content`…).
    pub const RETRIEVAL_DOCUMENTS: &str = "retrieval.documents";
    /// A prompt template and the variables filled into it.
    pub const PROMPT_TEMPLATE: &str = "llm.prompt_template.template";
    pub const PROMPT_TEMPLATE_VARIABLES: &str = "llm.prompt_template.variables";
}

/// The Vercel AI SDK's telemetry (`ai.*`, v4–v6).
pub(crate) mod vercel_ai {
    /// The operation: `ai.generateText`, `ai.generateText.doGenerate`,
    /// `ai.toolCall`…
    pub const OPERATION_ID: &str = "ai.operationId";
    /// The operation and the function id: `ai.generateText chat-support`.
    pub const OPERATION_NAME: &str = "operation.name";
    pub const FUNCTION_ID: &str = "ai.telemetry.functionId";
    pub const MODEL_ID: &str = "ai.model.id";
    pub const MODEL_PROVIDER: &str = "ai.model.provider";
    pub const RESPONSE_MODEL: &str = "ai.response.model";
    pub const METADATA_SESSION: &str = "ai.telemetry.metadata.sessionId";
    pub const METADATA_USER: &str = "ai.telemetry.metadata.userId";
    pub const METADATA_TAGS: &str = "ai.telemetry.metadata.tags";
    /// Every other `experimental_telemetry.metadata` key.
    pub const METADATA_PREFIX: &str = "ai.telemetry.metadata.";
    /// AI SDK 7's runtime context (it has no telemetry metadata).
    pub const CONTEXT_SESSION: &str = "ai.settings.context.sessionId";
    pub const CONTEXT_USER: &str = "ai.settings.context.userId";
    pub const CONTEXT_PREFIX: &str = "ai.settings.context.";
    /// What `embed`/`embedMany` embedded, and the vectors.
    pub const VALUE: &str = "ai.value";
    pub const VALUES: &str = "ai.values";
    pub const EMBEDDING: &str = "ai.embedding";
    pub const EMBEDDINGS: &str = "ai.embeddings";
    pub const PROMPT_MESSAGES: &str = "ai.prompt.messages";
    pub const PROMPT: &str = "ai.prompt";
    pub const TOOL_CALL_NAME: &str = "ai.toolCall.name";
    pub const TOOL_CALL_ARGS: &str = "ai.toolCall.args";
    pub const TOOL_CALL_RESULT: &str = "ai.toolCall.result";
    pub const RESPONSE_TEXT: &str = "ai.response.text";
    /// The model's reasoning text (read into no field).
    pub const RESPONSE_REASONING: &str = "ai.response.reasoning";
    pub const RESPONSE_TOOL_CALLS: &str = "ai.response.toolCalls";
    pub const RESPONSE_OBJECT: &str = "ai.response.object";
    /// Before v4.
    pub const RESULT_TEXT: &str = "ai.result.text";
    pub const RESULT_TOOL_CALLS: &str = "ai.result.toolCalls";
    pub const RESULT_OBJECT: &str = "ai.result.object";
    pub const MS_TO_FIRST_CHUNK: &str = "ai.response.msToFirstChunk";
    /// Before v5.
    pub const STREAM_MS_TO_FIRST_CHUNK: &str = "ai.stream.msToFirstChunk";
    /// `ai.usage.<count>`: promptTokens, inputTokens, cachedInputTokens…
    pub const USAGE_PREFIX: &str = "ai.usage.";
    /// `ai.settings.<parameter>`: maxRetries, temperature…
    pub const SETTINGS_PREFIX: &str = "ai.settings.";
}

/// Traceloop's OpenLLMetry (`traceloop.*`, `llm.usage.*`).
pub(crate) mod traceloop {
    /// workflow, task, agent, tool.
    pub const SPAN_KIND: &str = "traceloop.span.kind";
    pub const ENTITY_INPUT: &str = "traceloop.entity.input";
    pub const ENTITY_OUTPUT: &str = "traceloop.entity.output";
    pub const SESSION: &str = "traceloop.association.properties.session_id";
    pub const USER: &str = "traceloop.association.properties.user_id";
    /// Every other association property.
    pub const ASSOCIATION_PREFIX: &str = "traceloop.association.properties.";
    /// `llm.usage.<count>`: total_tokens, cache_read_input_tokens…
    pub const USAGE_PREFIX: &str = "llm.usage.";
}

/// OpenTelemetry's general semantic conventions (resource and identity).
pub(crate) mod otel {
    pub const SERVICE_NAME: &str = "service.name";
    pub const SDK_NAME: &str = "telemetry.sdk.name";
    pub const SDK_VERSION: &str = "telemetry.sdk.version";
    pub const ENDUSER_ID: &str = "enduser.id";
    pub const DEPLOYMENT_ENVIRONMENT_NAME: &str = "deployment.environment.name";
    /// The older key.
    pub const DEPLOYMENT_ENVIRONMENT: &str = "deployment.environment";
}

/// Keys without a namespace that frameworks write (smolagents, Pydantic AI,
/// Logfire…) and Langfuse's server reads.
pub(crate) mod plain {
    pub const MODEL: &str = "model";
    pub const MODEL_CONFIG: &str = "model_config";
    pub const INPUT: &str = "input";
    pub const OUTPUT: &str = "output";
    pub const TOOL_ARGUMENTS: &str = "tool_arguments";
    pub const TOOL_RESPONSE: &str = "tool_response";
    /// Logfire's formatted message, used as the name.
    pub const LOGFIRE_MSG: &str = "logfire.msg";
}

/// Our own keys, written by the exporter so a round trip gives back what no
/// convention carries.
pub(crate) mod ours {
    /// On the span that stands for a trace itself (no observation of its own).
    pub const TRACE_SPAN: &str = "prompttrace.trace";
    /// On a span of an LLM call recorded without a trace.
    pub const WITHOUT_TRACE: &str = "prompttrace.without_trace";
    pub const TRACE_ID: &str = "prompttrace.trace.id";
    pub const OBSERVATION_ID: &str = "prompttrace.observation.id";
    pub const TYPE_LABEL: &str = "prompttrace.observation.type_label";
    pub const TEMPLATE: &str = "prompttrace.observation.template";
    pub const VARIABLES: &str = "prompttrace.observation.variables";
    pub const STATUS: &str = "prompttrace.status";
    /// Metadata that is not an object, as JSON text.
    pub const METADATA: &str = "prompttrace.observation.metadata";
    pub const TRACE_METADATA: &str = "prompttrace.trace.metadata";
    /// Metadata key flagging a span whose parent is not in the file.
    pub const MISSING_PARENT: &str = "prompttrace.missing_parent_span_id";
}
