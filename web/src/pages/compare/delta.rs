//! B minus A as it reads on screen: core's delta rule (the sign from the
//! value as shown), each figure in its own format, and which way it went
//! (a class for colour; the sign says it in text).

use prompttrace::compare::{delta, Direction};

use crate::format;

pub struct Delta {
    pub text: String,
    /// "up", "down" or "even"; "" when either side is unknown.
    pub direction: &'static str,
}

fn signed(d: f64, show: impl Fn(f64) -> String, smallest: f64) -> Delta {
    let shown = delta(d, show, smallest);
    let (sign, direction) = match shown.direction {
        Direction::Up => ("+", "up"),
        Direction::Down => ("−", "down"),
        Direction::Even => ("±", "even"),
    };
    Delta {
        text: format!("{sign}{}", shown.text),
        direction,
    }
}

fn unknown() -> Delta {
    Delta {
        text: "–".into(),
        direction: "",
    }
}

pub fn duration(a: Option<f64>, b: Option<f64>) -> Delta {
    match (a, b) {
        (Some(a), Some(b)) => signed(b - a, |d| format::duration(Some(d)), 0.01),
        _ => unknown(),
    }
}

pub fn cost(a: Option<f64>, b: Option<f64>) -> Delta {
    match (a, b) {
        (Some(a), Some(b)) => signed(b - a, |d| format::cost(Some(d)), 0.000_001),
        _ => unknown(),
    }
}

pub fn count(a: i64, b: i64) -> Delta {
    signed((b - a) as f64, |d| format::count(d as u64), 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_deltas_are_signed_in_each_figures_format() {
        assert_eq!(duration(Some(1245.0), Some(1518.0)).text, "+273 ms");
        assert_eq!(duration(Some(1518.0), Some(1245.0)).text, "−273 ms");
        assert_eq!(duration(None, Some(3.0)).text, "–");
        assert_eq!(count(955, 969).text, "+14");
        assert_eq!(count(3, 3).text, "±0");
        assert_eq!(count(3, 3).direction, "even");
        assert_eq!(cost(Some(0.0000675), Some(0.0000723)).text, "+$0.000005");
    }

    #[test]
    fn compare_deltas_of_float_noise_read_even_and_tiny_ones_less_than() {
        let noise = cost(Some(0.3), Some(0.1 + 0.2));
        assert_eq!((noise.text.as_str(), noise.direction), ("±$0", "even"));
        let minus_zero = cost(Some(0.0), Some(-0.0));
        assert_eq!(minus_zero.direction, "even");
        let tiny = cost(Some(0.0000001), Some(0.0000004));
        assert_eq!((tiny.text.as_str(), tiny.direction), ("+<$0.000001", "up"));
        let tiny = cost(Some(0.0000004), Some(0.0000001));
        assert_eq!(
            (tiny.text.as_str(), tiny.direction),
            ("−<$0.000001", "down")
        );
    }
}
