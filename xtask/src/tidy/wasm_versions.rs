//! The wasm tools' versions agree wherever they are written. The
//! wasm-bindgen crate, the CLI the xtask installs and the one Trunk asks
//! for must be the identical version (else the build fails on a schema
//! mismatch), so it is pinned once, in the root Cargo.toml, and members
//! inherit it; Trunk.toml must repeat it and name the wasm-opt release the
//! xtask installs.

use crate::manifest::{entries, string, workspace_pin, Entry};

/// The texts the check reads.
pub struct Files<'a> {
    pub root_manifest: &'a str,
    pub lock: &'a str,
    pub trunk: &'a str,
    /// Every other Cargo.toml: (path for messages, text).
    pub manifests: &'a [(String, String)],
}

/// What the xtask installs.
pub struct Installs<'a> {
    pub wasm_bindgen: &'a str,
    /// binaryen's release number (wasm-opt's `version_N`).
    pub binaryen: u32,
}

const CRATE: &str = "wasm-bindgen";

/// Every disagreement, one sentence each, naming the file.
pub fn disagreements(files: &Files, installs: &Installs) -> Vec<String> {
    let mut found = Vec::new();
    let pin = match workspace_pin(files.root_manifest, CRATE) {
        Ok(pin) => pin,
        Err(problem) => return vec![format!("Cargo.toml: {problem}")],
    };
    let locked = locked_versions(files.lock, CRATE);
    if locked != [pin.as_str()] {
        found.push(format!(
            "Cargo.lock resolves {CRATE} to {locked:?}, Cargo.toml pins {pin}: run `cargo update -p {CRATE}`"
        ));
    }
    if installs.wasm_bindgen != pin {
        found.push(format!(
            "the xtask installs wasm-bindgen-cli {}, Cargo.toml pins {pin}",
            installs.wasm_bindgen
        ));
    }
    let trunk_bindgen = trunk_tool(files.trunk, "wasm_bindgen");
    if trunk_bindgen != Some(pin.as_str()) {
        found.push(format!(
            "Trunk.toml: [tools] wasm_bindgen is {trunk_bindgen:?}, Cargo.toml pins {pin}"
        ));
    }
    let wasm_opt = format!("version_{}", installs.binaryen);
    let trunk_opt = trunk_tool(files.trunk, "wasm_opt");
    if trunk_opt != Some(wasm_opt.as_str()) {
        found.push(format!(
            "Trunk.toml: [tools] wasm_opt is {trunk_opt:?}, the xtask installs {wasm_opt} (npm binaryen@{}.0.0)",
            installs.binaryen
        ));
    }
    let root_pins =
        own_pins(files.root_manifest).filter(|e| e.section != "[workspace.dependencies]");
    let pins = root_pins.map(|entry| ("Cargo.toml", entry)).chain(
        files
            .manifests
            .iter()
            .flat_map(|(path, text)| own_pins(text).map(move |entry| (path.as_str(), entry))),
    );
    for (path, entry) in pins {
        found.push(format!(
            "{path}:{}: `{} = {}` pins {CRATE} a second time; write `{CRATE}.workspace = true`",
            entry.line, entry.key, entry.value
        ));
    }
    found
}

/// Dependency lines that give wasm-bindgen a version or source of their
/// own rather than inheriting the workspace's.
fn own_pins(manifest: &str) -> impl Iterator<Item = Entry<'_>> {
    entries(manifest).filter(|entry| {
        let table = format!(".{CRATE}]");
        let inherits = entry.value.contains("workspace");
        if entry.section.contains("dependencies.") && entry.section.ends_with(&table) {
            return entry.key == "version";
        }
        let names_it =
            entry.key == CRATE || entry.value.contains(&format!("package = \"{CRATE}\""));
        entry.section.contains("dependencies")
            && ((names_it && !inherits) || entry.key == format!("{CRATE}.version"))
    })
}

/// The versions Cargo.lock resolves a package to.
fn locked_versions<'a>(lock: &'a str, name: &str) -> Vec<&'a str> {
    let mut package = None;
    let mut versions = Vec::new();
    for entry in entries(lock).filter(|e| e.section == "[[package]]") {
        match entry.key {
            "name" => package = string(entry.value),
            "version" if package == Some(name) => versions.extend(string(entry.value)),
            _ => {}
        }
    }
    versions
}

fn trunk_tool<'a>(trunk: &'a str, tool: &str) -> Option<&'a str> {
    entries(trunk)
        .find(|e| e.section == "[tools]" && e.key == tool)
        .and_then(|e| string(e.value))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "[workspace]\nmembers = [\"web\"]\n\n[workspace.dependencies]\n\
        wasm-bindgen = \"=0.2.130\"\nwasm-bindgen-futures = \"0.4\"\n";
    const LOCK: &str = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n\
        [[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.50\"\n";
    const TRUNK: &str = "[build]\ntarget = \"index.html\"\n\n[tools]\n\
        wasm_bindgen = \"0.2.130\"\nwasm_opt = \"version_132\"\n";
    const WEB: &str = "[package]\nname = \"web\"\n\n[dependencies]\n\
        wasm-bindgen.workspace = true\nwasm-bindgen-futures = { workspace = true }\n";

    /// The disagreements of the good tree above with `change` applied.
    fn check(change: impl FnOnce(&mut Vec<String>), expected: &[&str]) {
        let mut texts: Vec<String> = [ROOT, LOCK, TRUNK, WEB].map(String::from).to_vec();
        change(&mut texts);
        let manifests = [("web/Cargo.toml".to_string(), texts[3].clone())];
        let files = Files {
            root_manifest: &texts[0],
            lock: &texts[1],
            trunk: &texts[2],
            manifests: &manifests,
        };
        let installs = Installs {
            wasm_bindgen: "0.2.130",
            binaryen: 132,
        };
        assert_eq!(disagreements(&files, &installs), expected);
    }

    #[test]
    fn wasm_versions_agree_in_the_good_tree() {
        check(|_| {}, &[]);
    }

    #[test]
    fn wasm_versions_fail_on_a_member_pinning_its_own() {
        check(
            |texts| {
                texts[3] = texts[3].replace(
                    ".workspace = true\nwasm-bindgen-f",
                    " = \"=0.2.131\"\nwasm-bindgen-f",
                )
            },
            &[
                "web/Cargo.toml:5: `wasm-bindgen = \"=0.2.131\"` pins wasm-bindgen a second time; \
               write `wasm-bindgen.workspace = true`",
            ],
        );
        check(
            |texts| {
                texts[3].push_str(
                    "\n[target.'cfg(unix)'.dependencies.wasm-bindgen]\nversion = \"0.2\"\n",
                )
            },
            &[
                "web/Cargo.toml:9: `version = \"0.2\"` pins wasm-bindgen a second time; \
               write `wasm-bindgen.workspace = true`",
            ],
        );
    }

    #[test]
    fn wasm_versions_fail_on_a_trunk_toml_that_disagrees() {
        check(
            |texts| {
                texts[2] = texts[2]
                    .replace("0.2.130", "0.2.129")
                    .replace("_132", "_131")
            },
            &[
                "Trunk.toml: [tools] wasm_bindgen is Some(\"0.2.129\"), Cargo.toml pins 0.2.130",
                "Trunk.toml: [tools] wasm_opt is Some(\"version_131\"), the xtask installs \
                 version_132 (npm binaryen@132.0.0)",
            ],
        );
    }

    #[test]
    fn wasm_versions_fail_on_a_lock_or_loose_pin_that_disagrees() {
        check(
            |texts| texts[1] = texts[1].replace("0.2.130", "0.2.131"),
            &[
                "Cargo.lock resolves wasm-bindgen to [\"0.2.131\"], Cargo.toml pins 0.2.130: \
               run `cargo update -p wasm-bindgen`",
            ],
        );
        check(
            |texts| texts[0] = texts[0].replace("\"=0.2.130\"", "\"0.2.130\""),
            &["Cargo.toml: line 5: `wasm-bindgen = \"0.2.130\"` is no exact pin (write \"=X.Y.Z\")"],
        );
    }
}
