//! `tandem serve` as an operator runs it: the real binary with the real local models over a
//! Spider database, its API key read from the environment; one question asked over HTTP, the
//! plan confirmed, the rows checked against the gold SQL's, `/metrics` read, and SIGTERM.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::ask::{Setup, canonical, gold_rows, setup};

const KEY_VAR: &str = "TANDEM_IT_SERVE_KEY";
const KEY: &str = "serve-test-key-6f1c2a";

/// The running binary; killed when dropped, so a failing test leaves no server behind.
pub(crate) struct Served {
    child: Child,
    base: String,
    log: Arc<Mutex<String>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    pub(crate) fn log(&self) -> String {
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }
}

/// Starts `tandem serve` on a free port and waits for the line that names its address.
pub(crate) fn serve(config: &std::path::Path, db: &std::path::Path, envs: &[(&str, &str)]) -> Result<Served, String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
    command
        .args(["serve", "--config", config.to_str().unwrap(), "--db", db.to_str().unwrap(), "--bind", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env_remove(KEY_VAR);
    for (name, value) in envs {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let (address_tx, address_rx) = mpsc::channel();
    let writer = Arc::clone(&log);
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("serving http://").nth(1) {
                let _ = address_tx.send(rest.split('/').next().unwrap_or_default().to_owned());
            }
            if let Ok(mut log) = writer.lock() {
                log.push_str(&line);
                log.push('\n');
            }
        }
    });
    let mut served = Served { child, base: String::new(), log };
    let mut reader = Some(reader);
    // Loading both models and indexing the schema takes a while on a slow machine.
    let deadline = Instant::now() + Duration::from_secs(600);
    while Instant::now() < deadline {
        if let Ok(address) = address_rx.recv_timeout(Duration::from_millis(200)) {
            served.base = format!("http://{address}");
            return Ok(served);
        }
        if let Ok(Some(status)) = served.child.try_wait() {
            // The reader ends at the end of the exited process's output.
            if let Some(reader) = reader.take() {
                let _ = reader.join();
            }
            return Err(format!("tandem serve exited with {status}:\n{}", served.log()));
        }
    }
    Err(format!("tandem serve did not start in time:\n{}", served.log()))
}

/// A config with an API key by reference and the confirm gate on.
fn serve_config(setup: &Setup) -> std::path::PathBuf {
    let mut toml = std::fs::read_to_string(&setup.config).unwrap();
    toml.push_str(&format!(
        "\n[agent]\nconfirm = \"always\"\n\n[server]\nrequest_timeout_ms = 600000\n\n[[server.api_keys]]\nname = \"ci\"\nkey = \"env::{KEY_VAR}\"\n"
    ));
    let path = setup.config.with_file_name("serve.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

async fn call(request: reqwest::RequestBuilder) -> (reqwest::StatusCode, Value) {
    let response = request.bearer_auth(KEY).send().await.unwrap();
    let status = response.status();
    let body = response.text().await.unwrap();
    (status, serde_json::from_str(&body).unwrap_or(Value::String(body)))
}

/// Waits until the turn needs a person or is over.
async fn settled(client: &reqwest::Client, served: &Served, id: &str) -> Value {
    let url = format!("{}/api/sessions/{id}/settled", served.base);
    let (status, turn) = call(client.get(&url)).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{turn}\n{}", served.log());
    turn
}

#[tokio::test]
async fn serve_answers_a_spider_question_over_http_with_the_real_models() {
    let Some(setup) = setup() else { return };
    let config = serve_config(&setup);
    let served = serve(&config, &setup.db, &[(KEY_VAR, KEY)]).unwrap_or_else(|e| panic!("{e}"));
    let client = reqwest::Client::builder().timeout(Duration::from_secs(900)).build().unwrap();

    let sessions = format!("{}/api/sessions", served.base);
    let question = "How many singers do we have?";
    let refused = client.post(&sessions).json(&json!({ "question": question })).send().await.unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::UNAUTHORIZED, "no data without the key");

    let (status, turn) = call(client.post(&sessions).json(&json!({ "question": question }))).await;
    assert_eq!(status, reqwest::StatusCode::ACCEPTED, "{turn}");
    let id = turn["session"].as_str().unwrap().to_owned();
    let turn = settled(&client, &served, &id).await;
    assert_eq!(turn["status"], "awaiting_confirmation", "{turn}\n{}", served.log());
    let tables = turn["plan"]["tables"].as_array().cloned().unwrap_or_default();
    assert!(tables.iter().any(|t| t == "singer"), "the small model planned over `singer`: {turn}");
    assert_eq!(turn["ledger"]["large"]["n_calls"], 0, "no large call before confirmation: {turn}");

    let confirm = format!("{sessions}/{id}/confirm");
    let (status, body) = call(client.post(&confirm).json(&json!({}))).await;
    assert_eq!(status, reqwest::StatusCode::ACCEPTED, "{body}");
    let turn = settled(&client, &served, &id).await;
    assert_eq!(turn["status"], "answered", "{turn}\n{}", served.log());
    let rows: Vec<Vec<Value>> = turn["answer"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row.as_array().cloned().unwrap_or_default())
        .collect();
    let gold = gold_rows(&setup.db, "SELECT count(*) FROM singer");
    assert_eq!(canonical(&rows), canonical(&gold), "SQL: {}", turn["answer"]["sql"]);
    assert!(turn["ledger"]["large"]["n_calls"].as_u64().unwrap() >= 1, "{turn}");

    // A settled turn is counted by a task that follows the event stream, a moment after
    // `/settled` answers: scrape until the lines are there, for up to ten seconds.
    let expected = [
        "tandem_retrieval_tables_used_total 1",
        "tandem_retrieval_tables_used_in_slice_total 1",
        r#"tandem_session_turns_total{outcome="answered"} 1"#,
    ];
    let scraped_by = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, metrics) = call(client.get(format!("{}/metrics", served.base))).await;
        assert_eq!(status, reqwest::StatusCode::OK);
        let metrics = metrics.as_str().unwrap_or_default().to_owned();
        let missing = expected.iter().find(|line| !metrics.lines().any(|l| l == **line));
        match missing {
            None => break,
            Some(line) => assert!(Instant::now() < scraped_by, "`{line}` missing from /metrics:\n{metrics}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // SIGTERM: the server stops accepting and exits cleanly.
    let mut served = served;
    let pid = served.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = served.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "tandem serve did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status}\n{}", served.log());
    assert!(!served.log().contains(KEY), "the key never reaches the log");
}

#[test]
fn serve_refuses_to_start_when_a_key_variable_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tandem.toml");
    std::fs::write(&config, format!("[[server.api_keys]]\nname = \"ci\"\nkey = \"env::{KEY_VAR}\"\n")).unwrap();
    let db = dir.path().join("none.sqlite");
    match serve(&config, &db, &[]) {
        Ok(served) => panic!("tandem serve started without its key:\n{}", served.log()),
        Err(error) => {
            assert!(error.contains(&format!("secret `env::{KEY_VAR}` is not set")), "{error}");
            assert!(error.contains("server.api_keys `ci`"), "{error}");
        }
    }
}
