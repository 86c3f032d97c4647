//! The bindings (`js/`, `web/`) convert and display; every rule lives in
//! core. This check looks for the shapes rules took when they leaked out
//! before: setting a record's lifecycle fields (an event ending at its
//! start), reading token-count synonyms, rendering templates, and the
//! exporter's readiness scan.

/// A pattern that means a rule is being applied, and why it may not be here.
struct Leak {
    pattern: &'static str,
    why: &'static str,
}

const LEAKS: [Leak; 7] = [
    Leak {
        pattern: ".status =",
        why: "sets a lifecycle status (rules::lifecycle, through the store)",
    },
    Leak {
        pattern: ".ended_at =",
        why: "sets an end time (rules::lifecycle, through the store)",
    },
    Leak {
        pattern: "prompt_tokens",
        why: "reads a token-count synonym (Usage::from_loose)",
    },
    Leak {
        pattern: "promptTokens",
        why: "reads a token-count synonym (Usage::from_loose)",
    },
    Leak {
        pattern: "template::render",
        why: "renders a prompt template (TrackCall::prompt)",
    },
    Leak {
        pattern: "renderTemplate",
        why: "renders a prompt template (the core's trackStart)",
    },
    Leak {
        pattern: ".observations().iter().all(",
        why: "decides what is ready to export (outbox::Outbox)",
    },
];

/// Every line of the given files (path, text) where a rule leaked out, as
/// `path:line: pattern — why`.
pub fn leaks(files: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in files {
        for (number, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") || code.starts_with('*') || code.starts_with("/*") {
                continue;
            }
            for leak in &LEAKS {
                if line.contains(leak.pattern) {
                    found.push(format!(
                        "{path}:{}: `{}` {}",
                        number + 1,
                        leak.pattern,
                        leak.why
                    ));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_leaks_are_found_with_their_place() {
        let files = [
            (
                "js/src/convert.rs".to_string(),
                "fn f(o: &mut Observation) {\n    // o.status = done\n    o.status = Status::Completed;\n}\n"
                    .to_string(),
            ),
            (
                "js/npm/track.mts".to_string(),
                "const p = renderTemplate(t, v);\nconst n = u.prompt_tokens;\n".to_string(),
            ),
        ];
        let found = leaks(&files);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("js/src/convert.rs:3: `.status =`"));
        assert!(found[1].starts_with("js/npm/track.mts:1: `renderTemplate`"));
        assert!(leaks(&[("a.rs".into(), "let level = o.level;\n".into())]).is_empty());
    }
}
