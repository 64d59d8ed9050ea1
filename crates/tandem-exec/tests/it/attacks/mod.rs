//! The attack corpus end to end, on every engine: each case goes through the validator
//! against the real database's introspected catalog; what it rejects must carry the expected
//! code, and what it accepts runs in the real sandbox, which must end it within its time limit
//! plus a small margin. The database's contents and schema are checksummed before the corpus
//! and after every executed case, the sandbox's session settings are read before and after,
//! and no file the corpus names may appear.

mod corpus;
mod cost;
mod mysql;
mod postgres;
mod sqlite;

use std::time::{Duration, Instant};

use tandem_core::{Catalog, Dialect};
use tandem_exec::{ExecError, Executor, Limits, Rows, Value};
use tandem_sql::{Policy, validate};

use self::corpus::{CASES, Expect, M, P, S};

/// The limits every accepted case runs under: short, so the corpus stays quick.
const LIMITS: Limits = Limits { max_rows: 100, max_bytes: 64 * 1024, timeout: Duration::from_millis(300) };

/// How long past its time limit a statement may take to come back: the client's own deadline
/// is the limit plus one second and a tenth, and a loaded CI machine needs a little more.
const MARGIN: Duration = Duration::from_millis(1_500);

/// Files the corpus tries to write or create; none may exist afterwards.
const NAMED_FILES: &[&str] = &[
    "/tmp/tandem_attack",
    "/tmp/tandem_attack.csv",
    "/tmp/tandem_attack.txt",
    "/tmp/tandem_attack.bin",
    "/tmp/tandem_attack.db",
    "/tmp/tandem_attack_copy.db",
];

/// The database-side state that no case may change.
pub trait Snapshot {
    /// A digest of every table's rows and of the schema objects around them.
    async fn checksum(&mut self) -> String;
}

/// One engine under attack.
pub struct Target<'a> {
    pub engine: u8,
    pub dialect: Dialect,
    pub executor: &'a dyn Executor,
    pub catalog: &'a Catalog,
    /// A query whose result shows the sandbox's session settings (time limit, read-only mode,
    /// search path, user); `None` where the engine has no session to change.
    pub session_probe: Option<&'a str>,
}

/// Every case for `engine`: the hand-written ones, then case, comment and whitespace variants
/// of each rejected one (they must be rejected with the same code).
pub fn cases(engine: u8) -> Vec<(String, Expect)> {
    let written: Vec<(String, Expect)> = CASES
        .iter()
        .filter(|(engines, _, _)| engines & engine != 0)
        .map(|(_, sql, e)| ((*sql).to_owned(), *e))
        .collect();
    let mut all = written.clone();
    for (sql, expect) in written.iter().filter(|(_, e)| matches!(e, Expect::Reject(_))) {
        for variant in variants(sql) {
            if !all.iter().any(|(known, _)| *known == variant) {
                all.push((variant, *expect));
            }
        }
    }
    all
}

fn variants(sql: &str) -> [String; 3] {
    [sql.to_lowercase(), format!("/* tandem */ {sql} -- end"), sql.replace(' ', "\n\t ")]
}

/// Runs the whole corpus against `target`; returns the failures, one line each.
pub async fn run(target: &Target<'_>, snapshot: &mut impl Snapshot) -> Vec<String> {
    let mut failures = Vec::new();
    let before = snapshot.checksum().await;
    let probe_before = probe(target).await;
    let policy = Policy::new(target.dialect);
    let cases = cases(target.engine);
    for (sql, expect) in &cases {
        let label = format!("{}: {sql:?}", target.dialect);
        let valid = match (validate(sql, &policy, target.catalog), expect) {
            (Err(rejection), Expect::Reject(code)) => {
                if !rejection.violations.iter().any(|v| v.code.as_str() == *code) {
                    failures.push(format!("{label}\n    expected {code}, got {rejection}"));
                }
                continue;
            }
            (Err(rejection), _) => {
                failures.push(format!("{label}\n    expected {expect:?}, rejected: {rejection}"));
                continue;
            }
            (Ok(valid), Expect::Reject(code)) => {
                failures.push(format!("{label}\n    expected {code}, accepted as {}", valid.as_str()));
                continue;
            }
            (Ok(valid), _) => valid,
        };
        let started = Instant::now();
        let result = target.executor.execute(&valid, &LIMITS).await;
        let elapsed = started.elapsed();
        if elapsed > LIMITS.timeout + MARGIN {
            failures.push(format!("{label}\n    took {elapsed:?}, past its {:?} limit", LIMITS.timeout));
        }
        if let Some(problem) = judge(*expect, &result) {
            failures.push(format!("{label}\n    ran as {}: {problem}", valid.as_str()));
        }
        let after = snapshot.checksum().await;
        if after != before {
            failures.push(format!("{label}\n    changed the database: {before} -> {after}"));
        }
    }
    if probe(target).await != probe_before {
        failures.push(format!("{}: the session settings changed: {probe_before:?}", target.dialect));
    }
    for path in NAMED_FILES {
        if std::path::Path::new(path).exists() {
            failures.push(format!("{}: {path} exists after the corpus", target.dialect));
        }
    }
    failures
}

/// Why `result` does not meet `expect`, if it does not.
fn judge(expect: Expect, result: &Result<Rows, ExecError>) -> Option<String> {
    if let Ok(rows) = result {
        if rows.rows.len() > LIMITS.max_rows {
            return Some(format!("{} rows past the cap", rows.rows.len()));
        }
        let n_bytes: usize = rows.rows.iter().flatten().map(Value::approx_bytes).sum();
        if n_bytes > LIMITS.max_bytes {
            return Some(format!("{n_bytes} bytes past the cap"));
        }
        // No case may bring back a server file (the account list is on every Unix host).
        if rows.rows.iter().flatten().filter_map(Value::to_text).any(|text| text.contains("root:x:0:0")) {
            return Some("returned /etc/passwd".to_owned());
        }
    }
    let ok = match (expect, result) {
        (Expect::Timeout, Err(ExecError::Timeout { .. })) => true,
        (Expect::Bounded, Ok(_) | Err(ExecError::Timeout { .. })) => true,
        (Expect::Bounded, Err(error)) => error.db_class() == Some(tandem_exec::DbErrorClass::Resource),
        (Expect::Runs, Ok(_)) => true,
        (Expect::Refused, Err(ExecError::Database { .. })) => true,
        _ => false,
    };
    let got = match result {
        Ok(rows) => format!("{} rows (truncated: {})", rows.rows.len(), rows.truncated),
        Err(error) => format!("error {}: {error}", error.code()),
    };
    (!ok).then(|| format!("expected {expect:?}, got {got}"))
}

/// The session probe's result, or the error it met, as text.
async fn probe(target: &Target<'_>) -> Option<String> {
    let sql = target.session_probe?;
    let policy = Policy::new(target.dialect);
    let text = match validate(sql, &policy, target.catalog) {
        Ok(valid) => format!("{:?}", target.executor.execute(&valid, &Limits::default()).await.map(|rows| rows.rows)),
        Err(rejection) => format!("probe rejected: {rejection}"),
    };
    Some(text)
}

#[test]
fn the_corpus_has_at_least_300_cases_across_the_engines() {
    let per_engine: Vec<(usize, usize)> = [S, P, M]
        .iter()
        .map(|&engine| (CASES.iter().filter(|(engines, _, _)| engines & engine != 0).count(), cases(engine).len()))
        .collect();
    let written: usize = per_engine.iter().map(|(w, _)| w).sum();
    let with_variants: usize = per_engine.iter().map(|(_, v)| v).sum();
    println!(
        "attack corpus: {written} hand-written, {with_variants} with variants; SQLite, PostgreSQL, MySQL: {per_engine:?}"
    );
    assert!(written >= 300, "{written} hand-written cases");
    for engine in [S, P, M] {
        let cases = cases(engine);
        for expect in [Expect::Timeout, Expect::Bounded, Expect::Runs] {
            assert!(cases.iter().any(|(_, e)| *e == expect), "engine {engine} has no {expect:?} case");
        }
    }
}
