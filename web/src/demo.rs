//! Demo traces shown on a first visit: the seed's scenarios, as committed
//! under tests/fixtures/traces (recorded through the core's Tracer API).

pub const FILES: [(&str, &str); 3] = [
    (
        "chat-session.json",
        include_str!("../../tests/fixtures/traces/chat-session.json"),
    ),
    (
        "rag-pipeline.json",
        include_str!("../../tests/fixtures/traces/rag-pipeline.json"),
    ),
    (
        "nested-multi-step.json",
        include_str!("../../tests/fixtures/traces/nested-multi-step.json"),
    ),
];
