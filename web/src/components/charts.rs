//! Small SVG charts over time buckets: columns (one value a bucket) and
//! lines (several series, gaps where a bucket has no value). Each bucket
//! has a hover title with its exact figures; colours come from the CSS
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

/// Columns, one a bucket. `labels` names each bucket (its start);
/// `titles` is each bucket's hover text.
#[component]
pub fn ColumnChart(
    label: &'static str,
    values: Vec<f64>,
    labels: Vec<String>,
    titles: Vec<String>,
    format: fn(f64) -> String,
    #[prop(default = "column")] class: &'static str,
    /// Whole numbers (counts): no tick between two integers.
    #[prop(optional)]
    whole: bool,
) -> impl IntoView {
    let max = values.iter().copied().fold(0.0, f64::max);
    let min_step = if whole { 1.0 } else { 0.0 };
    let frame = Frame::new(values.len(), nice_ticks(max, min_step));
    let width = frame.column * 0.8;
    let columns = values
        .iter()
        .zip(titles)
        .enumerate()
        .map(|(i, (&value, title))| {
            let x = frame.x(i);
            let y = frame.y(value);
            let bar = HEIGHT - BOTTOM - y;
            view! {
                <g>
                    <title>{title}</title>
                    <rect class="hit" x=x y=TOP width=frame.column height=PLOT/>
                    <rect class=class x=x + frame.column * 0.1 y=y width=width height=bar/>
                </g>
            }
        })
        .collect_view();
    frame.draw(label, labels, format, columns, None::<()>)
}

/// Lines over the buckets, with a dot per value.
#[component]
pub fn LineChart(
    label: &'static str,
    series: Vec<Series>,
    labels: Vec<String>,
    titles: Vec<String>,
    format: fn(f64) -> String,
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
    frame.draw(label, labels, format, (lines, hits), Some(legend))
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
        labels: Vec<String>,
        format: fn(f64) -> String,
        marks: impl IntoView,
        legend: Option<impl IntoView>,
    ) -> impl IntoView {
        let grid = self
            .ticks
            .iter()
            .map(|&tick| {
                let y = self.y(tick);
                view! {
                    <g>
                        <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=y y2=y/>
                        <text class="tick" x=LEFT - 4.0 y=y + 3.5 text-anchor="end">{if tick == 0.0 { "0".to_string() } else { format(tick) }}</text>
                    </g>
                }
            })
            .collect_view();
        let every = self.buckets.div_ceil(X_LABELS).max(1);
        let times = labels
            .into_iter()
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
        view! {
            <figure class="chart">
                <figcaption>{label}</figcaption>
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label>
                    {grid}
                    {marks}
                    {times}
                </svg>
                {legend.map(|legend| view! { <div class="chart-legend">{legend}</div> })}
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
}
