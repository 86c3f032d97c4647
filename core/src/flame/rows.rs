//! Which row each frame is drawn on. **The rule:** a frame sits one row
//! below its parent, unless it overlaps an earlier sibling in time
//! (parallel tool calls, concurrent requests): then it takes the first
//! lane of its parent's whose frames have all ended when it starts, and a
//! lane sits below the lanes before it, each as tall as the tallest
//! subtree in it. So overlapping siblings never hide each other, and rows
//! stay depth when nothing overlaps. Roots are laid out the same way.

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
fn stack_lanes(
    frames: &[Frame],
    siblings: &[usize],
    height: &[usize],
    offset: &mut [usize],
    first: usize,
) -> usize {
    // Per lane: where its last frame ends, and its tallest subtree.
    let mut lanes: Vec<(f64, usize)> = Vec::new();
    let mut lane_of = Vec::with_capacity(siblings.len());
    for &s in siblings {
        let frame = &frames[s];
        let lane = match lanes.iter().position(|&(end, _)| end <= frame.from_ms) {
            Some(lane) => lane,
            None => {
                lanes.push((f64::NEG_INFINITY, 0));
                lanes.len() - 1
            }
        };
        lanes[lane].0 = frame.to_ms;
        lanes[lane].1 = lanes[lane].1.max(height[s]);
        lane_of.push(lane);
    }
    let mut starts = Vec::with_capacity(lanes.len());
    let mut below = first;
    for &(_, tallest) in &lanes {
        starts.push(below);
        below += tallest;
    }
    for (&s, &lane) in siblings.iter().zip(&lane_of) {
        offset[s] = starts[lane];
    }
    below - first
}
