//! Running commands: echo them, run them from the repository root, stop
//! them when they overrun their time limit, and turn a failure into one
//! line that says which step failed.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::process_tree;

/// How long an external step may run. One that overruns is stopped with
/// every process it started, and fails naming itself, rather than holding
/// CI until the runner's own timeout kills everything without a word.
#[derive(Clone, Copy, Debug)]
pub enum Limit {
    After(Duration),
    /// Runs until it ends or Ctrl-C: for `serve`'s web server only.
    Never,
}

impl Limit {
    /// What `step` and `output` allow. Generous for this 2-core machine: a
    /// cold `cargo clippy --workspace` or `cargo test --workspace` takes a
    /// few minutes, `cargo install wasm-bindgen-cli` about 4.
    pub const DEFAULT: Limit = Limit::minutes(15);

    pub const fn minutes(minutes: u64) -> Limit {
        Limit::After(Duration::from_secs(minutes * 60))
    }
}

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

/// Runs a step within [`Limit::DEFAULT`], printing its command line and
/// how long it took; its output goes straight to the terminal.
pub fn step(title: &str, command: &mut Command) -> Result<(), String> {
    step_with(title, command, Limit::DEFAULT)
}

/// [`step`] with a limit of its own, for steps known to take long.
pub fn step_with(title: &str, command: &mut Command, limit: Limit) -> Result<(), String> {
    println!("\n==> {title}\n    $ {}", describe(command));
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("{title}: could not start {}: {e}", describe(command)))?;
    let waited = wait(&mut child, limit, || true)
        .map_err(|e| format!("{title}: waiting for {}: {e}", describe(command)))?;
    println!("    ({title}: {:.1} s)", started.elapsed().as_secs_f64());
    match waited {
        Waited::Exited(status) if status.success() => Ok(()),
        Waited::Exited(status) => Err(format!("{title} failed ({status}): {}", describe(command))),
        Waited::TimedOut | Waited::Held => Err(format!(
            "{title} {}; it and the processes it started were stopped: {}",
            timed_out(limit),
            describe(command)
        )),
    }
}

/// Runs a command quietly within [`Limit::DEFAULT`] and returns its
/// standard output.
pub fn output(command: &mut Command) -> Result<String, String> {
    output_within(command, Limit::DEFAULT)
}

fn output_within(command: &mut Command, limit: Limit) -> Result<String, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", describe(command)))?;
    // Read both pipes while waiting: a child blocked on a full pipe never ends.
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());
    let waited = wait(&mut child, limit, || {
        stdout.is_finished() && stderr.is_finished()
    })
    .map_err(|e| format!("waiting for {}: {e}", describe(command)))?;
    let status = match waited {
        Waited::Exited(status) => status,
        Waited::TimedOut => return Err(format!("{} {}", describe(command), timed_out(limit))),
        Waited::Held => {
            return Err(format!(
                "{} exited, but processes it started still hold its output (left running)",
                describe(command)
            ))
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if !status.success() {
        return Err(format!(
            "{} failed: {}",
            describe(command),
            String::from_utf8_lossy(&stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&stdout).into_owned())
}

/// How waiting for a child ended.
enum Waited {
    Exited(ExitStatus),
    /// Past the limit: the child and what it started were stopped.
    TimedOut,
    /// The child exited, but what it started still holds its output.
    Held,
}

/// Waits until `child` has exited and `also_done()` holds. Past the limit
/// it stops the child's whole process tree.
fn wait(child: &mut Child, limit: Limit, also_done: impl Fn() -> bool) -> io::Result<Waited> {
    const POLL: Duration = Duration::from_millis(100);
    /// How long a child's output may stay open after it exited.
    const HELD: Duration = Duration::from_secs(5);
    // A limit past the end of time (`fuzz --seconds` huge) is no limit.
    let deadline = match limit {
        Limit::After(limit) => Instant::now().checked_add(limit),
        Limit::Never => None,
    };
    let Some(deadline) = deadline else {
        return child.wait().map(Waited::Exited);
    };
    let mut exited: Option<(ExitStatus, Instant)> = None;
    loop {
        if exited.is_none() {
            exited = child.try_wait()?.map(|status| (status, Instant::now()));
        }
        if let Some((status, at)) = exited {
            if also_done() {
                return Ok(Waited::Exited(status));
            }
            if at.elapsed() >= HELD {
                // Its pid may already be another process's: nothing to stop.
                return Ok(Waited::Held);
            }
        }
        let now = Instant::now();
        if now >= deadline {
            if exited.is_none() {
                process_tree::kill(child);
            }
            return Ok(Waited::TimedOut);
        }
        thread::sleep(POLL.min(deadline - now));
    }
}

fn read_all(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// "timed out after 900 s" (whole seconds unless the limit has a fraction).
fn timed_out(limit: Limit) -> String {
    let Limit::After(limit) = limit else {
        return "timed out".into();
    };
    if limit.subsec_nanos() == 0 {
        format!("timed out after {} s", limit.as_secs())
    } else {
        format!("timed out after {:.1} s", limit.as_secs_f64())
    }
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.arg("-c").arg(script);
        command
    }

    #[test]
    fn step_passes_and_fails_with_its_command() {
        assert_eq!(step("true", &mut sh("exit 0")), Ok(()));
        let error = step("exit 3", &mut sh("exit 3")).unwrap_err();
        assert!(error.starts_with("exit 3 failed ("), "{error}");
    }

    #[test]
    fn output_returns_standard_output() {
        assert_eq!(
            output(&mut sh("echo out; echo err >&2")),
            Ok("out\n".into())
        );
        let error = output(&mut sh("echo why >&2; exit 1")).unwrap_err();
        assert!(error.ends_with("failed: why"), "{error}");
    }

    /// The step's shell starts a grandchild (`sleep 60 &`) and waits for it:
    /// both must be gone when the step returns, well before the minute.
    #[cfg(target_os = "linux")]
    #[test]
    fn step_past_its_limit_is_stopped_with_its_grandchildren() {
        let pid_file =
            std::env::temp_dir().join(format!("xtask-step-limit-{}", std::process::id()));
        let script = format!("sleep 60 & echo $! > {}; wait", pid_file.display());
        let started = Instant::now();
        let limit = Limit::After(Duration::from_secs(1));

        let error = step_with("sleepy step", &mut sh(&script), limit).unwrap_err();

        assert!(
            error.starts_with("sleepy step timed out after 1 s"),
            "{error}"
        );
        assert!(started.elapsed() < Duration::from_secs(20), "{error}");
        let grandchild = std::fs::read_to_string(&pid_file).unwrap();
        let _ = std::fs::remove_file(&pid_file);
        let grandchild = grandchild.trim();
        let waited = Instant::now();
        while is_alive(grandchild) && waited.elapsed() < Duration::from_secs(5) {
            thread::sleep(Duration::from_millis(50));
        }
        assert!(
            !is_alive(grandchild),
            "the grandchild {grandchild} outlived its step"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn output_past_its_limit_is_stopped_and_names_the_command() {
        let limit = Limit::After(Duration::from_secs(1));
        let error = output_within(&mut sh("sleep 60 & wait"), limit).unwrap_err();
        assert_eq!(error, "sh -c sleep 60 & wait timed out after 1 s");
    }

    /// A command that exits but leaves a process holding its output is not
    /// waited for to the limit: it is named within seconds.
    #[cfg(target_os = "linux")]
    #[test]
    fn output_of_a_command_whose_child_holds_its_output_is_named_early() {
        let pid_file = std::env::temp_dir().join(format!("xtask-held-{}", std::process::id()));
        let script = format!("sleep 60 & echo $! > {}; exit 0", pid_file.display());
        let started = Instant::now();
        let error = output_within(&mut sh(&script), Limit::minutes(1)).unwrap_err();
        assert!(
            error.ends_with("still hold its output (left running)"),
            "{error}"
        );
        assert!(started.elapsed() < Duration::from_secs(20));
        if let Ok(pid) = std::fs::read_to_string(&pid_file) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
        let _ = std::fs::remove_file(&pid_file);
    }

    /// Whether a process runs. SIGKILL lands at once, but a killed process
    /// lingers as a zombie (state Z) until its new parent reaps it.
    #[cfg(target_os = "linux")]
    fn is_alive(pid: &str) -> bool {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return false;
        };
        let state = stat
            .rsplit_once(')')
            .map_or("", |(_, rest)| rest.trim_start());
        !state.starts_with(['Z', 'X'])
    }

    #[test]
    fn limit_is_written_in_seconds() {
        assert_eq!(
            timed_out(Limit::After(Duration::from_secs(900))),
            "timed out after 900 s"
        );
        assert_eq!(
            timed_out(Limit::After(Duration::from_millis(1500))),
            "timed out after 1.5 s"
        );
    }
}
