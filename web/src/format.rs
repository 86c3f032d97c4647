//! How figures read on screen.

use prompttrace::Timestamp;

pub fn duration(ms: Option<f64>) -> String {
    match ms {
        None => "running".to_string(),
        Some(ms) if ms < 1.0 => format!("{ms:.2} ms"),
        Some(ms) if ms < 1_000.0 => format!("{ms:.0} ms"),
        Some(ms) if ms < 60_000.0 => format!("{:.2} s", ms / 1_000.0),
        Some(ms) => format!("{:.1} min", ms / 60_000.0),
    }
}

pub fn cost(usd: Option<f64>) -> String {
    match usd {
        None => "–".to_string(),
        Some(0.0) => "$0".to_string(),
        Some(usd) if usd >= 0.01 => format!("${usd:.4}"),
        Some(usd) => format!("${usd:.6}"),
    }
}

pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count and its words, singular for one: "1 LLM call", "1,204 lines".
pub fn counted(n: usize, one: &str, many: &str) -> String {
    let words = if n == 1 { one } else { many };
    format!("{} {words}", count(n as u64))
}

pub fn time(at: Option<Timestamp>) -> String {
    at.map(|t| {
        let text = t.to_rfc3339();
        text.replace('T', " ")
            .trim_end_matches('Z')
            .chars()
            .take(23)
            .collect()
    })
    .unwrap_or_else(|| "–".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_counts_and_durations_read_well() {
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(duration(Some(1250.0)), "1.25 s");
        assert_eq!(duration(Some(42.4)), "42 ms");
        assert_eq!(duration(None), "running");
        assert_eq!(cost(Some(0.0021)), "$0.002100");
    }
}
