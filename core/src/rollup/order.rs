//! **The rule** of how lists order a figure that may be unknown (a cost
//! without a price, a latency with nothing ended): unknown comes before
//! every known value, $0 and 0 ms included, so a sort never mixes "no
//! price" in among the free calls. Every sortable table (traces, sessions,
//! the dashboard's breakdowns) orders by it.

use std::cmp::Ordering;

/// Orders two figures, unknown first.
pub fn figure_order(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => a.total_cmp(&b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_comes_before_zero_and_known_values_in_order() {
        let mut figures = vec![Some(2.5), None, Some(0.0), Some(-0.0), Some(1e-9), None];
        figures.sort_by(|a, b| figure_order(*a, *b));
        assert_eq!(
            figures,
            [None, None, Some(-0.0), Some(0.0), Some(1e-9), Some(2.5)]
        );
    }
}
