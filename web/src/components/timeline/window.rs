//! Which rows of a virtual list are in view: a pure function, so the list
//! never needs to know what it shows.

use std::ops::Range;

/// Rows intersecting the viewport, plus `overscan` rows on each side.
pub fn visible(
    scroll_top: f64,
    viewport: f64,
    row_height: f64,
    count: usize,
    overscan: usize,
) -> Range<usize> {
    if count == 0 || row_height <= 0.0 {
        return 0..0;
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let shown = (viewport / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(overscan).min(count);
    let end = (first + shown + overscan).min(count);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_bounded_whatever_the_count() {
        assert_eq!(visible(0.0, 560.0, 28.0, 20_000, 10), 0..31);
        assert_eq!(visible(28_000.0, 560.0, 28.0, 20_000, 10), 990..1031);
        assert_eq!(visible(1e9, 560.0, 28.0, 20_000, 10), 20_000..20_000);
        assert_eq!(visible(0.0, 560.0, 28.0, 5, 10), 0..5);
        assert_eq!(visible(0.0, 560.0, 28.0, 0, 10), 0..0);
    }
}
