//! Import cycles between sibling modules. Each use is lifted to where it
//! crosses between siblings: for a use from A to B, take their lowest
//! common ancestor L and the children of L that hold A and B. A parent
//! using its children, or a child using its parent's re-exports, is no
//! cycle and is skipped. Siblings that reach each other cannot be read,
//! tested or moved apart: one of the uses listed has to go.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::module_graph::{uses, Module};

/// Uses of an item through the crate root (`crate::Store` for
/// `crate::store::Store`), which hide which module is used: the cycle
/// check cannot see them, so they are not allowed. Each as `file:line`.
pub fn root_uses(src: &str, files: &[(String, String)]) -> Vec<String> {
    uses(files)
        .into_iter()
        .filter(|found| found.to.is_empty())
        .map(|found| format!("{src}/{}:{}", found.file, found.line))
        .collect()
}

/// Siblings that reach each other through their uses.
#[derive(Debug)]
pub struct Cycle {
    /// Sorted.
    pub modules: Vec<Module>,
    /// For each pair of modules with a use along the cycle, the first one:
    /// "`rules::rollup` → `store`: core/src/rules/rollup.rs:27".
    pub uses: Vec<String>,
}

/// Every cycle among siblings in `files` (path relative to `src`, text);
/// `src` prefixes the file names in the messages.
pub fn cycles(src: &str, files: &[(String, String)]) -> Vec<Cycle> {
    // (sibling, sibling) → (module, module) → where the first use is.
    let mut crossings: BTreeMap<(Module, Module), BTreeMap<(Module, Module), String>> =
        BTreeMap::new();
    for found in uses(files) {
        let Some(siblings) = between_siblings(&found.from, &found.to) else {
            continue;
        };
        crossings
            .entry(siblings)
            .or_default()
            .entry((found.from, found.to))
            .or_insert_with(|| format!("{src}/{}:{}", found.file, found.line));
    }
    let mut next: BTreeMap<&Module, BTreeSet<&Module>> = BTreeMap::new();
    for (from, to) in crossings.keys() {
        next.entry(from).or_default().insert(to);
    }

    let mut placed = BTreeSet::new();
    let mut found = Vec::new();
    for &start in next.keys() {
        let onward = reachable(&next, start);
        if placed.contains(start) || !onward.contains(start) {
            continue;
        }
        // Its strongly connected component: what it reaches and is reached by.
        let component: BTreeSet<&Module> = onward
            .into_iter()
            .filter(|module| reachable(&next, module).contains(start))
            .collect();
        let uses = crossings
            .iter()
            .filter(|((from, to), _)| component.contains(from) && component.contains(to))
            .flat_map(|(_, pairs)| pairs)
            .map(|((from, to), at)| format!("`{}` → `{}`: {at}", name(from), name(to)))
            .collect();
        placed.extend(component.iter().copied());
        found.push(Cycle {
            modules: component.into_iter().cloned().collect(),
            uses,
        });
    }
    found
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .modules
            .iter()
            .map(|m| format!("`{}`", name(m)))
            .collect();
        writeln!(f, "cycle among {}:", names.join(", "))?;
        for found in &self.uses {
            writeln!(f, "    {found}")?;
        }
        Ok(())
    }
}

/// The children of the lowest common ancestor holding `from` and `to`;
/// none when one holds the other.
fn between_siblings(from: &Module, to: &Module) -> Option<(Module, Module)> {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    if common == from.len() || common == to.len() {
        return None;
    }
    Some((from[..=common].to_vec(), to[..=common].to_vec()))
}

/// What `start` reaches through one use or more.
fn reachable<'a>(
    next: &BTreeMap<&'a Module, BTreeSet<&'a Module>>,
    start: &'a Module,
) -> BTreeSet<&'a Module> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    while let Some(module) = stack.pop() {
        for &to in next.get(module).into_iter().flatten() {
            if seen.insert(to) {
                stack.push(to);
            }
        }
    }
    seen
}

fn name(module: &Module) -> String {
    if module.is_empty() {
        "crate".into()
    } else {
        module.join("::")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(files: &[(&str, &str)], expected: &str) {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(file, text)| (file.to_string(), text.to_string()))
            .collect();
        let found: Vec<String> = cycles("src", &files)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(found.concat(), expected);
    }

    #[test]
    fn cycles_between_two_siblings_name_a_use_each_way() {
        check(
            &[
                ("lib.rs", "mod a;\nmod b;"),
                ("a.rs", "use crate::b::X;"),
                ("b.rs", "fn f() {\n    super::a::g();\n}"),
            ],
            "cycle among `a`, `b`:\n    `a` → `b`: src/a.rs:1\n    `b` → `a`: src/b.rs:2\n",
        );
    }

    #[test]
    fn cycles_are_found_between_the_siblings_holding_the_modules() {
        check(
            &[
                ("lib.rs", ""),
                ("a/mod.rs", "mod x;"),
                ("a/x.rs", "use crate::{b::{self, Y}, c};"),
                ("b.rs", "\nuse crate::a::x::Z;"),
                ("c.rs", ""),
            ],
            "cycle among `a`, `b`:\n    `a::x` → `b`: src/a/x.rs:1\n    `b` → `a::x`: src/b.rs:2\n",
        );
    }

    #[test]
    fn cycles_of_three_are_one_cycle() {
        check(
            &[
                ("lib.rs", ""),
                ("a.rs", "use crate::b::X;"),
                ("b.rs", "use crate::c::X;"),
                ("c.rs", "use crate::a::X;"),
            ],
            "cycle among `a`, `b`, `c`:\n    `a` → `b`: src/a.rs:1\n    \
             `b` → `c`: src/b.rs:1\n    `c` → `a`: src/c.rs:1\n",
        );
    }

    #[test]
    fn cycles_skip_parents_and_children() {
        check(
            &[
                ("lib.rs", "pub use crate::a::T;"),
                (
                    "a/mod.rs",
                    "mod x;\npub use self::x::T;\nfn f() { x::g(); self::x::h(); }",
                ),
                (
                    "a/x.rs",
                    "use super::Helper;\nuse crate::a::Other;\nuse crate::Root;",
                ),
            ],
            "",
        );
    }

    #[test]
    fn cycles_ignore_prose_literals_and_test_modules() {
        check(
            &[
                ("lib.rs", ""),
                (
                    "a.rs",
                    "//! See [`crate::b`].\n// crate::b::X\nconst S: &str = \"crate::b::X\";\n\
                     #[cfg(test)]\nmod tests {\n    use crate::b::X;\n}",
                ),
                ("b.rs", "use crate::a::S;"),
            ],
            "",
        );
    }

    #[test]
    fn cycles_need_module_paths_not_root_re_exports() {
        let files = [
            (
                "lib.rs".to_string(),
                "mod rules;\nmod store;\npub use store::Store;\n".to_string(),
            ),
            ("rules.rs".to_string(), "use crate::Store;\n".to_string()),
            (
                "store.rs".to_string(),
                "use crate::rules::Violation;\n".to_string(),
            ),
        ];
        assert_eq!(root_uses("src", &files), ["src/rules.rs:1"]);
        assert!(
            cycles("src", &files).is_empty(),
            "the re-export hides the cycle"
        );
    }
}
