//! `tandem eval` end to end with the real local models: three Spider questions on a small
//! database, scored, with a well-formed report (not a particular accuracy).

use std::path::PathBuf;
use std::process::Command;

/// `(models dir, Spider dir)`, or `None` with the reason printed when either is missing and
/// `TANDEM_REQUIRE_ALL` is unset.
#[expect(clippy::disallowed_methods, reason = "tests locate model files and the skip rule from the environment")]
#[expect(clippy::print_stdout, reason = "a skipped test says why")]
fn inputs() -> Option<(PathBuf, PathBuf)> {
    let models = std::env::var_os("TANDEM_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/tandem/models"));
    let spider = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/spider");
    let files = [
        models.join("qwen2.5-coder-0.5b-instruct.gguf"),
        models.join("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"),
        spider.join("dev.json"),
        spider.join("database/poker_player/poker_player.sqlite"),
    ];
    if let Some(missing) = files.iter().find(|f| !f.is_file()) {
        let reason = format!("{} not found (models: set TANDEM_MODELS_DIR)", missing.display());
        assert!(std::env::var_os("TANDEM_REQUIRE_ALL").is_none(), "{reason}");
        println!("skipped: {reason}");
        return None;
    }
    Some((models, spider.join("..")))
}

#[test]
fn a_three_question_smoke_eval_with_the_local_models() {
    let Some((models, bench)) = inputs() else { return };
    let _models = crate::local_models();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tandem.toml");
    let toml = format!(
        "[paths]\ncache_dir = {:?}\nmodels_dir = {:?}\n\n[models.large.prices]\ninput_per_mtok = 0.27\noutput_per_mtok = 1.1\n",
        dir.path().join("cache"),
        models
    );
    std::fs::write(&config, toml).unwrap();
    let predictions = dir.path().join("smoke.jsonl");
    let output = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["eval", "--config", config.to_str().unwrap(), "--bench-dir", bench.to_str().unwrap()])
        .args(["--dbs", "poker_player", "--limit", "3", "--no-dense", "--json", "--out"])
        .arg(&predictions)
        .current_dir(dir.path())
        .env_remove("TANDEM_MODELS__LARGE__MAX_IN_FLIGHT")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");

    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&predictions).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    for line in &lines {
        assert!(line["correct"].is_boolean(), "every question is scored: {line}");
        assert!(line["ledger"]["small"]["n_calls"].as_u64().unwrap() >= 1, "the small model planned: {line}");
        assert!(line["full_schema_prompt_tokens"].as_u64().unwrap() > 0);
    }
    let report: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(report["command"], "eval");
    let report = &report["report"];
    assert_eq!((report["n_questions"].as_u64(), report["n_scored"].as_u64()), (Some(3), Some(3)));
    let accuracy = report["execution_accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&accuracy));
    assert_eq!(report["by_hardness"].as_array().unwrap().len(), 4);
    assert!(stdout.contains("| tiered | per-db | 3 |"), "{stdout}");
    assert!(dir.path().join("smoke.report.md").is_file() && dir.path().join("smoke.report.json").is_file());
}
