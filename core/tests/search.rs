//! Content search on files real SDKs wrote (`tests/fixtures/interop/`) and
//! on the seed's scenarios: a word that only a tool returned is found in
//! the tool's output and in the LLM call that read it, escaped non-ASCII
//! text is found as written, and matches come in the timeline's order.

mod support;

use prompttrace::format;
use prompttrace::search::{trace_matches, traces_matching, Field, Query};
use prompttrace::Store;
use support::repo_tests;

fn load(relative: &str) -> Store {
    let path = repo_tests(relative);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut store = Store::new();
    format::import(&mut store, relative, &bytes).unwrap_or_else(|e| panic!("{e}"));
    store
}

/// Each matching observation of the file's traces, as (name, fields), in
/// the timeline's order; the trace's own fields when they match.
fn matches(store: &Store, text: &str) -> Vec<(String, Vec<Field>)> {
    let query = Query::new(text).expect("a query");
    let mut found = Vec::new();
    for entry in store.traces_in_order() {
        let matches = trace_matches(entry, &query);
        if !matches.trace.is_empty() {
            found.push(("(trace)".to_string(), matches.trace.iter().collect()));
        }
        for m in matches.observations {
            let observation = store.observation(&m.id).expect("a stored id");
            found.push((observation.name.clone(), m.fields.iter().collect()));
        }
    }
    found
}

fn named(pairs: Expected) -> Vec<(String, Vec<Field>)> {
    pairs
        .iter()
        .map(|(name, fields)| (name.to_string(), fields.to_vec()))
        .collect()
}

/// Observations by name, each with the fields it matched in.
type Expected<'a> = &'a [(&'a str, &'a [Field])];

const INPUT: &[Field] = &[Field::Input];
const OUTPUT: &[Field] = &[Field::Output];

#[test]
fn search_finds_a_word_only_a_tool_returned_in_each_sdks_file() {
    // (file, a word only the tool's result holds, where it must be found:
    // the tool's output, and the input of the LLM call the result went to)
    let cases: [(&str, &str, Expected); 5] = [
        (
            "ai-sdk-6.json",
            "IN_TRANSIT",
            &[
                ("lookupOrder", OUTPUT),
                ("chat-support:ai.generateText.doGenerate", INPUT),
            ],
        ),
        (
            "otel-js-genai.json",
            "Cloudy 18C",
            &[("get_weather", OUTPUT), ("chat gpt-4o", INPUT)],
        ),
        (
            // The agent's output holds its steps' messages, the tool's too.
            "ai-sdk-7.json",
            "in_transit",
            &[
                ("invoke_agent gpt-4o-mini", OUTPUT),
                ("lookupOrder", OUTPUT),
                ("chat gpt-4o-mini", INPUT),
            ],
        ),
        (
            "langfuse-js-otel.json",
            "refund scheduled",
            &[("llm-answer", INPUT)],
        ),
        (
            "langfuse-api-trace.json",
            "refund scheduled",
            &[("llm-answer", INPUT)],
        ),
    ];
    for (file, word, expected) in cases {
        let store = load(&format!("fixtures/interop/{file}"));
        assert_eq!(matches(&store, word), named(expected), "{file}: {word}");
        let query = Query::new(word).unwrap();
        assert_eq!(
            traces_matching(&store, &query).len(),
            1,
            "{file}: the one trace with the tool call"
        );
    }
}

#[test]
fn search_finds_escaped_non_ascii_text_as_written() {
    // Python's instrumentations write "°" as \u00b0 (json.dumps); the GenAI
    // file even escapes it twice (an attribute holding JSON text).
    for file in ["genai-openai-v2.json", "openinference-openai.json"] {
        let store = load(&format!("fixtures/interop/{file}"));
        let found = matches(&store, "21°C AND SUNNY");
        assert!(
            found
                .iter()
                .any(|(_, fields)| fields.contains(&Field::Output)),
            "{file}: {found:?}"
        );
        assert!(matches(&store, "u00b0").is_empty(), "{file}");
    }
}

#[test]
fn search_matches_come_in_the_timelines_order() {
    let store = load("fixtures/traces/nested-multi-step.json");
    let entry = store
        .traces()
        .find(|t| t.observations().iter().any(|o| o.name == "planner_agent"))
        .expect("the agent trace");
    let tree = entry.tree();
    let rows: Vec<&str> = tree
        .depth_first()
        .into_iter()
        .map(|i| tree.ordered[i].name.as_str())
        .collect();
    // The rows the viewer's timeline shows (web/src/components/timeline/rows.rs).
    assert_eq!(
        rows,
        [
            "planner_agent",
            "plan",
            "get_weather",
            "get_weather",
            "build_itinerary",
            "search_attractions",
            "draft_itinerary",
            "long_context",
        ]
    );
    assert_eq!(
        matches(&store, "lisbon"),
        named(&[
            ("(trace)", INPUT),
            ("plan", INPUT),
            ("get_weather", INPUT),
            ("get_weather", INPUT),
            ("search_attractions", INPUT),
        ])
    );
    assert_eq!(
        matches(&store, "BELÉM"),
        named(&[
            ("(trace)", OUTPUT),
            ("search_attractions", OUTPUT),
            ("draft_itinerary", OUTPUT)
        ])
    );
}

/// Queries a record's text suggests: its words and runs of characters, in
/// other cases, plus a few that match nothing or fold across scripts.
fn queries_of(text: &str) -> Vec<String> {
    let mut queries: Vec<String> = [
        "zeppelin",
        "21°C AND SUNNY",
        "u00b0",
        "K",
        "ı",
        "\"",
        "/",
        "completed",
        "generation",
    ]
    .map(str::to_string)
    .to_vec();
    for word in text
        .split(|c: char| !c.is_alphanumeric() && c != '°' && c != ' ')
        .map(str::trim)
        .filter(|w| w.chars().count() >= 3)
        .step_by(7)
        .take(60)
    {
        queries.push(word.to_string());
        queries.push(word.to_uppercase());
        let chars: Vec<char> = word.chars().collect();
        queries.push(chars[chars.len() / 3..].iter().collect());
    }
    queries
}

#[test]
fn a_stored_record_that_may_not_match_never_holds_a_match() {
    use prompttrace::format::jsonl;
    use prompttrace::search::record_may_match;
    let dir = repo_tests("fixtures/interop");
    let (mut checked, mut skipped, mut found) = (0, 0, 0);
    for file in std::fs::read_dir(&dir).unwrap() {
        let name = file.unwrap().file_name().into_string().unwrap();
        if !(name.ends_with(".json") || name.ends_with(".jsonl")) {
            continue;
        }
        let store = load(&format!("fixtures/interop/{name}"));
        for entry in store.traces() {
            let text = jsonl::write_trace(&store, &entry.trace().id).unwrap();
            let mut record = Store::new();
            format::import_jsonl(&mut record, "record", text.as_bytes()).unwrap();
            for query in queries_of(&text) {
                let Some(query) = Query::new(&query) else {
                    continue;
                };
                let matched = !traces_matching(&record, &query).is_empty();
                let may = record_may_match(&text, &query);
                assert!(
                    !matched || may,
                    "{name}: {:?} matches but was ruled out",
                    query.folded()
                );
                checked += 1;
                skipped += usize::from(!may);
                found += usize::from(matched);
            }
            let nothing = Query::new("zeppelin over the sea").unwrap();
            assert!(
                !record_may_match(&text, &nothing),
                "{name}: nothing to find"
            );
        }
    }
    assert!(
        checked > 1000 && skipped > 100 && found > 500,
        "{checked} queries, {skipped} records ruled out, {found} matched"
    );
}
