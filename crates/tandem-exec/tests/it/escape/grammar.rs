//! The query grammar: a random choice sequence in, one SQL query out.
//!
//! Every decision reads the next number of the sequence, and choice 0 is always the simplest
//! option (a catalog table, a column, no subquery), so a sequence that runs out, or one the
//! shrinker has zeroed, ends in a small query. Shrinking the sequence therefore shrinks the
//! query. Relations come from the engine's [`World`]: catalog tables and planted relations in
//! every spelling, in every place a relation or a query body may stand.

use tandem_core::Dialect;

/// One relation a query may name, with the columns the grammar uses.
#[derive(Debug, Clone)]
pub struct Base {
    /// How it may be written in FROM: plain, quoted, qualified (functions with their
    /// arguments).
    pub spellings: Vec<String>,
    /// An integer column, if it has one; otherwise `length(text)` stands in.
    pub int_col: Option<&'static str>,
    pub text_col: &'static str,
    pub kind: Kind,
    /// Columns `(int, text)` in that order and no others, so `TABLE name` can be a set
    /// operation member.
    pub shaped: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Table,
    View,
    Function,
}

/// What one engine's queries are made of.
#[derive(Debug, Clone)]
pub struct World {
    pub dialect: Dialect,
    /// Catalog tables, then planted ones; `n_catalog` says where the planted ones start.
    pub bases: Vec<Base>,
    pub n_catalog: usize,
    /// Planted scalar calls that read or change state outside the catalog.
    pub int_calls: Vec<String>,
    pub text_calls: Vec<String>,
    /// Words that, found in accepted SQL, show a planted function or variable got through.
    pub denied_words: Vec<&'static str>,
}

/// Something in scope that columns can be taken from.
#[derive(Debug, Clone)]
struct Item {
    qualifier: String,
    int_col: Option<String>,
    text_col: String,
}

/// A query body's output columns.
#[derive(Debug, Clone)]
struct Columns {
    int_col: Option<String>,
    text_col: String,
}

/// The columns every generated SELECT names.
fn ab() -> Columns {
    Columns { int_col: Some("a".to_owned()), text_col: "b".to_owned() }
}

const MAX_DEPTH: usize = 3;

/// Builds one query from `choices`; also says how many choices it read (the rest cannot
/// matter, so a shrinker may drop them).
pub fn query(world: &World, choices: &[u8]) -> (String, usize) {
    let mut generator = Generator { world, choices, at: 0, n_names: 0, ctes: Vec::new() };
    let sql = generator.query(&[], 0).0;
    (sql, generator.at.min(choices.len()))
}

struct Generator<'a> {
    world: &'a World,
    choices: &'a [u8],
    at: usize,
    n_names: usize,
    /// CTEs in scope: name and columns.
    ctes: Vec<(String, Columns)>,
}

impl Generator<'_> {
    fn pick(&mut self, n: usize) -> usize {
        let choice = self.choices.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        usize::from(choice) % n
    }

    fn name(&mut self, prefix: &str) -> String {
        self.n_names += 1;
        format!("{prefix}{}", self.n_names)
    }

    fn pg(&self) -> bool {
        self.world.dialect == Dialect::Postgres
    }

    fn my(&self) -> bool {
        self.world.dialect == Dialect::Mysql
    }

    /// A query body with its columns; `outer` is what a correlated reference may use.
    fn query(&mut self, outer: &[Item], depth: usize) -> (String, Columns) {
        let deep = depth >= MAX_DEPTH;
        match self.pick(if deep { 1 } else { 5 }) {
            1 => {
                let (left, columns) = self.select(outer, depth + 1, false);
                let op = ["UNION", "UNION ALL", "INTERSECT", "EXCEPT"][self.pick(4)];
                let right = match self.pick(if self.pg() { 2 } else { 1 }) {
                    1 => format!("TABLE {}", self.shaped_spelling()),
                    _ => self.select(outer, depth + 1, false).0,
                };
                (format!("{left} {op} {right}"), columns)
            }
            2 => {
                let name = self.name("c");
                let (body, columns) = self.query(&[], depth + 1);
                self.ctes.push((name.clone(), columns));
                let (main, columns) = self.select(outer, depth + 1, true);
                self.ctes.pop();
                (format!("WITH {name} AS ({body}) {main}"), columns)
            }
            3 if self.pg() => {
                let (spelling, base) = self.relation(|b| b.kind != Kind::Function);
                (
                    format!("TABLE {spelling}"),
                    Columns { int_col: base.int_col.map(str::to_owned), text_col: base.text_col.to_owned() },
                )
            }
            _ => self.select(outer, depth, true),
        }
    }

    /// `SELECT … AS a, … AS b FROM …` with optional clauses; ORDER BY only where `ordered`
    /// (a set operation's member may not have one).
    fn select(&mut self, outer: &[Item], depth: usize, ordered: bool) -> (String, Columns) {
        let (from, items) = self.from(outer, depth);
        let mut scope: Vec<Item> = outer.to_vec();
        scope.extend(items);
        let aggregate = self.pick(4) == 1;
        let (int, text) = if aggregate {
            ("count(*)".to_owned(), format!("max({})", self.text(&scope, depth)))
        } else {
            (self.int(&scope, depth), self.text(&scope, depth))
        };
        let distinct = match self.pick(4) {
            1 => "DISTINCT ".to_owned(),
            2 if self.pg() && !aggregate => format!("DISTINCT ON ({}) ", self.int(&scope, depth)),
            _ => String::new(),
        };
        let mut sql = format!("SELECT {distinct}{int} AS a, {text} AS b FROM {from}");
        if self.pick(2) == 1 {
            sql += &format!(" WHERE {}", self.condition(&scope, depth));
        }
        if aggregate && self.pick(2) == 1 {
            // Correlated references would need grouping: the HAVING clause sees no columns.
            sql += &format!(" HAVING count(*) > {}", self.int(&[], depth));
        }
        if ordered && !aggregate && distinct.is_empty() && self.pick(3) == 1 {
            sql += &format!(" ORDER BY {}", self.int(&scope, depth));
        }
        (sql, ab())
    }

    /// One or two FROM items, joined.
    fn from(&mut self, outer: &[Item], depth: usize) -> (String, Vec<Item>) {
        let (first, item) = self.table_ref(&[], depth);
        let mut items = vec![item];
        if depth >= MAX_DEPTH || self.pick(3) != 1 {
            return (first, items);
        }
        let lateral = self.pg() && self.pick(2) == 1;
        let (second, item) = if lateral {
            let mut visible = outer.to_vec();
            visible.extend(items.iter().cloned());
            let alias = self.name("l");
            let (body, columns) = self.select(&visible, depth + 1, true);
            (format!("LATERAL ({body}) AS {alias}"), item_of(alias, &columns))
        } else {
            self.table_ref(&[], depth)
        };
        items.push(item);
        let joined = match self.pick(3) {
            1 => format!("{first} CROSS JOIN {second}"),
            2 => format!("{first} LEFT JOIN {second} ON {}", self.condition(&items, depth + 1)),
            _ => format!("{first} JOIN {second} ON {}", self.condition(&items, depth + 1)),
        };
        (joined, items)
    }

    fn table_ref(&mut self, outer: &[Item], depth: usize) -> (String, Item) {
        let deep = depth >= MAX_DEPTH;
        match self.pick(if deep { 2 } else { 6 }) {
            1 => {
                let (spelling, base) = self.relation(|b| b.kind != Kind::Function);
                // Unaliased: columns are qualified by the relation's own spelling.
                let item = Item {
                    qualifier: spelling.clone(),
                    int_col: base.int_col.map(str::to_owned),
                    text_col: base.text_col.to_owned(),
                };
                (spelling, item)
            }
            2 if !self.ctes.is_empty() => {
                let which = self.pick(self.ctes.len());
                let (name, columns) = self.ctes[which].clone();
                let alias = self.name("t");
                (format!("{name} AS {alias}"), item_of(alias, &columns))
            }
            3 => {
                let alias = self.name("d");
                let (body, columns) = self.query(outer, depth + 1);
                (format!("({body}) AS {alias}"), item_of(alias, &columns))
            }
            4 if self.pg() => {
                let alias = self.name("x");
                let passing = self.text(outer, depth + 1);
                (
                    format!(
                        "XMLTABLE('/r' PASSING CAST(concat('<r>', {passing}, '</r>') AS xml) COLUMNS b text PATH '.') \
                         AS {alias}"
                    ),
                    Item { qualifier: alias, int_col: None, text_col: "b".to_owned() },
                )
            }
            4 if self.my() => {
                let alias = self.name("j");
                let value = self.text(outer, depth + 1);
                (
                    format!("JSON_TABLE(JSON_ARRAY({value}), '$[*]' COLUMNS (b TEXT PATH '$')) AS {alias}"),
                    Item { qualifier: alias, int_col: None, text_col: "b".to_owned() },
                )
            }
            5 if self.pg() => {
                let (spelling, base) = self.relation(|b| b.kind == Kind::Table);
                let alias = self.name("t");
                let percent = self.int(outer, depth + 1);
                let method = ["BERNOULLI", "SYSTEM"][self.pick(2)];
                (
                    format!("{spelling} AS {alias} TABLESAMPLE {method} (least(100, {percent}))"),
                    item_of_base(alias, &base),
                )
            }
            _ => {
                let (spelling, base) = self.relation(|_| true);
                let alias = self.name("t");
                (format!("{spelling} AS {alias}"), item_of_base(alias, &base))
            }
        }
    }

    /// A relation and one of its spellings: catalog tables three times in five.
    fn relation(&mut self, allowed: impl Fn(&Base) -> bool) -> (String, Base) {
        let world = self.world;
        let catalog: Vec<&Base> = world.bases[..world.n_catalog].iter().filter(|b| allowed(b)).collect();
        let planted: Vec<&Base> = world.bases[world.n_catalog..].iter().filter(|b| allowed(b)).collect();
        let pool = if self.pick(5) < 3 || planted.is_empty() { catalog } else { planted };
        let base = pool[self.pick(pool.len())].clone();
        let which = self.pick(base.spellings.len());
        let spelling = base.spellings[which].clone();
        (spelling, base)
    }

    fn shaped_spelling(&mut self) -> String {
        self.relation(|b| b.shaped).0
    }

    fn int(&mut self, scope: &[Item], depth: usize) -> String {
        let deep = depth >= MAX_DEPTH;
        match self.pick(if deep { 2 } else { 9 }) {
            0 if !scope.is_empty() => {
                let which = self.pick(scope.len());
                let item = &scope[which];
                match &item.int_col {
                    Some(col) => format!("{}.{col}", item.qualifier),
                    None => format!("length({}.{})", item.qualifier, item.text_col),
                }
            }
            // Not 0 or 3: a bare integer in ORDER BY or DISTINCT ON is a column position.
            0 | 1 => ["1", "2"][self.pick(2)].to_owned(),
            2 => self.scalar(scope, depth, true),
            3 => {
                let condition = self.condition(scope, depth + 1);
                format!(
                    "CASE WHEN {condition} THEN {} ELSE {} END",
                    self.int(scope, depth + 1),
                    self.int(scope, depth + 1)
                )
            }
            4 => format!("abs({})", self.int(scope, depth + 1)),
            5 => format!("length({})", self.text(scope, depth + 1)),
            6 if !self.world.int_calls.is_empty() => {
                let which = self.pick(self.world.int_calls.len());
                self.world.int_calls[which].clone()
            }
            7 if self.my() => format!("(@v{} := {})", self.pick(3), self.int(scope, depth + 1)),
            _ => format!("coalesce({}, 0)", self.int(scope, depth + 1)),
        }
    }

    fn text(&mut self, scope: &[Item], depth: usize) -> String {
        let deep = depth >= MAX_DEPTH;
        match self.pick(if deep { 2 } else { 7 }) {
            0 if !scope.is_empty() => {
                let which = self.pick(scope.len());
                let item = &scope[which];
                format!("{}.{}", item.qualifier, item.text_col)
            }
            0 | 1 => "'x'".to_owned(),
            2 => self.scalar(scope, depth, false),
            3 => {
                let condition = self.condition(scope, depth + 1);
                format!("CASE WHEN {condition} THEN {} ELSE 'y' END", self.text(scope, depth + 1))
            }
            4 if !self.world.text_calls.is_empty() => {
                let which = self.pick(self.world.text_calls.len());
                self.world.text_calls[which].clone()
            }
            5 => match self.world.dialect {
                Dialect::Sqlite => format!("upper({})", self.text(scope, depth + 1)),
                _ => format!("concat({}, 'z')", self.text(scope, depth + 1)),
            },
            _ => match self.world.dialect {
                Dialect::Mysql => format!("CAST({} AS CHAR)", self.int(scope, depth + 1)),
                _ => format!("CAST({} AS TEXT)", self.int(scope, depth + 1)),
            },
        }
    }

    /// A scalar subquery: either correlated with `scope` and written directly (a derived
    /// table may not see outer columns on every engine), or any query body, uncorrelated, as
    /// a derived table.
    fn scalar(&mut self, scope: &[Item], depth: usize, int: bool) -> String {
        if self.pick(2) == 1 {
            let (body, columns) = self.query(&[], depth + 1);
            let col = match (int, columns.int_col) {
                (true, Some(col)) => format!("s.{col}"),
                (true, None) => format!("length(s.{})", columns.text_col),
                (false, _) => format!("s.{}", columns.text_col),
            };
            return format!("(SELECT max({col}) FROM ({body}) AS s)");
        }
        let (body, value) = self.correlated(scope, depth, int);
        format!("(SELECT max({value}){body})")
    }

    /// ` FROM … [WHERE …]` of a subquery that may use `scope`, and a value over what it sees.
    fn correlated(&mut self, scope: &[Item], depth: usize, int: bool) -> (String, String) {
        let (from, items) = self.from(&[], depth + 1);
        let mut visible = scope.to_vec();
        visible.extend(items);
        let value = if int { self.int(&visible, depth + 1) } else { self.text(&visible, depth + 1) };
        let mut body = format!(" FROM {from}");
        if self.pick(2) == 1 {
            body += &format!(" WHERE {}", self.condition(&visible, depth + 1));
        }
        (body, value)
    }

    fn condition(&mut self, scope: &[Item], depth: usize) -> String {
        let deep = depth >= MAX_DEPTH;
        match self.pick(if deep { 2 } else { 7 }) {
            1 => format!("{} LIKE 'x%'", self.text(scope, depth + 1)),
            2 if self.pg() && self.pick(3) == 1 => {
                let row = format!("({}, {})", self.int(scope, depth + 1), self.text(scope, depth + 1));
                format!("{row} IN (TABLE {})", self.shaped_spelling())
            }
            2 => {
                let left = self.int(scope, depth + 1);
                let (body, value) = self.correlated(scope, depth, true);
                format!("{left} IN (SELECT {value}{body})")
            }
            3 if self.pick(2) == 1 => format!("EXISTS ({})", self.query(&[], depth + 1).0),
            3 => format!("EXISTS (SELECT 1{})", self.correlated(scope, depth, true).0),
            4 => format!("NOT ({})", self.condition(scope, depth + 1)),
            5 => format!("({} AND {})", self.condition(scope, depth + 1), self.condition(scope, depth + 1)),
            6 => format!("({} OR {})", self.condition(scope, depth + 1), self.condition(scope, depth + 1)),
            _ => format!("{} = {}", self.int(scope, depth + 1), self.int(scope, depth + 1)),
        }
    }
}

fn item_of(alias: String, columns: &Columns) -> Item {
    Item { qualifier: alias, int_col: columns.int_col.clone(), text_col: columns.text_col.clone() }
}

fn item_of_base(alias: String, base: &Base) -> Item {
    Item { qualifier: alias, int_col: base.int_col.map(str::to_owned), text_col: base.text_col.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(dialect: Dialect) -> World {
        let table = |name: &str| Base {
            spellings: vec![name.to_owned(), format!("\"{name}\"")],
            int_col: Some("id"),
            text_col: "name",
            kind: Kind::Table,
            shaped: true,
        };
        World {
            dialect,
            bases: vec![table("item"), table("vault")],
            n_catalog: 1,
            int_calls: Vec::new(),
            text_calls: vec!["planted()".to_owned()],
            denied_words: vec!["planted"],
        }
    }

    #[test]
    fn an_empty_choice_sequence_is_the_simplest_query() {
        let (sql, _) = query(&world(Dialect::Postgres), &[]);
        assert_eq!(sql, "SELECT t1.id AS a, t1.name AS b FROM item AS t1");
    }

    #[test]
    fn the_grammar_reaches_every_shape_and_the_planted_relations() {
        let world = world(Dialect::Postgres);
        let mut seen = String::new();
        let mut state = 0x2545_f491_u64;
        for _ in 0..4_000 {
            let choices: Vec<u8> = (0..200)
                .map(|_| {
                    state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    (state >> 56).to_le_bytes()[0]
                })
                .collect();
            seen += &query(&world, &choices).0;
            seen.push('\n');
        }
        for shape in [
            "TABLE ",
            "WITH ",
            "LATERAL",
            "UNION",
            "INTERSECT",
            "EXCEPT",
            "DISTINCT ON",
            "TABLESAMPLE",
            "XMLTABLE",
            "EXISTS",
            " IN (",
            "CASE WHEN",
            "HAVING",
            "ORDER BY",
            "LEFT JOIN",
            "vault",
            "\"item\"",
            "planted()",
        ] {
            assert!(seen.contains(shape), "no generated query holds {shape:?}");
        }
    }
}
