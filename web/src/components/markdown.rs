//! Markdown as elements: pulldown-cmark's events become Leptos nodes, never
//! HTML text. Content is untrusted, so:
//! - raw HTML in the markdown shows as text;
//! - only `http(s)` links become links (`rel="noopener noreferrer"`,
//!   new tab); any other scheme (`javascript:`, `data:`) shows its text;
//! - `data:` images show as thumbnails; a remote image shows as its URL and
//!   is never fetched (the CSP's `img-src` would refuse it anyway).

use leptos::prelude::*;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag};

#[component]
pub fn Markdown(text: String) -> impl IntoView {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    // A stack of open elements, each with the children read so far.
    let mut stack: Vec<(Option<Tag>, Vec<AnyView>)> = vec![(None, Vec::new())];
    for event in Parser::new_ext(&text, options) {
        let leaf = match event {
            Event::Start(tag) => {
                stack.push((Some(tag), Vec::new()));
                continue;
            }
            Event::End(_) => {
                let (tag, children) = stack.pop().expect("every end has a start");
                let element = match tag {
                    Some(tag) => element(tag, children),
                    None => children.into_any(),
                };
                stack.last_mut().expect("the root stays").1.push(element);
                continue;
            }
            Event::Text(text) => text.to_string().into_any(),
            Event::Code(code) => view! { <code>{code.to_string()}</code> }.into_any(),
            Event::InlineMath(math) | Event::DisplayMath(math) => {
                view! { <code>{math.to_string()}</code> }.into_any()
            }
            // Raw HTML is text here, by design.
            Event::Html(html) | Event::InlineHtml(html) => {
                view! { <span class="md-html">{html.to_string()}</span> }.into_any()
            }
            Event::FootnoteReference(name) => format!("[^{name}]").into_any(),
            Event::SoftBreak => "\n".into_any(),
            Event::HardBreak => view! { <br/> }.into_any(),
            Event::Rule => view! { <hr/> }.into_any(),
            Event::TaskListMarker(done) => (if done { "☑ " } else { "☐ " }).into_any(),
        };
        stack.last_mut().expect("the root stays").1.push(leaf);
    }
    // Unclosed elements (cannot happen with pulldown-cmark) are flattened.
    let children: Vec<AnyView> = stack.into_iter().flat_map(|(_, c)| c).collect();
    view! { <div class="markdown">{children}</div> }
}

fn element(tag: Tag, children: Vec<AnyView>) -> AnyView {
    match tag {
        Tag::Paragraph => view! { <p>{children}</p> }.into_any(),
        // Headings inside a message sit below the panel's own headings.
        Tag::Heading { level, .. } => match level {
            HeadingLevel::H1 | HeadingLevel::H2 => {
                view! { <h4 class="md-heading">{children}</h4> }.into_any()
            }
            HeadingLevel::H3 => view! { <h5 class="md-heading">{children}</h5> }.into_any(),
            _ => view! { <h6 class="md-heading">{children}</h6> }.into_any(),
        },
        Tag::BlockQuote(_) => view! { <blockquote>{children}</blockquote> }.into_any(),
        Tag::CodeBlock(kind) => {
            let language = match kind {
                CodeBlockKind::Fenced(info) => {
                    info.split_whitespace().next().unwrap_or("").to_string()
                }
                CodeBlockKind::Indented => String::new(),
            };
            view! { <pre class="code" data-language=language><code>{children}</code></pre> }
                .into_any()
        }
        Tag::List(Some(start)) => view! { <ol start=start>{children}</ol> }.into_any(),
        Tag::List(None) => view! { <ul>{children}</ul> }.into_any(),
        Tag::Item => view! { <li>{children}</li> }.into_any(),
        Tag::Table(_) => view! { <table class="md-table">{children}</table> }.into_any(),
        Tag::TableHead => view! { <thead><tr>{children}</tr></thead> }.into_any(),
        Tag::TableRow => view! { <tr>{children}</tr> }.into_any(),
        Tag::TableCell => view! { <td>{children}</td> }.into_any(),
        Tag::Emphasis => view! { <em>{children}</em> }.into_any(),
        Tag::Strong => view! { <strong>{children}</strong> }.into_any(),
        Tag::Strikethrough => view! { <del>{children}</del> }.into_any(),
        Tag::Superscript => view! { <sup>{children}</sup> }.into_any(),
        Tag::Subscript => view! { <sub>{children}</sub> }.into_any(),
        Tag::Link { dest_url, .. } if is_web_link(&dest_url) => {
            let href = dest_url.to_string();
            view! { <a href=href.clone() title=href rel="noopener noreferrer" target="_blank">{children}</a> }.into_any()
        }
        Tag::Link { dest_url, .. } => {
            let url = dest_url.to_string();
            view! { <span class="md-link" title=url>{children}</span> }.into_any()
        }
        Tag::Image { dest_url, .. } if dest_url.starts_with("data:image/") => {
            let src = dest_url.to_string();
            view! { <img class="thumb" src=src alt="image from the message"/> }.into_any()
        }
        Tag::Image { dest_url, .. } => {
            let url = dest_url.to_string();
            view! { <span class="remote-image" title="Remote images are not loaded">"[image: "{children}" "{url}"]"</span> }.into_any()
        }
        _ => children.into_any(),
    }
}

/// `http:` or `https:` only, whatever the case.
fn is_web_link(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::is_web_link;

    #[test]
    fn only_web_links_are_links() {
        assert!(is_web_link("https://example.com"));
        assert!(is_web_link("HTTP://example.com"));
        assert!(!is_web_link("javascript:alert(1)"));
        assert!(!is_web_link(" JavaScript:alert(1)"));
        assert!(!is_web_link("data:text/html,x"));
        assert!(!is_web_link("//evil.example"));
    }
}
