//! The core's rollup items the viewer uses, named in this one place: pages
//! import them from here, so when the core moves its rollup module only
//! this line changes.

pub use prompttrace::rules::rollup::{rollups, CostTotals, PriceCache, Rollups, Tokens};
