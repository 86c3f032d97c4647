//! The bindings (`js/`, `web/`) convert and display; every rule lives in
//! core. This check looks for the shapes rules took when they leaked out
//! before: setting a record's lifecycle fields (an event ending at its
//! start), reading token-count synonyms, rendering templates, and the
//! exporter's readiness scan.

/// A pattern that means a rule is being applied, and why it may not be here.
struct Leak {
    pattern: &'static str,
    why: &'static str,
    /// Only in Rust files (in the JS, `status` is also an OpenTelemetry
    /// span's, which the JS does convert).
    rust_only: bool,
}

const LIFECYCLE: &str = "sets a lifecycle field (rules::lifecycle, through the store)";
const SYNONYM: &str = "reads a token-count synonym (Usage::from_loose)";

const LEAKS: [Leak; 15] = [
    // Assignments, not comparisons: `.status =` but not `.status ==`.
    Leak {
        pattern: ".status = ",
        why: LIFECYCLE,
        rust_only: true,
    },
    Leak {
        pattern: ".ended_at = ",
        why: LIFECYCLE,
        rust_only: false,
    },
    Leak {
        pattern: "status: Status::",
        why: LIFECYCLE,
        rust_only: true,
    },
    Leak {
        pattern: "ended_at: Some(",
        why: LIFECYCLE,
        rust_only: false,
    },
    // The synonyms `rules::usage` reads (quoted: as keys, not as prose).
    Leak {
        pattern: "\"prompt_tokens\"",
        why: SYNONYM,
        rust_only: false,
    },
    Leak {
        pattern: "\"input_tokens\"",
        why: SYNONYM,
        rust_only: false,
    },
    Leak {
        pattern: "\"completion_tokens\"",
        why: SYNONYM,
        rust_only: false,
    },
    Leak {
        pattern: "\"output_tokens\"",
        why: SYNONYM,
        rust_only: false,
    },
    Leak {
        pattern: "promptTokens",
        why: SYNONYM,
        rust_only: false,
    },
    Leak {
        pattern: "inputTokens",
        why: SYNONYM,
        rust_only: false,
    },
    Leak {
        pattern: "completionTokens",
        why: SYNONYM,
        rust_only: false,
    },
    Leak {
        pattern: "outputTokens",
        why: SYNONYM,
        rust_only: false,
    },
    Leak {
        pattern: "template::render",
        why: "renders a prompt template (TrackCall::prompt)",
        rust_only: false,
    },
    Leak {
        pattern: "renderTemplate",
        why: "renders a prompt template (the core's trackStart)",
        rust_only: false,
    },
    Leak {
        pattern: ".observations().iter().all(",
        why: "decides what is ready to export (outbox::Outbox)",
        rust_only: false,
    },
];

/// Every line of the given files (path, text) where a rule leaked out, as
/// `path:line: pattern — why`. Comment lines are skipped, and so is a
/// Rust file's test module (from its `#[cfg(test)]` on: tests build rows).
pub fn leaks(files: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in files {
        for (number, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("#[cfg(test)]") {
                break;
            }
            if code.starts_with("//") || code.starts_with('*') || code.starts_with("/*") {
                continue;
            }
            let rust = path.ends_with(".rs");
            for leak in LEAKS.iter().filter(|leak| rust || !leak.rust_only) {
                if line.contains(leak.pattern) {
                    found.push(format!(
                        "{path}:{}: `{}` {}",
                        number + 1,
                        leak.pattern.trim_end(),
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
                "const p = renderTemplate(t, v);\nconst n = u[\"prompt_tokens\"];\n".to_string(),
            ),
        ];
        let found = leaks(&files);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("js/src/convert.rs:3: `.status =`"));
        assert!(found[1].starts_with("js/npm/track.mts:1: `renderTemplate`"));
        let literal = "let o = Observation { status: Status::Completed, ended_at: Some(at), ..o };";
        assert_eq!(leaks(&[("web/src/x.rs".into(), literal.into())]).len(), 2);
        let synonym = "let n = usage.get(\"input_tokens\");";
        assert_eq!(leaks(&[("js/src/x.rs".into(), synonym.into())]).len(), 1);
    }

    #[test]
    fn bindings_comparisons_and_reads_are_no_leak() {
        for line in [
            "let level = o.level;",
            "if row.status == Status::Error {",
            "if (o.status === \"running\") {}",
            "// o.status = done",
        ] {
            assert!(leaks(&[("a.rs".into(), line.into())]).is_empty(), "{line}");
        }
        let tests =
            "fn f() {}\n#[cfg(test)]\nmod tests {\n    let r = Row { status: Status::Error };\n}\n";
        assert!(leaks(&[("a.rs".into(), tests.into())]).is_empty());
    }
}
