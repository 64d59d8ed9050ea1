//! Opening, introspecting and indexing the databases an evaluation needs: one index per
//! database, or one over the merged catalog with a routing executor.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use tandem_core::{Catalog, Dialect};
use tandem_exec::{Executor, IntrospectOptions};
use tandem_retrieval::{Embedder, IndexOptions, SchemaIndex, TokenCounter};

use super::databases::{DbSource, OpenDatabase};
use super::record::CatalogMode;
use super::routed::{Member, RoutedExecutor};
use crate::datasets::{DatasetError, SpiderDatabase, merged_catalog};

/// One member database: its own catalog and executor (gold queries run here).
#[derive(Debug, Clone)]
pub(crate) struct Database {
    pub catalog: Arc<Catalog>,
    pub executor: Arc<dyn Executor>,
    /// Its own retrieval index (per-database catalogs only).
    pub index: Option<Arc<SchemaIndex>>,
}

/// What the system under test sees for one question.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub index: Arc<SchemaIndex>,
    pub executor: Arc<dyn Executor>,
}

/// Everything opened for a run.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub databases: HashMap<String, Database>,
    merged: Option<Target>,
}

impl Prepared {
    pub(crate) fn target(&self, db_id: &str) -> Option<Target> {
        match &self.merged {
            Some(target) => Some(target.clone()),
            None => {
                let db = self.databases.get(db_id)?;
                Some(Target { index: db.index.clone()?, executor: Arc::clone(&db.executor) })
            }
        }
    }
}

/// How indexes are built.
#[derive(Clone)]
pub(crate) struct Indexing {
    pub embedder: Option<Arc<dyn Embedder>>,
    pub counter: Arc<dyn TokenCounter>,
    pub options: IndexOptions,
}

/// Opens the databases of `db_ids` (per database) or every database of `source` (merged).
pub(crate) async fn prepare(
    catalog_mode: CatalogMode,
    db_ids: &BTreeSet<String>,
    source: &DbSource,
    opener: &dyn OpenDatabase,
    indexing: &Indexing,
    on_database: &(dyn Fn(&str) + Send + Sync),
) -> Result<Prepared, DatasetError> {
    let members: Vec<String> = match catalog_mode {
        CatalogMode::PerDb => db_ids.iter().cloned().collect(),
        CatalogMode::Merged => {
            let known: Vec<String> = db_ids.iter().cloned().collect();
            source.list(&known)?
        }
    };
    let mut databases = HashMap::new();
    let mut dialect = None::<Dialect>;
    for db_id in members {
        let Some(location) = source.locate(&db_id)? else { continue };
        on_database(&db_id);
        let failed = |source| DatasetError::Database { db_id: db_id.clone(), source };
        let executor = opener.open(&location).await.map_err(failed)?;
        let catalog = executor.introspect(&IntrospectOptions::default()).await.map_err(failed)?;
        if dialect.is_some_and(|d| d != executor.dialect()) {
            return Err(DatasetError::MixedDialects);
        }
        dialect = Some(executor.dialect());
        let catalog = Arc::new(catalog);
        let index = (catalog_mode == CatalogMode::PerDb).then(|| build(&catalog, indexing));
        databases.insert(db_id, Database { catalog, executor, index });
    }
    let merged = match (catalog_mode, dialect) {
        (CatalogMode::Merged, Some(dialect)) => {
            let mut ids: Vec<&String> = databases.keys().collect();
            ids.sort();
            let parts: Vec<SpiderDatabase> = ids
                .iter()
                .filter_map(|id| {
                    databases.get(*id).map(|db| SpiderDatabase { db_id: (*id).clone(), catalog: (*db.catalog).clone() })
                })
                .collect();
            let catalog = Arc::new(merged_catalog(&parts));
            let routes = databases
                .iter()
                .map(|(id, db)| {
                    (id.clone(), Member { catalog: Arc::clone(&db.catalog), executor: Arc::clone(&db.executor) })
                })
                .collect();
            let executor: Arc<dyn Executor> = Arc::new(RoutedExecutor::new(dialect, routes));
            // No query can join two member databases, so a slice shows one database: the
            // planner then chooses tables, not databases.
            let options = IndexOptions { single_schema: true, ..indexing.options.clone() };
            let indexing = Indexing { options, ..indexing.clone() };
            Some(Target { index: build(&catalog, &indexing), executor })
        }
        _ => None,
    };
    Ok(Prepared { databases, merged })
}

fn build(catalog: &Arc<Catalog>, indexing: &Indexing) -> Arc<SchemaIndex> {
    Arc::new(SchemaIndex::build(
        Arc::clone(catalog),
        indexing.embedder.clone(),
        Arc::clone(&indexing.counter),
        indexing.options.clone(),
    ))
}
