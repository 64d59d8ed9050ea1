//! Two small SQLite databases in both folder layouts, a questions file, and scripted models.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use tandem_eval::eval::{
    CatalogMode, DbLocation, DbSource, EvalConfig, EvalDeps, EvalQuestion, EvalRun, Mode, OpenDatabase, run_eval,
};
use tandem_exec::{ExecError, Executor, SqliteExecutor, SqliteOptions, create_sqlite_from_script};
use tandem_llm::testing::ScriptedModel;
use tandem_retrieval::ApproxTokens;

pub struct Bench {
    pub dir: tempfile::TempDir,
    pub questions: Vec<EvalQuestion>,
}

struct Opener;

#[async_trait]
impl OpenDatabase for Opener {
    async fn open(&self, location: &DbLocation) -> Result<Arc<dyn Executor>, ExecError> {
        match location {
            DbLocation::Sqlite(path) => Ok(Arc::new(SqliteExecutor::open(path, &SqliteOptions { n_workers: 1 })?)),
            DbLocation::Postgres { .. } => unreachable!("the tests use SQLite"),
        }
    }
}

#[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
fn create(path: &Path, statements: &[&str]) {
    let statements: Vec<String> = statements.iter().map(|s| (*s).to_owned()).collect();
    create_sqlite_from_script(path, &statements).unwrap();
}

pub fn question(id: &str, db_id: &str, text: &str, gold: &[&str]) -> EvalQuestion {
    EvalQuestion {
        id: id.into(),
        db_id: db_id.into(),
        question: text.into(),
        gold_sql: gold.iter().map(|g| (*g).to_owned()).collect(),
        evidence: None,
    }
}

impl Bench {
    /// `shop.sqlite` (flat) and `music/music.sqlite` (Spider's layout); questions on both and
    /// one on a database that does not exist.
    #[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        create(
            &dir.path().join("shop.sqlite"),
            &[
                "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT, country TEXT)",
                "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer(id), amount REAL)",
                "INSERT INTO customer VALUES (1, 'Amélie', 'France'), (2, 'Bruno', 'France'), (3, 'Carla', 'Italy')",
                "INSERT INTO orders VALUES (1, 1, 10.0), (2, 3, 5.5)",
            ],
        );
        std::fs::create_dir(dir.path().join("music")).unwrap();
        create(
            &dir.path().join("music").join("music.sqlite"),
            &[
                "CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)",
                "INSERT INTO singer VALUES (1, 'Rose', 41), (2, 'Joe', 52), (3, 'Tim', 32)",
            ],
        );
        let questions = vec![
            question(
                "q1",
                "shop",
                "How many customers are in France?",
                &["SELECT count(*) FROM customer WHERE country = 'France'"],
            ),
            question(
                "q2",
                "music",
                "Names of singers from youngest to oldest.",
                &["SELECT name FROM singer ORDER BY age"],
            ),
            question("q3", "nowhere", "A question on a missing database", &["SELECT 1"]),
        ];
        Self { dir, questions }
    }

    pub fn source(&self) -> DbSource {
        DbSource::Dir(self.dir.path().to_owned())
    }

    pub fn predictions(&self, name: &str) -> PathBuf {
        self.dir.path().join("out").join(name)
    }

    pub fn config(&self, mode: Mode, catalog: CatalogMode, file: &str) -> EvalConfig {
        EvalConfig::new(mode, catalog, self.predictions(file))
    }

    #[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
    pub async fn run(
        &self,
        config: &EvalConfig,
        small: &Arc<ScriptedModel>,
        large: &Arc<ScriptedModel>,
        questions: &[EvalQuestion],
    ) -> EvalRun {
        let deps = EvalDeps {
            small: small.clone(),
            large: large.clone(),
            opener: Arc::new(Opener),
            embedder: None,
            counter: Arc::new(ApproxTokens),
        };
        run_eval(config, &deps, questions, &self.source(), &|_| {}).await.unwrap()
    }
}

pub fn sql(text: &str) -> String {
    serde_json::json!({ "sql": text }).to_string()
}

pub fn plan(tables: &[&str]) -> String {
    serde_json::json!({ "version": 1, "tables": tables, "complexity": "simple" }).to_string()
}

pub fn scripted(name: &str, replies: &[String]) -> Arc<ScriptedModel> {
    Arc::new(ScriptedModel::replying(name, replies.iter().cloned()))
}
