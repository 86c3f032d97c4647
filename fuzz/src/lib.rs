//! Checks shared by the fuzz targets: what must hold after any import.

use prompttrace::format::{self, native};
use prompttrace::Store;

/// The file name the targets pass to the readers.
pub const FILE: &str = "fuzz-input";

/// A small valid native file whose ids are those of
/// `tests/fixtures/traces/chat-session.*` (the seed corpus), both records
/// still running, so mutated seeds hit both the update and the conflict
/// paths of the store when imported on top of it.
pub const BASE: &str = r#"{
  "format": "prompttrace",
  "version": 1,
  "traces": [
    {
      "id": "910a2dec-8902-4cc1-beeb-8da1658eec67",
      "name": "greeting",
      "session_id": "chat_123",
      "user_id": "user_42",
      "status": "running",
      "started_at": "2024-05-01T12:00:00Z",
      "input": "Hi!"
    }
  ],
  "observations": [
    {
      "id": "f893a2ee-fb32-455e-b1c1-8690ee42c90b",
      "trace_id": "910a2dec-8902-4cc1-beeb-8da1658eec67",
      "name": "greeting",
      "type": "generation",
      "status": "running",
      "started_at": "2024-05-01T12:00:00Z",
      "input": "Hello John! How can I help?",
      "provider": "openai",
      "model": "gpt-4"
    }
  ]
}
"#;

/// The store holding [`BASE`].
pub fn base_store() -> Store {
    let mut store = Store::new();
    format::import(&mut store, "base.json", BASE.as_bytes())
        .unwrap_or_else(|e| panic!("the base file must import: {e}"));
    store
}

/// A store that imported something must save as a native file that loads
/// back into a fresh store (never an error), and saves the same again.
pub fn assert_round_trip(store: &Store) {
    let written = native::write(store);
    let mut reloaded = Store::new();
    if let Err(e) = format::import(&mut reloaded, "round-trip.json", written.as_bytes()) {
        panic!("the store's own native file does not import: {e}\n--- written ---\n{written}");
    }
    let rewritten = native::write(&reloaded);
    assert!(
        rewritten == written,
        "native write -> import -> write changed the file\n--- first ---\n{written}\n--- second ---\n{rewritten}"
    );
}

/// A failed import must leave the store as it was: same native file, same
/// indexes.
pub fn assert_unchanged(before: &Store, before_written: &str, after: &Store) {
    let after_written = native::write(after);
    assert!(
        after_written == before_written,
        "a failed import changed the store\n--- before ---\n{before_written}\n--- after ---\n{after_written}"
    );
    assert!(
        after == before,
        "a failed import changed the store's indexes (its native file is unchanged)"
    );
}
