//! Messages: a generation's input and output read as a conversation.
//!
//! Every LLM API and framework writes chat messages its own way. This module
//! reads them into one shape, [`Message`] (`{ role, name?, parts }`), which
//! the viewer, the CLI and the npm package draw without knowing providers.
//!
//! The shape (Langfuse's model, `web/src/utils/chatml`): a registry of small
//! adapters, one per provider or framework, tried in order; the first that
//! reads the whole value wins. An adapter only reads its own shape and says
//! `None` to anything else, so a value it half understands falls through to
//! the next one. The generic OpenAI-like adapter is last. A value no adapter
//! reads gives `None`, and the caller shows it as JSON.
//!
//! Adding a shape: a file here with its reader and tests (on what the real
//! SDK writes, `tests/fixtures/messages/`), and a row in [`ADAPTERS`]
//! before `openai_chat`.

mod ai_sdk;
mod anthropic;
mod gemini;
mod genai;
mod langchain;
mod openai_chat;
mod openai_responses;
mod parts;
mod text;
mod turn;

use serde::Serialize;
use serde_json::Value;

use crate::model::{Observation, ObservationType};

pub use text::render_messages;
pub use turn::{turn, Turn};

/// One chat message, whatever API wrote it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    pub role: Role,
    /// A participant's or a tool's name, where the API names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub parts: Vec<Part>,
}

/// Who speaks. Providers' other words map onto these four: `developer` is
/// a system message, `model`/`ai` the assistant, `human` the user, and
/// `function` a tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
    Tool,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }

    /// Every role word a supported API uses; `None` for anything else, so a
    /// list with unknown roles is not taken for a conversation.
    pub fn parse(word: &str) -> Option<Role> {
        Some(match word.to_ascii_lowercase().as_str() {
            "system" | "developer" => Role::System,
            "user" | "human" => Role::User,
            "assistant" | "ai" | "model" | "bot" => Role::Assistant,
            "tool" | "function" | "ipython" => Role::Tool,
            _ => return None,
        })
    }
}

/// A piece of a message.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Part {
    Text {
        text: String,
    },
    /// A `data:` URL or a remote URL. The viewer shows `data:` images and
    /// never fetches remote ones.
    Image {
        url: String,
    },
    ToolCall {
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        name: String,
        /// Parsed when the API sent them as JSON text; text otherwise.
        arguments: Value,
    },
    ToolResult {
        /// The id of the call it answers.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        content: Vec<Part>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        is_error: bool,
    },
    Reasoning {
        text: String,
    },
    /// A part of a known message that no reader knows (audio, files,
    /// provider tools): kept as JSON, never dropped.
    Json {
        value: Value,
    },
}

/// Which end of a call a value is: a plain string or a bare list of tool
/// calls says "user" on the way in and "assistant" on the way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Input,
    Output,
}

impl Side {
    fn default_role(self) -> Role {
        match self {
            Side::Input => Role::User,
            Side::Output => Role::Assistant,
        }
    }
}

type Reader = fn(&Value, Side) -> Option<Vec<Message>>;

/// The registry, most specific first; the generic chat reader is last.
const ADAPTERS: &[(&str, Reader)] = &[
    ("openai-responses", openai_responses::read),
    ("anthropic", anthropic::read),
    ("gemini", gemini::read),
    ("langchain", langchain::read),
    ("genai", genai::read),
    ("ai-sdk", ai_sdk::read),
    ("openai-chat", openai_chat::read),
];

/// A value read as messages, or `None` when it is not a conversation in any
/// shape we know. Strings are not messages here (see [`of_observation`]),
/// except JSON text that holds messages, as some SDKs write them.
pub fn read(value: &Value, side: Side) -> Option<Vec<Message>> {
    if let Value::String(text) = value {
        let trimmed = text.trim_start();
        if trimmed.starts_with('[') || trimmed.starts_with('{') {
            let parsed: Value = serde_json::from_str(text).ok()?;
            return read(&parsed, side);
        }
        return None;
    }
    let messages = ADAPTERS.iter().find_map(|(_, read)| read(value, side))?;
    let messages: Vec<Message> = messages.into_iter().map(settle_role).collect();
    (!messages.is_empty()).then_some(messages)
}

/// Which adapter reads a value: for tests and for the CLI's `--debug`.
pub fn adapter_of(value: &Value, side: Side) -> Option<&'static str> {
    ADAPTERS
        .iter()
        .find(|(_, read)| read(value, side).is_some())
        .map(|(id, _)| *id)
}

/// A message made only of tool results is the tool speaking, whichever role
/// the API files it under (Anthropic and Gemini send results as the user).
fn settle_role(mut message: Message) -> Message {
    let all_results = !message.parts.is_empty()
        && message
            .parts
            .iter()
            .all(|part| matches!(part, Part::ToolResult { .. }));
    if all_results {
        message.role = Role::Tool;
    }
    message
}

/// An observation's input and output as messages, where they read as such.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Conversation {
    pub input: Option<Vec<Message>>,
    pub output: Option<Vec<Message>>,
}

/// A generation's plain-text input is what the user said and its plain-text
/// output the answer. Any other observation's text stays text: a tool's
/// string input is not a user speaking; an embedding's input is never a
/// conversation.
pub fn of_observation(observation: &Observation) -> Conversation {
    // What an embedding call embeds is text, never a conversation.
    if observation.kind == ObservationType::Embedding {
        return Conversation::default();
    }
    let generation = observation.kind == ObservationType::Generation;
    let read_side = |json: &Option<crate::json::Json>, side: Side| {
        let value = json.as_ref()?.to_value().ok()?;
        match value {
            Value::String(text) if generation => {
                read(&Value::String(text.clone()), side).or_else(|| {
                    Some(vec![Message {
                        role: side.default_role(),
                        name: None,
                        parts: vec![Part::Text { text }],
                    }])
                })
            }
            value => read(&value, side),
        }
    };
    Conversation {
        input: read_side(&observation.input, Side::Input),
        output: read_side(&observation.output, Side::Output),
    }
}
