//! The tree flattened into rows, depth first in start order, skipping the
//! children of collapsed rows. Pure: tested natively.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use prompttrace::model::{Level, ObservationType, Status};
use prompttrace::rules::axis::{axis, SHORTEST_MS};
use prompttrace::rules::duration;
use prompttrace::store::{TraceEntry, Tree};
use prompttrace::time::millis_between;

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub kind: ObservationType,
    pub status: Status,
    pub level: Level,
    pub depth: usize,
    /// Start, in ms along the trace's time axis (`rules::axis`: from the
    /// earliest start, which may precede the trace record's).
    pub start_ms: f64,
    pub duration_ms: Option<f64>,
    pub has_children: bool,
    pub collapsed: bool,
}

// A row is its own key in the virtual list: it is drawn again exactly when
// something it shows changed. Its times come from timestamps and are never
// NaN, so `==` is an equivalence; equal rows have equal ids, so hashing the
// id agrees with it.
impl Eq for Row {}

impl Hash for Row {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

pub fn flatten(entry: &TraceEntry, collapsed: &HashSet<String>) -> Vec<Row> {
    let trace_start = entry.trace().started_at;
    let Tree {
        ordered,
        children,
        roots,
    } = entry.tree();
    let axis = axis(
        trace_start,
        ordered.iter().map(|o| (o.started_at, o.ended_at)),
    );
    let mut rows = Vec::with_capacity(ordered.len());
    // Iterative depth-first walk: a stack of (index, depth), children pushed reversed.
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&i| (i, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        let observation = ordered[i];
        let is_collapsed = collapsed.contains(&observation.id);
        rows.push(Row {
            id: observation.id.clone(),
            name: observation.name.clone(),
            kind: observation.kind,
            status: observation.status,
            level: observation.level,
            depth,
            start_ms: axis.at(millis_between(trace_start, observation.started_at)),
            duration_ms: duration::duration_ms(observation),
            has_children: !children[i].is_empty(),
            collapsed: is_collapsed,
        });
        if !is_collapsed {
            stack.extend(children[i].iter().rev().map(|&c| (c, depth + 1)));
        }
    }
    rows
}

/// The time axis's length: to the last known end of the rows shown, never
/// shorter than `rules::axis::SHORTEST_MS`.
pub fn span_ms(rows: &[Row]) -> f64 {
    rows.iter()
        .map(|r| r.start_ms + r.duration_ms.unwrap_or(0.0))
        .fold(SHORTEST_MS, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use prompttrace::format;
    use prompttrace::Store;

    fn store() -> Store {
        let mut store = Store::new();
        let text = include_str!("../../../../tests/fixtures/traces/nested-multi-step.json");
        format::import(&mut store, "nested-multi-step.json", text.as_bytes()).unwrap();
        store
    }

    #[test]
    fn rows_walk_depth_first_in_start_order() {
        let store = store();
        let entry = store.traces().next().unwrap();
        let rows = flatten(entry, &HashSet::new());
        let shape: Vec<(usize, &str)> = rows.iter().map(|r| (r.depth, r.name.as_str())).collect();
        assert_eq!(
            shape,
            [
                (0, "planner_agent"),
                (1, "plan"),
                (1, "get_weather"),
                (1, "get_weather"),
                (1, "build_itinerary"),
                (2, "search_attractions"),
                (2, "draft_itinerary"),
                (3, "long_context"),
            ]
        );
        assert_eq!(rows[1].start_ms, 0.0);
        assert_eq!(rows[1].duration_ms, Some(620.0));
        assert_eq!(span_ms(&rows), 5_360.0);
    }

    #[test]
    fn rows_start_on_the_axis_of_an_observation_before_the_trace() {
        let at = |ms: i64| {
            prompttrace::time::Timestamp::from_unix_millis_f64((1_714_564_800_000 + ms) as f64)
                .unwrap()
                .to_rfc3339()
        };
        let text = format!(
            r#"{{"format":"prompttrace","version":1,"traces":[{{"id":"t","name":"t","status":"running","started_at":"{}"}}],"observations":[{{"id":"a","trace_id":"t","name":"a","type":"span","status":"completed","started_at":"{}","ended_at":"{}"}}]}}"#,
            at(0),
            at(-200),
            at(300)
        );
        let mut store = Store::new();
        format::import(&mut store, "t.json", text.as_bytes()).unwrap();
        let rows = flatten(store.traces().next().unwrap(), &HashSet::new());
        assert_eq!(rows[0].start_ms, 0.0);
        assert_eq!(span_ms(&rows), 500.0);
    }

    #[test]
    fn rows_of_a_collapsed_node_are_hidden() {
        let store = store();
        let entry = store.traces().next().unwrap();
        let chain = flatten(entry, &HashSet::new())
            .into_iter()
            .find(|r| r.name == "build_itinerary")
            .unwrap();
        let rows = flatten(entry, &HashSet::from([chain.id.clone()]));
        assert_eq!(rows.len(), 5);
        assert!(rows.last().unwrap().collapsed);
    }
}
