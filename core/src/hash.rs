//! Hash maps keyed by ids. foldhash hashes short strings several times
//! faster than std's SipHash and still seeds itself per process, so a crafted
//! file cannot aim for collisions. Iteration order is never relied on:
//! everything shown or written is sorted first.

pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
