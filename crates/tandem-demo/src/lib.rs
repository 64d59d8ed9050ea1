//! tandem's demo warehouse: a seeded, deterministic generator of an enterprise SQLite
//! warehouse of ~500 tables, with comments, coherent data in the core tables, and example
//! questions whose gold SQL it answers.
//!
//! [`generate`] is pure: it returns SQL statements and documentation and never touches a file
//! or a database (only `tandem-exec` opens databases; it runs [`Warehouse::statements`] into a
//! new SQLite file). The same seed always yields byte-identical output.
//!
//! Modules follow real warehouses' prefixes: `sales_`, `crm_`, `prd_`, `inv_`, `purch_`,
//! `proc_`, `hr_`, `pay_`, `fin_`, `ship_`, `sup_`, `mkt_`, `mfg_`, `proj_`, `ast_`, `aud_`,
//! `it_`, `lgl_`, `fac_`, `esg_`, `ecom_`, `loy_`, reference data (`geo_`, `ref_`), and the long tail a
//! warehouse accumulates: `_history`, `stg_`, `arch_`, `lnd_`, `dw_`, `rpt_`, `etl_`, `cfg_`.
//! Data covers 2022-01-01 to 2024-12-31; amounts are in USD.
//!
//! **Comments.** SQLite has no `COMMENT ON`, so comments reach the catalog two ways: as `--`
//! comments inside each `CREATE TABLE` (kept verbatim in `sqlite_master.sql`), and as rows of
//! the table [`COMMENTS_TABLE`] (`table_name`, `column_name` — NULL for the table's own
//! comment — and `comment`). Introspection should read that table when present, attach the
//! comments, and leave the table itself out of the catalog. [`Warehouse::tables`] carries the
//! same comments for callers that hold the generator's output.
//!
//! Main items: [`generate`], [`Warehouse`], [`TableDoc`], [`ColumnDoc`], [`DemoQuestion`].
//!
//! ```
//! let warehouse = tandem_demo::generate(tandem_demo::DEFAULT_SEED);
//! assert!(warehouse.tables.len() >= 450);
//! let orders = warehouse.table("sales_order").map_or(0, |t| t.n_rows);
//! assert!(orders > 1_000);
//! let question = &warehouse.questions[0];
//! assert!(question.tables.iter().all(|t| warehouse.table(t).is_some()));
//! // `tandem-exec` runs `warehouse.statements` into a new SQLite file.
//! ```

mod date;
mod model;
mod modules;
mod questions;
mod random;
mod render;
mod schema;
mod seed;
mod value;

use std::collections::HashMap;

pub use model::{ColumnDoc, DemoQuestion, TableDoc, Warehouse};

use crate::schema::{TableDef, ty};

/// The table holding table and column comments; see the crate documentation.
pub const COMMENTS_TABLE: &str = "_tandem_comments";

/// The seed used when none is given, so every installation shows the same demo.
pub const DEFAULT_SEED: u64 = 42;

/// Generates the warehouse for a seed.
pub fn generate(seed: u64) -> Warehouse {
    let tables = modules::all();
    let data = seed::all(seed);
    let comments_def = TableDef::new(
        "tandem",
        COMMENTS_TABLE,
        "Table and column comments of this database (SQLite has no COMMENT ON).",
    )
    .req("table_name", ty::NAME, "Table the comment belongs to.")
    .col("column_name", ty::NAME, "Column the comment belongs to; NULL for the table's own comment.")
    .req("comment", ty::TEXT, "The comment.")
    .key(&["table_name", "column_name"]);

    let mut statements: Vec<String> = tables.iter().map(render::create_table).collect();
    statements.push(render::create_table(&comments_def));
    statements.extend(tables.iter().flat_map(render::create_indexes));

    let mut n_rows: HashMap<&str, usize> = HashMap::new();
    let fixed = tables.iter().filter_map(|t| t.fixed.as_ref());
    for rows in fixed.chain(data.iter()) {
        statements.extend(render::inserts(rows));
        *n_rows.entry(rows.table.as_str()).or_default() += rows.len();
    }
    statements.extend(render::inserts(&render::comment_rows(&tables, COMMENTS_TABLE)));

    let docs = tables.iter().map(|t| doc(t, n_rows.get(t.name.as_str()).copied().unwrap_or(0))).collect();
    Warehouse { seed, statements, tables: docs, questions: questions::all() }
}

fn doc(table: &TableDef, n_rows: usize) -> TableDoc {
    TableDoc {
        name: table.name.clone(),
        module: table.module.to_owned(),
        comment: table.comment.clone(),
        columns: table
            .columns
            .iter()
            .map(|c| ColumnDoc {
                name: c.name.clone(),
                sql_type: c.sql_type.clone(),
                not_null: c.not_null,
                primary_key: table.primary_key.contains(&c.name),
                references: c.references.as_ref().map(|r| (r.table.clone(), r.column.clone())),
                comment: c.comment.clone(),
            })
            .collect(),
        n_rows,
    }
}
