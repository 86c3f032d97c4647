//! A shared trace's bytes as text: native JSON Lines, compressed with the
//! browser's own `CompressionStream("deflate")` (no codec in the wasm; zlib
//! framing, whose Adler-32 checksum makes a link altered in transit fail
//! instead of decoding to other bytes), then base64url without padding —
//! the same text in a link's `#t=` and in a downloaded HTML file's data
//! block (whose alphabet holds no `<`, so nothing in a trace can close the
//! block).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ReadableStream, ReadableStreamDefaultReader, ReadableWritablePair, Response, WritableStream,
};

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

/// The format both streams use: zlib (deflate with a header and checksum).
pub const FORMAT: &str = "deflate";

/// JSON Lines → the shared text.
pub async fn encode(lines: &str) -> Result<String, String> {
    Ok(URL_SAFE_NO_PAD.encode(deflate(lines.as_bytes()).await?))
}

/// Bytes compressed as `FORMAT` (also the wasm a downloaded file holds).
pub async fn deflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let cannot = |error| format!("the browser could not compress it ({})", message(error));
    let stream = CompressionStream::new(FORMAT).map_err(cannot)?;
    let pair = ReadableWritablePair::new(&stream.readable(), &stream.writable());
    through(bytes, &pair).await.map_err(cannot)
}

/// The shared text → JSON Lines; a damaged, altered or cut text is
/// refused (the stream ends early, is not one, or its checksum differs),
/// and so is one that inflates past `limit` bytes (read part by part, so
/// a decompression bomb is stopped at the limit, not in memory whole).
pub async fn decode(text: &str, limit: usize) -> Result<String, String> {
    let packed = URL_SAFE_NO_PAD
        .decode(text.trim())
        .map_err(|_| "it is not base64url text (damaged or cut short)".to_string())?;
    let stream = DecompressionStream::new(FORMAT)
        .map_err(|error| format!("the browser cannot decompress it ({})", message(error)))?;
    let pair = ReadableWritablePair::new(&stream.readable(), &stream.writable());
    let out = blob_of(&packed).stream().pipe_through(&pair);
    let reader: ReadableStreamDefaultReader = out.get_reader().unchecked_into();
    let mut lines = Vec::new();
    loop {
        let damaged = |_| "its compressed data is damaged, altered or cut short".to_string();
        let part = JsFuture::from(reader.read()).await.map_err(damaged)?;
        if js_sys::Reflect::get(&part, &"done".into())
            .map_err(damaged)?
            .is_truthy()
        {
            break;
        }
        let value: Uint8Array = js_sys::Reflect::get(&part, &"value".into())
            .map_err(damaged)?
            .unchecked_into();
        if lines.len() + value.length() as usize > limit {
            let _ = reader.cancel();
            return Err(format!(
                "it is too large: it unpacks to more than {} MB",
                limit / (1024 * 1024)
            ));
        }
        // A failed allocation is an error said, not a trapped page.
        let (start, length) = (lines.len(), value.length() as usize);
        lines
            .try_reserve(length)
            .map_err(|_| "there is not enough memory to unpack it".to_string())?;
        lines.resize(start + length, 0);
        value.copy_to(&mut lines[start..]);
    }
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
        .unwrap_or_else(|| "no reason given".into())
}
