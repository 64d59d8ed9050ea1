//! Tolerant extraction of a JSON value from a model's reply.
//!
//! Models asked for JSON often wrap it in a code fence or a sentence. We accept the first
//! complete JSON object or array in the reply and reject everything else with a reason.

/// Why no JSON value could be taken from a reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonExtractError {
    #[error("the reply holds no JSON object or array")]
    NotFound,
    #[error("the JSON in the reply is incomplete or invalid: {detail}")]
    Invalid { detail: String },
}

/// Returns the first complete JSON object or array found in `reply`.
pub fn extract_json(reply: &str) -> Result<serde_json::Value, JsonExtractError> {
    let trimmed = reply.trim();
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(trimmed)
        && (value.is_object() || value.is_array())
    {
        return Ok(value);
    }
    let mut last_error = None;
    for (start, _) in trimmed.match_indices(['{', '[']) {
        let candidate = &trimmed[start..];
        let mut stream = serde_json::Deserializer::from_str(candidate).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(value)) => return Ok(value),
            Some(Err(e)) => {
                last_error.get_or_insert_with(|| e.to_string());
            }
            None => {}
        }
    }
    Err(match last_error {
        Some(detail) => JsonExtractError::Invalid { detail },
        None => JsonExtractError::NotFound,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(reply: &str, expect: Result<serde_json::Value, ()>) {
        assert_eq!(extract_json(reply).map_err(|_| ()), expect, "reply: {reply:?}");
    }

    #[test]
    fn extracts_from_common_wrappings() {
        check(r#"{"sql": "SELECT 1"}"#, Ok(json!({"sql": "SELECT 1"})));
        check("```json\n{\"a\": [1, 2]}\n```", Ok(json!({"a": [1, 2]})));
        check("Here it is: {\"a\": \"}\"} and more text", Ok(json!({"a": "}"})));
        check("[1, 2] trailing", Ok(json!([1, 2])));
        check("no json at all", Err(()));
        check("{\"a\": 1", Err(()));
        check("", Err(()));
    }
}
