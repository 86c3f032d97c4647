//! Small SVG charts over time buckets: columns (one value a bucket) and
//! lines (several series); a bucket without a value is a gap, never a 0.
//! Each bucket has a hover title with its exact figures, and each chart a
//! text alternative: a one-line summary the SVG is described by, and its
//! values as a table under "Show as table". Colours come from the CSS
//! variables through classes (`.chart …` in style.css), so both themes
//! read. Values are only drawn: what they are is the caller's.

use leptos::prelude::*;

const WIDTH: f64 = 460.0;
const HEIGHT: f64 = 170.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 22.0;
/// The plot's height.
const PLOT: f64 = HEIGHT - BOTTOM - TOP;
/// At most this many time labels under a chart.
const X_LABELS: usize = 4;

/// One line of a [`LineChart`]: a value per bucket, `None` for a gap.
#[derive(Clone)]
pub struct Series {
    pub name: &'static str,
    /// The CSS class that colours it.
    pub class: &'static str,
    pub values: Vec<Option<f64>>,
}

/// The axis ticks from 0: 2 to 5 steps of 1, 2 or 5 × 10ⁿ covering `max`
/// (0 to 1 when nothing is above 0), no step under `min_step` (1 for
/// counts, which have no halves).
pub fn nice_ticks(max: f64, min_step: f64) -> Vec<f64> {
    if max.is_nan() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let rough = (max / 4.0).max(min_step);
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step * 4.0 >= max && step >= min_step)
        .unwrap_or(10.0 * power);
    let steps = (max / step).ceil() as usize;
    (0..=steps).map(|i| i as f64 * step).collect()
}

/// Columns, one a bucket (`None`: no value known, no column). `labels`
/// names each bucket (its start); `titles` is each bucket's hover text;
/// `format` writes a value exactly, `tick` an axis tick (short).
#[component]
pub fn ColumnChart(
    label: &'static str,
    values: Vec<Option<f64>>,
    labels: Vec<String>,
    titles: Vec<String>,
    format: fn(f64) -> String,
    tick: fn(f64) -> String,
    #[prop(default = "column")] class: &'static str,
    /// Whole numbers (counts): no tick between two integers.
    #[prop(optional)]
    whole: bool,
) -> impl IntoView {
    let max = values.iter().flatten().copied().fold(0.0, f64::max);
    let min_step = if whole { 1.0 } else { 0.0 };
    let frame = Frame::new(values.len(), nice_ticks(max, min_step));
    let width = frame.column * 0.8;
    let columns = values
        .iter()
        .zip(titles)
        .enumerate()
        .map(|(i, (&value, title))| {
            let x = frame.x(i);
            let column = value.map(|value| {
                let y = frame.y(value);
                let bar = HEIGHT - BOTTOM - y;
                view! { <rect class=class x=x + frame.column * 0.1 y=y width=width height=bar/> }
            });
            view! {
                <g>
                    <title>{title}</title>
                    <rect class="hit" x=x y=TOP width=frame.column height=PLOT/>
                    {column}
                </g>
            }
        })
        .collect_view();
    let table = Table {
        label,
        labels: &labels,
        series: &[(label, &values)],
        format,
    };
    frame.draw(label, &table, tick, columns, None::<()>)
}

/// Lines over the buckets, with a dot per value.
#[component]
pub fn LineChart(
    label: &'static str,
    series: Vec<Series>,
    labels: Vec<String>,
    titles: Vec<String>,
    format: fn(f64) -> String,
    tick: fn(f64) -> String,
) -> impl IntoView {
    let buckets = labels.len();
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .fold(0.0, f64::max);
    let frame = Frame::new(buckets, nice_ticks(max, 0.0));
    let centre = |i: usize| frame.x(i) + frame.column / 2.0;
    let lines = series
        .iter()
        .map(|s| {
            // A gap starts a new segment ("M"), a value goes on ("L").
            let mut path = String::new();
            let mut drawing = false;
            for (i, value) in s.values.iter().enumerate() {
                match value {
                    Some(v) => {
                        let step = if drawing { 'L' } else { 'M' };
                        path.push_str(&format!("{step}{:.1},{:.1} ", centre(i), frame.y(*v)));
                        drawing = true;
                    }
                    None => drawing = false,
                }
            }
            let dots = s
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (i, v)))
                .map(|(i, v)| view! { <circle class=s.class cx=centre(i) cy=frame.y(v) r="2.5"/> })
                .collect_view();
            view! {
                <g class=format!("series {}", s.class)>
                    <path class="line" d=path/>
                    {dots}
                </g>
            }
        })
        .collect_view();
    let hits = titles
        .into_iter()
        .enumerate()
        .map(|(i, title)| {
            view! {
                <g>
                    <title>{title}</title>
                    <rect class="hit" x=frame.x(i) y=TOP width=frame.column height=PLOT/>
                </g>
            }
        })
        .collect_view();
    let legend = series
        .iter()
        .map(|s| view! { <span class=format!("legend {}", s.class)>{s.name}</span> })
        .collect_view();
    let values: Vec<(&str, &Vec<Option<f64>>)> =
        series.iter().map(|s| (s.name, &s.values)).collect();
    let table = Table {
        label,
        labels: &labels,
        series: &values,
        format,
    };
    frame.draw(label, &table, tick, (lines, hits), Some(legend))
}

/// A chart's values as text: what the SVG says, for those who cannot see it.
struct Table<'a> {
    label: &'static str,
    labels: &'a [String],
    /// Each series' name and values (one a bucket).
    series: &'a [(&'a str, &'a Vec<Option<f64>>)],
    format: fn(f64) -> String,
}

impl Table<'_> {
    fn cell(&self, value: Option<f64>) -> String {
        value.map_or_else(|| "–".to_string(), self.format)
    }

    /// One line: the range, and each series' highest bucket.
    fn summary(&self) -> String {
        let (Some(first), Some(last)) = (self.labels.first(), self.labels.last()) else {
            return format!("{}: no buckets.", self.label);
        };
        let highs = self
            .series
            .iter()
            .map(|(name, values)| {
                let high = values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.map(|v| (i, v)))
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                match high {
                    Some((i, v)) => format!(
                        "{name} highest {} at {}",
                        self.cell(Some(v)),
                        self.labels[i]
                    ),
                    None => format!("{name} unknown throughout"),
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        format!(
            "{}: {} buckets from {first} to {last}; {highs}.",
            self.label,
            self.labels.len()
        )
    }

    fn view(&self) -> impl IntoView {
        let heads = self
            .series
            .iter()
            .map(|(name, _)| view! { <th scope="col">{name.to_string()}</th> })
            .collect_view();
        let rows = self
            .labels
            .iter()
            .enumerate()
            .map(|(i, when)| {
                let cells = self
                    .series
                    .iter()
                    .map(|(_, values)| {
                        view! { <td class="num">{self.cell(values.get(i).copied().flatten())}</td> }
                    })
                    .collect_view();
                view! { <tr><th scope="row">{when.clone()}</th>{cells}</tr> }
            })
            .collect_view();
        view! {
            <details class="chart-table">
                <summary>"Show as table"</summary>
                <table>
                    <thead><tr><th scope="col">"Bucket (UTC)"</th>{heads}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        }
    }
}

/// A tick's number, short enough for the axis: 950, 1.2k, 15k, 1.2M, 3B.
pub fn compact(n: f64) -> String {
    const UNITS: [(f64, &str); 3] = [(1e9, "B"), (1e6, "M"), (1e3, "k")];
    for (unit, suffix) in UNITS {
        if n.abs() >= unit {
            let short = format!("{:.1}", n / unit);
            let short = short.strip_suffix(".0").unwrap_or(&short);
            return format!("{short}{suffix}");
        }
    }
    let text = format!("{n:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The plot area: buckets across, ticks up.
struct Frame {
    buckets: usize,
    column: f64,
    ticks: Vec<f64>,
}

impl Frame {
    fn new(buckets: usize, ticks: Vec<f64>) -> Frame {
        Frame {
            buckets,
            column: (WIDTH - LEFT - RIGHT) / buckets.max(1) as f64,
            ticks,
        }
    }

    fn x(&self, bucket: usize) -> f64 {
        LEFT + bucket as f64 * self.column
    }

    fn y(&self, value: f64) -> f64 {
        let top = self
            .ticks
            .last()
            .copied()
            .unwrap_or(1.0)
            .max(f64::MIN_POSITIVE);
        HEIGHT - BOTTOM - (value / top).clamp(0.0, 1.0) * PLOT
    }

    /// The chart: gridlines and tick labels, `marks`, and up to
    /// [`X_LABELS`] bucket labels spread evenly.
    fn draw(
        &self,
        label: &'static str,
        table: &Table,
        tick: fn(f64) -> String,
        marks: impl IntoView,
        legend: Option<impl IntoView>,
    ) -> impl IntoView {
        let grid = self
            .ticks
            .iter()
            .map(|&value| {
                let y = self.y(value);
                view! {
                    <g>
                        <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=y y2=y/>
                        <text class="tick" x=LEFT - 4.0 y=y + 3.5 text-anchor="end">{if value == 0.0 { "0".to_string() } else { tick(value) }}</text>
                    </g>
                }
            })
            .collect_view();
        let every = self.buckets.div_ceil(X_LABELS).max(1);
        let times = table
            .labels
            .iter()
            .cloned()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(i, text)| {
                // Centred under its bucket, but kept inside the frame.
                let centre = self.x(i) + self.column / 2.0;
                let (x, anchor) = if centre < LEFT + 32.0 {
                    (self.x(i), "start")
                } else if centre > WIDTH - RIGHT - 32.0 {
                    (WIDTH - RIGHT, "end")
                } else {
                    (centre, "middle")
                };
                view! { <text class="tick" x=x y=HEIGHT - 6.0 text-anchor=anchor>{text}</text> }
            })
            .collect_view();
        // Ids from the label: one chart of each on a page.
        let id: String = label
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let described = format!("chart-{id}-summary");
        view! {
            <figure class="chart">
                <figcaption>{label}</figcaption>
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label aria-describedby=described.clone()>
                    {grid}
                    {marks}
                    {times}
                </svg>
                {legend.map(|legend| view! { <div class="chart-legend">{legend}</div> })}
                <p class="visually-hidden" id=described>{table.summary()}</p>
                {table.view()}
            </figure>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_ticks_are_round_and_cover_the_maximum() {
        assert_eq!(nice_ticks(0.0, 1.0), [0.0, 1.0]);
        assert_eq!(nice_ticks(7.0, 1.0), [0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(10.0, 0.0), [0.0, 5.0, 10.0]);
        assert_eq!(nice_ticks(1234.0, 0.0), [0.0, 500.0, 1000.0, 1500.0]);
        assert_eq!(nice_ticks(1.0, 0.0), [0.0, 0.5, 1.0]);
        assert_eq!(nice_ticks(1.0, 1.0), [0.0, 1.0], "no half a call");
        assert_eq!(nice_ticks(3.0, 1.0), [0.0, 1.0, 2.0, 3.0]);
        let small = nice_ticks(0.0042, 0.0);
        assert_eq!(small.len(), 4);
        assert!(small[3] >= 0.0042 && small[2] < 0.0042);
    }

    #[test]
    fn charts_ticks_are_short() {
        assert_eq!(compact(0.5), "0.5");
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(1_000.0), "1k");
        assert_eq!(compact(1_250.0), "1.2k");
        assert_eq!(compact(15_000.0), "15k");
        assert_eq!(compact(1_200_000.0), "1.2M");
        assert_eq!(compact(3e9), "3B");
    }

    #[test]
    fn charts_table_says_the_range_and_the_highest() {
        let labels = ["12:00".to_string(), "12:05".to_string()];
        let values = vec![Some(1.0), None];
        let table = Table {
            label: "Cost",
            labels: &labels,
            series: &[("Cost", &values)],
            format: |v| format!("${v}"),
        };
        assert_eq!(
            table.summary(),
            "Cost: 2 buckets from 12:00 to 12:05; Cost highest $1 at 12:00."
        );
        assert_eq!(table.cell(None), "–");
    }
}
