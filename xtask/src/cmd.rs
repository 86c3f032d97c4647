//! Running commands: echo them, run them from the repository root, and turn
//! a failure into one line that says which step failed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The repository root (the parent of this crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

/// `cargo`, as the one running this xtask.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root());
    command
}

pub fn program(name: &str) -> Command {
    let mut command = Command::new(name);
    command.current_dir(root());
    command
}

/// Runs a step, printing its command line and how long it took.
pub fn step(title: &str, command: &mut Command) -> Result<(), String> {
    println!("\n==> {title}\n    $ {}", describe(command));
    let started = Instant::now();
    let status = command
        .status()
        .map_err(|e| format!("{title}: could not start {}: {e}", describe(command)))?;
    println!("    ({title}: {:.1} s)", started.elapsed().as_secs_f64());
    if status.success() {
        Ok(())
    } else {
        Err(format!("{title} failed ({status}): {}", describe(command)))
    }
}

/// Runs a command quietly and returns its standard output.
pub fn output(command: &mut Command) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|e| format!("could not start {}: {e}", describe(command)))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed: {}",
            describe(command),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}
