//! The seed's `track`: render a prompt template, time the LLM call, record
//! it as a generation (input, output, usage, cost, error) and hand the
//! caller's own result or error back unchanged.
//!
//! The rule is data plus two steps, so every binding shares it:
//! [`TrackCall::prompt`] and [`TrackCall::generation`] before the call,
//! [`LlmResponse::end`] (or `End::failed`) after it. [`Tracer::track`] runs
//! them around a Rust closure; the npm package runs them around a promise.

use std::fmt::Display;

use serde_json::{Map, Value};

use crate::json::{text_of, Json};
use crate::model::{Cost, Observation, ObservationType, Usage};
use crate::record::tracer::{ObservationHandle, TraceHandle, Tracer};
use crate::rules::template;
use crate::rules::Violation;
use crate::store::End;
use crate::time::Timestamp;

/// What a tracked call records besides its place: the prompt and the model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrackCall {
    /// The generation's name; by default the prompt's name, else "llm_call".
    pub name: Option<String>,
    pub prompt_name: Option<String>,
    pub prompt_version: Option<u32>,
    /// `{{name}}` placeholders are replaced by the variables.
    pub template: Option<String>,
    pub variables: Option<Map<String, Value>>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub model_parameters: Option<Map<String, Value>>,
}

impl TrackCall {
    /// The prompt the call is made with: the template, rendered.
    pub fn prompt(&self) -> String {
        let none = Map::new();
        let variables = self.variables.as_ref().unwrap_or(&none);
        template::render(self.template.as_deref().unwrap_or(""), variables)
    }

    /// The running generation that records the call, with the prompt as
    /// its input.
    pub fn generation(&self, id: String, started_at: Timestamp, prompt: &str) -> Observation {
        let name = self
            .name
            .as_deref()
            .or(self.prompt_name.as_deref())
            .unwrap_or("llm_call");
        let mut generation = Observation::new(id, ObservationType::Generation, name, started_at);
        generation.input = Some(Json::new(&prompt));
        generation.prompt_name = self.prompt_name.clone();
        generation.prompt_version = self.prompt_version;
        generation.template = self.template.clone();
        generation.variables = self.variables.clone();
        generation.provider = self.provider.clone();
        generation.model = self.model.clone();
        generation.model_parameters = self.model_parameters.clone();
        generation
    }
}

/// What an LLM call returned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LlmResponse {
    pub text: String,
    pub usage: Option<Usage>,
    pub cost: Option<Cost>,
}

impl LlmResponse {
    /// What a JS function returned: a string, or `{text, usage, cost}`
    /// (usage and cost in any shape `Usage::from_loose` reads); `null` is
    /// no text, and any other value is its JSON text. Problems with usage
    /// or cost are added to `problems`.
    pub fn from_loose(value: &Value, problems: &mut Vec<String>) -> LlmResponse {
        let text = |value: Option<&Value>| match value {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => text_of(other),
        };
        let Value::Object(fields) = value else {
            return LlmResponse::from(text(Some(value)));
        };
        let present = |key| fields.get(key).filter(|v| !v.is_null());
        LlmResponse {
            text: text(fields.get("text")),
            usage: present("usage").and_then(|u| Usage::from_loose(u, problems)),
            cost: present("cost").and_then(|c| Cost::from_loose(c, problems)),
        }
    }

    /// How the call's generation ends: completed, with the text as output.
    pub fn end(&self) -> End {
        let mut end = End::completed().output(&self.text);
        end.usage = self.usage.clone();
        end.cost = self.cost.clone();
        end
    }
}

impl From<String> for LlmResponse {
    fn from(text: String) -> Self {
        LlmResponse {
            text,
            ..LlmResponse::default()
        }
    }
}

impl From<&str> for LlmResponse {
    fn from(text: &str) -> Self {
        LlmResponse::from(text.to_string())
    }
}

/// What to track, for [`Tracer::track`]: the call, and where it belongs.
#[derive(Clone)]
pub struct Track {
    call: TrackCall,
    trace: Option<TraceHandle>,
    span: Option<ObservationHandle>,
}

impl Track {
    pub fn new(prompt_name: impl Into<String>, template: impl Into<String>) -> Track {
        Track {
            call: TrackCall {
                prompt_name: Some(prompt_name.into()),
                template: Some(template.into()),
                variables: Some(Map::new()),
                ..TrackCall::default()
            },
            trace: None,
            span: None,
        }
    }
    pub fn version(mut self, version: u32) -> Self {
        self.call.prompt_version = Some(version);
        self
    }
    /// A JSON object (`json!({"name": "John"})`).
    pub fn variables(mut self, variables: Value) -> Self {
        self.call.variables = Some(super::object(variables));
        self
    }
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.call.provider = Some(provider.into());
        self
    }
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.call.model = Some(model.into());
        self
    }
    /// A JSON object (`json!({"temperature": 0.2})`).
    pub fn model_parameters(mut self, parameters: Value) -> Self {
        self.call.model_parameters = Some(super::object(parameters));
        self
    }
    /// Links the call to a trace (as a top-level observation).
    pub fn trace(mut self, trace: &TraceHandle) -> Self {
        self.trace = Some(trace.clone());
        self
    }
    /// Nests the call under a span (takes precedence over `trace`).
    pub fn span(mut self, span: &ObservationHandle) -> Self {
        self.span = Some(span.clone());
        self
    }
}

/// A tracked call's result. Tracing problems never hide the response: they
/// are in `generation`.
#[derive(Clone)]
pub struct Tracked {
    pub response_text: String,
    pub generation: Result<ObservationHandle, Violation>,
}

impl Tracer {
    /// Calls `call` with the rendered prompt and records it as a generation.
    /// The call's error is recorded (status error, its text as the status
    /// message) and returned as it was.
    pub fn track<R, E>(
        &self,
        request: Track,
        call: impl FnOnce(&str) -> Result<R, E>,
    ) -> Result<Tracked, E>
    where
        R: Into<LlmResponse>,
        E: Display,
    {
        let prompt = request.call.prompt();
        let (trace_id, parent_id) = match (&request.span, &request.trace) {
            (Some(span), _) => (span.trace_id(), Some(span.id().to_string())),
            (None, Some(trace)) => (Some(trace.id().to_string()), None),
            (None, None) => (None, None),
        };
        let generation = self.start_with(|id, now| {
            let mut generation = request.call.generation(id, now, &prompt);
            generation.trace_id = trace_id;
            generation.parent_id = parent_id;
            generation
        });
        match call(&prompt) {
            Ok(response) => {
                let response = response.into();
                let generation = generation.and_then(|g| g.end(response.end()).map(|()| g));
                Ok(Tracked {
                    response_text: response.text,
                    generation,
                })
            }
            Err(error) => {
                if let Ok(generation) = generation {
                    // The caller gets its own error back; a tracing problem here
                    // (none is expected on a fresh generation) must not replace it.
                    let _ = generation.fail(&error);
                }
                Err(error)
            }
        }
    }
}
