//! Checking a plan against the catalog.
//!
//! A planner's plan is checked leniently: an unknown name with one close match is read as that
//! match, anything else unknown is dropped, and each such decision is written into the plan's
//! assumptions so the person confirming sees it. An edited plan is checked strictly: a person
//! named something, so an unknown name is refused rather than guessed. Both modes complete
//! the joins between the plan's tables from foreign keys.

use tandem_core::{Catalog, Table, TableName};
use tandem_retrieval::{JoinPath, SchemaSlice, SliceTable};

use crate::error::{AgentError, EditRejection};
use crate::plan::{ColumnRef, Join, PLAN_VERSION, Plan};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Lenient,
    Strict,
}

/// Checks a planner's plan against the catalog and the slice the planner saw: fixes or drops
/// unknown names (recorded in assumptions), reads a table name in the wrong schema or one
/// several schemas share as the best-ranked slice table of that name, and completes joins,
/// preferring the slice's join paths.
pub fn check_plan(plan: Plan, catalog: &Catalog, slice: &SchemaSlice) -> Result<Plan, AgentError> {
    let mut checker = Checker { catalog, mode: Mode::Lenient, shown: slice.tables.iter().collect(), notes: Vec::new() };
    match checker.run(plan, &slice.joins) {
        Ok(plan) => Ok(plan),
        Err(EditRejection::NoTablesLeft) => Err(AgentError::PlanHasNoTables),
        // The lenient mode drops instead of refusing; any other refusal is a plan with nothing
        // usable in it.
        Err(_) => Err(AgentError::PlanHasNoTables),
    }
}

/// Checks an edited plan strictly: every name must resolve.
pub(crate) fn recheck_plan(plan: Plan, catalog: &Catalog) -> Result<Plan, EditRejection> {
    Checker { catalog, mode: Mode::Strict, shown: Vec::new(), notes: Vec::new() }.run(plan, &[])
}

/// Finds a table by `name` or `schema.name`, case-insensitively.
pub fn resolve_table<'a>(catalog: &'a Catalog, written: &str) -> Option<&'a Table> {
    let written = written.trim().trim_matches('"').trim_matches('`');
    if let Some((schema, name)) = written.split_once('.')
        && let Some(table) = catalog.table(Some(schema), name)
    {
        return Some(table);
    }
    catalog.table(None, written)
}

/// How a plan writes a catalog table.
pub fn plan_name(name: &TableName) -> String {
    name.to_string()
}

struct Checker<'a, 's> {
    catalog: &'a Catalog,
    mode: Mode,
    /// The tables the planner was shown (its slice); empty for an edited plan.
    shown: Vec<&'s SliceTable>,
    notes: Vec<String>,
}

impl<'a> Checker<'a, '_> {
    fn run(&mut self, mut plan: Plan, join_hints: &[JoinPath]) -> Result<Plan, EditRejection> {
        plan.version = PLAN_VERSION;
        let mut tables: Vec<&'a Table> = Vec::new();
        for written in std::mem::take(&mut plan.tables) {
            if let Some(table) = self.table(&written)?
                && !tables.iter().any(|t| t.name == table.name)
            {
                tables.push(table);
            }
        }

        let columns = std::mem::take(&mut plan.columns);
        plan.columns = self.keep_columns(columns, &mut tables)?;
        let group_by = std::mem::take(&mut plan.group_by);
        plan.group_by = self.keep_columns(group_by, &mut tables)?;

        let mut joins = Vec::new();
        for mut join in std::mem::take(&mut plan.joins) {
            if self.column(&mut join.left, &mut tables)? && self.column(&mut join.right, &mut tables)? {
                joins.push(join);
            }
        }
        plan.joins = joins;

        let mut filters = Vec::new();
        for mut filter in std::mem::take(&mut plan.filters) {
            if filter.op.has_literal() && filter.value.trim().is_empty() {
                self.problem(
                    EditRejection::MissingValue { op: format!("{:?}", filter.op) },
                    format!("dropped the filter on {} because it has no value", filter.column),
                )?;
                continue;
            }
            if self.column(&mut filter.column, &mut tables)? {
                filters.push(filter);
            }
        }
        plan.filters = filters;

        let mut measures = Vec::new();
        for mut measure in std::mem::take(&mut plan.measures) {
            let keep = match measure.column.as_mut() {
                Some(column) => self.column(column, &mut tables)?,
                None => true,
            };
            if keep {
                measures.push(measure);
            }
        }
        plan.measures = measures;

        if tables.is_empty() {
            return Err(EditRejection::NoTablesLeft);
        }
        // Catalog order, so that two plans over the same tables read (and prompt) alike.
        tables.sort_by_key(|t| self.catalog.tables.iter().position(|c| c.name == t.name));
        plan.tables = tables.iter().map(|t| plan_name(&t.name)).collect();
        self.complete_joins(&mut plan, &tables, join_hints);
        // A misspelt table is met once per column that names it; say so once.
        for note in self.notes.drain(..) {
            if !plan.assumptions.contains(&note) {
                plan.assumptions.push(note);
            }
        }
        Ok(plan)
    }

    /// Resolves a table name; `Ok(None)` means dropped (lenient mode).
    fn table(&mut self, written: &str) -> Result<Option<&'a Table>, EditRejection> {
        if let Some(table) = resolve_table(self.catalog, written) {
            return Ok(Some(table));
        }
        // A bare name that several schemas share (`singer` in a catalog of many databases), or
        // a name put in the wrong schema: the best-ranked table of that name the planner saw.
        let bare = written.trim().trim_matches('"').trim_matches('`');
        let name = bare.rsplit_once('.').map_or(bare, |(_, name)| name);
        let best = self
            .shown
            .iter()
            .filter(|t| t.name.name.eq_ignore_ascii_case(name))
            .max_by(|a, b| a.score.total_cmp(&b.score));
        if let Some(table) = best.and_then(|t| self.catalog.table(t.name.schema.as_deref(), &t.name.name)) {
            self.notes.push(format!("read table `{written}` as `{}`", table.name));
            return Ok(Some(table));
        }
        if self.mode == Mode::Lenient
            && let Some(table) = unique_close(written, self.catalog.tables.iter(), |t| &t.name.name)
        {
            self.notes.push(format!("read table `{written}` as `{}`", table.name));
            return Ok(Some(table));
        }
        self.problem(
            EditRejection::UnknownTable { table: written.to_owned() },
            format!("dropped unknown table `{written}`"),
        )?;
        Ok(None)
    }

    fn keep_columns(
        &mut self,
        columns: Vec<ColumnRef>,
        tables: &mut Vec<&'a Table>,
    ) -> Result<Vec<ColumnRef>, EditRejection> {
        let mut kept: Vec<ColumnRef> = Vec::new();
        for mut column in columns {
            if self.column(&mut column, tables)? && !kept.contains(&column) {
                kept.push(column);
            }
        }
        Ok(kept)
    }

    /// Resolves a column reference in place to catalog spelling; `Ok(false)` means dropped.
    fn column(&mut self, column: &mut ColumnRef, tables: &mut Vec<&'a Table>) -> Result<bool, EditRejection> {
        let table = if column.table.trim().is_empty() {
            let owners: Vec<&'a Table> =
                tables.iter().copied().filter(|t| t.column(&column.column).is_some()).collect();
            match owners.as_slice() {
                [only] => *only,
                _ => {
                    self.problem(
                        EditRejection::UnknownColumn { table: String::new(), column: column.column.clone() },
                        format!("dropped column `{}`: no single plan table has it", column.column),
                    )?;
                    return Ok(false);
                }
            }
        } else if let Some(table) = tables.iter().copied().find(|t| same_table(t, &column.table)) {
            table
        } else {
            match self.mode {
                Mode::Strict => return Err(EditRejection::TableNotInPlan { table: column.table.clone() }),
                Mode::Lenient => match self.table(&column.table)? {
                    Some(table) => {
                        if !tables.iter().any(|t| t.name == table.name) {
                            self.notes.push(format!("added table `{}` for column `{column}`", table.name));
                            tables.push(table);
                        }
                        table
                    }
                    None => return Ok(false),
                },
            }
        };
        let found = table.column(&column.column).or_else(|| match self.mode {
            Mode::Lenient => unique_close(&column.column, table.columns.iter(), |c| &c.name),
            Mode::Strict => None,
        });
        match found {
            Some(found) => {
                if !found.name.eq_ignore_ascii_case(&column.column) {
                    self.notes.push(format!("read column `{column}` as `{}.{}`", table.name, found.name));
                }
                column.table = plan_name(&table.name);
                column.column = found.name.clone();
                Ok(true)
            }
            None => {
                self.problem(
                    EditRejection::UnknownColumn { table: plan_name(&table.name), column: column.column.clone() },
                    format!("dropped unknown column `{column}`"),
                )?;
                Ok(false)
            }
        }
    }

    /// Adds a join for every pair of plan tables that a foreign key connects and no plan join
    /// covers: the slice's join paths first, then the catalog's keys (for tables an edit added).
    fn complete_joins(&mut self, plan: &mut Plan, tables: &[&Table], join_hints: &[JoinPath]) {
        for (i, a) in tables.iter().enumerate() {
            for b in tables.iter().skip(i + 1) {
                let covered = plan.joins.iter().any(|j| {
                    let (l, r) = (j.left.table.as_str(), j.right.table.as_str());
                    (same_table(a, l) && same_table(b, r)) || (same_table(a, r) && same_table(b, l))
                });
                if covered {
                    continue;
                }
                let Some(path) = join_between(a, b, join_hints) else { continue };
                for (l, r) in path.left_columns.iter().zip(&path.right_columns) {
                    let join = Join {
                        left: ColumnRef::new(plan_name(&path.left), l.clone()),
                        right: ColumnRef::new(plan_name(&path.right), r.clone()),
                    };
                    if self.mode == Mode::Lenient {
                        self.notes.push(format!("joined on {join} (foreign key)"));
                    }
                    plan.joins.push(join);
                }
            }
        }
    }

    /// In lenient mode a problem becomes an assumption; in strict mode it is the refusal.
    fn problem(&mut self, rejection: EditRejection, note: String) -> Result<(), EditRejection> {
        match self.mode {
            Mode::Lenient => {
                self.notes.push(note);
                Ok(())
            }
            Mode::Strict => Err(rejection),
        }
    }
}

fn same_table(table: &Table, written: &str) -> bool {
    let written = written.trim();
    plan_name(&table.name).eq_ignore_ascii_case(written) || table.name.name.eq_ignore_ascii_case(written)
}

fn join_between(a: &Table, b: &Table, join_hints: &[JoinPath]) -> Option<JoinPath> {
    let hinted =
        join_hints.iter().find(|p| (p.left == a.name && p.right == b.name) || (p.left == b.name && p.right == a.name));
    if let Some(path) = hinted {
        return Some(path.clone());
    }
    let from_fk = |from: &Table, to: &Table| {
        from.foreign_keys.iter().find(|fk| fk.referenced_table == to.name).map(|fk| JoinPath {
            left: from.name.clone(),
            left_columns: fk.columns.clone(),
            right: to.name.clone(),
            right_columns: fk.referenced_columns.clone(),
        })
    };
    from_fk(a, b).or_else(|| from_fk(b, a))
}

/// The one candidate within a small edit distance of `written`, if exactly one is closest.
fn unique_close<'c, T>(
    written: &str,
    candidates: impl Iterator<Item = &'c T>,
    name: impl Fn(&T) -> &str,
) -> Option<&'c T>
where
    T: 'c,
{
    let written = written.trim().to_ascii_lowercase();
    let allowed = match written.chars().count() {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &T)> = None;
    let mut tie = false;
    for candidate in candidates {
        let distance = edit_distance(&written, &name(candidate).to_ascii_lowercase());
        if distance > allowed {
            continue;
        }
        match best {
            Some((d, _)) if distance > d => {}
            Some((d, _)) if distance == d => tie = true,
            _ => {
                best = Some((distance, candidate));
                tie = false;
            }
        }
    }
    if tie { None } else { best.map(|(_, c)| c) }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("singer", "singers"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_bare_name_several_schemas_share_is_the_one_the_planner_was_shown() {
        use tandem_core::Column;
        let singer = |schema: &str| {
            Table::new(
                TableName::qualified(schema, "singer"),
                vec![Column::new("Singer_ID", "int"), Column::new("Name", "text")],
            )
        };
        let catalog = Catalog::new(vec![singer("concert_singer"), singer("singer")]);
        let shown = |schema: &str, score: f32| SliceTable {
            name: TableName::qualified(schema, "singer"),
            columns: vec!["Singer_ID".to_owned(), "Name".to_owned()],
            n_hidden_columns: 0,
            relevant_columns: Vec::new(),
            bridge: false,
            same_columns: Vec::new(),
            score,
        };
        let slice = SchemaSlice {
            tables: vec![shown("concert_singer", 0.5)],
            joins: Vec::new(),
            values: Vec::new(),
            text: String::new(),
            n_tokens: 0,
            full_tokens: 0,
            whole: false,
            dense: false,
        };
        let mut plan = Plan::new();
        plan.tables = vec!["singer".to_owned()];
        plan.columns = vec![ColumnRef::new("singer", "Name")];
        let checked = check_plan(plan.clone(), &catalog, &slice).expect("the slice's singer");
        assert_eq!(checked.tables, vec!["concert_singer.singer".to_owned()]);
        assert_eq!(checked.columns, vec![ColumnRef::new("concert_singer.singer", "Name")]);
        assert_eq!(checked.assumptions, vec!["read table `singer` as `concert_singer.singer`".to_owned()]);
        // Both shown: the better-ranked one. A table put in the wrong schema (`music_2` has no
        // singer) is read the same way.
        let both = SchemaSlice { tables: vec![shown("concert_singer", 0.5), shown("singer", 0.9)], ..slice };
        let checked = check_plan(plan.clone(), &catalog, &both).expect("the better-ranked singer");
        assert_eq!(checked.tables, vec!["singer.singer".to_owned()]);
        plan.tables = vec!["music_2.singer".to_owned()];
        let checked = check_plan(plan, &catalog, &both).expect("a singer table");
        assert_eq!(checked.tables, vec!["singer.singer".to_owned()]);
    }

    #[test]
    fn a_tie_is_no_match() {
        let names = ["cat", "car"];
        assert_eq!(unique_close("cab", names.iter(), |n: &&str| n), None);
        assert_eq!(unique_close("cats", names.iter(), |n: &&str| n), Some(&"cat"));
    }
}
