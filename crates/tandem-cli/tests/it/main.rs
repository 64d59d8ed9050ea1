//! The `tandem` binary as a user runs it.

mod ask;
mod eval;
mod privileges;
#[cfg(test)]
mod serve;

use std::process::Command;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Held by every test that runs the local models: they run one at a time, since two llama.cpp
/// processes on the same cores slow each other down several times over (a transform test once
/// ran past the pipeline's deadline beside another real-model test).
fn local_models() -> MutexGuard<'static, ()> {
    static MODELS: Mutex<()> = Mutex::new(());
    MODELS.lock().unwrap_or_else(PoisonError::into_inner)
}

#[expect(clippy::expect_used, reason = "a test helper: failing to start the binary fails the test")]
fn tandem(args: &[&str], dir: &std::path::Path) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .current_dir(dir)
        .env_remove("TANDEM_MODELS__LARGE__MAX_IN_FLIGHT")
        .output()
        .expect("run tandem");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_example_config_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tandem.example.toml");
    let (ok, stdout, stderr) = tandem(&["check-config", "--config", example], dir.path());
    assert!(ok, "{stderr}");
    assert!(stdout.contains("[models.small] llama.cpp in process"), "{stdout}");
    assert!(stdout.contains("configuration is valid"), "{stdout}");
}

#[test]
fn bad_configs_fail_with_the_key_that_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("[models.large]\nbackend = \"openai\"\nmodel = \"m\"\n", "base_url"),
        (
            "[models.large]\nbackend = \"openai\"\nbase_url = \"http://x/v1\"\nmodel = \"m\"\napi_key = \"sk-inline\"\n",
            "env::NAME",
        ),
        (
            "[models.large]\nbackend = \"openai\"\nbase_url = \"http://x/v1\"\nmodel = \"m\"\napi_key = \"env::TANDEM_IT_UNSET_KEY\"\n",
            "TANDEM_IT_UNSET_KEY",
        ),
        ("[models.small]\nbackend = \"llamacpp\"\nmodel = \"gpt-9\"\n", "neither a built-in model"),
        (
            "[models.small]\nbackend = \"llamacpp\"\nmodel = \"qwen2.5-coder-0.5b\"\nmax_in_flight = 0\n",
            "max_in_flight",
        ),
        ("[models.small]\nbackend = \"tpu\"\n", "tpu"),
        (
            "[[server.api_keys]]\nname = \"ci\"\nkey = \"env::TANDEM_IT_UNSET_SERVER_KEY\"\n",
            "TANDEM_IT_UNSET_SERVER_KEY",
        ),
        ("[[server.api_keys]]\nname = \"ci\"\nkey = \"sk-inline\"\n", "env::NAME"),
        ("[modles]\n", "modles"),
        ("not toml at all [", "TOML"),
    ];
    for (i, (text, expect)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("c{i}.toml"));
        std::fs::write(&path, text).unwrap();
        let (ok, _, stderr) = tandem(&["check-config", "--config", path.to_str().unwrap()], dir.path());
        assert!(!ok, "case {i} should fail");
        assert!(stderr.contains(expect), "case {i}: expected `{expect}` in: {stderr}");
    }
}

#[test]
fn unknown_models_and_missing_files_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = tandem(&["models", "pull", "gpt-9"], dir.path());
    assert!(!ok && stderr.contains("unknown model `gpt-9`"), "{stderr}");
    let (ok, _, stderr) = tandem(&["check-config", "--config", "nope.toml"], dir.path());
    assert!(!ok && stderr.contains("does not exist"), "{stderr}");
    let (ok, _, stderr) = tandem(&["bench", "llm", "--tiers", "medium"], dir.path());
    assert!(!ok && stderr.contains("unknown tier"), "{stderr}");
}

#[test]
fn bench_admission_prints_the_strategy_table_and_one_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["bench", "admission", "--json", "--requests", "60", "--preset", "llama-3.3-70b-h100x2"];
    let (ok, stdout, stderr) = tandem(&args, dir.path());
    assert!(ok, "{stderr}");
    assert!(stdout.contains("| strategy | TTFT p50 s |"), "{stdout}");
    let last = stdout.lines().last().unwrap();
    let json: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(json["benchmark"], "admission");
    let report = &json["report"];
    assert_eq!(report["preset"]["name"], "llama-3.3-70b-h100x2");
    let runs = report["runs"].as_array().unwrap();
    let strategies: Vec<&str> = runs.iter().map(|run| run["strategy"].as_str().unwrap()).collect();
    assert_eq!(&strategies[..5], ["no gate", "cap 2", "cap 4", "cap 8", "cap 20"]);
    assert_eq!(strategies.len(), 7);
    for run in runs {
        assert_eq!(run["n_completed"], 60, "{run}");
        for key in ["p50", "p95", "p99", "mean"] {
            assert!(run["ttft_s"][key].as_f64().unwrap() > 0.0, "{run}");
        }
        assert!(run["gate_wait_s"]["p95"].as_f64().is_some());
        assert!(run["server"]["preemptions"].as_u64().is_some());
    }
    assert_eq!(report["goal"]["rows"].as_array().unwrap().len(), 6);
    let checks = report["validation"].as_array().unwrap();
    assert_eq!(checks.len(), 2);
    assert!(checks.iter().all(|check| check["passed"] == true), "{checks:?}");

    let (ok, _, stderr) = tandem(&["bench", "admission", "--preset", "tpu-pod"], dir.path());
    assert!(!ok && stderr.contains("unknown preset `tpu-pod`"), "{stderr}");
}

#[test]
fn bench_validate_prints_latencies_and_one_json_object() {
    let spider = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/spider");
    if !spider.join("tables.json").is_file() {
        #[expect(clippy::disallowed_methods, reason = "the skip rule reads TANDEM_REQUIRE_ALL")]
        let required = std::env::var_os("TANDEM_REQUIRE_ALL").is_some();
        assert!(!required, "Spider bench data missing at {}", spider.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bench = spider.join("..");
    let args =
        ["bench", "validate", "--json", "--limit", "40", "--repeats", "2", "--bench-dir", bench.to_str().unwrap()];
    let (ok, stdout, stderr) = tandem(&args, dir.path());
    assert!(ok, "{stderr}");
    assert!(stdout.contains("| corpus | queries | accepted |"), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(json["benchmark"], "validate");
    let corpora = json["report"]["corpora"].as_array().unwrap();
    let names: Vec<&str> = corpora.iter().map(|c| c["corpus"].as_str().unwrap()).collect();
    assert_eq!(names, ["dev", "train", "all"]);
    assert_eq!(corpora[2]["n_queries"], 80);
    assert_eq!(corpora[0]["n_accepted"], 40, "every dev gold query validates");
    assert!(corpora[2]["latency_us_p99"].as_f64().unwrap() > 0.0);

    let (ok, _, stderr) = tandem(&["bench", "validate", "--bench-dir", "nowhere"], dir.path());
    assert!(!ok && stderr.contains("holds no spider/tables.json"), "{stderr}");
}

#[test]
fn bench_gateway_prints_the_overhead_table_and_one_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["bench", "gateway", "--json", "--questions", "20", "--concurrency", "4", "--seconds", "1"];
    let (ok, stdout, stderr) = tandem(&args, dir.path());
    assert!(ok, "{stderr}");
    assert!(stdout.contains("| gateway overhead per request |"), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(json["benchmark"], "gateway");
    let report = &json["report"];
    assert_eq!((report["n_questions"].as_u64(), report["n_failed"].as_u64()), (Some(20), Some(0)));
    assert!(report["overhead_per_request"]["p99_ms"].as_f64().unwrap() > 0.0, "{report}");
    assert!(report["questions_per_s"].as_f64().unwrap() > 0.0, "{report}");
}
