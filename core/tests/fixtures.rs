//! The committed fixtures under `tests/fixtures/` are exactly what the
//! recording API produces for the seed's scenarios, and their summaries are
//! exactly what `summary` gives. Regenerate with `UPDATE_EXPECT=1 cargo test`.

mod support;

use expect_test::expect_file;
use prompttrace::format::{self, jsonl, native};
use prompttrace::model::Status;
use prompttrace::summary::{render_text, summarize};
use prompttrace::{PriceTable, Store};
use support::{repo_tests, scenarios};

#[test]
fn fixtures_match_the_recorded_scenarios() {
    for scenario in scenarios::all() {
        let path = repo_tests(&format!("fixtures/traces/{}.json", scenario.name));
        expect_file![path].assert_eq(&native::write(&scenario.store));
    }
}

#[test]
fn fixtures_summaries_match() {
    let prices = PriceTable::builtin();
    for scenario in scenarios::all() {
        let summary = summarize(&scenario.store, &prices);
        let json = serde_json::to_string_pretty(&summary).unwrap() + "\n";
        expect_file![repo_tests(&format!(
            "fixtures/summaries/{}.json",
            scenario.name
        ))]
        .assert_eq(&json);
        expect_file![repo_tests(&format!(
            "fixtures/summaries/{}.txt",
            scenario.name
        ))]
        .assert_eq(&render_text(&summary));
    }
}

/// The JSON Lines fixture is written the way an application appends: each
/// record once when it starts (running) and again when it ends.
#[test]
fn fixtures_json_lines_is_an_append_log_of_the_chat_session() {
    let store = scenarios::chat_session();
    let mut text = jsonl::header_line();
    for entry in store.traces_in_order() {
        let mut running = entry.trace().clone();
        (running.status, running.ended_at, running.output) = (Status::Running, None, None);
        text += &jsonl::trace_line(&running);
        for observation in entry.observations_in_order() {
            if observation.ended_at != Some(observation.started_at) {
                let mut started = observation.clone();
                (
                    started.status,
                    started.ended_at,
                    started.output,
                    started.usage,
                ) = (Status::Running, None, None, None);
                text += &jsonl::observation_line(&started);
            }
            text += &jsonl::observation_line(observation);
        }
        text += &jsonl::trace_line(entry.trace());
    }
    expect_file![repo_tests("fixtures/traces/chat-session.jsonl")].assert_eq(&text);

    let mut from_lines = Store::new();
    format::import(&mut from_lines, "chat-session.jsonl", text.as_bytes()).unwrap();
    assert_eq!(from_lines, store);
}
