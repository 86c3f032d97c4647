//! The hash of the conventions' lookup: every attribute of every span is
//! looked up, and foldhash's strings past 16 bytes (most keys) cost wasm32
//! several 32-bit multiplies a word (it has no 64 × 64 → 128 one).
//!
//! The table's keys are ours and fixed, and a file's keys are only looked
//! up, never inserted: a crafted key can at worst collide with the table's
//! hundred-odd keys, so no seed is needed. The length and the first and
//! last eight bytes tell the table's keys apart.

use std::hash::{BuildHasherDefault, Hasher};

/// Only for maps whose keys are ours: a map filled from a file's keys
/// needs the seeded hash of `crate::hash`.
pub(crate) type KeyHash = BuildHasherDefault<KeyHasher>;

#[derive(Default)]
pub(crate) struct KeyHasher(u64);

const K1: u64 = 0x9e37_79b9_7f4a_7c15;
const K2: u64 = 0xff51_afd7_ed55_8ccd;

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let word = |at: &[u8]| {
            let mut padded = [0u8; 8];
            padded[..at.len()].copy_from_slice(at);
            u64::from_le_bytes(padded)
        };
        let n = bytes.len();
        let head = word(&bytes[..n.min(8)]);
        let tail = word(&bytes[n.saturating_sub(8)..]);
        self.0 =
            (self.0 ^ n as u64 ^ head.wrapping_mul(K1) ^ tail.rotate_left(31)).wrapping_mul(K2);
    }

    fn write_u8(&mut self, byte: u8) {
        self.0 = self.0.rotate_left(8) ^ u64::from(byte);
    }

    fn finish(&self) -> u64 {
        // Both ends mixed: hashbrown takes the bucket from the low bits and
        // its tag from the top seven.
        let h = (self.0 ^ (self.0 >> 32)).wrapping_mul(K1);
        h ^ (h >> 29)
    }
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use super::KeyHash;

    #[test]
    fn key_hash_tells_the_conventions_keys_apart() {
        let rules = super::super::rules_for_tests();
        let hash = KeyHash::default();
        let mut buckets = std::collections::HashSet::new();
        for key in rules {
            // No two keys share a hash (so none share a probe in the table).
            assert!(buckets.insert(hash.hash_one(key)), "{key} shares a hash");
        }
        assert!(buckets.len() > 50);
    }
}
