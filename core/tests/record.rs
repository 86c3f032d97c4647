//! The recording API: what an application sees while it records.

use std::sync::Arc;

use prompttrace::record::{End, LlmResponse, Tracer, Track};
use prompttrace::{
    Level, ManualClock, ObservationType, SeededIds, Status, Timestamp, Usage, Violation,
};
use serde_json::{json, Value};

fn tracer() -> (Tracer, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::starting_at(Timestamp::from_unix_nanos(
        1_000_000_000,
    )));
    (Tracer::new(clock.clone(), SeededIds::new(9)), clock)
}

#[test]
fn record_nested_spans_get_trace_parent_and_times() {
    let (tracer, clock) = tracer();
    let trace = tracer.trace("rag").session("s1").start().unwrap();
    let outer = trace.span("outer").start().unwrap();
    clock.advance_millis(10.0);
    let inner = outer.span("inner").type_label("retrieval").start().unwrap();
    clock.advance_millis(5.5);
    inner.complete(json!("3 docs")).unwrap();
    outer.complete(json!("ok")).unwrap();

    let store = tracer.snapshot();
    let inner = store.observation(inner.id()).unwrap();
    assert_eq!(inner.trace_id.as_deref(), Some(trace.id()));
    assert_eq!(inner.parent_id.as_deref(), Some(outer.id()));
    assert_eq!(
        (inner.kind, inner.type_label.as_deref()),
        (ObservationType::Retriever, Some("retrieval"))
    );
    assert_eq!(prompttrace::rules::duration::duration_ms(inner), Some(5.5));
    assert_eq!(inner.output, Some(json!("3 docs").into()));
    assert_eq!(
        store.observation(outer.id()).unwrap().status,
        Status::Completed
    );
    assert_eq!(trace.status(), Some(Status::Running));
}

#[test]
fn record_complete_twice_is_an_error_and_first_end_stands() {
    let (tracer, clock) = tracer();
    let trace = tracer.trace("t").start().unwrap();
    let span = trace.span("s").start().unwrap();
    span.complete(json!("first")).unwrap();
    clock.advance_millis(3.0);
    let err = span.fail("late failure").unwrap_err();
    assert!(
        matches!(
            err,
            Violation::AlreadyEnded {
                status: Status::Completed,
                ..
            }
        ),
        "{err}"
    );
    let stored = tracer
        .with_store(|s| s.observation(span.id()).cloned())
        .unwrap();
    assert_eq!(
        (stored.status, stored.output),
        (Status::Completed, Some(json!("first").into()))
    );
}

#[test]
fn record_fail_marks_error_level_and_message() {
    let (tracer, _) = tracer();
    let trace = tracer.trace("t").start().unwrap();
    let tool = trace
        .observation(ObservationType::Tool, "weather")
        .start()
        .unwrap();
    tool.fail("timeout after 3s").unwrap();
    trace.fail("tool failed").unwrap();
    let store = tracer.snapshot();
    let tool = store.observation(tool.id()).unwrap();
    assert_eq!((tool.status, tool.level), (Status::Error, Level::Error));
    assert_eq!(tool.status_message.as_deref(), Some("timeout after 3s"));
    let trace = store.trace(trace.id()).unwrap().trace();
    assert_eq!(
        (trace.status, trace.status_message.as_deref()),
        (Status::Error, Some("tool failed"))
    );
}

#[test]
fn record_end_before_start_is_rejected_and_item_stays_running() {
    let (tracer, _) = tracer();
    let trace = tracer.trace("t").start().unwrap();
    let err = trace
        .end_at(Timestamp::from_unix_nanos(0), End::completed())
        .unwrap_err();
    assert!(matches!(err, Violation::EndBeforeStart { .. }), "{err}");
    assert_eq!(trace.status(), Some(Status::Running));
}

#[test]
fn record_child_of_an_ended_parent_is_allowed() {
    let (tracer, _) = tracer();
    let trace = tracer.trace("t").start().unwrap();
    let parent = trace.span("parent").start().unwrap();
    parent.complete(Value::Null).unwrap();
    trace.complete(Value::Null).unwrap();
    let late = parent.span("background").start().unwrap();
    late.complete(json!("done later")).unwrap();
    assert_eq!(late.status(), Some(Status::Completed));
}

#[test]
fn record_events_have_zero_duration() {
    let (tracer, clock) = tracer();
    let trace = tracer.trace("t").start().unwrap();
    clock.advance_millis(2.0);
    let event = trace
        .event("cache_miss")
        .input(json!({"key": "k"}))
        .start()
        .unwrap();
    let stored = tracer
        .with_store(|s| s.observation(event.id()).cloned())
        .unwrap();
    assert_eq!(stored.status, Status::Completed);
    assert_eq!(stored.ended_at, Some(stored.started_at));
}

#[test]
fn record_explicit_duplicate_id_is_rejected() {
    let (tracer, _) = tracer();
    tracer.trace("a").id("same").start().unwrap();
    let err = tracer.trace("b").id("same").start().err().unwrap();
    assert!(matches!(err, Violation::DuplicateId { .. }), "{err}");
}

#[test]
fn record_generation_without_trace_cannot_have_children() {
    let (tracer, _) = tracer();
    let loose = tracer.generation("call").model("gpt-4o").start().unwrap();
    let err = loose.span("child").start().err().unwrap();
    assert!(matches!(err, Violation::ParentWithoutTrace { .. }), "{err}");
    assert_eq!(
        tracer.with_store(|s| s.observations_without_trace().len()),
        1
    );
}

#[test]
fn record_track_renders_times_and_records_the_call() {
    let (tracer, clock) = tracer();
    let trace = tracer.trace("greeting").start().unwrap();
    let tracked = tracer
        .track(
            Track::new("greeting", "Hello {{name}}")
                .variables(json!({"name": "John"}))
                .model("gpt-4o")
                .trace(&trace),
            |prompt| {
                assert_eq!(prompt, "Hello John");
                clock.advance_millis(120.0);
                Ok::<_, String>(LlmResponse {
                    text: "Hi John".into(),
                    usage: Some(Usage::tokens(3, 2)),
                    cost: None,
                })
            },
        )
        .unwrap();
    assert_eq!(tracked.response_text, "Hi John");
    let id = tracked.generation.unwrap().id().to_string();
    let g = tracer.with_store(|s| s.observation(&id).cloned()).unwrap();
    assert_eq!(g.kind, ObservationType::Generation);
    assert_eq!(g.input, Some(json!("Hello John").into()));
    assert_eq!(g.output, Some(json!("Hi John").into()));
    assert_eq!(g.template.as_deref(), Some("Hello {{name}}"));
    assert_eq!(g.prompt_name.as_deref(), Some("greeting"));
    assert_eq!(g.usage.as_deref(), Some(&Usage::tokens(3, 2)));
    assert_eq!(prompttrace::rules::duration::duration_ms(&g), Some(120.0));
    assert_eq!(g.trace_id.as_deref(), Some(trace.id()));
}

#[test]
fn record_track_records_the_error_and_returns_it_unchanged() {
    let (tracer, _) = tracer();
    let result = tracer.track(Track::new("p", "Hi").model("gpt-4o"), |_| {
        Err::<LlmResponse, _>("rate limited (429)")
    });
    assert_eq!(result.err(), Some("rate limited (429)"));
    let g = tracer
        .with_store(|s| s.observations_without_trace().first().cloned())
        .unwrap();
    assert_eq!(
        (g.status, g.status_message.as_deref()),
        (Status::Error, Some("rate limited (429)"))
    );
}

#[test]
fn record_tracer_handles_work_across_threads() {
    let (tracer, _) = tracer();
    let trace = tracer.trace("parallel").start().unwrap();
    let workers: Vec<_> = (0..8)
        .map(|i| {
            let trace = trace.clone();
            std::thread::spawn(move || {
                let span = trace.span(&format!("worker-{i}")).start().unwrap();
                span.complete(json!(i)).unwrap();
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    assert_eq!(
        tracer.with_store(|s| s.trace(trace.id()).unwrap().observations().len()),
        8
    );
}

#[test]
fn record_an_event_ends_where_it_starts_in_the_recorder_too() {
    use prompttrace::model::{Observation, Trace};
    use prompttrace::record::Recorder;
    let mut recorder = Recorder::new(ManualClock::default(), SeededIds::new(1));
    let start = Timestamp::from_unix_nanos(5);
    recorder.start_trace(Trace::new("t", "t", start)).unwrap();
    let mut event = Observation::new("e", ObservationType::Event, "note", start);
    event.trace_id = Some("t".into());
    recorder.start_observation(event).unwrap();
    let stored = recorder.store().observation("e").unwrap();
    assert_eq!(
        (stored.status, stored.ended_at),
        (Status::Completed, Some(start))
    );
}

#[test]
fn record_track_call_renders_and_its_response_ends_the_generation() {
    use prompttrace::record::TrackCall;
    let call = TrackCall {
        prompt_name: Some("greet".into()),
        template: Some("Hi {{who}}".into()),
        variables: Some(json!({"who": "Ann"}).as_object().unwrap().clone()),
        ..TrackCall::default()
    };
    assert_eq!(call.prompt(), "Hi Ann");
    let generation = call.generation("g".into(), Timestamp::from_unix_nanos(0), "Hi Ann");
    assert_eq!(
        (generation.name.as_str(), generation.kind),
        ("greet", ObservationType::Generation)
    );
    let mut problems = Vec::new();
    let response = LlmResponse::from_loose(
        &json!({"text": "Hello", "usage": {"promptTokens": 3, "completionTokens": 2}}),
        &mut problems,
    );
    assert_eq!(response.text, "Hello");
    assert_eq!(
        response.usage,
        Some(Usage::tokens(3, 2)).map(|mut u| {
            u.total = None;
            u
        })
    );
    assert!(problems.is_empty());
    assert_eq!(
        LlmResponse::from_loose(&json!(null), &mut problems).text,
        ""
    );
    assert_eq!(
        LlmResponse::from_loose(&json!("plain"), &mut problems).text,
        "plain"
    );
}
