//! Real-model tests for the llama.cpp backend.
//!
//! They need the two GGUF files under `$TANDEM_MODELS_DIR` (default `~/.cache/tandem/models`).
//! A missing file skips the tests that need it with a printed reason, unless
//! `TANDEM_REQUIRE_ALL` is set (CI), where it fails them. Each model is loaded once per test
//! binary, and tests take turns so that one test's call cannot evict another's KV cache or
//! steal its CPU (two cores run one decode at a time anyway).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tandem_llm::{ChatModel, ChatRequest, Completion, FinishReason, LlmError, Message, discard_deltas};
use tandem_llm_llamacpp::{LlamaCppConfig, LlamaCppModel};
use tokio::sync::{Mutex, MutexGuard, OnceCell};

const SMALL_FILE: &str = "qwen2.5-coder-0.5b-instruct.gguf";
const LARGE_FILE: &str = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf";

const SINGER_DDL: &str = "CREATE TABLE singer(singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER);";
const SINGER_ROWS: &str = "INSERT INTO singer VALUES (1, 'Joe Sharp', 'Netherlands', 52), (2, 'Timbaland', 'United States', 32), (3, 'Justin Brown', 'France', 29), (4, 'Rose White', 'France', 41);";

/// One test at a time (see the module docs).
async fn serial() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::const_new(());
    TURN.lock().await
}

#[expect(clippy::disallowed_methods, reason = "tests locate the model files from the environment")]
#[expect(clippy::print_stderr, reason = "a skipped test says why")]
fn model_file(file: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("TANDEM_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/tandem/models"));
    let path = dir.join(file);
    if path.is_file() {
        return Some(path);
    }
    let reason = format!("model {} not found (set TANDEM_MODELS_DIR)", path.display());
    assert!(std::env::var_os("TANDEM_REQUIRE_ALL").is_none(), "{reason}");
    eprintln!("skipped: {reason}");
    None
}

#[expect(clippy::expect_used, clippy::print_stderr, reason = "a test helper: failing loudly is the point")]
async fn load_once(
    cell: &'static OnceCell<Option<LlamaCppModel>>,
    file: &str,
    name: &str,
) -> Option<&'static LlamaCppModel> {
    cell.get_or_init(|| async {
        let path = model_file(file)?;
        let started = Instant::now();
        let model = LlamaCppModel::load(LlamaCppConfig::new(path, name)).await.expect("model loads");
        eprintln!("{name}: loaded in {:?}", started.elapsed());
        Some(model)
    })
    .await
    .as_ref()
}

async fn small() -> Option<&'static LlamaCppModel> {
    static SMALL: OnceCell<Option<LlamaCppModel>> = OnceCell::const_new();
    load_once(&SMALL, SMALL_FILE, "qwen2.5-coder-0.5b").await
}

async fn large() -> Option<&'static LlamaCppModel> {
    static LARGE: OnceCell<Option<LlamaCppModel>> = OnceCell::const_new();
    load_once(&LARGE, LARGE_FILE, "qwen2.5-coder-1.5b").await
}

/// Runs a call, checking that the streamed pieces add up to the returned text.
#[expect(clippy::expect_used, reason = "a test helper: failing loudly is the point")]
async fn complete(model: &LlamaCppModel, request: &ChatRequest) -> Completion {
    let mut streamed = String::new();
    let reply = model.complete(request, &mut |delta: &str| streamed.push_str(delta)).await.expect("call succeeds");
    assert_eq!(streamed, reply.text, "streamed deltas must add up to the reply");
    reply
}

fn per_second(tokens: u32, time: Duration) -> f64 {
    f64::from(tokens) / time.as_secs_f64().max(1e-9)
}

#[tokio::test]
async fn small_model_writes_schema_valid_json_whose_sql_runs() {
    let _turn = serial().await;
    let Some(model) = small().await else { return };
    let schema = serde_json::json!({
        "type": "object",
        "properties": { "sql": { "type": "string" } },
        "required": ["sql"],
    });
    let request = ChatRequest::new(vec![
        Message::system(format!(
            "You write SQLite queries. Reply with JSON {{\"sql\": \"...\"}}.\nSchema:\n{SINGER_DDL}\nRows:\n{SINGER_ROWS}"
        )),
        Message::user("How many singers are from France?"),
    ])
    .with_max_tokens(96)
    .with_json_schema("answer", schema);
    let reply = complete(model, &request).await;
    eprintln!("reply: {} ({:?})", reply.text, reply.usage);

    assert_eq!(reply.finish_reason, FinishReason::Stop, "the grammar lets the JSON end: {}", reply.text);
    let value: serde_json::Value = serde_json::from_str(&reply.text).expect("grammar-constrained reply is JSON");
    let sql = value["sql"].as_str().expect("`sql` is a string");
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch(&format!("{SINGER_DDL}{SINGER_ROWS}")).unwrap();
    let mut statement = db.prepare(sql).unwrap_or_else(|e| panic!("{sql:?} does not prepare: {e}"));
    let mut rows = statement.query([]).unwrap();
    rows.next().unwrap_or_else(|e| panic!("{sql:?} does not run: {e}"));
}

#[tokio::test]
async fn large_model_loads_and_answers() {
    let _turn = serial().await;
    let Some(model) = large().await else { return };
    let request =
        ChatRequest::new(vec![Message::user("What is 2 + 3? Answer with the number only.")]).with_max_tokens(8);
    let reply = complete(model, &request).await;
    eprintln!("1.5B reply: {:?} ({:?}, {:?})", reply.text, reply.usage, reply.timing);
    assert!(reply.text.contains('5'), "{:?}", reply.text);
    assert_eq!(reply.model, "qwen2.5-coder-1.5b");
    assert!(model.count_tokens("SELECT name FROM singer") > 2);
}

#[tokio::test]
async fn a_shared_prefix_is_not_prefilled_twice() {
    let _turn = serial().await;
    let Some(model) = small().await else { return };
    let columns: Vec<String> = (0..40).map(|i| format!("col_{i} INTEGER")).collect();
    let system = format!("You write SQLite queries.\nCREATE TABLE wide({});", columns.join(", "));
    let ask = |question: &str| {
        ChatRequest::new(vec![Message::system(system.clone()), Message::user(question)]).with_max_tokens(4)
    };
    let first = complete(model, &ask("Count the rows of wide.")).await;
    let second = complete(model, &ask("Show col_3 of every row.")).await;
    eprintln!("first {:?} {:?}\nsecond {:?} {:?}", first.usage, first.timing, second.usage, second.timing);

    let prefix_tokens = model.count_tokens(&system);
    assert!(second.usage.cached_prompt_tokens >= prefix_tokens, "{:?}, prefix {prefix_tokens}", second.usage);
    assert!(second.usage.uncached_prompt_tokens() < first.usage.uncached_prompt_tokens());
    assert!(second.usage.uncached_prompt_tokens() < 20, "{:?}", second.usage);
}

#[tokio::test]
async fn dropping_a_call_cancels_it_and_the_next_call_succeeds() {
    let _turn = serial().await;
    let Some(model) = small().await else { return };
    let long = ChatRequest::new(vec![Message::user("Write a very long essay about the history of databases.")])
        .with_max_tokens(2000);
    // Drop the call once a few pieces have streamed, however slow a loaded machine makes
    // prefill: a fixed wall-clock wait made this test flaky under load.
    let streamed = std::sync::Arc::new(tokio::sync::Notify::new());
    let signal = std::sync::Arc::clone(&streamed);
    let mut pieces = 0;
    let mut sink = move |_: &str| {
        pieces += 1;
        if pieces == 5 {
            signal.notify_one();
        }
    };
    let dropped_mid_way = tokio::time::timeout(Duration::from_secs(300), async {
        tokio::select! {
            reply = model.complete(&long, &mut sink) => Err(format!("the essay ended before five pieces streamed: {reply:?}")),
            () = streamed.notified() => Ok(()),
        }
    })
    .await;
    assert!(matches!(dropped_mid_way, Ok(Ok(()))), "text streams before the call ends: {dropped_mid_way:?}");

    // Had the worker kept going, this call would wait for the rest of the essay (a minute).
    let started = Instant::now();
    let short = ChatRequest::new(vec![Message::user("Say OK.")]).with_max_tokens(4);
    let reply = complete(model, &short).await;
    assert!(!reply.text.is_empty());
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn stop_strings_and_max_tokens_end_the_reply() {
    let _turn = serial().await;
    let Some(model) = small().await else { return };
    let count = || ChatRequest::new(vec![Message::user("Count from 1 to 10, one number per line.")]);

    let reply = complete(model, &count().with_max_tokens(60).with_stop(["4"])).await;
    assert_eq!(reply.finish_reason, FinishReason::Stop, "{:?}", reply.text);
    assert!(reply.text.contains('3') && !reply.text.contains('4'), "{:?}", reply.text);

    let reply = complete(model, &count().with_max_tokens(3)).await;
    assert_eq!(reply.finish_reason, FinishReason::Length, "{:?}", reply.text);
    assert_eq!(reply.usage.completion_tokens, 3);
}

#[tokio::test]
async fn sampling_with_temperature_still_obeys_the_grammar() {
    let _turn = serial().await;
    let Some(model) = small().await else { return };
    let request = ChatRequest::new(vec![Message::user("Is SQLite a database? Answer yes or no.")])
        .with_temperature(0.9)
        .with_max_tokens(4)
        .with_grammar(r#"root ::= "yes" | "no""#);
    for _ in 0..3 {
        let reply = complete(model, &request).await;
        assert!(reply.text == "yes" || reply.text == "no", "{:?}", reply.text);
        assert_eq!(reply.finish_reason, FinishReason::Stop);
    }
}

#[tokio::test]
async fn a_prompt_beyond_the_context_is_a_typed_error() {
    let _turn = serial().await;
    let Some(model) = small().await else { return };
    let huge = "SELECT name FROM singer WHERE age > 30; ".repeat(2000);
    let request = ChatRequest::new(vec![Message::user(huge)]);
    match model.complete(&request, &mut discard_deltas).await {
        Err(LlmError::ContextOverflow { prompt_tokens, context_tokens }) => {
            assert_eq!(context_tokens, model.n_ctx());
            assert!(prompt_tokens > context_tokens);
        }
        other => panic!("expected ContextOverflow, got {other:?}"),
    }
}

/// Measures prefill and decode speed on a fresh prompt (printed; run with `--nocapture`).
#[tokio::test]
async fn small_model_speed() {
    let _turn = serial().await;
    let Some(model) = small().await else { return };
    // A prompt no other test shares, so nearly all of it is prefilled.
    let tables: Vec<String> = (0..24)
        .map(|i| format!("CREATE TABLE speed_{i}(id INTEGER PRIMARY KEY, label_{i} TEXT, amount_{i} REAL);"))
        .collect();
    let request = ChatRequest::new(vec![
        Message::system(format!("Speed check.\n{}", tables.join("\n"))),
        Message::user("Describe every table above in detail."),
    ])
    .with_max_tokens(64);
    let reply = complete(model, &request).await;
    let prefill = per_second(reply.usage.uncached_prompt_tokens(), reply.timing.time_to_first_token);
    let decode = per_second(reply.usage.completion_tokens.saturating_sub(1), reply.timing.decode());
    println!(
        "0.5B speed: prefill {prefill:.0} tokens/s ({} tokens in {:?}), decode {decode:.1} tokens/s ({} tokens in {:?})",
        reply.usage.uncached_prompt_tokens(),
        reply.timing.time_to_first_token,
        reply.usage.completion_tokens,
        reply.timing.decode(),
    );
    // Far below these, llama.cpp's C++ was built unoptimised (or without SIMD).
    assert!(prefill > 20.0, "prefill {prefill:.1} tokens/s");
    assert!(decode > 5.0, "decode {decode:.1} tokens/s");
}
