//! The flame graph's rule on records built here, and on a real SDK file
//! (the OpenTelemetry JS fixture, whose tool calls ran in parallel).

use super::*;
use crate::format;
use crate::rules::pricing::PriceTable;
use crate::store::Store;

/// An observation as `(id, parent, start ms, end ms or None while running,
/// extra JSON fields)`.
type Spec<'a> = (&'a str, Option<&'a str>, i64, Option<i64>, &'a str);

/// A store holding one trace `t` of these observations.
fn store_of(observations: &[Spec<'_>]) -> Store {
    let base = 1_714_564_800_000_i64; // 2024-05-01T12:00:00Z
    let iso = |ms: i64| {
        crate::time::Timestamp::from_unix_millis_f64((base + ms) as f64)
            .unwrap()
            .to_rfc3339()
    };
    let records: Vec<String> = observations
        .iter()
        .map(|(id, parent, start, end, extra)| {
            let parent = parent.map_or(String::new(), |p| format!(r#","parent_id":"{p}""#));
            let end = end.map_or(r#""status":"running""#.to_string(), |e| {
                format!(r#""status":"completed","ended_at":"{}""#, iso(e))
            });
            let kind = if extra.contains(r#""type""#) { "" } else { r#","type":"span""# };
            format!(
                r#"{{"id":"{id}","trace_id":"t","name":"{id}","started_at":"{}",{end}{parent}{kind}{extra}}}"#,
                iso(*start)
            )
        })
        .collect();
    let text = format!(
        r#"{{"format":"prompttrace","version":1,"traces":[{{"id":"t","name":"t","status":"completed","started_at":"{}","ended_at":"{}"}}],"observations":[{}]}}"#,
        iso(0),
        iso(1000),
        records.join(",")
    );
    let mut store = Store::new();
    format::import(&mut store, "t.json", text.as_bytes()).unwrap();
    store
}

fn flame_of(store: &Store) -> Flame {
    let prices = PriceTable::builtin();
    flame(store.trace("t").unwrap(), &mut PriceCache::new(&prices))
}

/// Frames as (name, depth, from, to).
fn shape(flame: &Flame) -> Vec<(&str, usize, f64, f64)> {
    flame
        .frames
        .iter()
        .map(|f| (f.name.as_str(), f.depth, f.from_ms, f.to_ms))
        .collect()
}

#[test]
fn flame_frames_are_depth_first_with_parents_widened_over_their_children() {
    let store = store_of(&[
        ("root", None, 0, Some(100), ""),
        ("a", Some("root"), 10, Some(40), ""),
        ("a1", Some("a"), 20, Some(60), ""), // outlives its parent
        ("b", Some("root"), 50, None, ""),   // still running
        ("early", Some("b"), 45, Some(55), ""),
    ]);
    let flame = flame_of(&store);
    // `a` is drawn to its child's end, `b` from its child's start and to
    // its parent's end (running): nothing is clipped away.
    assert_eq!(
        shape(&flame),
        [
            ("root", 0, 0.0, 100.0),
            ("a", 1, 10.0, 60.0),
            ("a1", 2, 20.0, 60.0),
            ("b", 1, 45.0, 100.0),
            ("early", 2, 45.0, 55.0),
        ]
    );
    assert_eq!(flame.span_ms, 100.0);
    // `a` and `b` now overlap: `b` takes a lane below `a`'s subtree.
    let rows: Vec<usize> = flame.frames.iter().map(|f| f.row).collect();
    assert_eq!(rows, [0, 1, 2, 3, 4]);
    assert_eq!(flame.rows, 5);
    // Own figures are kept for the tooltip, whatever the clipping.
    assert_eq!(flame.frames[2].duration_ms, Some(40.0));
    assert_eq!(flame.frames[3].duration_ms, None);
    let ends: Vec<usize> = flame.frames.iter().map(|f| f.end).collect();
    assert_eq!(ends, [5, 3, 3, 5, 5]);
    assert_eq!(flame.children(0).collect::<Vec<_>>(), [1, 3]);
    assert_eq!(flame.path(4), [0, 3, 4]);
}

#[test]
fn flame_frames_carry_subtree_figures_and_errors() {
    let store = store_of(&[
        ("root", None, 0, Some(100), ""),
        (
            "llm",
            Some("root"),
            0,
            Some(50),
            r#","type":"generation","model":"gpt-4o-mini","usage":{"input":10,"output":5}"#,
        ),
        ("bad", Some("root"), 50, Some(60), r#","level":"ERROR""#),
    ]);
    let flame = flame_of(&store);
    assert_eq!(flame.frames[0].tokens.total, 15);
    assert_eq!(flame.frames[1].kind, ObservationType::Generation);
    assert!(flame.frames[0].cost.total.is_some());
    assert_eq!(
        flame.frames.iter().map(|f| f.error).collect::<Vec<_>>(),
        [false, false, true]
    );
    assert_eq!(
        flame
            .frames
            .iter()
            .map(|f| f.error_below)
            .collect::<Vec<_>>(),
        [true, false, true]
    );
}

#[test]
fn flame_steps_follow_the_tree() {
    let store = store_of(&[
        ("root", None, 0, Some(100), ""),
        ("a", Some("root"), 10, Some(40), ""),
        ("a1", Some("a"), 20, Some(30), ""),
        ("b", Some("root"), 50, Some(90), ""),
        ("other", None, 95, Some(100), ""),
    ]);
    let flame = flame_of(&store);
    let name = |i: Option<usize>| i.map(|i| flame.frames[i].name.as_str());
    let at = |n: &str| flame.index_of(n);
    assert_eq!(name(flame.step(None, Step::Parent)), Some("root"));
    assert_eq!(name(flame.step(at("a"), Step::FirstChild)), Some("a1"));
    assert_eq!(name(flame.step(at("a1"), Step::FirstChild)), None);
    assert_eq!(name(flame.step(at("a1"), Step::Parent)), Some("a"));
    assert_eq!(name(flame.step(at("a"), Step::NextSibling)), Some("b"));
    assert_eq!(name(flame.step(at("b"), Step::NextSibling)), None);
    assert_eq!(name(flame.step(at("b"), Step::PreviousSibling)), Some("a"));
    assert_eq!(
        name(flame.step(at("root"), Step::NextSibling)),
        Some("other")
    );
    assert_eq!(name(flame.step(at("root"), Step::Parent)), None);
}

/// Blocks as (name of the first frame, merged, row, x, width).
fn blocks(flame: &Flame, window: Window, width: f64) -> Vec<(&str, usize, usize, f64, f64)> {
    layout(flame, window, width, 1.0)
        .iter()
        .map(|p| {
            let name = flame.frames[p.frame].name.as_str();
            (name, p.merged, p.row, p.x, p.width)
        })
        .collect()
}

#[test]
fn layout_places_frames_in_pixels_and_zooms_to_a_frame() {
    let store = store_of(&[
        ("root", None, 0, Some(100), ""),
        ("a", Some("root"), 10, Some(40), ""),
        ("a1", Some("a"), 20, Some(30), ""),
        ("b", Some("root"), 50, Some(90), ""),
    ]);
    let flame = flame_of(&store);
    assert_eq!(
        blocks(&flame, Window::whole(&flame), 200.0),
        [
            ("root", 1, 0, 0.0, 200.0),
            ("a", 1, 1, 20.0, 60.0),
            ("a1", 1, 2, 40.0, 20.0),
            ("b", 1, 1, 100.0, 80.0),
        ]
    );
    // Zoomed to `a`: it fills the width, its parent is clipped to the
    // window, `b` is outside it.
    let zoomed = Window::of(&flame.frames[1]);
    assert_eq!(
        blocks(&flame, zoomed, 300.0),
        [
            ("root", 1, 0, 0.0, 300.0),
            ("a", 1, 1, 0.0, 300.0),
            ("a1", 1, 2, 100.0, 100.0),
        ]
    );
    let placed = layout(&flame, zoomed, 300.0, 1.0);
    assert_eq!(hit(&placed, 150.0, 2, 1.0).map(|p| p.frame), Some(2));
    assert_eq!(hit(&placed, 50.0, 2, 1.0), None);
    assert_eq!(hit(&placed, 50.0, 3, 1.0), None);
}

#[test]
fn layout_merges_runs_of_narrow_siblings_and_widens_lone_ones() {
    // 100 children of 1 ms each, back to back, then one lone 1 ms child far
    // away, on a 10,000 ms axis 1,000 px wide: each is 0.1 px.
    let mut observations = vec![("root", None, 0, Some(10_000), "")];
    let names: Vec<String> = (0..100).map(|i| format!("c{i:03}")).collect();
    for (i, name) in names.iter().enumerate() {
        let start = i as i64;
        observations.push((name.as_str(), Some("root"), start, Some(start + 1), ""));
    }
    observations.push(("lone", Some("root"), 5_000, Some(5_001), ""));
    let store = store_of(&observations);
    let flame = flame_of(&store);
    let shown = blocks(&flame, Window::whole(&flame), 1_000.0);
    assert_eq!(shown.len(), 3);
    assert_eq!(shown[1].0, "c000");
    assert_eq!(shown[1].1, 100);
    assert!((shown[1].4 - 10.0).abs() < 1e-9);
    // The lone one is widened to the minimum width: still seen.
    assert_eq!(shown[2], ("lone", 1, 1, 500.0, 1.0));
    // Zoomed in to the first 50 ms, each child is 20 px: drawn alone.
    let zoomed = blocks(&flame, Window::between(0.0, 50.0), 1_000.0);
    assert_eq!(zoomed.iter().filter(|b| b.1 == 1 && b.2 == 1).count(), 50);
}

#[test]
fn flame_rows_give_overlapping_siblings_lanes_of_their_own() {
    // Two tool calls in parallel, the second with a child; then a call
    // after both, back in the first lane.
    let store = store_of(&[
        ("root", None, 0, Some(100), ""),
        ("weather", Some("root"), 10, Some(20), ""),
        ("flight", Some("root"), 10, Some(60), ""),
        ("post", Some("flight"), 15, Some(55), ""),
        ("answer", Some("root"), 60, Some(90), ""),
        ("answer_part", Some("answer"), 70, Some(80), ""),
    ]);
    let flame = flame_of(&store);
    let rows: Vec<(&str, usize, usize)> = flame
        .frames
        .iter()
        .map(|f| (f.name.as_str(), f.depth, f.row))
        .collect();
    assert_eq!(
        rows,
        [
            ("root", 0, 0),
            ("flight", 1, 1),
            ("post", 2, 2),
            ("weather", 1, 3),
            ("answer", 1, 1),
            ("answer_part", 2, 2),
        ]
    );
    assert_eq!(flame.rows, 4);
    let placed = layout(&flame, Window::whole(&flame), 100.0, 1.0);
    assert_eq!(hit(&placed, 15.0, 3, 1.0).map(|p| p.frame), Some(3));
    assert_eq!(hit(&placed, 15.0, 1, 1.0).map(|p| p.frame), Some(1));
}

#[test]
fn flame_of_the_otel_js_fixture_puts_parallel_tool_calls_in_lanes() {
    let text = include_str!("../../../tests/fixtures/interop/otel-js-genai.json");
    let mut store = Store::new();
    format::import(&mut store, "otel-js-genai.json", text.as_bytes()).unwrap();
    let prices = PriceTable::builtin();
    let entry = store
        .traces()
        .find(|t| t.trace().name == "invoke_agent travel-planner")
        .unwrap();
    let flame = flame(entry, &mut PriceCache::new(&prices));
    let rows: Vec<(&str, usize, usize, bool)> = flame
        .frames
        .iter()
        .map(|f| (f.name.as_str(), f.depth, f.row, f.error))
        .collect();
    assert_eq!(
        rows,
        [
            ("invoke_agent travel-planner", 0, 0, false),
            ("embeddings text-embedding-3-small", 1, 1, false),
            ("retrieval travel-guides", 1, 1, false),
            ("chat gpt-4o", 1, 1, false),
            ("get_weather", 1, 1, false),
            ("book_flight", 1, 2, true),
            ("POST", 2, 3, true),
            ("chat gpt-4o", 1, 1, false),
        ]
    );
    assert_eq!(flame.rows, 4);
    assert_eq!(flame.span_ms, 4_125.0);
    // The root's figures are the trace's: its two LLM calls.
    assert_eq!(flame.frames[0].tokens.total, 932);
}

#[test]
fn flame_of_instant_events_only_still_has_an_axis_and_blocks() {
    let store = store_of(&[
        ("e1", None, 0, Some(0), r#","type":"event""#),
        ("e2", None, 0, Some(0), r#","type":"event""#),
    ]);
    let flame = flame_of(&store);
    assert_eq!(flame.span_ms, crate::rules::axis::SHORTEST_MS);
    let shown = blocks(&flame, Window::whole(&flame), 500.0);
    assert_eq!(shown.len(), 1, "merged: they are at the same instant");
    assert_eq!(shown[0].1, 2);
    assert!(shown[0].4 >= 1.0, "drawn at least min width: {shown:?}");
}

#[test]
fn flame_of_a_lone_running_root_fills_the_width() {
    let store = store_of(&[("root", None, 0, None, "")]);
    let flame = flame_of(&store);
    assert_eq!(
        blocks(&flame, Window::whole(&flame), 400.0),
        [("root", 1, 0, 0.0, 400.0)]
    );
}

/// The extra field of an observation logged at level error.
const ERROR: &str = r#","level":"ERROR""#;

#[test]
fn layout_draws_a_tiny_error_among_long_siblings_and_marks_it() {
    let store = store_of(&[
        ("root", None, 0, Some(10_000), ""),
        ("long", Some("root"), 0, Some(5_000), ""),
        ("bad", Some("root"), 5_000, Some(5_001), ERROR),
        ("after", Some("root"), 5_001, Some(10_000), ""),
        ("deep", Some("after"), 6_000, Some(6_001), ""),
        ("deeper", Some("deep"), 6_000, Some(6_001), ERROR),
    ]);
    let flame = flame_of(&store);
    let placed = layout(&flame, Window::whole(&flame), 1_000.0, 1.0);
    let named = |name: &str| {
        placed
            .iter()
            .find(|p| flame.frames[p.frame].name == name)
            .copied()
    };
    let bad = named("bad").expect("a 0.1 px error is drawn");
    assert_eq!((bad.x, bad.width, bad.error_below), (500.0, 1.0, true));
    // `deeper` is under a narrow frame (not placed): `deep` stands for it.
    assert!(named("deep").unwrap().error_below);
    assert_eq!(named("deeper"), None);
    let after = named("after").unwrap();
    assert!(after.error_below && !flame.frames[after.frame].error);
}

#[test]
fn flame_axis_starts_at_an_observation_before_the_trace() {
    // The SDK recorded the root 200 ms before the trace record's start.
    let store = store_of(&[
        ("root", None, -200, Some(300), ""),
        ("child", Some("root"), -100, Some(0), ""),
    ]);
    let flame = flame_of(&store);
    assert_eq!(flame.span_ms, 500.0);
    assert_eq!(
        shape(&flame),
        [("root", 0, 0.0, 500.0), ("child", 1, 100.0, 200.0)]
    );
    assert_eq!(
        blocks(&flame, Window::whole(&flame), 500.0),
        [("root", 1, 0, 0.0, 500.0), ("child", 1, 1, 100.0, 100.0)]
    );
}

#[test]
fn flame_rows_of_a_wide_parallel_fan_out_are_one_lane_each() {
    // 5,000 calls all running at once, then one after them all: it reuses
    // the first lane.
    let names: Vec<String> = (0..5_000).map(|i| format!("call{i}")).collect();
    let mut observations = vec![("root", None, 0, Some(1_000), "")];
    for name in &names {
        observations.push((name.as_str(), Some("root"), 0, Some(500), ""));
    }
    observations.push(("after", Some("root"), 600, Some(700), ""));
    let store = store_of(&observations);
    let flame = flame_of(&store);
    assert_eq!(flame.rows, 5_001);
    let rows: std::collections::BTreeSet<usize> =
        flame.frames[1..5_001].iter().map(|f| f.row).collect();
    assert_eq!(rows.len(), 5_000, "each call on its own lane");
    assert_eq!(flame.frames[5_001].row, 1, "the first lane again");
    // Whatever the height, the layout places a bounded number per row.
    let placed = layout(&flame, Window::whole(&flame), 800.0, 1.0);
    assert_eq!(placed.len(), 5_002);
}
