//! The CLI's output: the one module allowed to print. Figures and answers go to standard
//! output; progress and diagnostics go to standard error.

use std::io::Write;

/// Prints a line of the command's result to standard output.
#[expect(clippy::print_stdout, reason = "the CLI's output module is where results are printed")]
pub fn line(text: impl std::fmt::Display) {
    println!("{text}");
}

/// Prints progress to standard error without a newline-terminated result.
#[expect(clippy::print_stderr, reason = "progress for a person watching the terminal")]
pub fn progress(text: impl std::fmt::Display) {
    eprintln!("· {text}");
}

/// Prints a value as the single JSON line that `--json` promises.
pub fn json_line(value: &serde_json::Value) {
    line(value);
}

/// Prints several lines of progress (a plan, a help text) to standard error as they are.
#[expect(clippy::print_stderr, reason = "what a person reviews at the terminal")]
pub fn progress_block(text: &str) {
    eprintln!("{}", text.trim_end());
}

/// Asks on standard error, leaving the cursor after the question.
#[expect(clippy::print_stderr, reason = "the review prompt")]
pub fn prompt(text: &str) {
    eprint!("{text}");
    let _ = std::io::stderr().flush();
}
