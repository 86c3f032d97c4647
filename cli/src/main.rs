//! `prompttrace`: validate, summarise and convert trace files: ours (JSON,
//! JSON Lines), OpenTelemetry's OTLP/JSON and Langfuse's trace files, told
//! apart by content.
//!
//! All rules, formats and what each command prints live in the core crate
//! (`commands`, which the npm package's bin runs too); this binary reads
//! files and prints. Exit status: 0 on success, 1 when a file is
//! refused (the error names file, line, column and reason), 2 on bad usage.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use prompttrace::commands::{self, Output, Stream};
use prompttrace::PriceTable;

#[derive(Parser)]
#[command(
    name = "prompttrace",
    version,
    about = "Validate, summarise and convert LLM trace files."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check trace files; one line per file. Later files may refer to
    /// traces of earlier ones.
    Validate {
        /// Trace files (`-` reads standard input).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print traces, their observation trees and sessions with their figures.
    Summary {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
        /// A JSON file of model prices (USD per 1M tokens) that override or
        /// extend the built-in table: {"my-model": {"input": 1.0, "output": 2.0}}.
        #[arg(long)]
        prices: Option<PathBuf>,
    },
    /// Print one trace: its tree, and each LLM call's messages (roles, tool
    /// calls and results) as a conversation.
    Show {
        file: PathBuf,
        /// The trace's id (`prompttrace summary` lists them).
        trace_id: String,
        #[arg(long)]
        prices: Option<PathBuf>,
    },
    /// Compare two traces of a file step by step: steps aligned by name and
    /// type, added and removed steps marked, each step's duration, tokens,
    /// cost and status in both runs, and a line diff of its messages.
    Diff {
        file: PathBuf,
        /// The first run's trace id (A).
        a: String,
        /// The second run's trace id (B).
        b: String,
        /// Print the comparison as one JSON object.
        #[arg(long)]
        json: bool,
        #[arg(long)]
        prices: Option<PathBuf>,
    },
    /// Convert a trace file to the native JSON or JSON Lines format, or to
    /// OTLP/JSON (an OpenTelemetry `ExportTraceServiceRequest`).
    Convert {
        file: PathBuf,
        #[arg(long, value_enum)]
        to: Target,
        /// Where to write (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Target {
    Json,
    Jsonl,
    Otlp,
}

fn main() -> ExitCode {
    let output = match run(Cli::parse().command) {
        Ok(output) => output,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    if output.failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs a command of core's `commands` and prints what it says, in order;
/// `convert --output` writes standard output's part to the file instead.
fn run(command: Command) -> Result<Output, String> {
    // Core names files by their displayed names; each is read from the path
    // it came from (a path that is not UTF-8 displays lossily).
    let paths: Vec<PathBuf> = match &command {
        Command::Validate { files } | Command::Summary { files, .. } => files.clone(),
        Command::Show { file, .. } | Command::Convert { file, .. } | Command::Diff { file, .. } => {
            vec![file.clone()]
        }
    };
    let mut next = 0;
    let mut read = |name: &str| {
        let at = (next..paths.len()).find(|&i| paths[i].display().to_string() == name);
        let path = at.map_or_else(|| PathBuf::from(name), |at| paths[at].clone());
        next = at.map_or(next, |at| at + 1);
        read_bytes(&path)
    };
    let (output, to_file) = match command {
        Command::Validate { files } => (commands::validate(&names(&files), &mut read), None),
        Command::Summary {
            files,
            json,
            prices,
        } => {
            let prices = load_prices(prices.as_deref())?;
            (
                commands::summary(&names(&files), &mut read, json, &prices),
                None,
            )
        }
        Command::Show {
            file,
            trace_id,
            prices,
        } => {
            let prices = load_prices(prices.as_deref())?;
            let name = file.display().to_string();
            (commands::show(&name, &mut read, &trace_id, &prices), None)
        }
        Command::Diff {
            file,
            a,
            b,
            json,
            prices,
        } => {
            let prices = load_prices(prices.as_deref())?;
            let name = file.display().to_string();
            (
                commands::diff(&name, &mut read, (&a, &b), json, &prices),
                None,
            )
        }
        Command::Convert { file, to, output } => {
            let to = match to {
                Target::Json => commands::Target::Json,
                Target::Jsonl => commands::Target::Jsonl,
                Target::Otlp => commands::Target::Otlp,
            };
            let name = file.display().to_string();
            (commands::convert(&name, &mut read, to), output)
        }
    };
    for (stream, text) in &output.writes {
        match (stream, &to_file) {
            (Stream::Err, _) => eprint!("{text}"),
            (Stream::Out, Some(path)) if !output.failed => write_file(path, text)?,
            (Stream::Out, Some(_)) => {}
            (Stream::Out, None) => write_stdout(text)?,
        }
    }
    Ok(output)
}

fn names(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|file| file.display().to_string())
        .collect()
}

fn load_prices(path: Option<&Path>) -> Result<PriceTable, String> {
    match path {
        None => Ok(PriceTable::builtin()),
        Some(path) => commands::prices(&path.display().to_string(), &read_bytes(path)?),
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("standard input: {e}"))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn write_stdout(text: &str) -> Result<(), String> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text.as_bytes()) {
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(format!("standard output: {e}")),
        _ => Ok(()),
    }
}
