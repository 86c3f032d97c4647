//! The seed's scenarios, recorded through `prompttrace::record::Tracer` the
//! way an application would, on a manual clock and seeded ids so the output
//! is the same on every run.

use std::sync::Arc;

use prompttrace::record::{End, LlmResponse, Tracer, Track};
use prompttrace::{Cost, ManualClock, SeededIds, Store, Timestamp, Usage};
use serde_json::json;

/// 2024-05-01T12:00:00Z.
const START: i64 = 1_714_564_800_000_000_000;

pub struct Scenario {
    pub name: &'static str,
    pub store: Store,
}

pub fn all() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "chat-session",
            store: chat_session(),
        },
        Scenario {
            name: "rag-pipeline",
            store: rag_pipeline(),
        },
        Scenario {
            name: "nested-multi-step",
            store: nested_multi_step(),
        },
    ]
}

fn tracer(seed: u64, start_offset_ms: f64) -> (Tracer, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::starting_at(Timestamp::from_unix_nanos(START)));
    clock.advance_millis(start_offset_ms);
    (Tracer::new(clock.clone(), SeededIds::new(seed)), clock)
}

/// A fake LLM: answers after `ms` with token counts from the text lengths.
fn fake_llm(clock: &ManualClock, ms: f64, prompt: &str, answer: &str) -> LlmResponse {
    clock.advance_millis(ms);
    LlmResponse {
        text: answer.to_string(),
        usage: Some(Usage::tokens(
            prompt.len() as u64 / 4 + 1,
            answer.len() as u64 / 4 + 1,
        )),
        cost: None,
    }
}

/// The seed's session diagram: greeting, question_1 (search + answer), question_2.
pub fn chat_session() -> Store {
    let (tracer, clock) = tracer(1, 0.0);
    let session = "chat_123";

    let greeting = tracer
        .trace("greeting")
        .session(session)
        .user("user_42")
        .input(json!("Hi!"))
        .start()
        .unwrap();
    let result = tracer
        .track(
            Track::new("greeting", "Hello {{name}}! How can I help?")
                .variables(json!({"name": "John"}))
                .provider("openai")
                .model("gpt-4")
                .trace(&greeting),
            |prompt| {
                Ok::<_, String>(fake_llm(
                    &clock,
                    195.0,
                    prompt,
                    "Hello John! How can I help you today?",
                ))
            },
        )
        .unwrap();
    clock.advance_millis(5.0);
    greeting.complete(json!(result.response_text)).unwrap();

    clock.advance_millis(4_000.0);
    let question = "What is your refund policy?";
    let q1 = tracer
        .trace("question_1")
        .session(session)
        .user("user_42")
        .input(json!(question))
        .start()
        .unwrap();
    let search = q1
        .span("search_kb")
        .type_label("retrieval")
        .input(json!({"query": question}))
        .start()
        .unwrap();
    clock.advance_millis(200.0);
    search.complete(json!("Found 3 docs")).unwrap();
    let answer = q1
        .span("generate_answer")
        .type_label("function")
        .start()
        .unwrap();
    let result = tracer
        .track(
            Track::new("answer", "Context: {{context}}\nQuestion: {{question}}")
                .version(3)
                .variables(json!({"context": ["refunds within 30 days", "store credit", "shipping"], "question": question}))
                .provider("openai")
                .model("gpt-4o-2024-08-06")
                .trace(&q1)
                .span(&answer),
            |prompt| Ok::<_, String>(fake_llm(&clock, 980.0, prompt, "You can get a refund within 30 days of purchase.")),
        )
        .unwrap();
    clock.advance_millis(20.0);
    answer.complete(json!(result.response_text)).unwrap();
    clock.advance_millis(50.0);
    q1.complete(json!(result.response_text)).unwrap();

    clock.advance_millis(6_000.0);
    let q2 = tracer
        .trace("question_2")
        .session(session)
        .user("user_42")
        .input(json!("And for sale items?"))
        .start()
        .unwrap();
    let generation = q2
        .generation("answer")
        .provider("anthropic")
        .model("claude-sonnet-4-20250514")
        .input(json!([{"role": "user", "content": "And for sale items?"}]))
        .model_parameters(json!({"temperature": 0.2, "max_tokens": 256}))
        .start()
        .unwrap();
    clock.advance_millis(840.0);
    generation
        .end(
            End::completed()
                .output(json!({"role": "assistant", "content": "Sale items can be exchanged, not refunded."}))
                .usage(Usage::tokens(412, 38))
                .cost(Cost { input: Some(0.001236), output: Some(0.00057), total: Some(0.001806) }),
        )
        .unwrap();
    clock.advance_millis(10.0);
    q2.complete(json!("Sale items can be exchanged, not refunded."))
        .unwrap();
    tracer.snapshot()
}

/// A RAG pipeline: embed, retrieve, rerank, guard, generate, evaluate.
pub fn rag_pipeline() -> Store {
    let (tracer, clock) = tracer(2, 60_000.0);
    let question = "How do I rotate an API key?";
    let trace = tracer
        .trace("rag_question_answering")
        .session("support_7")
        .user("user_7")
        .input(json!({"question": question}))
        .metadata(json!({"app": "docs-bot", "region": "eu"}))
        .tags(["rag", "production"])
        .environment("production")
        .release("2024.05.1")
        .start()
        .unwrap();

    let retrieve = trace
        .span("retrieve_documents")
        .type_label("retrieval")
        .input(json!({"query": question, "k": 5}))
        .start()
        .unwrap();
    let embed = retrieve
        .observation(prompttrace::ObservationType::Embedding, "embed_query")
        .model("text-embedding-3-small")
        .provider("openai")
        .input(json!(question))
        .start()
        .unwrap();
    clock.advance_millis(42.0);
    embed
        .end(End::completed().usage(Usage {
            input: Some(9),
            output: None,
            total: Some(9),
            ..Usage::default()
        }))
        .unwrap();
    clock.advance_millis(118.5);
    retrieve
        .complete(json!([{"id": "doc-12", "score": 0.91}, {"id": "doc-3", "score": 0.84}, {"id": "doc-40", "score": 0.52}]))
        .unwrap();

    let rerank = trace
        .observation(prompttrace::ObservationType::Tool, "rerank")
        .input(json!({"documents": 3}))
        .start()
        .unwrap();
    clock.advance_millis(63.25);
    rerank.complete(json!(["doc-12", "doc-3"])).unwrap();

    let guard = trace
        .observation(prompttrace::ObservationType::Guardrail, "pii_filter")
        .start()
        .unwrap();
    clock.advance_millis(4.0);
    guard.complete(json!({"passed": true})).unwrap();
    trace
        .event("cache_miss")
        .input(json!({"key": "rag:how-do-i-rotate"}))
        .start()
        .unwrap();

    let result = tracer
        .track(
            Track::new(
                "rag_answer",
                "Answer from the docs.\nDocs: {{docs}}\nQ: {{question}}",
            )
            .version(2)
            .variables(json!({"docs": ["doc-12", "doc-3"], "question": question}))
            .provider("openai")
            .model("gpt-4o-mini")
            .model_parameters(json!({"temperature": 0}))
            .trace(&trace),
            |prompt| {
                Ok::<_, String>(fake_llm(
                    &clock,
                    1_310.0,
                    prompt,
                    "Open Settings → API keys, create a new key, then revoke the old one.",
                ))
            },
        )
        .unwrap();

    let judge = trace
        .observation(prompttrace::ObservationType::Evaluator, "faithfulness")
        .model("gpt-4o-mini")
        .start()
        .unwrap();
    clock.advance_millis(540.0);
    judge
        .end(
            End::completed()
                .output(json!({"score": 0.93}))
                .usage(Usage::tokens(512, 12)),
        )
        .unwrap();
    clock.advance_millis(3.0);
    trace
        .complete(json!({"answer": result.response_text}))
        .unwrap();
    tracer.snapshot()
}

/// An agent that plans, calls tools (one fails and is retried), nests a
/// sub-chain, and answers; plus one LLM call recorded without any trace.
pub fn nested_multi_step() -> Store {
    let (tracer, clock) = tracer(3, 120_000.0);
    let trace = tracer
        .trace("trip_planner")
        .user("user_9")
        .input(json!("Plan 2 days in Lisbon"))
        .start()
        .unwrap();
    let agent = trace
        .observation(prompttrace::ObservationType::Agent, "planner_agent")
        .start()
        .unwrap();

    let plan = agent
        .generation("plan")
        .provider("google")
        .model("gemini-2.5-flash")
        .input(json!("Plan 2 days in Lisbon"))
        .start()
        .unwrap();
    clock.advance_millis(620.0);
    plan.end(
        End::completed()
            .output(json!(["weather", "attractions", "itinerary"]))
            .usage(Usage::tokens(220, 64)),
    )
    .unwrap();

    let weather = agent
        .observation(prompttrace::ObservationType::Tool, "get_weather")
        .input(json!({"city": "Lisbon"}))
        .start()
        .unwrap();
    clock.advance_millis(3_000.0);
    weather.fail("timeout after 3000 ms").unwrap();
    let retry = agent
        .observation(prompttrace::ObservationType::Tool, "get_weather")
        .input(json!({"city": "Lisbon", "attempt": 2}))
        .start()
        .unwrap();
    clock.advance_millis(180.0);
    retry
        .complete(json!({"forecast": "sunny", "high_c": 24}))
        .unwrap();

    let chain = agent
        .observation(prompttrace::ObservationType::Chain, "build_itinerary")
        .start()
        .unwrap();
    let search = chain
        .observation(
            prompttrace::ObservationType::Retriever,
            "search_attractions",
        )
        .input(json!("Lisbon top sights"))
        .start()
        .unwrap();
    clock.advance_millis(90.0);
    search
        .complete(json!(["Belém Tower", "Alfama", "LX Factory"]))
        .unwrap();
    let draft = chain
        .generation("draft_itinerary")
        .provider("google")
        .model("gemini-2.5-flash")
        .start()
        .unwrap();
    let warn = draft
        .event("long_context")
        .level(prompttrace::Level::Warning)
        .input(json!({"tokens": 3900}))
        .start()
        .unwrap();
    let _ = warn;
    clock.advance_millis(1_450.0);
    draft
        .end(
            End::completed()
                .output(json!("Day 1: Belém… Day 2: Alfama…"))
                .usage(Usage::tokens(3_900, 410)),
        )
        .unwrap();
    clock.advance_millis(15.0);
    chain.complete(json!("itinerary ready")).unwrap();
    clock.advance_millis(5.0);
    agent.complete(json!("done")).unwrap();
    clock.advance_millis(2.0);
    trace
        .complete(json!("Day 1: Belém… Day 2: Alfama…"))
        .unwrap();

    // Code that never traces still has its LLM calls counted.
    clock.advance_millis(10_000.0);
    tracer
        .track(
            Track::new("summarize_feedback", "Summarize: {{text}}")
                .variables(json!({"text": "Great trip!"}))
                .provider("openai")
                .model("gpt-4o-mini"),
            |prompt| Ok::<_, String>(fake_llm(&clock, 400.0, prompt, "Positive feedback.")),
        )
        .unwrap();
    tracer.snapshot()
}
