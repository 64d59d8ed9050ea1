//! Reads a PostgreSQL catalog from `pg_catalog` inside one guarded read-only transaction:
//! relations the role may `SELECT`, ordered by schema and name, with columns in attribute
//! order, keys in key order, `COMMENT ON` text and `reltuples` estimates.

use std::collections::HashMap;

use tandem_core::{Catalog, Column, ForeignKey, Table, TableKind, TableName};
use tokio_postgres::Client;

use super::error::map_pg;
use super::session::{Settings, begin};
use crate::{ExecError, IntrospectOptions};

const RELATIONS: &str = "
SELECT c.oid, n.nspname::text, c.relname::text, c.relkind::text, obj_description(c.oid, 'pg_class'),
       c.reltuples::float8
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
  AND (cardinality($1::text[]) = 0 OR n.nspname = ANY($1::text[]))
  AND has_table_privilege(c.oid, 'SELECT')
ORDER BY n.nspname, c.relname";

const COLUMNS: &str = "
SELECT a.attrelid, a.attname::text, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
       col_description(a.attrelid, a.attnum)
FROM pg_attribute a
WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum";

const KEYS: &str = "
SELECT con.conrelid, con.contype::text,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord),
       fn.nspname::text, fc.relname::text,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)
FROM pg_constraint con
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'f') AND con.conrelid = ANY($1::oid[])
ORDER BY con.conrelid, con.contype DESC, con.conname";

pub(crate) async fn read_catalog(
    client: &mut Client,
    settings: &Settings,
    options: &IntrospectOptions,
) -> Result<Catalog, ExecError> {
    let pg = |error| map_pg(error, options.timeout, &settings.target);
    let transaction = begin(client, settings, options.timeout).await?;
    let relations = transaction.query(RELATIONS, &[&options.schemas]).await.map_err(pg)?;
    let mut tables = Vec::with_capacity(relations.len());
    let mut index_of: HashMap<u32, usize> = HashMap::new();
    for row in &relations {
        let oid: u32 = row.try_get(0).map_err(pg)?;
        let kind: String = row.try_get(3).map_err(pg)?;
        let estimate: f64 = row.try_get(5).map_err(pg)?;
        let mut table = Table::new(
            TableName::qualified(row.try_get::<_, String>(1).map_err(pg)?, row.try_get::<_, String>(2).map_err(pg)?),
            Vec::new(),
        );
        // Views and materialised views are defined by queries; a model should know.
        table.kind = if kind == "v" || kind == "m" { TableKind::View } else { TableKind::Table };
        table.comment = row.try_get(4).map_err(pg)?;
        // reltuples is -1 until the first ANALYZE or VACUUM, and meaningless for views.
        table.row_estimate = (kind != "v" && estimate >= 0.0).then_some(estimate.round() as u64);
        index_of.insert(oid, tables.len());
        tables.push(table);
    }
    let oids: Vec<u32> = index_of.keys().copied().collect();
    for row in transaction.query(COLUMNS, &[&oids]).await.map_err(pg)? {
        let oid: u32 = row.try_get(0).map_err(pg)?;
        let Some(table) = index_of.get(&oid).and_then(|&i| tables.get_mut(i)) else { continue };
        table.columns.push(Column {
            nullable: row.try_get(3).map_err(pg)?,
            comment: row.try_get(4).map_err(pg)?,
            ..Column::new(row.try_get::<_, String>(1).map_err(pg)?, row.try_get::<_, String>(2).map_err(pg)?)
        });
    }
    for row in transaction.query(KEYS, &[&oids]).await.map_err(pg)? {
        let oid: u32 = row.try_get(0).map_err(pg)?;
        let Some(table) = index_of.get(&oid).and_then(|&i| tables.get_mut(i)) else { continue };
        let kind: String = row.try_get(1).map_err(pg)?;
        let columns: Vec<String> = row.try_get(2).map_err(pg)?;
        if kind == "p" {
            table.primary_key = columns;
            continue;
        }
        let schema: Option<String> = row.try_get(3).map_err(pg)?;
        let name: Option<String> = row.try_get(4).map_err(pg)?;
        let (Some(schema), Some(name)) = (schema, name) else { continue };
        table.foreign_keys.push(ForeignKey {
            columns,
            referenced_table: TableName::qualified(schema, name),
            referenced_columns: row.try_get(5).map_err(pg)?,
        });
    }
    transaction.rollback().await.map_err(pg)?;
    Ok(Catalog::new(tables))
}
