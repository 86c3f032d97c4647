//! **The rule** for a delta (B − A) as it reads: its sign is decided from
//! the value as displayed, not the raw float, so `0.1 + 0.2` against `0.3`
//! reads "±$0" and not "−$0.000000"; a real difference too small to show
//! reads "<" the smallest shown unit, with its sign. The CLI and the
//! viewer each format the magnitude their own way and share this rule.

/// Which way B went from A, as shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Even,
}

/// A signed delta: its direction and its magnitude as text (no sign;
/// `Direction` says which, each renderer draws its own sign).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delta {
    pub direction: Direction,
    pub text: String,
}

/// `d` shown by `show` (which formats a magnitude ≥ 0); `smallest` is the
/// smallest magnitude `show` can tell from zero.
pub fn delta(d: f64, show: impl Fn(f64) -> String, smallest: f64) -> Delta {
    let text = show(d.abs());
    let rounds_to_zero = text.chars().filter(char::is_ascii_digit).all(|c| c == '0');
    let direction = if d > 0.0 {
        Direction::Up
    } else if d < 0.0 {
        Direction::Down
    } else {
        Direction::Even
    };
    match (rounds_to_zero, direction) {
        (true, Direction::Even) | (false, _) => Delta { direction, text },
        // Float noise (0.1 + 0.2 vs 0.3) is no difference at all.
        (true, _) if d.abs() < smallest / 1e6 => Delta {
            direction: Direction::Even,
            text: show(0.0),
        },
        (true, _) => Delta {
            direction,
            text: format!("<{}", show(smallest)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(d: f64) -> Delta {
        delta(d, |x| format!("${x:.6}"), 0.000_001)
    }

    #[test]
    fn a_delta_takes_its_sign_from_the_value_shown() {
        assert_eq!(cost((0.1 + 0.2) - 0.3).direction, Direction::Even);
        assert_eq!(cost((0.1 + 0.2) - 0.3).text, "$0.000000");
        assert_eq!(cost(-0.0).direction, Direction::Even);
        assert_eq!(cost(0.0).text, "$0.000000");
        assert_eq!(
            cost(0.000_000_2),
            Delta {
                direction: Direction::Up,
                text: "<$0.000001".into()
            }
        );
        assert_eq!(cost(-0.000_000_2).direction, Direction::Down);
        assert_eq!(
            cost(-0.25),
            Delta {
                direction: Direction::Down,
                text: "$0.250000".into()
            }
        );
    }
}
