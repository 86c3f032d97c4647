//! The heap of every wasm build (the npm package's cores, the viewer and
//! its workers): dlmalloc, the allocator std uses on wasm32, over a linear
//! memory that grows in large steps.
//!
//! Why: std's dlmalloc grows the memory by what one allocation needs,
//! 64 KB at a time. Each `memory.grow` makes V8 swap the memory's
//! `ArrayBuffer` and count the new bytes as external memory, which starts
//! garbage collections; a first import of a 268 MB file grew the memory
//! thousands of times and spent two thirds of its time there (6.0 s in a
//! fresh Node process against 2.0 s once the memory had grown; 2.3 s with
//! this heap). Growing by an eighth of the memory at least makes that a
//! few dozen grows, and leaves at most an eighth of it unused (reserved,
//! not touched: no resident memory).
//!
//! Everywhere but wasm32 this crate is empty: native builds keep the
//! system allocator.

#![no_std]

#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(target_arch = "wasm32")]
pub use wasm::Heap;

/// Pages (64 KiB each) to grow by when `needed` are missing and the memory
/// has `have`: an eighth of what it has, 1 MiB at least, and never less
/// than needed.
pub fn growth(needed: usize, have: usize) -> usize {
    const LEAST: usize = 16;
    needed.max(have / 8).max(LEAST)
}

#[cfg(test)]
mod tests {
    use super::growth;

    #[test]
    fn the_memory_grows_by_an_eighth_at_least_and_never_less_than_needed() {
        assert_eq!(growth(1, 0), 16, "1 MiB at the start");
        assert_eq!(growth(1, 800), 100);
        assert_eq!(
            growth(500, 800),
            500,
            "a large allocation gets what it needs"
        );
        // From 1 MiB to 1 GiB (16,384 pages) one page at a time: dozens of
        // grows, not thousands.
        let (mut have, mut grows) = (16, 0);
        while have < 16_384 {
            have += growth(1, have);
            grows += 1;
        }
        assert!(grows < 70, "{grows} grows");
    }
}
