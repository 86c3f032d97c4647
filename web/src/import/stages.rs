//! Where one file's import spent its time, said in the browser's console
//! (`console.info`, from the worker) once the file is stored: read, parse,
//! the stored records' read, merge, records made and put, commit. A user
//! with a slow import sees which part is slow; `cargo xtask bench storage`
//! prints the same line.

/// Marks taken as the import goes, each the end of a stage.
pub struct Stages {
    last: f64,
    spent: Vec<(&'static str, f64)>,
}

/// The worker's clock, in ms (`performance.now()`; the Date clock where
/// there is none).
pub(crate) fn now() -> f64 {
    let scope: web_sys::WorkerGlobalScope = wasm_bindgen::JsCast::unchecked_into(js_sys::global());
    scope
        .performance()
        .map_or_else(js_sys::Date::now, |performance| performance.now())
}

impl Stages {
    pub fn start() -> Stages {
        Stages {
            last: now(),
            spent: Vec::new(),
        }
    }

    /// Ends the stage under way, named `what`.
    pub fn mark(&mut self, what: &'static str) {
        let at = now();
        self.spent.push((what, at - self.last));
        self.last = at;
    }

    /// "name (12.3 MB): read 80 ms, parse 310 ms, …; 1.42 s in all, 8.7
    /// MB/s; wasm memory 52 MB" (the worker's memory never shrinks: that is
    /// its peak so far, which wasm32 caps at 4 GiB).
    pub fn line(&self, name: &str, bytes: usize) -> String {
        let total: f64 = self.spent.iter().map(|(_, ms)| ms).sum();
        let stages: Vec<String> = (self.spent.iter())
            .map(|(what, ms)| format!("{what} {}", ms_text(*ms)))
            .collect();
        let mb = bytes as f64 / 1e6;
        format!(
            "prompttrace import: {name} ({mb:.1} MB): {}; {} in all, {:.1} MB/s; wasm memory {:.0} MB",
            stages.join(", "),
            ms_text(total),
            mb / (total / 1000.0).max(1e-3),
            wasm_memory() / 1e6,
        )
    }
}

fn ms_text(ms: f64) -> String {
    match ms < 1000.0 {
        true => format!("{ms:.0} ms"),
        false => format!("{:.2} s", ms / 1000.0),
    }
}

/// The worker's wasm memory, in bytes.
fn wasm_memory() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return (core::arch::wasm32::memory_size(0) * 65536) as f64;
    #[cfg(not(target_arch = "wasm32"))]
    0.0
}
