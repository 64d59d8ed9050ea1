//! The generator's public output.

/// A generated demo warehouse: the script that builds it, its documentation and its questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warehouse {
    /// The seed it was generated from.
    pub seed: u64,
    /// SQLite statements, in order, without trailing semicolons: every `CREATE TABLE` (with
    /// keys, and comments as `--` comments), then `CREATE INDEX`, then batched `INSERT`s in
    /// foreign-key order, then the comments table. Run them in one transaction.
    pub statements: Vec<String>,
    /// Every warehouse table in creation order, with its comments (the comments table excluded).
    pub tables: Vec<TableDoc>,
    /// Example questions with gold SQL the warehouse answers.
    pub questions: Vec<DemoQuestion>,
}

impl Warehouse {
    /// The statements as one script, each ending in `;`, ready to write to a `.sql` file.
    pub fn script(&self) -> String {
        let mut script = String::new();
        for statement in &self.statements {
            script.push_str(statement);
            script.push_str(";\n");
        }
        script
    }

    /// The documentation of one table, by exact name.
    pub fn table(&self, name: &str) -> Option<&TableDoc> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// Rows generated across all tables.
    pub fn n_rows(&self) -> usize {
        self.tables.iter().map(|t| t.n_rows).sum()
    }
}

/// One table's documentation, since SQLite has no `COMMENT ON`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDoc {
    pub name: String,
    /// The enterprise module it belongs to (`sales`, `hr`, `finance`, `dw` …).
    pub module: String,
    pub comment: String,
    pub columns: Vec<ColumnDoc>,
    /// Rows the script inserts into it.
    pub n_rows: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDoc {
    pub name: String,
    /// The declared type (`DECIMAL(12,2)`, `VARCHAR(120)`, `DATE` …).
    pub sql_type: String,
    pub not_null: bool,
    pub primary_key: bool,
    /// The referenced `(table, column)` when the column is a foreign key.
    pub references: Option<(String, String)>,
    /// Empty when the column has no comment.
    pub comment: String,
}

/// An example question with the SQLite query that answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoQuestion {
    /// Stable id (`d01` …), kept when questions are added.
    pub id: String,
    /// Plain business English, as a user would ask it.
    pub question: String,
    /// The SQLite query that answers it.
    pub gold_sql: String,
    /// The tables the gold query reads, in the order it names them.
    pub tables: Vec<String>,
}
