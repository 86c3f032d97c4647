//! Which row each frame is drawn on. **The rule:** a frame sits one row
//! below its parent, unless it overlaps an earlier sibling in time
//! (parallel tool calls, concurrent requests): then it takes the first
//! lane of its parent's whose frames have all ended when it starts, and a
//! lane sits below the lanes before it, each as tall as the tallest
//! subtree in it. So overlapping siblings never hide each other, and rows
//! stay depth when nothing overlaps. Roots are laid out the same way.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::{Flame, Frame};

/// Sets each frame's `row` and the flame's `rows`.
pub fn assign(flame: &mut Flame) {
    // Children follow their parent in the order, so walking backwards
    // sees every subtree's height before its parent needs it.
    let count = flame.frames.len();
    let mut height = vec![1_usize; count];
    // A frame's row below its parent (or below row 0, for a root).
    let mut offset = vec![0_usize; count];
    for parent in (0..count).rev() {
        let children: Vec<usize> = flame.children(parent).collect();
        height[parent] = 1 + stack_lanes(&flame.frames, &children, &height, &mut offset, 1);
    }
    let roots: Vec<usize> = flame.roots().collect();
    flame.rows = stack_lanes(&flame.frames, &roots, &height, &mut offset, 0);
    for (i, below) in offset.into_iter().enumerate() {
        let above = flame.frames[i].parent.map_or(0, |p| flame.frames[p].row);
        flame.frames[i].row = above + below;
    }
}

/// Puts `siblings` (in start order) in lanes, sets their offsets (from
/// `first`, the row of the first lane) and returns the lanes' total height.
/// O(n log n) in the siblings: the busy lanes by end and the free lanes by
/// index are heaps, so a wide fan-out (thousands of parallel calls) costs
/// no more than sorting it.
fn stack_lanes(
    frames: &[Frame],
    siblings: &[usize],
    height: &[usize],
    offset: &mut [usize],
    first: usize,
) -> usize {
    // Per lane: its tallest subtree.
    let mut tallest: Vec<usize> = Vec::new();
    let mut busy: BinaryHeap<Reverse<(End, usize)>> = BinaryHeap::new();
    let mut free: BinaryHeap<Reverse<usize>> = BinaryHeap::new();
    let mut lane_of = Vec::with_capacity(siblings.len());
    for &s in siblings {
        let frame = &frames[s];
        while let Some(&Reverse((End(end), lane))) = busy.peek() {
            if end > frame.from_ms {
                break;
            }
            busy.pop();
            free.push(Reverse(lane));
        }
        // The first lane whose frames have all ended, or a new one.
        let lane = free.pop().map_or_else(
            || {
                tallest.push(0);
                tallest.len() - 1
            },
            |Reverse(lane)| lane,
        );
        busy.push(Reverse((End(frame.to_ms), lane)));
        tallest[lane] = tallest[lane].max(height[s]);
        lane_of.push(lane);
    }
    let mut starts = Vec::with_capacity(tallest.len());
    let mut below = first;
    for &t in &tallest {
        starts.push(below);
        below += t;
    }
    for (&s, &lane) in siblings.iter().zip(&lane_of) {
        offset[s] = starts[lane];
    }
    below - first
}

/// A lane's end, ordered (times are never NaN).
#[derive(Clone, Copy, PartialEq)]
struct End(f64);

impl Eq for End {}

impl PartialOrd for End {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for End {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}
