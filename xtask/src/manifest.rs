//! The few values the xtask reads from TOML files (Cargo.toml, Cargo.lock,
//! Trunk.toml), read line by line: they are written in a plain style, and a
//! TOML parser would be this crate's first dependency.

/// One `key = value` line and the `[section]` it sits in.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    /// The header as written, e.g. `[workspace.dependencies]`; empty
    /// before the first header.
    pub section: &'a str,
    pub key: &'a str,
    /// The rest of the line, trimmed (a trailing comment included).
    pub value: &'a str,
    /// 1-based.
    pub line: usize,
}

/// Every `key = value` line. Lines that continue a multi-line array carry
/// no `=` and are skipped.
pub fn entries(text: &str) -> impl Iterator<Item = Entry<'_>> {
    let mut section = "";
    text.lines().enumerate().filter_map(move |(index, line)| {
        let line_text = line.trim();
        if line_text.starts_with('[') {
            section = line_text;
            return None;
        }
        if line_text.starts_with('#') {
            return None;
        }
        let (key, value) = line_text.split_once('=')?;
        Some(Entry {
            section,
            key: key.trim(),
            value: value.trim(),
            line: index + 1,
        })
    })
}

/// The text of a quoted value: `"0.2.130" # pinned` gives `0.2.130`.
pub fn string(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('"')?;
    rest.split_once('"').map(|(text, _)| text)
}

/// The version requirement a dependency line writes, if it writes one:
/// `"=0.2.130"` or `{ version = "=0.2.130", … }`; none for
/// `{ workspace = true }` or `{ path = "…" }`.
pub fn version_requirement(value: &str) -> Option<&str> {
    if let Some(text) = string(value) {
        return Some(text);
    }
    let fields = value.strip_prefix('{')?;
    fields.split(',').find_map(|field| {
        let (key, value) = field.split_once('=')?;
        (key.trim() == "version").then(|| string(value.trim()))?
    })
}

/// The exact version `[workspace.dependencies]` pins for `name`
/// (`name = "=X.Y.Z"`), without the `=`.
pub fn workspace_pin(manifest: &str, name: &str) -> Result<String, String> {
    let entry = entries(manifest)
        .find(|e| e.section == "[workspace.dependencies]" && e.key == name)
        .ok_or_else(|| format!("no `{name}` under [workspace.dependencies]"))?;
    version_requirement(entry.value)
        .and_then(|requirement| requirement.strip_prefix('='))
        .map(|version| version.trim().to_string())
        .ok_or_else(|| {
            format!(
                "line {}: `{name} = {}` is no exact pin (write \"=X.Y.Z\")",
                entry.line, entry.value
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_workspace_pin_is_read_in_both_spellings() {
        let manifest = "[package]\nwasm-bindgen = \"=9.9.9\"\n\
            [workspace.dependencies]\n# The pin.\nwasm-bindgen = \"=0.2.130\" # why\n";
        assert_eq!(
            workspace_pin(manifest, "wasm-bindgen"),
            Ok("0.2.130".into())
        );
        let table = "[workspace.dependencies]\nwasm-bindgen = { version = \"=0.2.1\", features = [\"a\", \"b\"] }\n";
        assert_eq!(workspace_pin(table, "wasm-bindgen"), Ok("0.2.1".into()));
    }

    #[test]
    fn manifest_workspace_pin_must_be_exact() {
        let loose = "[workspace.dependencies]\nwasm-bindgen = \"0.2\"\n";
        assert_eq!(
            workspace_pin(loose, "wasm-bindgen"),
            Err("line 2: `wasm-bindgen = \"0.2\"` is no exact pin (write \"=X.Y.Z\")".into())
        );
        assert!(workspace_pin(
            "[dependencies]\nwasm-bindgen = \"=1.0.0\"\n",
            "wasm-bindgen"
        )
        .is_err());
    }

    #[test]
    fn manifest_workspace_dependency_writes_no_version() {
        assert_eq!(version_requirement("{ workspace = true }"), None);
        assert_eq!(version_requirement("{ path = \"../core\" }"), None);
        assert_eq!(version_requirement("true"), None);
    }
}
