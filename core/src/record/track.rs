//! The seed's `track`: render a prompt template, time the LLM call, record
//! it as a generation (input, output, usage, cost, error) and hand the
//! caller's own result or error back unchanged.

use std::fmt::Display;

use serde_json::{Map, Value};

use crate::model::{Cost, Usage};
use crate::record::recorder::End;
use crate::record::tracer::{ObservationBuilder, ObservationHandle, TraceHandle, Tracer};
use crate::rules::template;
use crate::rules::Violation;

/// What to track: the prompt, the model, and where the call belongs.
#[derive(Clone)]
pub struct Track {
    prompt_name: String,
    prompt_version: Option<u32>,
    template: String,
    variables: Map<String, Value>,
    provider: Option<String>,
    model: Option<String>,
    model_parameters: Option<Map<String, Value>>,
    trace: Option<TraceHandle>,
    span: Option<ObservationHandle>,
}

impl Track {
    pub fn new(prompt_name: impl Into<String>, template: impl Into<String>) -> Track {
        Track {
            prompt_name: prompt_name.into(),
            prompt_version: None,
            template: template.into(),
            variables: Map::new(),
            provider: None,
            model: None,
            model_parameters: None,
            trace: None,
            span: None,
        }
    }
    pub fn version(mut self, version: u32) -> Self {
        self.prompt_version = Some(version);
        self
    }
    /// A JSON object (`json!({"name": "John"})`).
    pub fn variables(mut self, variables: Value) -> Self {
        let variables = super::object(variables);
        self.variables = variables;
        self
    }
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = Some(provider.into());
        self
    }
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }
    /// A JSON object (`json!({"temperature": 0.2})`).
    pub fn model_parameters(mut self, parameters: Value) -> Self {
        let parameters = super::object(parameters);
        self.model_parameters = Some(parameters);
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

/// What an LLM call returned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LlmResponse {
    pub text: String,
    pub usage: Option<Usage>,
    pub cost: Option<Cost>,
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
        let prompt = template::render(&request.template, &request.variables);
        let generation = builder(self, &request)
            .input(Value::String(prompt.clone()))
            .start();
        match call(&prompt) {
            Ok(response) => {
                let response = response.into();
                let generation = generation.and_then(|g| {
                    let mut end = End::completed().output(&response.text);
                    end.usage = response.usage;
                    end.cost = response.cost;
                    g.end(end).map(|()| g)
                });
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

fn builder(tracer: &Tracer, request: &Track) -> ObservationBuilder {
    let name = request.prompt_name.as_str();
    let mut builder = match (&request.span, &request.trace) {
        (Some(span), _) => span.generation(name),
        (None, Some(trace)) => trace.generation(name),
        (None, None) => tracer.generation(name),
    };
    builder = builder
        .prompt(name, request.prompt_version)
        .template(request.template.clone())
        .variables(Value::Object(request.variables.clone()));
    if let Some(provider) = &request.provider {
        builder = builder.provider(provider.clone());
    }
    if let Some(model) = &request.model {
        builder = builder.model(model.clone());
    }
    if let Some(parameters) = &request.model_parameters {
        builder = builder.model_parameters(Value::Object(parameters.clone()));
    }
    builder
}
