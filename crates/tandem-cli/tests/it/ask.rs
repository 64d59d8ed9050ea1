//! `tandem ask` end to end with the real local models (small 0.5B plans, large 1.5B writes
//! SQL) on a Spider database: answers checked against the gold SQL's rows, the interactive
//! review (a bad edit refused, then approval), and cancel at the review.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub(crate) struct Setup {
    pub(crate) config: PathBuf,
    pub(crate) db: PathBuf,
    pub(crate) _dir: tempfile::TempDir,
    _models: std::sync::MutexGuard<'static, ()>,
}

/// A config using the machine's model cache and a fresh session store, or `None` (skip) when
/// the models or Spider are missing and `TANDEM_REQUIRE_ALL` is unset.
#[expect(clippy::disallowed_methods, reason = "tests locate model files and the skip rule from the environment")]
#[expect(clippy::print_stdout, reason = "a skipped test says why")]
#[expect(clippy::unwrap_used, reason = "a test helper: failing loudly is the point")]
pub(crate) fn setup() -> Option<Setup> {
    let home = PathBuf::from(std::env::var_os("HOME").unwrap_or_default());
    let models = std::env::var_os("TANDEM_MODELS_DIR").map_or_else(|| home.join(".cache/tandem/models"), PathBuf::from);
    let db = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/bench/spider/database/concert_singer/concert_singer.sqlite");
    let files = [
        models.join("qwen2.5-coder-0.5b-instruct.gguf"),
        models.join("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"),
        db.clone(),
    ];
    if let Some(missing) = files.iter().find(|f| !f.is_file()) {
        let reason = format!("{} not found (models: set TANDEM_MODELS_DIR)", missing.display());
        assert!(std::env::var_os("TANDEM_REQUIRE_ALL").is_none(), "{reason}");
        println!("skipped: {reason}");
        return None;
    }
    let models_lock = crate::local_models();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tandem.toml");
    let toml = format!(
        "[paths]\nmodels_dir = {models:?}\n\n[sessions]\nstore = {:?}\n\n[models.large.prices]\ninput_per_mtok = 0.27\noutput_per_mtok = 1.1\n",
        dir.path().join("sessions.sqlite")
    );
    std::fs::write(&config, toml).unwrap();
    Some(Setup { config, db, _dir: dir, _models: models_lock })
}

/// Runs `tandem ask` with `stdin` typed in; returns (success, stdout, stderr).
#[expect(clippy::unwrap_used, reason = "a test helper: failing loudly is the point")]
fn ask(setup: &Setup, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["ask", "--config", setup.config.to_str().unwrap(), "--db", setup.db.to_str().unwrap()])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("TANDEM_MODELS__LARGE__MAX_IN_FLIGHT")
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Rows as sorted text, numbers compared by value: Spider's execution match for queries
/// without ORDER BY.
pub(crate) fn canonical(rows: &[Vec<serde_json::Value>]) -> Vec<String> {
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::Number(n) => format!("{:.4}", n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut rows: Vec<String> = rows.iter().map(|r| r.iter().map(cell).collect::<Vec<_>>().join("|")).collect();
    rows.sort();
    rows
}

#[expect(clippy::unwrap_used, reason = "a test helper: failing loudly is the point")]
pub(crate) fn gold_rows(db: &Path, sql: &str) -> Vec<Vec<serde_json::Value>> {
    let connection = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut statement = connection.prepare(sql).unwrap();
    let n = statement.column_count();
    statement
        .query_map([], |row| {
            (0..n)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => serde_json::Value::Null,
                        rusqlite::types::ValueRef::Integer(i) => i.into(),
                        rusqlite::types::ValueRef::Real(f) => f.into(),
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                        rusqlite::types::ValueRef::Blob(_) => "blob".into(),
                    })
                })
                .collect()
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Easy Spider dev questions on `concert_singer` with their gold SQL.
const QUESTIONS: [(&str, &str); 4] = [
    ("How many singers do we have?", "SELECT count(*) FROM singer"),
    (
        "What is the average, minimum, and maximum age of all singers from France?",
        "SELECT avg(age), min(age), max(age) FROM singer WHERE country = 'France'",
    ),
    (
        "How many concerts are there in year 2014 or 2015?",
        "SELECT count(*) FROM concert WHERE YEAR = 2014 OR YEAR = 2015",
    ),
    (
        "What are all distinct countries where singers above age 20 are from?",
        "SELECT DISTINCT country FROM singer WHERE age > 20",
    ),
];

#[test]
fn ask_answers_spider_questions_that_match_the_gold_rows() {
    let Some(setup) = setup() else { return };
    let mut correct = Vec::new();
    let mut report = String::new();
    for (question, gold) in QUESTIONS {
        let (ok, stdout, stderr) = ask_question(&setup, question);
        let turn: serde_json::Value = match stdout.lines().last().map(serde_json::from_str) {
            Some(Ok(value)) => value,
            _ => panic!("no JSON from `tandem ask` (ok: {ok}):\n{stdout}\n{stderr}"),
        };
        let turn = &turn["turn"];
        assert_eq!(turn["question"], question);
        assert!(turn["ledger"]["small"]["n_calls"].as_u64().unwrap() >= 1, "the small model planned: {turn}");
        let got = turn["answer"]["rows"]
            .as_array()
            .map(|rows| rows.iter().map(|r| r.as_array().cloned().unwrap_or_default()).collect::<Vec<_>>());
        let matches = got.as_ref().is_some_and(|rows| canonical(rows) == canonical(&gold_rows(&setup.db, gold)));
        report.push_str(&format!("{question}: {} — {}\n", turn["status"], turn["answer"]["sql"]));
        if matches {
            correct.push(question);
            let full = turn["ledger"]["counterfactual_full_schema_prompt_tokens"].as_u64().unwrap();
            assert!(full > 0, "the ledger has the full-schema counterfactual: {turn}");
        }
    }
    assert!(correct.len() >= 3, "only {} of {} answers match the gold rows:\n{report}", correct.len(), QUESTIONS.len());
}

fn ask_question(setup: &Setup, question: &str) -> (bool, String, String) {
    ask(setup, &["--yes", "--json", question], "")
}

#[test]
fn ask_shows_the_plan_refuses_a_bad_edit_and_runs_after_approval() {
    let Some(setup) = setup() else { return };
    let (ok, stdout, stderr) = ask(&setup, &["How many singers do we have?"], "help\n-table no_such_table\n\n");
    assert!(ok, "{stderr}");
    assert!(stderr.contains("tables       singer"), "the plan is shown: {stderr}");
    assert!(stderr.contains("+table T"), "help is shown: {stderr}");
    assert!(stderr.contains("not applied") && stderr.contains("no_such_table"), "the bad edit is refused: {stderr}");
    assert!(stdout.contains("SQL:"), "{stdout}");
    assert!(stdout.contains("6"), "six singers: {stdout}");
    assert!(stdout.contains("large model  1 call(s)"), "the ledger: {stdout}");
    assert!(stdout.contains("follow up with: tandem ask --session"), "{stdout}");
}

#[test]
fn ask_cancelled_at_the_review_never_calls_the_large_model() {
    let Some(setup) = setup() else { return };
    let (ok, stdout, stderr) = ask(&setup, &["--json", "How many singers do we have?"], "n\n");
    assert!(ok, "{stderr}");
    let turn: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(turn["turn"]["status"], "cancelled");
    assert_eq!(turn["turn"]["ledger"]["large"]["n_calls"], 0);
    assert!(turn["turn"]["plan"]["tables"].as_array().is_some_and(|t| !t.is_empty()));
}

#[test]
fn ask_refuses_bad_input_before_loading_anything() {
    let Some(setup) = setup() else { return };
    let (ok, _, stderr) = ask(&setup, &["   "], "");
    assert!(!ok && stderr.contains("the question is empty"), "{stderr}");
    let (ok, _, stderr) = ask(&setup, &["--session", "nope", "and in France?"], "");
    assert!(!ok && stderr.contains("not a session id"), "{stderr}");
}

/// The request the real-model transform test sends, and the gold rows' query.
const TRANSFORM_REQUEST: &str =
    "Create a table ticket_status_counts from sup_ticket with the number of tickets per ticket_status";
const TRANSFORM_GOLD: &str = "SELECT ticket_status, COUNT(*) FROM sup_ticket GROUP BY ticket_status";

#[test]
fn ask_builds_a_summary_table_on_the_demo_warehouse_through_preview_and_apply() {
    let Some(mut setup) = setup() else { return };
    // A private copy of the demo warehouse, since this test writes to it.
    let warehouse = tandem_demo::generate(tandem_demo::DEFAULT_SEED);
    setup.db = setup._dir.path().join("warehouse.sqlite");
    tandem_exec::create_sqlite_from_script(&setup.db, &warehouse.statements).unwrap();
    let mut toml = std::fs::read_to_string(&setup.config).unwrap();
    toml.push_str("\n[transforms]\nenabled = true\n");
    std::fs::write(&setup.config, toml).unwrap();

    let (ok, stdout, stderr) = ask(&setup, &["--yes", "--apply", "--json", TRANSFORM_REQUEST], "");
    let turn: serde_json::Value = match stdout.lines().last().map(serde_json::from_str) {
        Some(Ok(value)) => value,
        _ => panic!("no JSON from `tandem ask` (ok: {ok}):\n{stdout}\n{stderr}"),
    };
    let turn = &turn["turn"];
    assert!(ok, "{turn}\n{stderr}");
    assert_eq!(turn["status"], "applied", "{turn}\n{stderr}");
    let preview = &turn["preview"];
    assert_eq!(preview["target"], "ticket_status_counts", "{turn}");
    assert_eq!(preview["method"], "file_copy");
    assert!(preview["applied"]["rows_affected"].as_u64().unwrap() > 0, "{turn}");
    assert!(turn["plan"]["transform"].is_object(), "a transform plan: {turn}");
    assert!(turn["ledger"]["large"]["n_calls"].as_u64().unwrap() >= 1, "{turn}");
    assert!(stderr.contains("Preview:") && stderr.contains("nothing was written"), "the preview is shown: {stderr}");

    let built = gold_rows(&setup.db, "SELECT * FROM ticket_status_counts");
    let gold = gold_rows(&setup.db, TRANSFORM_GOLD);
    assert_eq!(canonical(&built), canonical(&gold), "{turn}");
    let audit = gold_rows(&setup.db, "SELECT actor, target, status FROM tandem_transform_audit");
    assert_eq!(audit.len(), 1, "one audit row: {audit:?}");
    assert_eq!(audit[0][1], "ticket_status_counts");
}
