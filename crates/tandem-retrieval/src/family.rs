//! Table families: date- or number-sharded copies of one table (`ga_sessions_20170801`,
//! `events_2021`, …) with the same columns. Warehouses hold hundreds of them; showing each to
//! a model would fill any budget with one table. A family is represented by its latest member,
//! rendered with a note naming the range, and the other members are never candidates.

use std::collections::HashMap;

use tandem_core::{Catalog, Table};

/// Shorter numeric suffixes (`address2`, `q1`) are parts of names, not shards.
const MIN_SUFFIX_DIGITS: usize = 4;

/// The name without its numeric shard suffix, when it has one.
fn stem(name: &str) -> Option<&str> {
    let digits = name.chars().rev().take_while(char::is_ascii_digit).count();
    (digits >= MIN_SUFFIX_DIGITS && digits < name.len()).then(|| &name[..name.len() - digits])
}

fn shape(table: &Table) -> Vec<String> {
    table.columns.iter().map(|c| format!("{} {}", c.name.to_lowercase(), c.data_type.to_lowercase())).collect()
}

/// For each table, the representative of its family (itself when it has none), and the
/// members of each family of two or more, sorted by name.
#[derive(Debug, Default)]
pub(crate) struct Families {
    pub(crate) representative: Vec<usize>,
    pub(crate) members: HashMap<usize, Vec<usize>>,
}

impl Families {
    pub(crate) fn build(catalog: &Catalog) -> Self {
        let mut groups: HashMap<(Option<String>, String, Vec<String>), Vec<usize>> = HashMap::new();
        for (i, table) in catalog.tables.iter().enumerate() {
            if let Some(stem) = stem(&table.name.name) {
                let key = (table.name.schema.as_ref().map(|s| s.to_lowercase()), stem.to_lowercase(), shape(table));
                groups.entry(key).or_default().push(i);
            }
        }
        let mut representative: Vec<usize> = (0..catalog.tables.len()).collect();
        let mut members = HashMap::new();
        for mut group in groups.into_values().filter(|g| g.len() > 1) {
            group.sort_by(|&a, &b| {
                let name = |i: usize| catalog.tables.get(i).map(|t| t.name.name.as_str());
                name(a).cmp(&name(b)).then(a.cmp(&b))
            });
            let Some(&latest) = group.last() else { continue };
            for &member in &group {
                if let Some(slot) = representative.get_mut(member) {
                    *slot = latest;
                }
            }
            members.insert(latest, group);
        }
        Self { representative, members }
    }

    pub(crate) fn is_hidden(&self, table: usize) -> bool {
        self.representative.get(table).is_some_and(|&r| r != table)
    }

    /// The note rendered under a representative: how many tables share its columns, and the
    /// range of their names.
    pub(crate) fn note(&self, catalog: &Catalog, table: usize) -> Option<String> {
        let group = self.members.get(&table)?;
        let name = |i: &usize| catalog.tables.get(*i).map(|t| t.name.name.clone()).unwrap_or_default();
        let (first, last) = (name(group.first()?), name(group.last()?));
        Some(format!("-- {} tables with these columns: {first} … {last}\n", group.len()))
    }
}

#[cfg(test)]
mod tests {
    use tandem_core::{Column, TableName};

    use super::*;

    #[test]
    fn groups_sharded_tables_with_equal_columns() {
        let t =
            |name: &str, column: &str| Table::new(TableName::qualified("ga", name), vec![Column::new(column, "INT64")]);
        let catalog = Catalog::new(vec![
            t("ga_sessions_20170802", "visits"),
            t("ga_sessions_20170801", "visits"),
            t("ga_sessions_20170803", "other"),
            t("address2", "visits"),
            t("address3", "visits"),
            t("2017", "visits"),
        ]);
        let families = Families::build(&catalog);
        assert_eq!(families.representative, [0, 0, 2, 3, 4, 5]);
        assert!(families.is_hidden(1) && !families.is_hidden(0));
        assert_eq!(
            families.note(&catalog, 0).as_deref(),
            Some("-- 2 tables with these columns: ga_sessions_20170801 … ga_sessions_20170802\n")
        );
        assert_eq!(families.note(&catalog, 3), None);
    }
}
