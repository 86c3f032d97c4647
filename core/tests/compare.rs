//! Two runs compared (`compare`): steps aligned by name and type in order,
//! added and removed steps marked, a changed answer diffed line by line,
//! and the totals' deltas.

use prompttrace::compare::{compare, render_text, step_content, Change, Tag};
use prompttrace::model::{Observation, ObservationType, Trace, Usage};
use prompttrace::store::End;
use prompttrace::{Json, PriceTable, Store, Timestamp};
use serde_json::json;

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_nanos(ms * 1_000_000)
}

/// One run of a small agent: a plan, a tool, an answer.
fn run(store: &mut Store, id: &str, tool: &str, answer: &str, tokens: u64) {
    run_on(store, id, tool, answer, tokens, "gpt-4o-mini");
}

/// The same run, its LLM calls made with `model`.
fn run_on(store: &mut Store, id: &str, tool: &str, answer: &str, tokens: u64, model: &str) {
    store.add_trace(Trace::new(id, "support", at(0))).unwrap();
    let step = |n: &str, kind, name: &str, parent: Option<&str>, start: i64| {
        let mut o = Observation::new(format!("{id}.{n}"), kind, name, at(start));
        o.trace_id = Some(id.to_string());
        o.parent_id = parent.map(|p| format!("{id}.{p}"));
        o
    };
    store
        .add_observation(step("agent", ObservationType::Agent, "agent", None, 1))
        .unwrap();
    let mut plan = step(
        "plan",
        ObservationType::Generation,
        "plan",
        Some("agent"),
        2,
    );
    plan.model = Some(model.into());
    plan.input = Some(Json::new(
        &json!([{"role": "user", "content": "Where is the Louvre?"}]),
    ));
    store.add_observation(plan).unwrap();
    store
        .add_observation(step("tool", ObservationType::Tool, tool, Some("agent"), 3))
        .unwrap();
    let mut llm = step(
        "answer",
        ObservationType::Generation,
        "answer",
        Some("agent"),
        4,
    );
    llm.model = Some(model.into());
    llm.input = Some(Json::new(
        &json!([{"role": "user", "content": "Where is the Louvre?"}]),
    ));
    store.add_observation(llm).unwrap();
    let usage = Usage {
        input: Some(tokens),
        output: Some(10),
        ..Usage::default()
    };
    for (n, end, output) in [
        ("plan", 5, "search it"),
        ("tool", 6, "found"),
        ("answer", 8 + tokens as i64, answer),
    ] {
        let mut ended = End::completed().output(output);
        if n != "tool" {
            ended = ended.usage(usage.clone());
        }
        store
            .end_observation(&format!("{id}.{n}"), at(end), ended)
            .unwrap();
    }
    store
        .end_observation(
            &format!("{id}.agent"),
            at(9 + tokens as i64),
            End::completed(),
        )
        .unwrap();
    store
        .end_trace(id, at(10 + tokens as i64), End::completed())
        .unwrap();
}

#[test]
fn two_runs_align_by_step_mark_the_tool_that_changed_and_diff_the_answer() {
    let mut store = Store::new();
    run(
        &mut store,
        "a",
        "search_web",
        "The Louvre is in Paris.",
        100,
    );
    run(&mut store, "b", "calculator", "The Louvre is in Lyon.", 140);
    let comparison = compare(&store, &PriceTable::builtin(), "a", "b").unwrap();
    let steps: Vec<(usize, &str, Change)> = comparison
        .steps
        .iter()
        .map(|s| (s.depth, s.name(), s.change))
        .collect();
    assert_eq!(
        steps,
        [
            (0, "agent", Change::Same),
            (1, "plan", Change::Same),
            (1, "search_web", Change::Removed),
            (1, "calculator", Change::Added),
            (1, "answer", Change::Changed),
        ]
    );
    let answer = &comparison.steps[4];
    let changed: Vec<(Tag, &str)> = answer
        .diff
        .iter()
        .filter(|l| l.tag != Tag::Same)
        .map(|l| (l.tag, l.text.trim()))
        .collect();
    assert_eq!(
        changed,
        [
            (Tag::Removed, "assistant: The Louvre is in Paris."),
            (Tag::Added, "assistant: The Louvre is in Lyon.")
        ]
    );
    let (a, b) = (answer.a.as_ref().unwrap(), answer.b.as_ref().unwrap());
    assert_eq!((a.tokens.total, b.tokens.total), (110, 150));
    assert!(
        b.cost.unwrap() > a.cost.unwrap(),
        "gpt-4o-mini is priced: more tokens cost more"
    );
    assert_eq!(
        (comparison.a.tokens.total, comparison.b.tokens.total),
        (220, 300)
    );
    // The plan and the answer: two LLM calls in each run.
    assert_eq!(
        (comparison.a.llm_call_count, comparison.b.llm_call_count),
        (2, 2)
    );

    // A step only one run has shows the text it would be compared by.
    let removed = comparison.steps[2].a.as_ref().unwrap();
    assert_eq!(step_content(&store, &removed.id), "output:\n\"found\"\n");

    let text = render_text(&comparison);
    assert!(
        text.contains("steps: 1 changed, 1 added, 1 removed, 2 same"),
        "{text}"
    );
    assert!(
        text.contains("- tool search_web") && text.contains("+ tool calculator"),
        "{text}"
    );
    assert!(text.contains("tokens 110 → 150 (+40)"), "{text}");
    assert!(text.contains("LLM calls 2 → 2   errors 0 → 0"), "{text}");
    assert!(
        text.contains("    -   assistant: The Louvre is in Paris."),
        "{text}"
    );
}

#[test]
fn a_run_compared_with_itself_is_all_same_and_an_unknown_id_is_named() {
    let mut store = Store::new();
    run(&mut store, "a", "search_web", "Paris", 100);
    let comparison = compare(&store, &PriceTable::builtin(), "a", "a").unwrap();
    assert!(comparison
        .steps
        .iter()
        .all(|s| s.change == Change::Same && s.diff.is_empty()));
    assert_eq!(
        compare(&store, &PriceTable::builtin(), "a", "zz").unwrap_err(),
        "no trace with id zz"
    );
}

#[test]
fn a_step_whose_status_changed_is_changed_even_with_the_same_content() {
    let mut store = Store::new();
    run(&mut store, "a", "search_web", "Paris", 100);
    store.add_trace(Trace::new("b", "support", at(0))).unwrap();
    let mut agent = Observation::new("b.agent", ObservationType::Agent, "agent", at(1));
    agent.trace_id = Some("b".into());
    store.add_observation(agent).unwrap();
    store
        .end_observation("b.agent", at(2), End::failed("timed out"))
        .unwrap();
    let comparison = compare(&store, &PriceTable::builtin(), "a", "b").unwrap();
    assert_eq!(
        (comparison.a.llm_call_count, comparison.b.llm_call_count),
        (2, 0)
    );
    assert_eq!(comparison.steps[0].change, Change::Changed);
    assert!(comparison.steps[1..]
        .iter()
        .all(|s| s.change == Change::Removed));
    assert!(render_text(&comparison).contains("[completed → error]"));
}

#[test]
fn a_model_swap_is_a_change_even_when_the_text_is_the_same() {
    let mut store = Store::new();
    run(&mut store, "a", "search_web", "Paris", 100);
    run_on(&mut store, "b", "search_web", "Paris", 100, "gpt-4o");
    let comparison = compare(&store, &PriceTable::builtin(), "a", "b").unwrap();
    let changed: Vec<&str> = comparison
        .steps
        .iter()
        .filter(|s| s.change == Change::Changed)
        .map(|s| s.name())
        .collect();
    assert_eq!(changed, ["plan", "answer"]);
    assert!(comparison.steps[1].diff.is_empty(), "same text: no diff");
    assert!(
        render_text(&comparison).contains("model gpt-4o-mini → gpt-4o"),
        "{}",
        render_text(&comparison)
    );
}

/// One root with `n` tool children named `prefix0`, `prefix1`, ….
fn wide(store: &mut Store, id: &str, prefix: &str, n: usize, root: &str, output: &str) {
    store.add_trace(Trace::new(id, root, at(0))).unwrap();
    let mut agent = Observation::new(format!("{id}.root"), ObservationType::Agent, root, at(1));
    agent.trace_id = Some(id.into());
    agent.output = Some(Json::new(&json!(output)));
    store.add_observation(agent).unwrap();
    for i in 0..n {
        let mut tool = Observation::new(
            format!("{id}.{i}"),
            ObservationType::Tool,
            format!("{prefix}{i}"),
            at(2),
        );
        tool.trace_id = Some(id.into());
        tool.parent_id = Some(format!("{id}.root"));
        store.add_observation(tool).unwrap();
    }
}

#[test]
fn ten_thousand_differing_siblings_are_paired_by_key_quickly() {
    let mut store = Store::new();
    wide(&mut store, "a", "t", 10_000, "agent", "x");
    // B: the same siblings with every other one renamed, so nearly every
    // stretch differs (Myers would walk ~10⁸ diagonals).
    store.add_trace(Trace::new("b", "agent", at(0))).unwrap();
    let mut agent = Observation::new("b.root", ObservationType::Agent, "agent", at(1));
    agent.trace_id = Some("b".into());
    agent.output = Some(Json::new(&json!("x")));
    store.add_observation(agent).unwrap();
    for i in 0..10_000 {
        let name = if i % 2 == 0 {
            format!("t{i}")
        } else {
            format!("u{i}")
        };
        let mut tool = Observation::new(format!("b.{i}"), ObservationType::Tool, name, at(2));
        tool.trace_id = Some("b".into());
        tool.parent_id = Some("b.root".into());
        store.add_observation(tool).unwrap();
    }
    let started = std::time::Instant::now();
    let comparison = compare(&store, &PriceTable::builtin(), "a", "b").unwrap();
    // Generous bound: a debug build on a busy machine; Myers took minutes.
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    let tally = comparison.tally();
    assert_eq!(
        (tally.same, tally.removed, tally.added),
        (1 + 5_000, 5_000, 5_000)
    );
}

#[test]
fn a_renamed_root_keeps_both_names_apart_and_a_huge_step_is_not_diffed() {
    let mut store = Store::new();
    // ~400 KB of output each, differing throughout.
    let big_a: String = (0..40_000).map(|i| format!("k{i} ")).collect();
    let big_b: String = (0..40_000).map(|i| format!("v{i} ")).collect();
    wide(&mut store, "a", "t", 1, "agent \u{202e}old", &big_a);
    wide(&mut store, "b", "t", 1, "agent new", &big_b);
    let comparison = compare(&store, &PriceTable::builtin(), "a", "b").unwrap();
    let root = &comparison.steps[0];
    assert_eq!(root.a_name.as_deref(), Some("agent \u{202e}old"));
    assert_eq!(root.b_name.as_deref(), Some("agent new"));
    assert_eq!(root.name(), "agent new");
    assert_eq!(root.renamed_from(), Some("agent \u{202e}old"));
    assert_eq!(root.change, Change::Changed);
    assert_eq!(root.diff.len(), 1);
    assert_eq!(root.diff[0].tag, Tag::Note);
    assert!(
        root.diff[0].text.starts_with("too large to diff (")
            && root.diff[0].text.ends_with(" bytes)"),
        "{}",
        root.diff[0].text
    );
}
