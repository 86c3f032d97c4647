
// Appended by `cargo xtask npm` (xtask/src/npm.rs) to the viewer's
// wasm-bindgen glue, as viewer/embed-HASH.js: in the page openViewer()
// opened (viewer.mjs), this module starts the viewer, with the wasm where
// the page's meta tag says (a bundler renames files). One file, larger than
// a bundler's inlining limit: a data: URL script could not run under the
// page's CSP.
document.getElementById("prompttrace-embed-note")?.remove();
await __wbg_init({ module_or_path: document.querySelector('meta[name="prompttrace-viewer-wasm"]')?.getAttribute("content") });
