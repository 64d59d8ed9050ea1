//! `tandem ask`: a question end to end in the terminal. The small model plans, the person
//! reviews the plan (approve, edit, cancel) before any large-model token is spent, then the
//! large model writes SQL that is validated and run read-only; the answer comes with the SQL,
//! a table and the ledger. The question is a session turn, so `--session` asks a follow-up.
//!
//! A request that writes a table or view (a transform) stops at its sandbox preview: the
//! person applies it, exports it as a migration file, goes back to edit the plan, or cancels.
//! Nothing is written without `apply` (or `--apply`).

use std::time::Duration;

use anyhow::{Context as _, bail};
use indicatif::{ProgressBar, ProgressStyle};
use tandem_agent::session::{SessionError, TurnRecord, TurnStatus};
use tandem_agent::{Event, PlanEdit, SessionId, Sessions, Stage, apply_edits};
use tokio::io::{AsyncBufReadExt as _, BufReader, Lines, Stdin};

use crate::commands::ask_edit::{self, Reply};
use crate::config::Config;
use crate::{output, render, wiring};

#[derive(Debug, clap::Args)]
pub struct AskArgs {
    /// The question, in plain language.
    pub question: String,
    /// `postgres://…`, `mysql://…`, `sqlite:PATH` or a SQLite file (default: the demo
    /// warehouse, generated on first use).
    #[arg(long)]
    pub db: Option<String>,
    /// Approve the plan without asking (for scripts).
    #[arg(long, short)]
    pub yes: bool,
    /// Print the turn as one JSON object on standard output.
    #[arg(long)]
    pub json: bool,
    /// Ask a follow-up in this session (its id is printed after each answer).
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// Rows shown in the table.
    #[arg(long, default_value_t = 20)]
    pub show_rows: usize,
    /// For a transform: apply the previewed transform without asking (only if every quality
    /// check passed).
    #[arg(long, conflicts_with = "export")]
    pub apply: bool,
    /// For a transform: write the previewed transform to this migration file instead of
    /// applying it (an existing file is never overwritten).
    #[arg(long, value_name = "FILE")]
    pub export: Option<std::path::PathBuf>,
}

/// What the person decided about a transform preview.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Approval {
    Apply,
    Export(std::path::PathBuf),
    /// Back to the plan.
    Edit,
    Cancel,
}

pub async fn run(config: &Config, args: AskArgs) -> anyhow::Result<()> {
    if args.question.trim().is_empty() {
        bail!("the question is empty");
    }
    if let Some(path) = &args.export
        && path.exists()
    {
        bail!("{} exists already; the migration is never written over a file", path.display());
    }
    let follow_up = match args.session.as_deref() {
        Some(text) => Some(SessionId::parse(text).with_context(|| format!("`{text}` is not a session id"))?),
        None => None,
    };
    let workspace = wiring::workspace(config, args.db.as_deref()).await?;
    output::progress(format!("{}: {} tables indexed", workspace.label, workspace.pipeline.catalog().tables.len(),));
    let sessions = wiring::sessions(config, workspace.pipeline).await?;
    let spinner = Spinner::start(&sessions, args.json);
    let started = match &follow_up {
        Some(id) => sessions.follow_up(id, &args.question).await,
        None => sessions.start(&args.question).await,
    };
    let id = started.map_err(session_error)?.session;
    spinner.follow(id.clone());
    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    let mut n_stale_previews = 0;
    let record = loop {
        let record = sessions.wait_settled(&id).await.map_err(session_error)?;
        if record.status == TurnStatus::AwaitingApproval {
            spinner.pause();
            let approval = approve_preview(&record, &args, &mut stdin).await?;
            spinner.resume();
            let outcome = match approval {
                Approval::Apply => sessions.apply(&id, &actor()).await,
                Approval::Export(path) => match sessions.export(&id, &actor()).await {
                    Ok(record) => {
                        write_migration(&record, &path)?;
                        Ok(record)
                    }
                    Err(error) => Err(error),
                },
                Approval::Edit => sessions.revise(&id).await,
                Approval::Cancel => break sessions.cancel(&id).await.map_err(session_error)?,
            };
            match outcome {
                Ok(_) => {}
                // The catalog or data moved: the preview ran again; show it.
                Err(SessionError::PreviewChanged) if n_stale_previews < 3 => {
                    n_stale_previews += 1;
                    output::progress("the preview was out of date and ran again; review it");
                }
                Err(error) => return Err(session_error(error)),
            }
            continue;
        }
        if record.status != TurnStatus::AwaitingConfirmation {
            break record;
        }
        spinner.pause();
        let decision = if args.yes {
            output::progress("plan approved (--yes):");
            output::progress_block(&render::plan(record.plan.as_ref().unwrap_or(&tandem_agent::Plan::new())));
            Some(Vec::new())
        } else {
            review(&sessions, &record, &mut stdin).await?
        };
        spinner.resume();
        match decision {
            Some(edits) => match sessions.confirm(&id, edits).await {
                Ok(_) => {}
                // The catalog changed under the stored plan: show the new one.
                Err(SessionError::PlanChanged) => output::progress("the catalog changed; review the plan again"),
                Err(error) => return Err(session_error(error)),
            },
            None => break sessions.cancel(&id).await.map_err(session_error)?,
        }
    };
    spinner.finish();
    report(&record, &args)
}

/// Shows the plan and reads commands until the person approves (with edits) or cancels.
/// End of input cancels: nothing runs on a plan nobody approved.
async fn review(
    sessions: &Sessions,
    record: &TurnRecord,
    stdin: &mut Lines<BufReader<Stdin>>,
) -> anyhow::Result<Option<Vec<PlanEdit>>> {
    let Some(original) = record.plan.clone() else { bail!("the turn awaits confirmation but has no plan") };
    let catalog = sessions.pipeline().catalog();
    let mut edits: Vec<PlanEdit> = Vec::new();
    let mut plan = original;
    output::progress(format!("plan for: {}", record.question));
    output::progress_block(&render::plan(&plan));
    loop {
        output::prompt("approve [enter] · edit (type `help`) · cancel [n] > ");
        let Some(line) = stdin.next_line().await.context("reading the terminal")? else {
            output::progress("no more input: cancelled");
            return Ok(None);
        };
        match ask_edit::parse(&line) {
            Ok(Reply::Approve) => return Ok(Some(edits)),
            Ok(Reply::Cancel) => return Ok(None),
            Ok(Reply::Help) => output::progress_block(ask_edit::HELP),
            Ok(Reply::Edit(edit)) => match apply_edits(&plan, std::slice::from_ref(&edit), catalog) {
                Ok(edited) => {
                    plan = edited;
                    edits.push(edit);
                    output::progress("plan now:");
                    output::progress_block(&render::plan(&plan));
                }
                Err(error) => output::progress(format!("not applied: {error}")),
            },
            Err(problem) => output::progress(problem),
        }
    }
}

/// Shows a transform's preview and takes the person's decision: from the flags in scripts,
/// else from the terminal. End of input cancels: nothing is written that nobody approved.
async fn approve_preview(
    record: &TurnRecord,
    args: &AskArgs,
    stdin: &mut Lines<BufReader<Stdin>>,
) -> anyhow::Result<Approval> {
    let Some(preview) = &record.preview else { bail!("the turn awaits approval but has no preview") };
    output::progress_block(&render::preview(preview, args.show_rows));
    if args.apply || args.export.is_some() || args.yes {
        if !preview.can_apply {
            output::progress("quality checks failed: nothing is applied or exported");
            return Ok(Approval::Cancel);
        }
        return Ok(match &args.export {
            Some(path) => Approval::Export(path.clone()),
            None if args.apply => Approval::Apply,
            None => {
                output::progress("not applied (--yes approves plans only; pass --apply to write, or --export FILE)");
                Approval::Cancel
            }
        });
    }
    loop {
        if preview.can_apply {
            output::prompt("apply [a] · export FILE · edit the plan [e] · cancel [n] > ");
        } else {
            output::prompt("checks failed — edit the plan [e] · cancel [n] > ");
        }
        let Some(line) = stdin.next_line().await.context("reading the terminal")? else {
            output::progress("no more input: cancelled, nothing written");
            return Ok(Approval::Cancel);
        };
        let line = line.trim();
        let (command, rest) = line.split_once(char::is_whitespace).map_or((line, ""), |(c, r)| (c, r.trim()));
        match command.to_ascii_lowercase().as_str() {
            "a" | "apply" if preview.can_apply => return Ok(Approval::Apply),
            "export" if preview.can_apply && !rest.is_empty() => {
                let path = std::path::PathBuf::from(rest);
                if path.exists() {
                    output::progress(format!("{} exists already; choose another file", path.display()));
                    continue;
                }
                return Ok(Approval::Export(path));
            }
            "export" if preview.can_apply => output::progress("`export` needs a file name"),
            "e" | "edit" => return Ok(Approval::Edit),
            "n" | "no" | "cancel" | "q" | "quit" => return Ok(Approval::Cancel),
            "" => {}
            other => output::progress(format!("`{other}` is not one of the choices")),
        }
    }
}

/// Who approved, for the audit log: the login name, else `tandem-cli`.
fn actor() -> String {
    crate::config::login_name().unwrap_or_else(|| "tandem-cli".to_owned())
}

fn write_migration(record: &TurnRecord, path: &std::path::Path) -> anyhow::Result<()> {
    let Some(migration) = record.preview.as_ref().and_then(|p| p.migration.as_ref()) else {
        bail!("the export returned no migration")
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    std::io::Write::write_all(&mut file, migration.sql.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    output::progress(format!("migration written to {} (suggested name {})", path.display(), migration.file_name));
    Ok(())
}

fn report(record: &TurnRecord, args: &AskArgs) -> anyhow::Result<()> {
    if args.json {
        output::json_line(&serde_json::json!({ "command": "ask", "turn": record }));
    }
    match record.status {
        TurnStatus::Answered => {
            if !args.json {
                if let Some(answer) = &record.answer {
                    output::line(format!(
                        "SQL{}:\n  {}\n",
                        if answer.from_cache { " (cached)" } else { "" },
                        answer.sql
                    ));
                    output::line(render::table(answer, args.show_rows));
                    for note in &answer.notes {
                        output::line(format!("note: {note}"));
                    }
                }
                output::line(format!("\n{}", render::ledger(&record.ledger)));
                output::line(format!(
                    "\nsession {} · follow up with: tandem ask --session {} \"…\"",
                    record.session, record.session
                ));
            }
            Ok(())
        }
        TurnStatus::Applied | TurnStatus::Exported => {
            if !args.json {
                if let Some(preview) = &record.preview {
                    match (&preview.applied, &preview.migration) {
                        (Some(applied), _) => output::line(format!(
                            "applied: {} row(s) written to {} at {} UTC by {} (audit key {})",
                            applied.rows_affected,
                            preview.target,
                            applied.applied_at,
                            applied.actor,
                            applied.idempotency_key
                        )),
                        (None, Some(migration)) => output::line(format!(
                            "exported as a migration ({}); nothing was written",
                            migration.file_name
                        )),
                        (None, None) => {}
                    }
                }
                output::line(format!("\n{}", render::ledger(&record.ledger)));
            }
            Ok(())
        }
        TurnStatus::Cancelled if record.preview.is_some() => {
            output::progress("cancelled: the transform was previewed only; nothing was written");
            Ok(())
        }
        TurnStatus::Cancelled => {
            output::progress("cancelled: no large-model call was made after the plan");
            Ok(())
        }
        _ => match &record.error {
            Some(error) => bail!("{} ({})", error.message, error.code),
            None => bail!("the question ended as {}", record.status.as_str()),
        },
    }
}

fn session_error(error: SessionError) -> anyhow::Error {
    anyhow::anyhow!("{error} ({})", error.code())
}

/// A spinner on standard error that follows the session's events.
struct Spinner {
    bar: ProgressBar,
    sessions: Sessions,
    follower: std::sync::Mutex<Option<tandem_llm::task::Task<()>>>,
}

impl Spinner {
    fn start(sessions: &Sessions, hidden: bool) -> Self {
        let bar = if hidden { ProgressBar::hidden() } else { ProgressBar::new_spinner() };
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message("planning: the small model reads the relevant tables");
        Self { bar, sessions: sessions.clone(), follower: std::sync::Mutex::new(None) }
    }

    fn follow(&self, id: SessionId) {
        let mut events = self.sessions.subscribe();
        let bar = self.bar.clone();
        let task = tandem_llm::task::spawn("ask-spinner", async move {
            while let Ok(event) = events.recv().await {
                if event.session == id
                    && let Some(message) = describe(&event.event)
                {
                    bar.set_message(message);
                }
            }
        });
        if let Ok(mut follower) = self.follower.lock() {
            *follower = Some(task);
        }
    }

    fn pause(&self) {
        self.bar.disable_steady_tick();
        self.bar.finish_and_clear();
    }

    fn resume(&self) {
        self.bar.reset_elapsed();
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn describe(event: &Event) -> Option<String> {
    Some(match event {
        Event::StageStarted { stage: Stage::Planned } => "planning: the small model writes the plan".to_owned(),
        Event::StageStarted { stage: Stage::Generated } => "the large model writes the SQL".to_owned(),
        Event::SqlReady { from_cache: true, .. } => "reusing the SQL of an identical plan".to_owned(),
        Event::SqlReady { .. } => "validating the SQL".to_owned(),
        Event::RepairStarted { tier, attempt, reason } => format!("repair ({tier:?}, attempt {attempt}): {reason}"),
        Event::RowsReady { n_rows, .. } => format!("{n_rows} rows"),
        Event::PreviewReady { rows_affected, .. } => format!("previewed: {rows_affected} row(s) would be written"),
        Event::Applied { rows_affected } => format!("applied: {rows_affected} row(s) written"),
        Event::TurnStatus { status } => status.as_str().replace('_', " "),
        _ => return None,
    })
}
