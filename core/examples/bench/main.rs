//! Benchmark figures for `cargo xtask bench` (run in release mode):
//! rollups over 1,000,000 observations, native file parse throughput
//! against a plain `serde_json::Value` parse of the same bytes (the peer,
//! measured in the same run), content search (`search.rs`), and memory
//! (`memory.rs`: bytes per stored observation).
//! Prints figures; never fails on a slow machine. `bench search` prints
//! the search figures only.

mod memory;
mod search;

#[global_allocator]
static ALLOCATOR: memory::Counting = memory::Counting;

use std::hint::black_box;
use std::time::{Duration, Instant};

use prompttrace::format::{self, jsonl, native};
use prompttrace::model::{Cost, Observation, ObservationType, Status, Trace, Usage};
use prompttrace::rollup::rollups;
use prompttrace::store::Batch;
use prompttrace::summary::summarize;
use prompttrace::{PriceTable, Store, Timestamp};

const MODELS: [&str; 6] = [
    "gpt-4o",
    "gpt-4o-mini",
    "claude-sonnet-4-20250514",
    "gemini-2.5-flash",
    "o4-mini",
    "my-local-model",
];

fn main() {
    println!("prompttrace core benchmark (release build; median of repeated runs)\n");
    if std::env::args().nth(1).as_deref() == Some("search") {
        search::figures();
        return;
    }
    // First, so the peak memory it prints is its own.
    otlp_figures();
    println!();

    let started = Instant::now();
    let live_before = memory::live();
    let batch = generate(10_000, 100);
    let generated = started.elapsed();
    let mut store = Store::new();
    let import = time_once(|| {
        store.import(batch).expect("generated data is valid");
    });
    println!(
        "store of {} traces / {} observations: generated in {:.2} s, imported (all rules checked) in {:.2} s",
        store.trace_count(),
        store.observation_count(),
        generated.as_secs_f64(),
        import.as_secs_f64()
    );
    println!(
        "  memory after import: {}; the store's live heap: {} B per observation",
        memory(),
        (memory::live() - live_before) / store.observation_count()
    );

    let prices = PriceTable::builtin();
    let rollup_time = median(5, || {
        black_box(rollups(&store, &prices));
    });
    let verdict = if rollup_time < Duration::from_millis(100) {
        "meets"
    } else {
        "misses"
    };
    println!(
        "rollups (trace, session, model, name) over {} observations: {:.1} ms ({verdict} the < 100 ms target)",
        store.observation_count(),
        ms(rollup_time)
    );
    let summary_time = median(3, || {
        black_box(summarize(&store, &prices));
    });
    println!(
        "full summary (rollups + every tree): {:.1} ms",
        ms(summary_time)
    );
    drop(store);
    // After the drop, so the run's peak memory stays that of one store.
    memory::small_spans_figure();

    println!();
    let mut small = Store::new();
    small
        .import(generate(1_000, 100))
        .expect("generated data is valid");
    for (variant, text) in [
        ("JSON", native::write(&small)),
        ("JSON Lines", jsonl::write(&small)),
    ] {
        parse_figures(variant, &text);
    }
    println!();
    search::figures();
    println!("\npeak memory of this run: {}", peak_memory());
}

/// OTLP/JSON import of a generated file of 50,000 spans over 500 traces,
/// against serde_json::Value of the same bytes. The file is also written to
/// `target/bench/otlp-50k.json` for the npm benchmark (the same import in
/// wasm under Node).
fn otlp_figures() {
    let text = otlp_file(500, 100);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("otlp-50k.json"), &text);
    let mb = text.len() as f64 / 1e6;
    let mut kept = Store::new();
    let import = median(3, || {
        let mut store = Store::new();
        format::import(&mut store, "otlp.json", text.as_bytes()).expect("valid");
        kept = store;
    });
    let peer = median(3, || {
        black_box(serde_json::from_str::<serde_json::Value>(&text).expect("valid"));
    });
    let spans = kept.observation_count();
    println!(
        "OTLP/JSON file, {mb:.1} MB, {spans} spans in {} traces: import {:.0} MB/s ({:.0} spans/s), \
         serde_json::Value parse {:.0} MB/s (ratio {:.2}x); peak memory so far {}",
        kept.trace_count(),
        mb / import.as_secs_f64(),
        spans as f64 / import.as_secs_f64(),
        mb / peer.as_secs_f64(),
        peer.as_secs_f64() / import.as_secs_f64(),
        peak_memory(),
    );
}

/// An OTLP/JSON request as OpenTelemetry's JS exporter writes it (hex ids,
/// integer enums, times as strings), GenAI attributes: `traces` traces of
/// `per_trace` spans, an agent root, LLM calls with messages, tools.
fn otlp_file(traces: usize, per_trace: usize) -> String {
    use std::fmt::Write;
    let mut out = String::from(
        r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bench-app"}},{"key":"telemetry.sdk.language","value":{"stringValue":"nodejs"}}]},"scopeSpans":[{"scope":{"name":"bench","version":"1.0.0"},"spans":["#,
    );
    let base: u64 = 1_741_944_413_000_000_000;
    for t in 0..traces {
        for s in 0..per_trace {
            if t + s > 0 {
                out.push(',');
            }
            let start = base + (t as u64 * 10_000 + s as u64 * 10) * 1_000_000;
            let parent = if s == 0 {
                String::new()
            } else {
                format!(r#""parentSpanId":"{:016x}","#, (t * per_trace + 1) as u64)
            };
            let (name, attributes) = match s % 4 {
                0 => ("invoke_agent planner".to_string(), format!(
                    r#"{{"key":"gen_ai.operation.name","value":{{"stringValue":"invoke_agent"}}}},{{"key":"session.id","value":{{"stringValue":"session-{}"}}}},{{"key":"user.id","value":{{"stringValue":"user-{}"}}}}"#,
                    t / 10, t % 50)),
                1 | 2 => (format!("chat {}", MODELS[(t + s) % MODELS.len()]), format!(
                    r#"{{"key":"gen_ai.operation.name","value":{{"stringValue":"chat"}}}},{{"key":"gen_ai.request.model","value":{{"stringValue":"{m}"}}}},{{"key":"gen_ai.response.model","value":{{"stringValue":"{m}"}}}},{{"key":"gen_ai.usage.input_tokens","value":{{"intValue":{i}}}}},{{"key":"gen_ai.usage.output_tokens","value":{{"intValue":{o}}}}},{{"key":"gen_ai.input.messages","value":{{"stringValue":"[{{\"role\":\"user\",\"parts\":[{{\"type\":\"text\",\"content\":\"Question {t}.{s}: what is the weather in Lisbon today, and what should I see?\"}}]}}]"}}}},{{"key":"gen_ai.output.messages","value":{{"stringValue":"[{{\"role\":\"assistant\",\"parts\":[{{\"type\":\"text\",\"content\":\"It is sunny; see Alfama and ride tram 28.\"}}],\"finish_reason\":\"stop\"}}]"}}}}"#,
                    m = MODELS[(t + s) % MODELS.len()], i = 100 + s, o = 20 + t % 7)),
                _ => ("execute_tool get_weather".to_string(), r#"{"key":"gen_ai.operation.name","value":{"stringValue":"execute_tool"}},{"key":"gen_ai.tool.name","value":{"stringValue":"get_weather"}},{"key":"gen_ai.tool.call.id","value":{"stringValue":"call_1"}}"#.to_string()),
            };
            let status = if s % 97 == 96 {
                r#""status":{"code":2,"message":"upstream timeout"}"#
            } else {
                r#""status":{"code":0}"#
            };
            let _ = write!(
                out,
                r#"{{"traceId":"{:032x}","spanId":"{:016x}",{parent}"name":"{name}","kind":{},"startTimeUnixNano":"{start}","endTimeUnixNano":"{}","attributes":[{attributes}],"droppedAttributesCount":0,"events":[],"droppedEventsCount":0,{status},"links":[],"droppedLinksCount":0,"flags":257}}"#,
                t as u128 + 1,
                (t * per_trace + s + 1) as u64,
                if s % 4 == 0 { 1 } else { 3 },
                start + 5_000_000,
            );
        }
    }
    out.push_str("]}]}]}");
    out
}

fn parse_figures(variant: &str, text: &str) {
    let name = if variant == "JSON" {
        "bench.json"
    } else {
        "bench.jsonl"
    };
    let mb = text.len() as f64 / 1e6;
    let read = median(5, || {
        black_box(format::read(name, text.as_bytes()).expect("valid"));
    });
    let import = median(3, || {
        let mut store = Store::new();
        black_box(format::import(&mut store, name, text.as_bytes()).expect("valid"));
    });
    let peer = median(5, || {
        if variant == "JSON" {
            black_box(serde_json::from_str::<serde_json::Value>(text).expect("valid"));
        } else {
            for line in text.lines() {
                black_box(serde_json::from_str::<serde_json::Value>(line).expect("valid"));
            }
        }
    });
    println!(
        "{variant} file, {mb:.1} MB: parse {:.0} MB/s, parse + check + store {:.0} MB/s; \
         serde_json::Value parse {:.0} MB/s (ratio {:.2}x)",
        mb / read.as_secs_f64(),
        mb / import.as_secs_f64(),
        mb / peer.as_secs_f64(),
        peer.as_secs_f64() / read.as_secs_f64(),
    );
}

/// `traces` traces of `per_trace` observations: a root span, nested steps,
/// one LLM call in four, a few errors, ten traces a session.
fn generate(traces: usize, per_trace: usize) -> Batch {
    let mut batch = Batch::default();
    let base = 1_714_564_800_000_000_000i64;
    for t in 0..traces {
        let start = base + t as i64 * 60_000_000_000;
        let trace_id = format!("trace-{t:07}");
        let mut trace = Trace::new(
            trace_id.clone(),
            format!("workflow-{}", t % 20),
            Timestamp::from_unix_nanos(start),
        );
        trace.session_id = Some(format!("session-{:06}", t / 10));
        trace.user_id = Some(format!("user-{}", t % 500));
        trace.status = Status::Completed;
        trace.ended_at = Some(Timestamp::from_unix_nanos(start + 30_000_000_000));
        trace.input = Some(serde_json::json!({"question": "How do I rotate an API key?"}).into());
        batch.traces.push(trace);
        for o in 0..per_trace {
            let id = format!("obs-{t:07}-{o:03}");
            let generation = o % 4 == 3;
            let kind = if generation {
                ObservationType::Generation
            } else {
                ObservationType::Span
            };
            let begin = start + o as i64 * 250_000_000;
            let mut observation = Observation::new(
                id,
                kind,
                if generation { "llm_call" } else { "step" },
                Timestamp::from_unix_nanos(begin),
            );
            observation.trace_id = Some(trace_id.clone());
            if o > 0 {
                // Nest in runs of ten under the previous step, so trees are several levels deep.
                let parent = if o % 10 == 0 { 0 } else { o - 1 };
                observation.parent_id = Some(format!("obs-{t:07}-{parent:03}"));
            }
            observation.status = if (t + o) % 53 == 0 {
                Status::Error
            } else {
                Status::Completed
            };
            observation.ended_at = Some(Timestamp::from_unix_nanos(
                begin + 200_000_000 + (o as i64 % 7) * 10_000_000,
            ));
            if generation {
                observation.model = Some(MODELS[(t + o) % MODELS.len()].to_string());
                observation.usage = Some(Box::new(Usage::tokens(
                    400 + o as u64,
                    60 + (t % 50) as u64,
                )));
                if o % 8 == 7 {
                    observation.cost = Some(Box::new(Cost {
                        total: Some(0.0012),
                        ..Cost::default()
                    }));
                }
                observation.output =
                    Some(serde_json::json!("Open Settings, then API keys.").into());
            }
            batch.observations.push(observation);
        }
    }
    batch
}

fn time_once(f: impl FnOnce()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| time_once(&mut f)).collect();
    times.sort();
    times[runs / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn status_field(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn memory() -> String {
    status_field("VmRSS:").map_or("unknown".into(), |kb| {
        format!("{:.0} MB resident", kb as f64 / 1024.0)
    })
}

fn peak_memory() -> String {
    status_field("VmHWM:").map_or("unknown".into(), |kb| {
        format!("{:.0} MB resident", kb as f64 / 1024.0)
    })
}
