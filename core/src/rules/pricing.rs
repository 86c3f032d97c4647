//! Cost: taken from the data when the record has any cost field, else
//! inferred from token usage and a model price table (USD per 1M tokens).
//!
//! Model names match a table entry exactly, or with a provider prefix
//! (`openai/gpt-4o`), or with a version suffix (`gpt-4o-2024-08-06`,
//! `claude-sonnet-4-20250514`, `claude-3-5-haiku@20241022`); the longest
//! matching entry wins, so `gpt-4o-mini` never takes `gpt-4o`'s price.
//! Callers override or extend the built-in table.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Cost, Observation};

/// USD per 1,000,000 tokens.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Price {
    pub input: f64,
    pub output: f64,
}

/// Prices by model name.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceTable {
    prices: BTreeMap<String, Price>,
}

/// List prices published by the providers in 2025 (standard tier, no
/// caching or batch discounts). Override them for your contract.
const BUILTIN: &[(&str, f64, f64)] = &[
    ("gpt-5", 1.25, 10.0),
    ("gpt-5-mini", 0.25, 2.0),
    ("gpt-5-nano", 0.05, 0.40),
    ("gpt-4.1", 2.0, 8.0),
    ("gpt-4.1-mini", 0.40, 1.60),
    ("gpt-4.1-nano", 0.10, 0.40),
    ("gpt-4o", 2.50, 10.0),
    ("gpt-4o-mini", 0.15, 0.60),
    ("gpt-4-turbo", 10.0, 30.0),
    ("gpt-4", 30.0, 60.0),
    ("gpt-3.5-turbo", 0.50, 1.50),
    ("o3", 2.0, 8.0),
    ("o4-mini", 1.10, 4.40),
    ("text-embedding-3-small", 0.02, 0.0),
    ("text-embedding-3-large", 0.13, 0.0),
    ("claude-opus-4", 15.0, 75.0),
    ("claude-opus-4-1", 15.0, 75.0),
    ("claude-sonnet-4", 3.0, 15.0),
    ("claude-sonnet-4-5", 3.0, 15.0),
    ("claude-3-7-sonnet", 3.0, 15.0),
    ("claude-3-5-sonnet", 3.0, 15.0),
    ("claude-haiku-4-5", 1.0, 5.0),
    ("claude-3-5-haiku", 0.80, 4.0),
    ("gemini-2.5-pro", 1.25, 10.0),
    ("gemini-2.5-flash", 0.30, 2.50),
    ("gemini-2.5-flash-lite", 0.10, 0.40),
    ("gemini-2.0-flash", 0.10, 0.40),
];

impl Default for PriceTable {
    fn default() -> Self {
        PriceTable::builtin()
    }
}

impl PriceTable {
    pub fn builtin() -> PriceTable {
        // Inserted one by one, not collected: `collect` into a map sorts
        // first, a sort of its own in the record-only wasm.
        let mut prices = BTreeMap::new();
        for &(model, input, output) in BUILTIN {
            prices.insert(model.to_string(), Price { input, output });
        }
        PriceTable { prices }
    }

    pub fn empty() -> PriceTable {
        PriceTable {
            prices: BTreeMap::new(),
        }
    }

    /// Adds or replaces one model's price.
    pub fn set(&mut self, model: impl Into<String>, price: Price) {
        self.prices.insert(model.into(), price);
    }

    pub fn entries(&self) -> impl Iterator<Item = (&str, Price)> {
        self.prices
            .iter()
            .map(|(model, price)| (model.as_str(), *price))
    }

    /// The price for a model name as providers spell it.
    pub fn lookup(&self, model: &str) -> Option<Price> {
        if let Some(price) = self.prices.get(model) {
            return Some(*price);
        }
        let model = model.rsplit('/').next().unwrap_or(model);
        let mut end = model.len();
        // Try ever shorter prefixes that end where a version suffix starts.
        loop {
            let prefix = &model[..end];
            if let Some(price) = self.prices.get(prefix) {
                if is_version_suffix(&model[end..]) {
                    return Some(*price);
                }
            }
            end = model[..end].rfind(['-', '@'])?;
        }
    }
}

fn is_version_suffix(rest: &str) -> bool {
    if rest.is_empty() || rest.starts_with('@') {
        return true;
    }
    let Some(parts) = rest.strip_prefix('-') else {
        return false;
    };
    parts.split('-').all(|part| {
        !part.is_empty()
            && (part.bytes().all(|b| b.is_ascii_digit())
                || matches!(part, "latest" | "preview" | "exp")
                || (part.starts_with('v')
                    && part[1..].bytes().all(|b| b.is_ascii_digit() || b == b':')))
    })
}

/// The cost of one observation: its own figures when it has any (a missing
/// total is input + output), else usage × the model's price, else unknown.
pub fn cost_of(
    observation: &Observation,
    price: impl FnOnce(&str) -> Option<Price>,
) -> Option<Cost> {
    let usage = observation.usage.as_ref();
    cost_from(
        observation.cost.as_deref(),
        usage.and_then(|u| u.input),
        usage.and_then(|u| u.output),
        || price(observation.model.as_deref()?),
    )
}

/// The same rule from the parts rollups keep (`rollup::Facts`).
pub fn cost_from(
    recorded: Option<&Cost>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    price: impl FnOnce() -> Option<Price>,
) -> Option<Cost> {
    if let Some(cost) = recorded {
        if cost.input.is_some() || cost.output.is_some() || cost.total.is_some() {
            let total = cost.total.or_else(|| sum(cost.input, cost.output));
            return Some(Cost {
                total,
                ..cost.clone()
            });
        }
    }
    if input_tokens.is_none() && output_tokens.is_none() {
        return None;
    }
    let price = price()?;
    let input = input_tokens.map(|tokens| tokens as f64 * price.input / 1e6);
    let output = output_tokens.map(|tokens| tokens as f64 * price.output / 1e6);
    Some(Cost {
        input,
        output,
        total: sum(input, output),
    })
}

fn sum(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ObservationType, Usage};
    use crate::time::Timestamp;

    fn generation(model: &str, usage: Usage, cost: Option<Cost>) -> Observation {
        let mut g = Observation::new(
            "g",
            ObservationType::Generation,
            "call",
            Timestamp::from_unix_nanos(0),
        );
        g.model = Some(model.to_string());
        g.usage = Some(Box::new(usage));
        g.cost = cost.map(Box::new);
        g
    }

    #[test]
    fn pricing_matches_versions_and_prefixes_not_other_models() {
        let table = PriceTable::builtin();
        let four_o = table.lookup("gpt-4o").unwrap();
        assert_eq!(table.lookup("gpt-4o-2024-08-06"), Some(four_o));
        assert_eq!(table.lookup("openai/gpt-4o"), Some(four_o));
        assert_eq!(table.lookup("gpt-4o-mini").unwrap().input, 0.15);
        assert_eq!(table.lookup("gpt-4o-mini-2024-07-18").unwrap().input, 0.15);
        assert_eq!(table.lookup("gpt-4-0613").unwrap().input, 30.0);
        assert_eq!(
            table.lookup("claude-sonnet-4-20250514").unwrap().output,
            15.0
        );
        assert_eq!(
            table.lookup("claude-3-5-haiku@20241022").unwrap().input,
            0.80
        );
        assert_eq!(
            table
                .lookup("gemini-2.5-flash-preview-05-20")
                .unwrap()
                .input,
            0.30
        );
        assert_eq!(table.lookup("gpt-4-vision-mystery"), None);
        assert_eq!(table.lookup("llama-3"), None);
    }

    #[test]
    fn pricing_callers_override_and_extend() {
        let mut table = PriceTable::builtin();
        table.set(
            "gpt-4o",
            Price {
                input: 1.0,
                output: 1.0,
            },
        );
        table.set(
            "my-model",
            Price {
                input: 4.0,
                output: 8.0,
            },
        );
        assert_eq!(table.lookup("gpt-4o-2024-08-06").unwrap().input, 1.0);
        assert_eq!(table.lookup("my-model").unwrap().output, 8.0);
    }

    #[test]
    fn pricing_cost_from_data_wins_over_inference() {
        let given = Cost {
            input: Some(0.01),
            output: Some(0.02),
            total: None,
        };
        let g = generation("gpt-4o", Usage::tokens(1000, 1000), Some(given));
        let cost = cost_of(&g, |m| PriceTable::builtin().lookup(m)).unwrap();
        assert_eq!(cost.total, Some(0.03));
        assert_eq!(cost.input, Some(0.01));
    }

    #[test]
    fn pricing_cost_is_inferred_from_usage_and_price() {
        let g = generation("gpt-4o", Usage::tokens(1_000_000, 500_000), None);
        let cost = cost_of(&g, |m| PriceTable::builtin().lookup(m)).unwrap();
        assert_eq!(
            cost,
            Cost {
                input: Some(2.5),
                output: Some(5.0),
                total: Some(7.5)
            }
        );
    }

    #[test]
    fn pricing_unknown_model_has_unknown_cost() {
        let g = generation("llama-3", Usage::tokens(10, 10), None);
        assert_eq!(cost_of(&g, |m| PriceTable::builtin().lookup(m)), None);
    }
}
