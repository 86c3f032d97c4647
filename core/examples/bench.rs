//! Benchmark figures for `cargo xtask bench` (run in release mode):
//! rollups over 1,000,000 observations, native file parse throughput
//! against a plain `serde_json::Value` parse of the same bytes (the peer,
//! measured in the same run), and memory. Prints figures; never fails on
//! a slow machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use prompttrace::format::{self, jsonl, native};
use prompttrace::model::{Cost, Observation, ObservationType, Status, Trace, Usage};
use prompttrace::rules::rollup::rollups;
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

    let started = Instant::now();
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
    println!("  memory after import: {}", memory());

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
    println!("\npeak memory of this run: {}", peak_memory());
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
                observation.usage = Some(Usage::tokens(400 + o as u64, 60 + (t % 50) as u64));
                if o % 8 == 7 {
                    observation.cost = Some(Cost {
                        total: Some(0.0012),
                        ..Cost::default()
                    });
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
