//! The foreign-key graph: which tables join to which, and the shortest way to connect a new
//! table to those already chosen (adding the bridge tables on the way).

use std::collections::{HashMap, VecDeque};

use tandem_core::{Catalog, TableName};

/// One foreign key, as an undirected edge between two table indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FkEdge {
    pub(crate) from: usize,
    pub(crate) from_columns: Vec<String>,
    pub(crate) to: usize,
    pub(crate) to_columns: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct FkGraph {
    edges: Vec<FkEdge>,
    /// For each table, (neighbour, edge index), in catalog order of the keys.
    adjacent: Vec<Vec<(usize, usize)>>,
}

/// Resolves a referenced table: exact schema match first, then, for an unqualified
/// reference, the same schema as the referencing table, then a unique name anywhere.
fn resolve(
    lookup: &HashMap<(String, String), Vec<usize>>,
    owner_schema: Option<&str>,
    target: &TableName,
) -> Option<usize> {
    let name = target.name.to_lowercase();
    let schema = target.schema.as_deref().or(owner_schema).unwrap_or_default().to_lowercase();
    if let Some(&[only, ..]) = lookup.get(&(schema, name.clone())).map(Vec::as_slice) {
        return Some(only);
    }
    if target.schema.is_none() {
        let anywhere: Vec<usize> =
            lookup.iter().filter(|((_, n), _)| *n == name).flat_map(|(_, ids)| ids.iter().copied()).collect();
        if let [only] = anywhere.as_slice() {
            return Some(*only);
        }
    }
    None
}

impl FkGraph {
    pub(crate) fn build(catalog: &Catalog) -> Self {
        let mut lookup: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, table) in catalog.tables.iter().enumerate() {
            let key = (table.name.schema.as_deref().unwrap_or_default().to_lowercase(), table.name.name.to_lowercase());
            lookup.entry(key).or_default().push(i);
        }
        let mut graph = Self { edges: Vec::new(), adjacent: vec![Vec::new(); catalog.tables.len()] };
        for (from, table) in catalog.tables.iter().enumerate() {
            for fk in &table.foreign_keys {
                let Some(to) = resolve(&lookup, table.name.schema.as_deref(), &fk.referenced_table) else { continue };
                let edge = graph.edges.len();
                graph.edges.push(FkEdge {
                    from,
                    from_columns: fk.columns.clone(),
                    to,
                    to_columns: fk.referenced_columns.clone(),
                });
                if let Some(list) = graph.adjacent.get_mut(from) {
                    list.push((to, edge));
                }
                if from != to
                    && let Some(list) = graph.adjacent.get_mut(to)
                {
                    list.push((from, edge));
                }
            }
        }
        graph
    }

    pub(crate) fn edges(&self) -> &[FkEdge] {
        &self.edges
    }

    /// The shortest path (by breadth-first search over the undirected graph) from `start` to
    /// any table for which `is_goal` holds, at most `max_hops` edges long. Returns the tables
    /// strictly between the two ends (the bridges), nearest `start` first; `None` when no goal
    /// is reachable.
    pub(crate) fn bridge_to(
        &self,
        start: usize,
        is_goal: impl Fn(usize) -> bool,
        max_hops: usize,
    ) -> Option<Vec<usize>> {
        if is_goal(start) {
            return Some(Vec::new());
        }
        let mut previous: HashMap<usize, usize> = HashMap::new();
        let mut queue = VecDeque::from([(start, 0usize)]);
        previous.insert(start, start);
        while let Some((node, hops)) = queue.pop_front() {
            if hops >= max_hops {
                continue;
            }
            for &(next, _) in self.adjacent.get(node).map(Vec::as_slice).unwrap_or_default() {
                if previous.contains_key(&next) {
                    continue;
                }
                previous.insert(next, node);
                if is_goal(next) {
                    let mut bridges = Vec::new();
                    let mut at = node;
                    while at != start {
                        bridges.push(at);
                        at = previous.get(&at).copied().unwrap_or(start);
                    }
                    bridges.reverse();
                    return Some(bridges);
                }
                queue.push_back((next, hops + 1));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use tandem_core::{Column, ForeignKey, Table};

    use super::*;

    fn fk(column: &str, table: &str) -> ForeignKey {
        ForeignKey {
            columns: vec![column.into()],
            referenced_table: TableName::new(table),
            referenced_columns: vec!["id".into()],
        }
    }

    /// student ← enrollment → course → department; teacher is apart.
    fn school() -> Catalog {
        let table = |name: &str, fks: Vec<ForeignKey>| {
            let mut t = Table::new(TableName::qualified("s", name), vec![Column::new("id", "int")]);
            t.foreign_keys = fks;
            t
        };
        Catalog::new(vec![
            table("student", vec![]),
            table("enrollment", vec![fk("student_id", "student"), fk("course_id", "course")]),
            table("course", vec![fk("dept_id", "department")]),
            table("department", vec![]),
            table("teacher", vec![fk("x", "missing")]),
        ])
    }

    #[test]
    fn finds_bridges_by_shortest_path() {
        let graph = FkGraph::build(&school());
        assert_eq!(graph.edges().len(), 3, "the key to a missing table is dropped");
        assert_eq!(graph.bridge_to(0, |t| t == 3, 4), Some(vec![1, 2]));
        assert_eq!(graph.bridge_to(0, |t| t == 3, 2), None, "too far");
        assert_eq!(graph.bridge_to(3, |t| t == 2 || t == 0, 4), Some(vec![]));
        assert_eq!(graph.bridge_to(0, |t| t == 4, 9), None, "not connected");
    }
}
