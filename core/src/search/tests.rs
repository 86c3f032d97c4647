//! Search, field by field and script by script, on records built here;
//! `core/tests/search.rs` runs it on real SDK files.

use serde_json::json;

use super::*;
use crate::model::{ObservationType, Status};
use crate::store::Batch;
use crate::time::Timestamp;

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_nanos(1_714_564_800_000_000_000 + seconds * 1_000_000_000)
}

fn query(text: &str) -> Query {
    Query::new(text).expect("a non-empty query")
}

fn span(id: &str, name: &str) -> Observation {
    let mut o = Observation::new(id, ObservationType::Span, name, at(0));
    o.trace_id = Some("t1".into());
    o
}

/// Where `text` matches in this observation.
fn fields_of(o: &Observation, text: &str) -> Vec<Field> {
    observation_fields(o, &query(text)).iter().collect()
}

fn trace(id: &str, name: &str, start: i64) -> Trace {
    Trace::new(id, name, at(start))
}

fn store(traces: Vec<Trace>, observations: Vec<Observation>) -> Store {
    let mut store = Store::new();
    store
        .import(Batch {
            traces,
            observations,
            repeats_allowed: false,
        })
        .expect("valid records");
    store
}

#[test]
fn search_query_is_trimmed_and_folded_and_empty_is_no_query() {
    assert_eq!(query("  Rotate KEY \n").folded(), "rotate key");
    assert!(Query::new("").is_none());
    assert!(Query::new(" \t\n ").is_none());
}

#[test]
fn search_matches_each_observation_field_and_says_which() {
    let mut o = span("obs-7f3a", "fetch_invoice");
    o.kind = ObservationType::Generation;
    o.type_label = Some("llm_call".into());
    o.model = Some("gpt-4o-mini".into());
    o.provider = Some("openai".into());
    o.input = Some(json!({"question": "Where is my parcel?"}).into());
    o.output = Some(json!("It ships Tuesday").into());
    o.metadata = Some(json!({"tenant": "acme-corp"}).into());
    o.status_message = Some("upstream timeout".into());
    assert_eq!(fields_of(&o, "invoice"), [Field::Name]);
    assert_eq!(fields_of(&o, "generation"), [Field::Type]);
    assert_eq!(fields_of(&o, "llm_call"), [Field::Type]);
    assert_eq!(fields_of(&o, "7f3a"), [Field::Id]);
    assert_eq!(fields_of(&o, "4O-MINI"), [Field::Model]);
    assert_eq!(fields_of(&o, "openai"), [Field::Provider]);
    assert_eq!(fields_of(&o, "parcel"), [Field::Input]);
    assert_eq!(fields_of(&o, "tuesday"), [Field::Output]);
    assert_eq!(fields_of(&o, "acme"), [Field::Metadata]);
    assert_eq!(fields_of(&o, "timeout"), [Field::StatusMessage]);
    assert!(fields_of(&o, "nowhere").is_empty());
}

#[test]
fn search_reports_every_field_that_matches() {
    let mut o = span("o1", "summarise report");
    o.input = Some(json!("the report").into());
    o.output = Some(json!("Report: fine").into());
    assert_eq!(
        fields_of(&o, "report"),
        [Field::Name, Field::Input, Field::Output]
    );
    let fields = observation_fields(&o, &query("report"));
    assert!(fields.contains(Field::Output) && !fields.contains(Field::Metadata));
    assert_eq!(Field::StatusMessage.label(), "status message");
}

#[test]
fn search_matches_each_trace_field() {
    let mut t = trace("trace-9c1", "checkout flow", 0);
    t.session_id = Some("sess-42".into());
    t.user_id = Some("alice@example.com".into());
    t.tags = vec!["beta".into(), "eu-west".into()];
    t.input = Some(json!({"cart": ["Teapot"]}).into());
    t.output = Some(json!({"total": 1234.5}).into());
    t.metadata = Some(json!({"plan": "enterprise"}).into());
    t.status_message = Some("card declined".into());
    let fields = |text: &str| trace_fields(&t, &query(text)).iter().collect::<Vec<_>>();
    assert_eq!(fields("CHECKOUT"), [Field::Name]);
    assert_eq!(fields("9c1"), [Field::Id]);
    assert_eq!(fields("sess-42"), [Field::Session]);
    assert_eq!(fields("alice@"), [Field::User]);
    assert_eq!(fields("eu-west"), [Field::Tags]);
    assert_eq!(fields("teapot"), [Field::Input]);
    assert_eq!(fields("1234.5"), [Field::Output]);
    assert_eq!(fields("enterprise"), [Field::Metadata]);
    assert_eq!(fields("declined"), [Field::StatusMessage]);
}

#[test]
fn search_ignores_case_in_every_script() {
    let mut o = span("o1", "step");
    o.output = Some(
        json!({
            "ru": "Привет, МИР",
            "el": "Η ΟΔΟΣ Αθηνάς",
            "fr": "Crème BRÛLÉE",
            "de": "Größe",
            "zh": "东京的天气很好",
            "ja": "東京タワー",
            "ar": "مرحبا بالعالم",
            "hy": "ՀԱՅԵՐԵՆ"
        })
        .into(),
    );
    for text in [
        "мир",
        "привет, мир",
        "οδος",
        "ΑΘΗΝΆΣ",
        "crème brûlée",
        "CRÈME",
        "GRÖßE",
        "东京的天气",
        "東京タワー",
        "بالعالم",
        "հայերեն",
    ] {
        assert_eq!(fields_of(&o, text), [Field::Output], "{text}");
    }
    // Accents are letters: "creme" is another word. Lowercasing is not
    // full case folding: "ß" is not "ss".
    assert!(fields_of(&o, "creme").is_empty());
    assert!(fields_of(&o, "GRÖSSE").is_empty());
}

#[test]
fn search_decodes_escapes_in_payloads() {
    let mut o = span("o1", "step");
    // As Python's json.dumps writes non-ASCII text, and a quote and a newline.
    o.input = Some(
        Json::parse(
            r#"{"text":"\u4e2d\u6587 \u041f\u0420\u0418\u0412\u0415\u0422 said \"hi\"\nbye"}"#,
        )
        .unwrap(),
    );
    assert_eq!(fields_of(&o, "中文"), [Field::Input]);
    assert_eq!(fields_of(&o, "привет"), [Field::Input]);
    assert_eq!(fields_of(&o, r#"said "hi""#), [Field::Input]);
    assert_eq!(fields_of(&o, "\"hi\"\nbye"), [Field::Input]);
    // The escapes themselves are not text.
    assert!(fields_of(&o, "u4e2d").is_empty());
    assert!(fields_of(&o, "\\n").is_empty());
}

#[test]
fn search_reads_values_not_keys_or_json_punctuation() {
    let mut o = span("o1", "step");
    o.input = Some(json!({"role": "user", "content": "a", "flag": true, "n": null}).into());
    // Keys, literals and text across two values are not content.
    for text in [
        "role",
        "content",
        "true",
        "null",
        r#"user","content"#,
        r#""a""#,
    ] {
        assert!(fields_of(&o, text).is_empty(), "{text}");
    }
    assert_eq!(fields_of(&o, "user"), [Field::Input]);
    // A value that quotes text is found with the quotes.
    o.input = Some(json!({"content": "the flag \"a\" is set"}).into());
    assert_eq!(fields_of(&o, r#""a""#), [Field::Input]);
}

#[test]
fn search_matches_numbers_as_written() {
    let mut o = span("o1", "step");
    o.metadata = Some(Json::parse(r#"{"order_id":884213,"score":-0.25,"big":1E+21}"#).unwrap());
    assert_eq!(fields_of(&o, "884213"), [Field::Metadata]);
    assert_eq!(fields_of(&o, "-0.25"), [Field::Metadata]);
    assert_eq!(fields_of(&o, "1e+21"), [Field::Metadata]);
    assert!(fields_of(&o, "884213,").is_empty());
}

#[test]
fn search_matches_a_phrase_not_separate_words() {
    let mut o = span("o1", "step");
    o.output = Some(json!("Open Settings, then rotate the API key.").into());
    assert_eq!(fields_of(&o, "rotate the api"), [Field::Output]);
    assert_eq!(fields_of(&o, "  Rotate the API Key.  "), [Field::Output]);
    assert!(fields_of(&o, "rotate key").is_empty());
    assert!(fields_of(&o, "key rotate").is_empty());
}

#[test]
fn search_finds_a_word_only_in_a_tool_result_of_an_openai_chat_input() {
    let mut generation = span("gen-2", "chat gpt-4o");
    generation.kind = ObservationType::Generation;
    generation.input = Some(
        json!([
            {"role": "system", "content": "You answer about orders."},
            {"role": "user", "content": "Where is order 1182?"},
            {"role": "assistant", "content": null, "tool_calls": [{
                "id": "call_7", "type": "function",
                "function": {"name": "lookup_order", "arguments": "{\"id\":\"1182\"}"}
            }]},
            {"role": "tool", "tool_call_id": "call_7",
             "content": "{\"status\":\"held at customs in Rotterdam\"}"}
        ])
        .into(),
    );
    generation.output = Some(json!({"role": "assistant", "content": "It is held."}).into());
    let other = span("gen-1", "plan");
    let store = store(
        vec![trace("t1", "support", 0), trace("t2", "support", 1)],
        vec![other, generation],
    );
    let q = query("ROTTERDAM");
    let matches = trace_matches(store.trace("t1").unwrap(), &q);
    assert_eq!(
        matches.observations,
        [ObservationMatch {
            id: "gen-2".into(),
            fields: [Field::Input].into_iter().collect(),
        }]
    );
    assert!(matches.trace.is_empty() && matches.is_match());
    assert_eq!(traces_matching(&store, &q), ["t1"]);
    assert!(!trace_matches(store.trace("t2").unwrap(), &q).is_match());
}

#[test]
fn search_results_follow_the_timeline_order_not_arrival_or_start_order() {
    // root (0s) ─ a (1s) ─ a-child (4s)
    //          └ b (3s)
    // Start order would be root, a, b, a-child; the timeline shows a's
    // child before b. They arrive in yet another order.
    let mut observations = Vec::new();
    for (id, parent, start) in [
        ("a-child", Some("a"), 4),
        ("b", Some("root"), 3),
        ("root", None, 0),
        ("a", Some("root"), 1),
    ] {
        let mut o = span(id, &format!("step {id}"));
        o.parent_id = parent.map(String::from);
        o.started_at = at(start);
        observations.push(o);
    }
    let store = store(vec![trace("t1", "flow", 0)], observations);
    let matches = trace_matches(store.trace("t1").unwrap(), &query("step"));
    let ids: Vec<&str> = matches.observations.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["root", "a", "a-child", "b"]);
}

#[test]
fn search_across_traces_keeps_those_with_a_match_in_start_order() {
    let mut late = trace("t-late", "ingest", 20);
    late.tags = vec!["nightly".into()];
    let mut error = span("o1", "parse");
    error.trace_id = Some("t-early".into());
    error.status = Status::Error;
    error.ended_at = Some(at(11));
    error.status_message = Some("Nightly job failed".into());
    let store = store(
        vec![
            late,
            trace("t-early", "ingest", 10),
            trace("t-none", "ingest", 0),
        ],
        vec![error],
    );
    assert_eq!(
        traces_matching(&store, &query("nightly")),
        ["t-early", "t-late"]
    );
    assert_eq!(traces_matching(&store, &query("ingest")).len(), 3);
    assert!(traces_matching(&store, &query("weekly")).is_empty());
}
