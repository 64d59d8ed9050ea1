//! The `tandem` binary as a user runs it.

mod eval;

use std::process::Command;

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
