//! The chat page in a real headless Chromium driven over WebDriver (chromedriver): ask, remove
//! a table from the plan, approve with the keyboard, see rows, chart and ledger; a plan edit
//! the server refuses; a model that fails; a transform previewed, refused for a failed check,
//! revised, applied, and another exported. Screenshots go to `<target>/tandem-artifacts/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::process::{Child, Command};

use crate::fixture::{
    GOOD_SQL, Models, N_TOTALS, PLAN, QUESTION, Shop, TOTALS_SQL, TRANSFORM, open, sql, transform_plan,
};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

struct Browser {
    client: Client,
    _driver: Driver,
}

/// chromedriver, leading its own process group, which the Chromium it starts (with its
/// renderer, GPU and zygote helpers) joins. Dropping it kills the whole group, so a test that
/// fails and unwinds (skipping `client.close()`) leaves no browser behind.
struct Driver {
    _child: Child,
    group: u32,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // A negative pid names the process group; only this test's chromedriver leads it.
        let group = format!("-{}", self.group);
        let _ = std::process::Command::new("kill").args(["-KILL", "--", &group]).status();
    }
}

#[expect(clippy::disallowed_methods, reason = "tests read TANDEM_REQUIRE_ALL like every other skip rule")]
fn require_all() -> bool {
    std::env::var_os("TANDEM_REQUIRE_ALL").is_some_and(|v| v == "1")
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("..").join("tandem-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts chromedriver on a free port and a headless Chromium session; `None` (with the
/// reason printed) when they are not installed and skipping is allowed.
async fn browser() -> Option<Browser> {
    if !Path::new(CHROMEDRIVER).exists() || !Path::new(CHROMIUM).exists() {
        assert!(
            !require_all(),
            "TANDEM_REQUIRE_ALL=1 but {CHROMEDRIVER} or {CHROMIUM} is missing (scripts/setup.sh installs them)"
        );
        eprintln!("skipping browser test: {CHROMEDRIVER} or {CHROMIUM} is missing (scripts/setup.sh installs them)");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child =
        Command::new(CHROMEDRIVER).arg(format!("--port={port}")).process_group(0).kill_on_drop(true).spawn().unwrap();
    let driver = Driver { group: child.id().unwrap(), _child: child };
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"]
        }
    });
    let serde_json::Value::Object(capabilities) = capabilities else { unreachable!() };
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = None;
    for _ in 0..100 {
        match ClientBuilder::new(HttpConnector::new()).capabilities(capabilities.clone()).connect(&url).await {
            Ok(client) => return Some(Browser { client, _driver: driver }),
            Err(error) => last_error = Some(error),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start: {last_error:?}");
}

impl Browser {
    async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(artifacts().join(name), png).unwrap();
    }

    async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        match self.client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css)).await {
            Ok(element) => element,
            Err(error) => {
                self.shot(&format!("failed-waiting-{}.png", css.replace(|c: char| !c.is_ascii_alphanumeric(), "_")))
                    .await;
                panic!("`{css}` did not appear: {error}");
            }
        }
    }

    async fn text(&self, css: &str) -> String {
        self.wait_for(css).await.text().await.unwrap()
    }

    async fn ask(&self, shop: &Shop, question: &str) {
        self.client.goto(&shop.base).await.unwrap();
        let input = self.wait_for("#question").await;
        // Enter sends, as the placeholder says.
        input.send_keys(&format!("{question}{}", char::from(Key::Enter))).await.unwrap();
    }
}

#[tokio::test]
async fn ask_remove_a_table_approve_and_read_the_answer() {
    let Some(browser) = browser().await else { return };
    let mut shop = Shop::start(open(), Models::Scripted).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    browser.ask(&shop, QUESTION).await;
    browser.wait_for(".plan-card .approve").await;
    assert!(browser.text(".turn .status").await.contains("Review the plan"));
    browser.shot("01-plan.png").await;

    browser.wait_for(r#".plan-table[data-table="product"] button.remove"#).await.click().await.unwrap();
    browser.wait_for(r#".plan-table.removed[data-table="product"]"#).await;
    browser.wait_for(".open-questions .answer").await.send_keys("all orders").await.unwrap();
    assert!(shop.large.requests().is_empty(), "no large call before approval");
    browser.shot("02-plan-edited.png").await;
    // Approve with the keyboard: the approve button is a tab stop reached from the limit field.
    browser.wait_for(".plan-card .approve").await.send_keys(&char::from(Key::Enter).to_string()).await.unwrap();

    browser.wait_for(".turn[data-status=answered] .result-table tbody tr").await;
    let rows = browser.client.find_all(Locator::Css(".result-table tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].text().await.unwrap(), "Amélie 15");
    assert!(browser.text(".sql-block .sql").await.starts_with("SELECT"));
    assert!(browser.client.find(Locator::Css(".sql-block .sql .kw")).await.is_ok(), "SQL keywords are highlighted");
    let ledger = browser.text(".ledger-words").await;
    assert!(ledger.contains("The large model read"), "{ledger}");
    assert!(
        browser.client.find(Locator::Css(".result svg.chart rect.bar")).await.is_ok(),
        "a bar chart for name → total"
    );
    assert!(browser.text(".pager .range").await.contains("Rows 1–2 of 2"));
    browser.shot("03-answer.png").await;

    let prompts: Vec<String> =
        shop.large.requests().iter().map(|r| r.messages.iter().map(|m| m.content.clone()).collect()).collect();
    assert_eq!(prompts.len(), 1);
    assert!(!prompts[0].contains("product"), "the removed table reached the large model");
    assert!(prompts[0].contains("all orders"), "the answered open question reached the large model");

    // A follow-up in the same session arrives as a second turn over the event stream; cancel it.
    shop.small_says(&[PLAN]);
    let input = browser.wait_for("#question").await;
    input.send_keys(&format!("And only paid orders?{}", char::from(Key::Enter))).await.unwrap();
    browser
        .wait_for(r#".turn[data-turn="1"][data-status=awaiting_confirmation] .plan-card .cancel"#)
        .await
        .click()
        .await
        .unwrap();
    browser.wait_for(r#".turn[data-turn="1"][data-status=cancelled]"#).await;
    assert_eq!(browser.client.find_all(Locator::Css(".turn")).await.unwrap().len(), 2);
    assert_eq!(shop.large.requests().len(), 1, "a cancelled follow-up never reaches the large model");

    browser.client.set_window_size(390, 844).await.unwrap();
    browser.shot("04-answer-narrow.png").await;
    let overflow: serde_json::Value = browser
        .client
        .execute("return document.documentElement.scrollWidth <= window.innerWidth + 1;", vec![])
        .await
        .unwrap();
    assert_eq!(overflow, serde_json::Value::Bool(true), "no horizontal scrolling on a narrow screen");
    browser.client.close().await.unwrap();
    shop.stop().await.unwrap();
}

#[tokio::test]
async fn a_refused_edit_and_a_failing_model_are_shown_plainly() {
    let Some(browser) = browser().await else { return };
    let shop = Shop::start(open(), Models::Scripted).await;
    // The large model has nothing scripted: its call fails.
    shop.small_says(&[PLAN]);
    browser.ask(&shop, QUESTION).await;
    browser.wait_for(".plan-card .approve").await;
    browser.wait_for(".add-table-input").await.send_keys("invoices").await.unwrap();
    browser.wait_for(".add-table-input + button").await.click().await.unwrap();
    browser.wait_for(".plan-card .approve").await.click().await.unwrap();
    let refusal = browser.text(".plan-card .plan-error").await;
    assert!(refusal.contains("invalid_edit") && refusal.contains("invoices"), "{refusal}");
    browser.shot("05-edit-refused.png").await;

    browser.wait_for(r#".chip.added button"#).await.click().await.unwrap();
    browser.wait_for(".plan-card .approve").await.click().await.unwrap();
    browser.wait_for(".turn[data-status=failed] .turn-error").await;
    let error = browser.text(".turn-error").await;
    assert!(error.starts_with("Something went wrong"), "{error}");
    assert!(error.contains("model_failed"), "{error}");
    browser.shot("06-failed.png").await;
    browser.client.close().await.unwrap();
}

#[tokio::test]
async fn a_transform_preview_is_refused_revised_applied_and_another_exported() {
    let Some(browser) = browser().await else { return };
    let shop = Shop::transforming(open()).await;
    shop.small_says(&[&transform_plan(r#"{"unique": [["name"]]}"#)]);
    // A row cap the data cannot meet: the first SQL and both large-model repairs fail it.
    shop.large_says(&[&sql(TOTALS_SQL), &sql(TOTALS_SQL), &sql(TOTALS_SQL)]);
    browser.ask(&shop, TRANSFORM).await;
    let approve = browser.wait_for(".plan-card .approve").await;
    assert_eq!(approve.text().await.unwrap(), "Approve and preview");
    let target = browser.wait_for(".plan-card .transform-target").await;
    assert_eq!(target.prop("value").await.unwrap().as_deref(), Some("customer_totals"));
    browser.wait_for(".plan-card .expect-max-rows").await.send_keys("10").await.unwrap();
    browser.shot("07-transform-plan.png").await;
    approve.click().await.unwrap();

    browser.wait_for(".turn[data-status=awaiting_approval] .preview-card .cannot-apply").await;
    let failed = browser.wait_for(".preview-card .check.failed").await;
    assert_eq!(failed.attr("data-code").await.unwrap().as_deref(), Some("row_count"));
    let apply = browser.wait_for(".preview-card .apply").await;
    assert!(apply.attr("disabled").await.unwrap().is_some(), "a failed check disables Apply");
    assert_eq!(shop.large.requests().len(), 3);
    browser.shot("08-preview-failed-check.png").await;

    browser.wait_for(".preview-card .revise").await.click().await.unwrap();
    let max_rows = browser.wait_for(".turn[data-status=awaiting_confirmation] .plan-card .expect-max-rows").await;
    assert_eq!(max_rows.prop("value").await.unwrap().as_deref(), Some("10"), "the plan keeps the edit");
    max_rows.clear().await.unwrap();
    shop.large_says(&[&sql(TOTALS_SQL)]);
    browser.wait_for(".plan-card .approve").await.click().await.unwrap();

    let apply = browser.wait_for(".turn[data-status=awaiting_approval] .preview-card .apply:not([disabled])").await;
    let summary = browser.text(".preview-card .preview-summary").await;
    assert!(summary.contains(&format!("{N_TOTALS} rows")) && summary.contains("customer_totals"), "{summary}");
    assert!(browser.text(".preview-card .preview-sql").await.starts_with("CREATE TABLE customer_totals"));
    let sample = browser.client.find_all(Locator::Css(".preview-card .sample-table tbody tr")).await.unwrap();
    assert!(!sample.is_empty());
    assert!(!shop.has_table("customer_totals").await, "nothing is written before Apply");
    browser.shot("09-preview.png").await;
    apply.click().await.unwrap();

    let note = browser.text(".turn[data-status=applied] .preview-card .applied-note").await;
    assert!(note.contains("anonymous") && note.contains(&format!("{N_TOTALS} rows")), "{note}");
    assert_eq!(
        shop.query("SELECT COUNT(*) FROM customer_totals").await[0][0],
        tandem_exec::Value::Int(N_TOTALS as i64)
    );
    browser.shot("10-applied.png").await;

    // A second transform in the same conversation, exported instead of applied.
    let country_plan = r#"{"version": 1, "tables": ["customer", "orders"], "columns": [], "filters": [], "complexity": "simple",
        "transform": {"target": "country_totals", "write": "create_as_select"}}"#;
    shop.small_says(&[country_plan]);
    shop.large_says(&[&sql(
        "CREATE TABLE country_totals AS SELECT c.country, SUM(o.amount) AS total FROM customer AS c \
                              JOIN orders AS o ON o.customer_id = c.id GROUP BY c.country",
    )]);
    let input = browser.wait_for("#question").await;
    let request = "Create a table country_totals with the total order amount per country";
    input.send_keys(&format!("{request}{}", char::from(Key::Enter))).await.unwrap();
    browser.wait_for(r#".turn[data-turn="1"] .plan-card .approve"#).await.click().await.unwrap();
    browser
        .wait_for(r#".turn[data-turn="1"][data-status=awaiting_approval] .preview-card .export"#)
        .await
        .click()
        .await
        .unwrap();
    let migration = browser.text(r#".turn[data-turn="1"][data-status=exported] .preview-card .migration-sql"#).await;
    assert!(migration.contains("CREATE TABLE country_totals"), "{migration}");
    assert!(browser.client.find(Locator::Css(r#".turn[data-turn="1"] .download-migration"#)).await.is_ok());
    assert!(!shop.has_table("country_totals").await, "an export writes nothing");
    browser.shot("11-exported.png").await;
    browser.client.close().await.unwrap();
}
