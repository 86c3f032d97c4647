//! "Download as HTML": one self-contained file that shows the shared
//! traces opened by double-click, with no network. The viewer fetches its
//! own files from where it was served (the glue, the wasm, the style, as
//! `index.html` names them) and writes them inline: the glue and a few
//! lines that start it from the wasm (deflated, base64, in a data block) as the one
//! module script; the traces in another data block (`codec`'s text, whose
//! alphabet has no `<`: no trace content can end the block). The page
//! keeps a Content-Security-Policy: that one script by its SHA-256 hash,
//! `'wasm-unsafe-eval'` to compile the wasm, and nothing fetched
//! (`default-src 'none'`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use leptos::prelude::document;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{codec, DATA_BLOCK};

/// The id of the data block holding the wasm.
const WASM_BLOCK: &str = "prompttrace-wasm";

/// Starts the viewer from the inlined wasm, deflated (a third of its
/// size) then base64; after the glue, in the same module: `__wbg_init` is
/// the glue's own init. Nothing here reaches the network: a `Response`
/// made from a stream is only a reader.
const START: &str = r#"
{
  const raw = atob(document.getElementById("prompttrace-wasm").textContent);
  const packed = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) packed[i] = raw.charCodeAt(i);
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("deflate"));
  await __wbg_init({ module_or_path: await new Response(stream).arrayBuffer() });
}
"#;

/// The downloaded file's page: `shared` is `codec`'s text of the traces,
/// `title` names them.
pub async fn page(shared: &str, title: &str) -> Result<String, String> {
    let glue = fetch_text(&asset("link[rel=modulepreload]", "the viewer's script")?).await?;
    let wasm = fetch_bytes(&asset("link[rel=preload][as=fetch]", "the viewer's wasm")?).await?;
    let style = fetch_text(&asset("link[rel=stylesheet]", "the viewer's style")?).await?;
    // Never true of our build; checked so a change there cannot end the
    // script or style element early.
    for (name, text, close) in [("script", &glue, "</script"), ("style", &style, "</style")] {
        let lower = text.to_ascii_lowercase();
        if lower.contains(close) || lower.contains("<!--") {
            return Err(format!("the viewer's {name} cannot be inlined"));
        }
    }
    let script = format!("{glue}\n{START}");
    let hash = sha256_base64(script.as_bytes()).await?;
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{hash}' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; \
         img-src data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'"
    );
    Ok(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} — prompttrace</title>\n<style>{style}</style>\n\
         <script type=\"application/octet-stream\" id=\"{DATA_BLOCK}\">{shared}</script>\n\
         <script type=\"application/octet-stream\" id=\"{WASM_BLOCK}\">{wasm}</script>\n\
         <script type=\"module\">{script}</script>\n</head>\n<body></body>\n</html>\n",
        title = escape(title),
        wasm = STANDARD.encode(codec::deflate(&wasm).await?),
    ))
}

/// Text made safe inside an element or an attribute.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The address of a file the page's head names (Trunk's links).
fn asset(selector: &str, what: &str) -> Result<String, String> {
    let unavailable =
        || format!("{what} is not named by this page (only the served viewer can write the file)");
    let link = document()
        .query_selector(selector)
        .ok()
        .flatten()
        .ok_or_else(unavailable)?;
    link.dyn_into::<web_sys::HtmlLinkElement>()
        .map(|link| link.href())
        .map_err(|_| unavailable())
}

async fn fetch(url: &str) -> Result<web_sys::Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    let failed = |_| format!("{url} could not be read from the viewer's server");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    if !response.ok() {
        return Err(format!("{url}: the server answered {}", response.status()));
    }
    Ok(response)
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let response = fetch(url).await?;
    let text = JsFuture::from(response.text().map_err(|_| "no body")?)
        .await
        .map_err(|_| format!("{url}: the download was interrupted"))?;
    text.as_string().ok_or_else(|| format!("{url}: not text"))
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let response = fetch(url).await?;
    let buffer = JsFuture::from(response.array_buffer().map_err(|_| "no body")?)
        .await
        .map_err(|_| format!("{url}: the download was interrupted"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The SHA-256 of `bytes`, base64 (a CSP hash source), from the browser's
/// `crypto.subtle` (only in a secure context: https, localhost, a file).
async fn sha256_base64(bytes: &[u8]) -> Result<String, String> {
    let unavailable = |_: JsValue| {
        "this page cannot compute hashes (crypto.subtle needs https or localhost)".to_string()
    };
    let subtle = web_sys::window()
        .ok_or("no window")?
        .crypto()
        .map_err(unavailable)?
        .subtle();
    if JsValue::from(subtle.clone()).is_undefined() {
        return Err(unavailable(JsValue::UNDEFINED));
    }
    let digest = JsFuture::from(
        subtle
            .digest_with_str_and_u8_array("SHA-256", bytes)
            .map_err(unavailable)?,
    )
    .await
    .map_err(unavailable)?;
    Ok(STANDARD.encode(js_sys::Uint8Array::new(&digest).to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_titles_are_text_whatever_the_trace_name() {
        assert_eq!(
            escape("</title><script>\"&"),
            "&lt;/title&gt;&lt;script&gt;&quot;&amp;"
        );
    }

    #[test]
    fn html_start_script_uses_the_codec_format() {
        assert!(START.contains(&format!("DecompressionStream(\"{}\")", codec::FORMAT)));
    }
}
