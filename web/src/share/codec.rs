//! A shared trace's bytes as text: native JSON Lines, compressed with the
//! browser's own `CompressionStream("deflate-raw")` (no codec in the wasm),
//! then base64url without padding — the same text in a link's `#t=` and in
//! a downloaded HTML file's data block (whose alphabet holds no `<`, so
//! nothing in a trace can close the block).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, ReadableWritablePair, Response, WritableStream};

use crate::loader::blob_of;

// web-sys has these behind `web_sys_unstable_apis`; the two members used
// are declared here instead (every browser we support has both).
#[wasm_bindgen]
extern "C" {
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> WritableStream;

    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> WritableStream;
}

/// The format both streams use: deflate without zlib's header and checksum.
pub const FORMAT: &str = "deflate-raw";

/// JSON Lines → the shared text.
pub async fn encode(lines: &str) -> Result<String, String> {
    Ok(URL_SAFE_NO_PAD.encode(deflate(lines.as_bytes()).await?))
}

/// Bytes compressed as `FORMAT` (also the wasm a downloaded file holds).
pub async fn deflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let stream = CompressionStream::new(FORMAT).map_err(message)?;
    let pair = ReadableWritablePair::new(&stream.readable(), &stream.writable());
    through(bytes, &pair).await.map_err(message)
}

/// The shared text → JSON Lines; a damaged or cut text is refused (the
/// deflate stream ends early, or is not one).
pub async fn decode(text: &str) -> Result<String, String> {
    let packed = URL_SAFE_NO_PAD
        .decode(text.trim())
        .map_err(|_| "it is not base64url text (damaged or cut short)".to_string())?;
    let stream = DecompressionStream::new(FORMAT).map_err(message)?;
    let pair = ReadableWritablePair::new(&stream.readable(), &stream.writable());
    let lines = through(&packed, &pair)
        .await
        .map_err(|_| "its compressed data is damaged or cut short".to_string())?;
    String::from_utf8(lines).map_err(|_| "it is not UTF-8 text".to_string())
}

/// Bytes through a transform stream, read whole.
async fn through(bytes: &[u8], pair: &ReadableWritablePair) -> Result<Vec<u8>, JsValue> {
    let out = blob_of(bytes).stream().pipe_through(pair);
    let response = Response::new_with_opt_readable_stream(Some(&out))?;
    let buffer = JsFuture::from(response.array_buffer()?).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn message(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            js_sys::Reflect::get(&error, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "the browser cannot compress".into())
}
