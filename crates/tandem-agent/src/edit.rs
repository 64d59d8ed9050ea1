//! Plan edits a person makes at the confirm gate, applied all-or-nothing and re-checked.

use serde::{Deserialize, Serialize};
use tandem_core::Catalog;

use crate::check::{plan_name, recheck_plan, resolve_table};
use crate::error::{AgentError, EditRejection};
use crate::plan::{ColumnRef, Filter, Plan, PlanExpectations, TargetKind, WriteMode};

/// One change to a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanEdit {
    AddTable {
        table: String,
    },
    /// Removes the table and everything in the plan that refers to it.
    RemoveTable {
        table: String,
    },
    AddColumn {
        column: ColumnRef,
    },
    RemoveColumn {
        column: ColumnRef,
    },
    AddFilter {
        filter: Filter,
    },
    /// Replaces filter number `index` (0-based, as listed in the plan).
    ChangeFilter {
        index: usize,
        filter: Filter,
    },
    RemoveFilter {
        index: usize,
    },
    /// Answers open question number `index`; the answer becomes an assumption.
    AnswerQuestion {
        index: usize,
        answer: String,
    },
    SetLimit {
        limit: Option<u64>,
    },
    /// Renames a transform's target (and optionally makes it a table or a view).
    SetTarget {
        target: String,
        #[serde(default)]
        target_kind: Option<TargetKind>,
    },
    /// Changes how a transform writes; `key` is the upsert's key columns.
    SetWrite {
        write: WriteMode,
        #[serde(default)]
        key: Vec<String>,
    },
    /// Replaces a transform's quality expectations.
    SetExpectations {
        expect: PlanExpectations,
    },
}

/// Applies `edits` in order and re-checks the result against the catalog. Any edit that names
/// something missing, or leaves the plan broken, refuses the whole batch with its index, so a
/// person never confirms a half-applied plan.
pub fn apply_edits(plan: &Plan, edits: &[PlanEdit], catalog: &Catalog) -> Result<Plan, AgentError> {
    let mut edited = plan.clone();
    for (index, edit) in edits.iter().enumerate() {
        let fail = |reason| AgentError::InvalidEdit { index, reason };
        apply_one(&mut edited, edit, catalog).map_err(fail)?;
        edited = recheck_plan(edited, catalog).map_err(fail)?;
    }
    Ok(edited)
}

fn apply_one(plan: &mut Plan, edit: &PlanEdit, catalog: &Catalog) -> Result<(), EditRejection> {
    match edit {
        PlanEdit::AddTable { table } => {
            let found =
                resolve_table(catalog, table).ok_or_else(|| EditRejection::UnknownTable { table: table.clone() })?;
            let name = plan_name(&found.name);
            if !plan.tables.contains(&name) {
                plan.tables.push(name);
            }
        }
        PlanEdit::RemoveTable { table } => {
            let found =
                resolve_table(catalog, table).ok_or_else(|| EditRejection::UnknownTable { table: table.clone() })?;
            let name = plan_name(&found.name);
            if !plan.tables.contains(&name) {
                return Err(EditRejection::TableNotInPlan { table: table.clone() });
            }
            let other = |c: &ColumnRef| !c.table.eq_ignore_ascii_case(&name);
            plan.tables.retain(|t| *t != name);
            plan.columns.retain(other);
            plan.group_by.retain(other);
            plan.joins.retain(|j| other(&j.left) && other(&j.right));
            plan.filters.retain(|f| other(&f.column));
            plan.measures.retain(|m| m.column.as_ref().is_none_or(other));
            if plan.tables.is_empty() {
                return Err(EditRejection::NoTablesLeft);
            }
        }
        PlanEdit::AddColumn { column } => {
            if !plan.columns.contains(column) {
                plan.columns.push(column.clone());
            }
        }
        PlanEdit::RemoveColumn { column } => {
            plan.columns.retain(|c| !same_column(c, column));
        }
        PlanEdit::AddFilter { filter } => plan.filters.push(filter.clone()),
        PlanEdit::ChangeFilter { index, filter } => {
            let slot = plan.filters.get_mut(*index).ok_or(EditRejection::NoSuchFilter { index: *index })?;
            *slot = filter.clone();
        }
        PlanEdit::RemoveFilter { index } => {
            if *index >= plan.filters.len() {
                return Err(EditRejection::NoSuchFilter { index: *index });
            }
            plan.filters.remove(*index);
        }
        PlanEdit::AnswerQuestion { index, answer } => {
            if *index >= plan.open_questions.len() {
                return Err(EditRejection::NoSuchQuestion { index: *index });
            }
            let question = plan.open_questions.remove(*index);
            plan.assumptions.push(format!("{question} — {answer}"));
        }
        PlanEdit::SetLimit { limit } => plan.limit = *limit,
        PlanEdit::SetTarget { target, target_kind } => {
            let transform = plan.transform.as_mut().ok_or(EditRejection::NotATransform)?;
            let target = target.trim();
            if target.is_empty() || !target.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                return Err(EditRejection::InvalidTarget { target: target.to_owned() });
            }
            transform.target = target.to_owned();
            if let Some(kind) = target_kind {
                transform.target_kind = *kind;
            }
        }
        PlanEdit::SetWrite { write, key } => {
            let transform = plan.transform.as_mut().ok_or(EditRejection::NotATransform)?;
            transform.write = *write;
            transform.key = if *write == WriteMode::Upsert { key.clone() } else { Vec::new() };
        }
        PlanEdit::SetExpectations { expect } => {
            let transform = plan.transform.as_mut().ok_or(EditRejection::NotATransform)?;
            if let (Some(min), Some(max)) = (expect.min_rows, expect.max_rows)
                && min > max
            {
                return Err(EditRejection::EmptyRowRange { min, max });
            }
            transform.expect = expect.clone();
        }
    }
    // Strict re-checking refuses filters without a value; say so in the edit's own terms.
    if let Some(filter) = plan.filters.iter().find(|f| f.op.has_literal() && f.value.trim().is_empty()) {
        return Err(EditRejection::MissingValue { op: format!("{:?}", filter.op) });
    }
    Ok(())
}

fn same_column(a: &ColumnRef, b: &ColumnRef) -> bool {
    a.column.eq_ignore_ascii_case(&b.column) && (b.table.is_empty() || a.table.eq_ignore_ascii_case(&b.table))
}

#[cfg(test)]
mod tests {
    use tandem_core::{Column, Table, TableName};

    use super::*;

    fn catalog() -> Catalog {
        Catalog::new(vec![
            Table::new(TableName::new("singer"), vec![Column::new("id", "int"), Column::new("name", "text")]),
            Table::new(TableName::new("concert"), vec![Column::new("id", "int"), Column::new("year", "int")]),
        ])
    }

    fn plan() -> Plan {
        let mut plan = Plan::new();
        plan.tables = vec!["singer".into()];
        plan.columns = vec![ColumnRef::new("singer", "name")];
        plan.open_questions = vec!["Which year?".into()];
        plan
    }

    #[test]
    fn a_missing_table_is_refused_with_its_index() {
        let edits = [PlanEdit::SetLimit { limit: Some(5) }, PlanEdit::AddTable { table: "nope".into() }];
        let error = apply_edits(&plan(), &edits, &catalog()).unwrap_err();
        assert!(matches!(error, AgentError::InvalidEdit { index: 1, reason: EditRejection::UnknownTable { .. } }));
    }

    #[test]
    fn removing_the_last_table_is_refused() {
        let error = apply_edits(&plan(), &[PlanEdit::RemoveTable { table: "singer".into() }], &catalog()).unwrap_err();
        assert!(matches!(error, AgentError::InvalidEdit { reason: EditRejection::NoTablesLeft, .. }));
    }

    #[test]
    fn a_column_of_a_table_outside_the_plan_is_refused() {
        let edit = PlanEdit::AddColumn { column: ColumnRef::new("concert", "year") };
        let error = apply_edits(&plan(), &[edit], &catalog()).unwrap_err();
        assert!(matches!(error, AgentError::InvalidEdit { reason: EditRejection::TableNotInPlan { .. }, .. }));
    }

    #[test]
    fn answers_become_assumptions() {
        let edits = [
            PlanEdit::AddTable { table: "CONCERT".into() },
            PlanEdit::AddColumn { column: ColumnRef::new("concert", "year") },
            PlanEdit::AnswerQuestion { index: 0, answer: "2014".into() },
        ];
        let edited = apply_edits(&plan(), &edits, &catalog()).unwrap();
        assert_eq!(edited.tables, ["singer", "concert"]);
        assert!(edited.open_questions.is_empty());
        assert_eq!(edited.assumptions, ["Which year? — 2014"]);
    }

    #[test]
    fn transform_edits_need_a_transform_and_sane_values() {
        let set = PlanEdit::SetTarget { target: "singer_counts".into(), target_kind: None };
        let error = apply_edits(&plan(), std::slice::from_ref(&set), &catalog()).unwrap_err();
        assert!(matches!(error, AgentError::InvalidEdit { reason: EditRejection::NotATransform, .. }));
        let mut transform = plan();
        transform.transform = Some(crate::plan::TransformPlan {
            target: "x".into(),
            target_kind: TargetKind::Table,
            write: WriteMode::CreateAsSelect,
            key: Vec::new(),
            expect: PlanExpectations::default(),
        });
        let upsert = PlanEdit::SetWrite { write: WriteMode::Upsert, key: vec!["id".into()] };
        let edited = apply_edits(&transform, &[set, upsert], &catalog()).unwrap();
        let t = edited.transform.unwrap();
        assert_eq!(
            (t.target.as_str(), t.write, t.key.as_slice()),
            ("singer_counts", WriteMode::Upsert, ["id".to_owned()].as_slice())
        );
        let bad = PlanEdit::SetTarget { target: "x; DROP TABLE singer".into(), target_kind: None };
        assert!(apply_edits(&transform, &[bad], &catalog()).is_err());
        let empty = PlanExpectations { min_rows: Some(5), max_rows: Some(1), ..PlanExpectations::default() };
        assert!(apply_edits(&transform, &[PlanEdit::SetExpectations { expect: empty }], &catalog()).is_err());
    }
}
