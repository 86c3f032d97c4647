//! `prompttrace`: validate, summarise and convert trace files: ours (JSON,
//! JSON Lines), OpenTelemetry's OTLP/JSON and Langfuse's trace files, told
//! apart by content.
//!
//! All rules and formats live in the core crate; this binary reads files,
//! calls core, and prints. Exit status: 0 on success, 1 when a file is
//! refused (the error names file, line, column and reason), 2 on bad usage.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use prompttrace::format::{self, jsonl, native, otlp, ImportError};
use prompttrace::store::ImportReport;
use prompttrace::summary::{render_text, render_trace, summarize};
use prompttrace::{Price, PriceTable, Store};

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
    match run(Cli::parse().command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Validate { files } => Ok(validate(&files)),
        Command::Summary {
            files,
            json,
            prices,
        } => {
            let prices = load_prices(prices.as_deref())?;
            let store = load_all(&files)?;
            let summary = summarize(&store, &prices);
            let text = if json {
                let mut text = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
                text.push('\n');
                text
            } else {
                render_text(&summary)
            };
            write_out(None, &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Show {
            file,
            trace_id,
            prices,
        } => {
            let prices = load_prices(prices.as_deref())?;
            let store = load_all(std::slice::from_ref(&file))?;
            let text = render_trace(&store, &prices, &trace_id)
                .ok_or_else(|| format!("{}: no trace with id {trace_id}", file.display()))?;
            write_out(None, &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Convert { file, to, output } => {
            let store = load_all(std::slice::from_ref(&file))?;
            let text = match to {
                Target::Json => native::write(&store),
                Target::Jsonl => jsonl::write(&store),
                Target::Otlp => otlp::write(&store),
            };
            write_out(output.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn validate(files: &[PathBuf]) -> ExitCode {
    let mut store = Store::new();
    let mut failed = false;
    for file in files {
        let name = file.display().to_string();
        let result = read_bytes(file).and_then(|bytes| {
            let kind = std::str::from_utf8(&bytes).map_or("", |text| format::detect(text).name());
            import(&mut store, &name, &bytes)
                .map(|report| (kind, report))
                .map_err(|e| e.to_string())
        });
        match result {
            Ok((kind, report)) => println!(
                "ok: {name} ({kind}: {} traces, {} observations)",
                report.traces_added + report.traces_updated,
                report.observations_added + report.observations_updated
            ),
            Err(message) => {
                failed = true;
                eprintln!("error: {message}");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Imports every file into one store, stopping at the first refused file.
fn load_all(files: &[PathBuf]) -> Result<Store, String> {
    let mut store = Store::new();
    for file in files {
        let bytes = read_bytes(file)?;
        import(&mut store, &file.display().to_string(), &bytes).map_err(|e| e.to_string())?;
    }
    Ok(store)
}

/// Imports one file, telling about spans imported without their parent
/// and lines skipped (a JSON Lines line a crash cut short).
fn import(store: &mut Store, name: &str, bytes: &[u8]) -> Result<ImportReport, ImportError> {
    let report = format::import(store, name, bytes)?;
    if report.orphans > 0 {
        eprintln!(
            "note: {name}: {} span(s) name a parent span that is not in the file; they are shown at the top of their trace, flagged \"prompttrace.missing_parent_span_id\" in their metadata",
            report.orphans
        );
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(report)
}

fn load_prices(path: Option<&Path>) -> Result<PriceTable, String> {
    let mut table = PriceTable::builtin();
    let Some(path) = path else {
        return Ok(table);
    };
    let bytes = read_bytes(path)?;
    let prices: BTreeMap<String, Price> = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{}: {e}; expected {{\"model\": {{\"input\": 2.5, \"output\": 10}}}}",
            path.display()
        )
    })?;
    for (model, price) in prices {
        table.set(model, price);
    }
    Ok(table)
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

fn write_out(path: Option<&Path>, text: &str) -> Result<(), String> {
    match path {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            let mut stdout = io::stdout().lock();
            match stdout.write_all(text.as_bytes()) {
                // A closed pipe (`| head`) is the reader's choice, not an error.
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                    Err(format!("standard output: {e}"))
                }
                _ => Ok(()),
            }
        }
    }
}
