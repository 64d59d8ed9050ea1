//! Spider's hardness levels over the whole dev set: the counts Spider's evaluation reports
//! for dev (248 easy, 446 medium, 174 hard, 166 extra).

use std::collections::HashMap;
use std::path::PathBuf;

use tandem_eval::eval::{Hardness, hardness, load_spider_dev_questions};

#[expect(clippy::print_stdout, reason = "a skipped test says why")]
fn spider_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/spider");
    if dir.join("dev.json").is_file() {
        return Some(dir);
    }
    #[expect(clippy::disallowed_methods, reason = "tests read TANDEM_REQUIRE_ALL like every other skip rule")]
    let required = std::env::var_os("TANDEM_REQUIRE_ALL").is_some();
    assert!(!required, "Spider bench data missing at {} and TANDEM_REQUIRE_ALL is set", dir.display());
    println!("skipped: Spider bench data missing at {}", dir.display());
    None
}

#[test]
fn dev_hardness_matches_spiders_own_counts() {
    let Some(dir) = spider_dir() else { return };
    let questions = load_spider_dev_questions(&dir.join("dev.json")).unwrap();
    let mut counts: HashMap<Option<Hardness>, usize> = HashMap::new();
    for q in &questions {
        *counts.entry(hardness(&q.gold_sql[0])).or_default() += 1;
    }
    let got: Vec<usize> =
        [None, Some(Hardness::Easy), Some(Hardness::Medium), Some(Hardness::Hard), Some(Hardness::Extra)]
            .iter()
            .map(|h| counts.get(h).copied().unwrap_or(0))
            .collect();
    assert_eq!(got, [0, 248, 446, 174, 166], "unparsed, easy, medium, hard, extra");
}
