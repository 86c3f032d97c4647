//! An observation id as the key of the store's `owner` map. Ids up to
//! [`INLINE`] bytes (OpenTelemetry's and the npm package's 16 hex digits)
//! are held in the map's own slot, longer ones (UUIDs) on the heap.
//!
//! Why: every end of an observation looks its id up, and a `String` key's
//! bytes are a heap read of their own, apart from the slot: with many
//! observations in memory each lookup paid that cache miss, and storing a
//! key cost an allocation.

/// The longest id held inline.
const INLINE: usize = 22;

/// Looked up by a key made of the id (`IdKey::new`, a copy of at most
/// [`INLINE`] bytes): hashed and compared as bytes, never read back as text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IdKey {
    /// Zero-filled past `len`, so equal ids are equal arrays.
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Heap(Box<str>),
}

impl IdKey {
    pub fn new(id: &str) -> IdKey {
        if id.len() > INLINE {
            return IdKey::Heap(id.into());
        }
        let mut bytes = [0; INLINE];
        bytes[..id.len()].copy_from_slice(id.as_bytes());
        IdKey::Inline {
            len: id.len() as u8,
            bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::HashMap;

    #[test]
    fn short_and_long_ids_are_found_by_their_bytes() {
        let long = "u".repeat(23);
        let ids = ["", "a", "0123456789abcdef", "é-multibyte-id-22-byte", &long];
        let mut map = HashMap::default();
        for (at, id) in ids.iter().enumerate() {
            map.insert(IdKey::new(id), at);
        }
        for (at, id) in ids.iter().enumerate() {
            assert_eq!(map.get(&IdKey::new(id)), Some(&at), "{id}");
        }
        assert!(matches!(IdKey::new(&"u".repeat(22)), IdKey::Inline { .. }));
        assert!(matches!(IdKey::new(&long), IdKey::Heap(_)));
        assert_eq!(map.get(&IdKey::new("0123456789abcdeF")), None);
        assert_eq!(map.get(&IdKey::new("0123456789abcde")), None);
    }
}
