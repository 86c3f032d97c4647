//! Token counts from the GenAI and OpenInference count attributes
//! (`gen_ai.usage.<name>`, `llm.token_count.<name>`), named as Langfuse
//! stores them: input without cached and cache-creation tokens, output
//! without reasoning and audio tokens; those four as details, and every
//! other count as a detail under its own name. Without a total, the total
//! is the whole input and output, as the provider counted them.

use super::conventions::usage_names as names;
use crate::model::Usage;

/// `counts` are (name after the prefix, count) in attribute order.
pub(crate) fn from_counts(counts: &[(&str, u64)]) -> Option<Usage> {
    if counts.is_empty() {
        return None;
    }
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| counts.iter().find(|(k, _)| k == name).map(|(_, n)| *n))
    };
    let cached = find(&names::CACHE_READ);
    let creation = find(&names::CACHE_CREATION);
    let reasoning = find(&names::REASONING);
    let audio = find(&names::AUDIO);
    let (input, output) = (find(&names::INPUT), find(&names::OUTPUT));
    // The provider's total, else its input and output counted whole (before
    // cached and reasoning tokens are split out of them).
    let total = find(&names::TOTAL).or_else(|| match (input, output) {
        (None, None) => None,
        (input, output) => Some(input.unwrap_or(0).saturating_add(output.unwrap_or(0))),
    });
    let mut usage = Usage {
        input: input
            .map(|n| n.saturating_sub(cached.unwrap_or(0).saturating_add(creation.unwrap_or(0)))),
        output: output
            .map(|n| n.saturating_sub(reasoning.unwrap_or(0).saturating_add(audio.unwrap_or(0)))),
        total,
        ..Usage::default()
    };
    for (name, n) in [
        (names::CACHED_DETAIL, cached),
        (names::CACHE_CREATION_DETAIL, creation),
        (names::REASONING_DETAIL, reasoning),
        (names::AUDIO_DETAIL, audio),
    ] {
        if let Some(n) = n {
            usage.details.insert(name.to_string(), n);
        }
    }
    for (name, n) in counts {
        if !names::is_claimed(name) {
            usage.details.insert(
                name.strip_prefix("details.").unwrap_or(name).to_string(),
                *n,
            );
        }
    }
    Some(usage)
}
