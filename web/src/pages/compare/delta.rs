//! B minus A as it reads on screen: signed, in each figure's own format,
//! and which way it went (a class for colour; the sign says it in text).

use crate::format;

pub struct Delta {
    pub text: String,
    /// "up", "down" or "even"; "" when either side is unknown.
    pub direction: &'static str,
}

fn signed(d: f64, show: impl Fn(f64) -> String) -> Delta {
    let (sign, direction) = if d > 0.0 {
        ("+", "up")
    } else if d < 0.0 {
        ("−", "down")
    } else {
        ("±", "even")
    };
    Delta {
        text: format!("{sign}{}", show(d.abs())),
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
        (Some(a), Some(b)) => signed(b - a, |d| format::duration(Some(d))),
        _ => unknown(),
    }
}

pub fn cost(a: Option<f64>, b: Option<f64>) -> Delta {
    match (a, b) {
        (Some(a), Some(b)) => signed(b - a, |d| format::cost(Some(d))),
        _ => unknown(),
    }
}

pub fn count(a: i64, b: i64) -> Delta {
    signed((b - a) as f64, |d| format::count(d as u64))
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
}
