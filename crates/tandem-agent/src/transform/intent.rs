//! Is the request a question (rows back) or a transform (a table or view written)? Rules
//! decide the clear cases for free; the small model decides the rest with a one-word reply.

use tandem_llm::{ChatModel, ChatRequest, Message, discard_deltas, extract_json};

use crate::error::{AgentError, ModelTier};
use crate::ledger::{Ledger, Prices};

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Rows that answer a question, read-only.
    Query,
    /// A table or view written from a query (DESIGN §1b).
    Transform,
}

/// Verbs that write when their object is a table or view.
const WRITE_VERBS: [&str; 19] = [
    "create",
    "build",
    "make",
    "materialize",
    "materialise",
    "insert",
    "upsert",
    "merge",
    "load",
    "append",
    "populate",
    "fill",
    "refresh",
    "rebuild",
    "replace",
    "save",
    "store",
    "write",
    "add",
];

/// Openings that ask for rows.
const QUESTION_OPENINGS: [&str; 14] = [
    "how", "what", "which", "who", "whom", "whose", "when", "where", "list", "show", "count", "find", "give", "return",
];

/// The rules' verdict: `Some` when the wording settles it, `None` when only a model can tell.
///
/// A write verb with a table or view as its object ("create a table …", "insert … into the
/// table …", "materialize a view …") is a transform; a question word or a listing verb first,
/// with no write verb, is a query. The rest ("save the top customers for later") is unclear.
pub fn classify_by_rules(request: &str) -> Option<Intent> {
    let words = words(request);
    let writes = words.iter().any(|w| WRITE_VERBS.contains(&w.as_str()));
    let names_object = words.iter().any(|w| matches!(w.as_str(), "table" | "tables" | "view" | "views"));
    let is_question = request.contains('?') || words.first().is_some_and(|w| QUESTION_OPENINGS.contains(&w.as_str()));
    let transform_only = words.iter().any(|w| matches!(w.as_str(), "materialize" | "materialise" | "upsert"));
    if (writes && names_object && !is_question) || transform_only {
        Some(Intent::Transform)
    } else if !writes || is_question {
        Some(Intent::Query)
    } else {
        None
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

const SYSTEM: &str = "Decide whether a request to a database asks a question (rows back, nothing changes) or \
asks to write a table or view from the data (a transform). Reply with JSON only: {\"kind\": \"query\"} or \
{\"kind\": \"transform\"}.";

/// Classifies a request: rules first, then one short small-model call when they cannot tell.
/// An unreadable reply reads as a query, the path that writes nothing.
pub(crate) async fn classify(
    small: &dyn ChatModel,
    request: &str,
    prices: &Prices,
    ledger: &mut Ledger,
) -> Result<Intent, AgentError> {
    if let Some(intent) = classify_by_rules(request) {
        return Ok(intent);
    }
    let schema = serde_json::json!({
        "type": "object",
        "properties": { "kind": { "type": "string", "enum": ["query", "transform"] } },
        "required": ["kind"]
    });
    let request = ChatRequest::new(vec![Message::system(SYSTEM), Message::user(request.trim())])
        .with_max_tokens(16)
        .with_json_schema("intent", schema);
    let mut sink = discard_deltas;
    let completion = small
        .complete(&request, &mut sink)
        .await
        .map_err(|source| AgentError::Model { tier: ModelTier::Small, source })?;
    ledger.record_small(&completion, prices);
    let kind =
        extract_json(&completion.text).ok().and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned));
    Ok(if kind.as_deref() == Some("transform") { Intent::Transform } else { Intent::Query })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clear_wordings_need_no_model() {
        for transform in [
            "Create a table customers_per_country with the number of customers in each country",
            "Build a summary table of monthly revenue",
            "insert last month's orders into the orders_archive table",
            "Materialize daily sales",
            "Upsert the product totals into product_stats",
            "Replace the table top_products with this year's ten best sellers",
        ] {
            assert_eq!(classify_by_rules(transform), Some(Intent::Transform), "{transform}");
        }
        for query in [
            "How many customers do we have in Germany?",
            "Which table holds the invoices?",
            "List the singers older than 30",
            "Show the total amount per customer",
            "Can you create a list of the top 5 products?",
        ] {
            assert_eq!(classify_by_rules(query), Some(Intent::Query), "{query}");
        }
        assert_eq!(classify_by_rules("Save the top customers for the board meeting"), None);
        assert_eq!(classify_by_rules(""), Some(Intent::Query));
    }
}
