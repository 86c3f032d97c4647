//! Where new trace and observation ids come from.
//!
//! Invariant: core draws no randomness of its own. Ids are UUID v4 text; the
//! random bits come from the caller (`SeededIds`, e.g. seeded by JS's
//! `crypto.getRandomValues`) or, natively, from the OS (`RandomIds`).

/// A source of fresh, unique ids.
pub trait IdSource: Send {
    fn next_id(&mut self) -> String;
}

/// UUID v4 ids from a seeded generator (SplitMix64): deterministic for a
/// given seed, so generated fixtures are stable, and pure, so it runs in wasm.
#[derive(Debug, Clone)]
pub struct SeededIds {
    state: u64,
}

impl SeededIds {
    pub fn new(seed: u64) -> SeededIds {
        SeededIds { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl IdSource for SeededIds {
    fn next_id(&mut self) -> String {
        let bits = (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64());
        uuid::Builder::from_random_bytes(bits.to_be_bytes())
            .into_uuid()
            .to_string()
    }
}

/// UUID v4 ids from the operating system's randomness (native only).
#[cfg(all(feature = "system", not(target_arch = "wasm32")))]
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomIds;

#[cfg(all(feature = "system", not(target_arch = "wasm32")))]
impl IdSource for RandomIds {
    fn next_id(&mut self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_are_v4_uuids_and_repeat_per_seed() {
        let mut a = SeededIds::new(7);
        let mut b = SeededIds::new(7);
        let first = a.next_id();
        assert_eq!(first, b.next_id());
        let parsed = uuid::Uuid::parse_str(&first).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_ne!(first, a.next_id());
    }
}
