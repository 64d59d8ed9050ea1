//! Retrieval end to end: budgets, bridges, values, schema grouping, bad catalogs, the index
//! cache, degradation without a dense model, and the real MiniLM model.

mod minilm;

use std::sync::Arc;

use tandem_core::{Catalog, Column, ForeignKey, Table, TableName};
use tandem_retrieval::testing::HashingEmbedder;
use tandem_retrieval::{
    ApproxTokens, Embedder, IndexOptions, RetrievalError, Retriever, SchemaIndex, SchemaSlice, render_catalog,
};

fn table(schema: &str, name: &str, columns: &[&str]) -> Table {
    let mut t = Table::new(
        TableName::qualified(schema, name),
        columns.iter().map(|c| Column::new(*c, if c.ends_with("id") { "INTEGER" } else { "TEXT" })).collect(),
    );
    if let Some(first) = columns.first() {
        t.primary_key = vec![(*first).to_owned()];
    }
    t
}

fn fk(column: &str, schema: &str, target: &str, target_column: &str) -> ForeignKey {
    ForeignKey {
        columns: vec![column.into()],
        referenced_table: TableName::qualified(schema, target),
        referenced_columns: vec![target_column.into()],
    }
}

/// A school schema (student ← enrollment → course) drowned in unrelated filler tables, so
/// that a small budget forces real retrieval.
fn school(n_filler: usize) -> Catalog {
    let mut tables = vec![
        table("school", "student", &["student_id", "first_name", "last_name", "country"]),
        table("school", "course", &["course_id", "title", "credits"]),
        // Named so that no word of it is in the questions: it can only be found as a bridge.
        table("school", "registration", &["registration_id", "learner_ref", "class_ref", "grade"]),
    ];
    tables[0].columns[3].samples = vec!["France".into(), "Peru".into(), "Japan".into()];
    tables[2].foreign_keys =
        vec![fk("learner_ref", "school", "student", "student_id"), fk("class_ref", "school", "course", "course_id")];
    for i in 0..n_filler {
        tables.push(table(
            "warehouse",
            &format!("filler_{i}_shipment"),
            &["shipment_id", "carrier_name", "weight_kg", "dispatched_at"],
        ));
    }
    Catalog::new(tables)
}

fn index(catalog: Catalog, embedder: Option<Arc<dyn Embedder>>) -> SchemaIndex {
    SchemaIndex::build(Arc::new(catalog), embedder, Arc::new(ApproxTokens), IndexOptions::default())
}

fn names(slice: &SchemaSlice) -> Vec<String> {
    slice.tables.iter().map(|t| t.name.to_string()).collect()
}

#[test]
fn bridges_the_table_the_question_does_not_mention() {
    let index = index(school(60), Some(Arc::new(HashingEmbedder::default())));
    let slice = index.retrieve("Which courses did each student take?", 400);
    assert!(!slice.whole);
    assert_eq!(names(&slice)[..3], ["school.student", "school.course", "school.registration"]);
    let registration = slice.tables.iter().find(|t| t.name.name == "registration").unwrap();
    assert!(registration.bridge, "registration is only there to join: {slice:#?}");
    let joins: Vec<String> = slice.joins.iter().map(ToString::to_string).collect();
    assert_eq!(joins, ["registration.learner_ref = student.student_id", "registration.class_ref = course.course_id"]);
    assert!(slice.n_tokens <= 400);
    insta::assert_snapshot!(slice.text);
}

#[test]
fn matches_question_literals_to_sampled_values() {
    let index = index(school(60), None);
    let slice = index.retrieve("How many learners come from france?", 300);
    assert!(slice.contains(Some("school"), "student"), "{:?}", names(&slice));
    let value = slice.values.first().expect("a value match");
    assert_eq!((value.column.as_str(), value.value.as_str(), value.literal.as_str()), ("country", "France", "france"));
    assert!(slice.text.contains("-- 'France' is a value of school.student.country"));
    let student = slice.tables.iter().find(|t| t.name.name == "student").unwrap();
    assert_eq!(student.relevant_columns, ["country"]);
    assert!(!slice.dense, "no embedder was given");
}

#[test]
fn small_schemas_pass_whole_in_catalog_order() {
    let catalog = school(0);
    let full = render_catalog(&catalog, &IndexOptions::default().render);
    let slice = index(catalog, None).retrieve("anything at all", 10_000);
    assert!(slice.whole);
    assert_eq!(slice.text, full);
    assert_eq!(slice.n_tokens, slice.full_tokens);
    assert_eq!(slice.joins.len(), 2);
}

#[test]
fn never_exceeds_the_budget() {
    let index = index(school(200), Some(Arc::new(HashingEmbedder::default())));
    for budget in [0, 1, 10, 50, 120, 500, 2_000] {
        for question in ["students in France by course", "", "shipment carriers", "\u{0}'; DROP TABLE x; --"] {
            let slice = index.retrieve(question, budget);
            assert!(slice.n_tokens <= budget, "{budget} {question:?}: {}", slice.n_tokens);
        }
    }
}

/// Three databases sharing `singer` and `performance` tables; only `concert_singer` has
/// stadiums and concerts.
fn three_databases() -> Catalog {
    let mut tables = Vec::new();
    for db in ["concert_singer", "orchestra", "shop"] {
        tables.push(table(db, "singer", &["singer_id", "name", "age"]));
        tables.push(table(db, "performance", &["performance_id", "singer_id", "venue"]));
    }
    tables.push(table("concert_singer", "stadium", &["stadium_id", "capacity", "location"]));
    tables.push(table("concert_singer", "concert", &["concert_id", "concert_name", "stadium_id", "year"]));
    Catalog::new(tables)
}

#[test]
fn picks_the_database_that_matches_before_others() {
    let index = index(three_databases(), None);
    // Room for three tables: all must come from the database the question is about.
    let slice = index.retrieve("Show the concert names and the stadium capacity of each concert", 100);
    let schemas: Vec<Option<&str>> = slice.tables.iter().map(|t| t.name.schema.as_deref()).collect();
    assert!(slice.contains(Some("concert_singer"), "concert"), "{:?}", names(&slice));
    assert!(slice.contains(Some("concert_singer"), "stadium"), "{:?}", names(&slice));
    assert!(schemas.iter().all(|s| *s == Some("concert_singer")), "{schemas:?}");

    let per_schema: Vec<u32> =
        ["concert_singer", "ORCHESTRA", "shop"].iter().filter_map(|s| index.schema_tokens(Some(s))).collect();
    assert_eq!(per_schema.len(), 3);
    assert!(per_schema[0] > per_schema[1].max(per_schema[2]), "{per_schema:?}");
    // Counted per table, each rounded: within a token per table of the whole count.
    let n_tables = index.catalog().tables.len() as u32;
    assert!(per_schema.iter().sum::<u32>().abs_diff(index.full_tokens()) <= n_tables, "{per_schema:?}");
    assert_eq!(index.schema_tokens(Some("missing")), None);
    assert_eq!(index.schema_tokens(None), None, "every table is qualified");
}

#[test]
fn a_single_schema_slice_holds_the_best_database_whole() {
    let catalog = Arc::new(three_databases());
    let options = IndexOptions { single_schema: true, ..IndexOptions::default() };
    let index = SchemaIndex::build(Arc::clone(&catalog), None, Arc::new(ApproxTokens), options);
    let question = "Show the concert names and the singer of each concert";
    // Room for the whole database and a little more, not for the whole catalog.
    let budget = index.schema_tokens(Some("concert_singer")).unwrap() + 10;
    assert!(budget < index.full_tokens());
    let slice = index.retrieve(question, budget);
    assert!(!slice.whole);
    // Every table of the chosen database, the singer and performance it shares names with
    // included, and none of the others' (which the mixed slice below does show).
    assert_eq!(
        names(&slice),
        ["concert_singer.singer", "concert_singer.performance", "concert_singer.stadium", "concert_singer.concert"]
    );
    let mixed =
        SchemaIndex::build(catalog, None, Arc::new(ApproxTokens), IndexOptions::default()).retrieve(question, 1_000);
    assert!(mixed.tables.iter().any(|t| t.name.schema.as_deref() != Some("concert_singer")), "{:?}", names(&mixed));

    // Even when the whole catalog fits, the slice shows one database.
    let roomy = index.retrieve(question, index.full_tokens() * 2);
    assert_eq!(names(&roomy), names(&slice));

    // A database too large for the budget is packed from its own tables only.
    let tight = index.retrieve(question, budget / 2);
    assert!(!tight.tables.is_empty() && tight.n_tokens <= budget / 2);
    assert!(tight.tables.iter().all(|t| t.name.schema.as_deref() == Some("concert_singer")), "{:?}", names(&tight));
}

#[test]
fn odd_catalogs_do_not_break_retrieval() {
    // Empty.
    let empty = index(Catalog::default(), None).retrieve("anything", 100);
    assert!(empty.whole && empty.tables.is_empty() && empty.text.is_empty());

    // No keys, quoted, unicode and reserved identifiers, a column named like a table, keys
    // to tables that do not exist.
    let mut order = Table::new(
        TableName::new("order"),
        vec![Column::new("select", "int"), Column::new("customer", "text"), Column::new("Prix €", "numeric")],
    );
    order.foreign_keys = vec![fk("customer", "nowhere", "missing", "id")];
    let odd = Catalog::new(vec![
        order,
        Table::new(TableName::new("customer"), vec![Column::new("naïve \"name\"", "text")]),
        Table::new(TableName::new("表"), vec![Column::new("列", "")]),
        Table::new(TableName::new(""), vec![]),
    ]);
    let index = index(odd, Some(Arc::new(HashingEmbedder::default())));
    for budget in [5, 20, 60, 10_000] {
        let slice = index.retrieve("customer order prices in €", budget);
        assert!(slice.n_tokens <= budget);
    }
    assert!(index.retrieve("x", 10_000).text.contains("CREATE TABLE \"order\" (\n  \"select\" int,"));
}

#[test]
fn scales_to_ten_thousand_tables() {
    let mut tables = Vec::with_capacity(10_000);
    for i in 0..10_000 {
        let mut t = table(&format!("module_{}", i % 40), &format!("entity_{i}_record"), &["id", "code", "amount"]);
        if i > 0 {
            t.foreign_keys =
                vec![fk("code", &format!("module_{}", (i - 1) % 40), &format!("entity_{}_record", i - 1), "id")];
        }
        tables.push(t);
    }
    tables.push(table("module_7", "customer_invoice", &["invoice_id", "customer_name", "invoice_total"]));
    let index = index(Catalog::new(tables), None);
    let slice = index.retrieve("total of each customer invoice", 1_000);
    assert!(slice.contains(Some("module_7"), "customer_invoice"), "{:?}", names(&slice));
    assert!(slice.n_tokens <= 1_000);
}

#[test]
fn retriever_reuses_the_index_until_the_catalog_changes() {
    let retriever = Retriever::new(IndexOptions::default()).with_embedder(Arc::new(HashingEmbedder::default()));
    let catalog = Arc::new(school(3));
    let first = retriever.index(&catalog);
    assert!(Arc::ptr_eq(&first, &retriever.index(&Arc::new(school(3)))), "same version, same index");
    let changed = retriever.index(&Arc::new(school(4)));
    assert!(!Arc::ptr_eq(&first, &changed));
    assert_ne!(first.version(), changed.version());
    assert!(format!("{retriever:?}").contains("Retriever"));
}

/// An embedder whose model is gone: retrieval must carry on without it.
#[derive(Debug)]
struct Broken;

impl Embedder for Broken {
    fn name(&self) -> &str {
        "broken"
    }
    fn dimension(&self) -> usize {
        8
    }
    fn embed(&self, _texts: &[&str]) -> Result<Vec<Vec<f32>>, RetrievalError> {
        Err(RetrievalError::ModelMissing { dir: "/nowhere".into() })
    }
}

#[test]
fn degrades_to_bm25_when_the_embedder_fails() {
    let index = index(school(60), Some(Arc::new(Broken)));
    assert!(!index.warm(), "no dense index");
    let slice = index.retrieve("students and their grades per course", 400);
    assert!(!slice.dense);
    assert!(slice.contains(Some("school"), "registration"), "{:?}", names(&slice));
}

#[test]
fn date_shards_collapse_into_one_table() {
    let mut tables: Vec<Table> = (1..=28)
        .map(|day| table("ga", &format!("ga_sessions_201707{day:02}"), &["visit_id", "visitor_id", "page_views"]))
        .collect();
    tables.extend((0..30).map(|i| table("crm", &format!("account_{i}_note"), &["note_id", "body"])));
    let index = index(Catalog::new(tables), Some(Arc::new(HashingEmbedder::default())));
    let slice = index.retrieve("page views per visitor in the sessions of July 2017", 300);
    let sessions: Vec<&tandem_retrieval::SliceTable> =
        slice.tables.iter().filter(|t| t.name.name.starts_with("ga_sessions")).collect();
    assert_eq!(sessions.len(), 1, "{:?}", names(&slice));
    assert_eq!(sessions[0].name.name, "ga_sessions_20170728", "the latest shard stands for the family");
    assert_eq!(sessions[0].same_columns.len(), 27);
    assert!(slice.text.contains("-- 28 tables with these columns: ga_sessions_20170701 … ga_sessions_20170728"));
}
