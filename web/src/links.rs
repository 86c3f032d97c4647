//! Deep links. Pages live in the query string of the one index.html
//! (`?page=trace&id=…&obs=…`), so every link works from any static file
//! server with no rewrite rules: the path is always the app's own.

/// A link to a page with parameters.
pub fn to(page: &str, params: &[(&str, &str)]) -> String {
    let mut href = format!("?page={page}");
    for (key, value) in params {
        href.push('&');
        href.push_str(key);
        href.push('=');
        href.push_str(&encode(value));
    }
    href
}

pub fn trace(id: &str) -> String {
    to("trace", &[("id", id)])
}

pub fn observation(trace: &str, observation: &str) -> String {
    to("trace", &[("id", trace), ("obs", observation)])
}

/// A trace page with its search (`&q=`) and selection kept.
pub fn trace_view(trace: &str, observation: Option<&str>, query: Option<&str>) -> String {
    trace_in_view(trace, observation, query, None)
}

/// The same in a view of the trace (`&view=flame`; `None`: the tree), so
/// the view survives a new selection, a search, a reload and the back button.
pub fn trace_in_view(
    trace: &str,
    observation: Option<&str>,
    query: Option<&str>,
    view: Option<&str>,
) -> String {
    let mut params = vec![("id", trace)];
    params.extend(observation.map(|o| ("obs", o)));
    params.extend(query.filter(|q| !q.is_empty()).map(|q| ("q", q)));
    params.extend(view.map(|v| ("view", v)));
    to("trace", &params)
}

/// Two traces side by side: `a`, the reference run, and `b`.
pub fn compare(a: &str, b: &str) -> String {
    to("compare", &[("a", a), ("b", b)])
}

pub fn session(id: &str) -> String {
    to("session", &[("id", id)])
}

/// Percent-encodes all but unreserved URL characters.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_encode_ids_that_are_not_url_safe() {
        assert_eq!(
            observation("t 1", "a&b=c"),
            "?page=trace&id=t%201&obs=a%26b%3Dc"
        );
        assert_eq!(session("chat_123"), "?page=session&id=chat_123");
        assert_eq!(compare("a/1", "b 2"), "?page=compare&a=a%2F1&b=b%202");
    }

    #[test]
    fn links_keep_the_trace_view() {
        assert_eq!(
            trace_in_view("t", Some("o"), Some("x y"), Some("flame")),
            "?page=trace&id=t&obs=o&q=x%20y&view=flame"
        );
        assert_eq!(trace_in_view("t", None, None, None), "?page=trace&id=t");
    }
}
