//! A property no corpus can be tuned to: whatever the validator accepts reads only catalog
//! tables, and only those its `tables()` lists.
//!
//! Random queries come from a grammar ([`grammar`]) over a catalog of test tables and a
//! planted set of relations the catalog does not hold (a canary table in another schema or
//! database, the engines' system catalogs, table functions over server state) and of planted
//! functions. Each accepted query's normalised text goes to the real engine, which says what
//! it would read: PostgreSQL's `EXPLAIN (VERBOSE, FORMAT JSON)`, MariaDB's `EXPLAIN
//! FORMAT=JSON` with the rewritten query `EXPLAIN EXTENDED` leaves, SQLite's authorizer while
//! the statement is prepared. A failure is shrunk (the choice sequence behind it) and printed
//! with the engine's relations and the validator's tables. The search runs for
//! `TANDEM_ESCAPE_SECONDS` (20 by default) per engine.

mod grammar;
mod mysql;
mod postgres;
mod sqlite;

use std::time::{Duration, Instant};

use proptest::collection::vec;
use proptest::prelude::any;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use tandem_core::{Catalog, TableName};
use tandem_sql::{Policy, ValidatedSql, validate};

use self::grammar::World;

/// An engine that can say, without running a query, which relations it would read.
pub trait Engine {
    /// The relations the engine reads for `sql`, or why it could not plan it.
    async fn reads(&mut self, sql: &str) -> Result<Vec<TableName>, String>;
}

/// How long each engine is searched.
#[expect(clippy::disallowed_methods, reason = "the search's time budget comes from the environment")]
fn budget() -> Duration {
    std::env::var("TANDEM_ESCAPE_SECONDS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(Duration::from_secs(20), Duration::from_secs_f64)
}

/// At most this many distinct escapes are shrunk and reported per run.
const MAX_FINDINGS: usize = 6;

/// Shrinking stops after this many candidate queries, or this long, per escape.
const MAX_SHRINK_STEPS: usize = 600;
const MAX_SHRINK_TIME: Duration = Duration::from_secs(10);

/// An accepted query that reads outside the catalog.
#[derive(Debug, Clone)]
struct Finding {
    sql: String,
    normalised: String,
    reads: Vec<TableName>,
    tables: Vec<TableName>,
    reasons: Vec<String>,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = |list: &[TableName]| list.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        writeln!(f, "  query:      {}", self.sql)?;
        writeln!(f, "  normalised: {}", self.normalised)?;
        writeln!(f, "  engine reads:     [{}]", names(&self.reads))?;
        writeln!(f, "  validator tables: [{}]", names(&self.tables))?;
        write!(f, "  why: {}", self.reasons.join("; "))
    }
}

enum Outcome {
    Rejected,
    /// Accepted, but the engine could not plan it (a type error, say): nothing to compare.
    Unexplained(String),
    Clean {
        n_reads: usize,
    },
    Escape(Finding),
}

#[derive(Debug, Default)]
struct Tally {
    n_generated: usize,
    n_accepted: usize,
    n_explained: usize,
    n_reading: usize,
    n_escapes: usize,
    unexplained: Vec<String>,
}

/// Searches `engine` for the time budget; the error lists every escape found, shrunk (or says
/// that too few accepted queries could be compared for the search to mean anything).
pub async fn check(world: &World, catalog: &Catalog, engine: &mut impl Engine) -> Result<(), String> {
    let deadline = Instant::now() + budget();
    let strategy = vec(any::<u8>(), 0..320);
    let mut runner = TestRunner::default();
    let mut tally = Tally::default();
    let mut findings: Vec<Finding> = Vec::new();
    while Instant::now() < deadline && findings.len() < MAX_FINDINGS {
        let Ok(tree) = strategy.new_tree(&mut runner) else { break };
        let choices = tree.current();
        let outcome = examine(world, catalog, engine, &choices).await;
        tally.n_generated += 1;
        match outcome {
            Outcome::Rejected => {}
            Outcome::Unexplained(error) => {
                tally.n_accepted += 1;
                if tally.unexplained.len() < 5 && !tally.unexplained.contains(&error) {
                    tally.unexplained.push(error);
                }
            }
            Outcome::Clean { n_reads } => {
                tally.n_accepted += 1;
                tally.n_explained += 1;
                tally.n_reading += usize::from(n_reads > 0);
            }
            Outcome::Escape(first) => {
                tally.n_accepted += 1;
                tally.n_escapes += 1;
                let known = |reason: &String| findings.iter().any(|f| f.reasons.contains(reason));
                if first.reasons.iter().all(known) {
                    continue;
                }
                let shrunk = shrink(world, catalog, engine, &choices, first).await;
                if !findings.iter().any(|f| f.reasons == shrunk.reasons) {
                    findings.push(shrunk);
                }
            }
        }
    }
    println!(
        "{} escape search: {} queries, {} accepted, {} explained ({} reading a table), {} escapes ({} distinct); \
         engine errors seen: {:?}",
        world.dialect,
        tally.n_generated,
        tally.n_accepted,
        tally.n_explained,
        tally.n_reading,
        tally.n_escapes,
        findings.len(),
        tally.unexplained
    );
    let report: Vec<String> = findings.iter().map(ToString::to_string).collect();
    if !findings.is_empty() {
        return Err(format!(
            "{}: the validator accepted {} queries that read outside the catalog:\n{}",
            world.dialect,
            findings.len(),
            report.join("\n\n")
        ));
    }
    // The property must not hold only because nothing was compared.
    if tally.n_explained < 20 || tally.n_reading == 0 {
        return Err(format!(
            "{}: too little was compared ({} explained, {} reading a table)",
            world.dialect, tally.n_explained, tally.n_reading
        ));
    }
    Ok(())
}

/// Shrinks the choice sequence behind `first` while the query still escapes: drop the
/// choices the grammar never read, then delete blocks of choices, then lower single choices
/// (0 is always the simplest option). Every candidate is shorter or smaller, so it ends; it is
/// also bounded by steps and time.
async fn shrink(world: &World, catalog: &Catalog, engine: &mut impl Engine, choices: &[u8], first: Finding) -> Finding {
    let started = Instant::now();
    let mut best = (choices[..grammar::query(world, choices).1].to_vec(), first);
    let mut n_steps = 0;
    let mut improved = true;
    while improved && n_steps < MAX_SHRINK_STEPS && started.elapsed() < MAX_SHRINK_TIME {
        improved = false;
        let mut candidates: Vec<Vec<u8>> = Vec::new();
        for size in [16, 8, 4, 2, 1] {
            for at in (0..best.0.len().saturating_sub(size - 1)).step_by(size) {
                let mut shorter = best.0.clone();
                shorter.drain(at..at + size);
                candidates.push(shorter);
            }
        }
        for at in 0..best.0.len() {
            for lower in [0, best.0[at] / 2, best.0[at].saturating_sub(1)] {
                if lower < best.0[at] {
                    let mut smaller = best.0.clone();
                    smaller[at] = lower;
                    candidates.push(smaller);
                }
            }
        }
        for candidate in candidates {
            if n_steps >= MAX_SHRINK_STEPS || started.elapsed() >= MAX_SHRINK_TIME {
                break;
            }
            n_steps += 1;
            if let Outcome::Escape(finding) = examine(world, catalog, engine, &candidate).await {
                best = (candidate, finding);
                improved = true;
                break;
            }
        }
    }
    best.1
}

async fn examine(world: &World, catalog: &Catalog, engine: &mut impl Engine, choices: &[u8]) -> Outcome {
    let (sql, _) = grammar::query(world, choices);
    let Ok(valid) = validate(&sql, &Policy::new(world.dialect), catalog) else { return Outcome::Rejected };
    let lowered = valid.as_str().to_lowercase();
    let mut reasons: Vec<String> =
        world.denied_words.iter().filter(|word| lowered.contains(**word)).map(|word| format!("calls {word}")).collect();
    let reads = match engine.reads(valid.as_str()).await {
        Ok(reads) => reads,
        Err(error) if reasons.is_empty() => return Outcome::Unexplained(error),
        Err(error) => {
            reasons.push(format!("(the engine could not plan it: {error})"));
            Vec::new()
        }
    };
    reasons.extend(outside(&valid, &reads, catalog));
    if reasons.is_empty() {
        return Outcome::Clean { n_reads: reads.len() };
    }
    Outcome::Escape(Finding {
        sql,
        normalised: valid.as_str().to_owned(),
        reads,
        tables: valid.tables().to_vec(),
        reasons,
    })
}

/// Each relation the engine reads that is not a catalog table, or that `tables()` misses.
fn outside(valid: &ValidatedSql, reads: &[TableName], catalog: &Catalog) -> Vec<String> {
    let mut reasons = Vec::new();
    for read in reads {
        let schema = read.schema.as_deref();
        let why = if catalog.table(schema, &read.name).is_none() {
            format!("reads {read}, not a catalog table")
        } else if !valid.tables().iter().any(|t| t.matches(schema, &read.name)) {
            format!("reads {read}, which tables() does not list")
        } else {
            continue;
        };
        if !reasons.contains(&why) {
            reasons.push(why);
        }
    }
    reasons
}
