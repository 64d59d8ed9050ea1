//! JSON replies from servers that cannot constrain decoding to a schema: the schema goes into
//! the prompt, the reply is checked here, and a failed check earns one repair turn.

use serde_json::Value;
use tandem_llm::{Message, Role, extract_json};

/// The conversation with the JSON instruction added.
///
/// The instruction goes at the end of the last user message rather than into the system
/// prompt: the system prompt is the part that prefix caches share across calls, and a
/// separate trailing system message is refused by several chat templates.
pub(crate) fn with_instruction(messages: &[Message], name: &str, schema: &Value) -> Vec<Message> {
    let instruction = format!(
        "Reply with one JSON value only: no prose, no code fence. It must match this JSON Schema \
         (named `{name}`):\n{schema}"
    );
    let mut messages = messages.to_vec();
    match messages.last_mut() {
        Some(last) if last.role == Role::User => {
            last.content.push_str("\n\n");
            last.content.push_str(&instruction);
        }
        _ => messages.push(Message::user(instruction)),
    }
    messages
}

/// The two turns that ask for a corrected reply. They are appended, never rewritten into the
/// conversation, so the server's prefix cache still covers everything before them.
pub(crate) fn repair_turns(bad_reply: &str, problem: &str) -> [Message; 2] {
    [
        Message::assistant(bad_reply),
        Message::user(format!(
            "That reply cannot be used: {problem}. Reply again with only the corrected JSON, \
             matching the schema above."
        )),
    ]
}

/// Checks a reply against the parts of the schema that a wrong reply most often misses: the
/// top-level type and the required top-level properties. Full validation belongs to the
/// caller, which knows the typed structure it deserialises into.
pub(crate) fn check(reply: &str, schema: &Value) -> Result<Value, String> {
    let value = extract_json(reply).map_err(|e| e.to_string())?;
    let expected = schema.get("type").and_then(Value::as_str);
    match expected {
        Some("object") if !value.is_object() => return Err("the schema asks for a JSON object".into()),
        Some("array") if !value.is_array() => return Err("the schema asks for a JSON array".into()),
        _ => {}
    }
    if let (Some(object), Some(required)) = (value.as_object(), schema.get("required").and_then(Value::as_array)) {
        let missing: Vec<&str> =
            required.iter().filter_map(Value::as_str).filter(|key| !object.contains_key(*key)).collect();
        if !missing.is_empty() {
            return Err(format!("required properties are missing: {}", missing.join(", ")));
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({"type": "object", "required": ["tables", "limit"], "properties": {"tables": {"type": "array"}}})
    }

    #[test]
    fn instruction_extends_the_last_user_turn() {
        let messages = with_instruction(&[Message::system("s"), Message::user("q")], "plan", &schema());
        assert_eq!(messages.len(), 2);
        assert!(messages[1].content.starts_with("q\n\nReply with one JSON value only"));
        assert!(messages[1].content.contains("\"required\":[\"tables\",\"limit\"]"));
        let after_assistant = with_instruction(&[Message::assistant("a")], "plan", &schema());
        assert_eq!(after_assistant.len(), 2);
        assert_eq!(after_assistant[1].role, Role::User);
    }

    #[test]
    fn checks_type_and_required_properties() {
        assert!(check(r#"```json {"tables": [], "limit": 5} ```"#, &schema()).is_ok());
        assert!(check("[1]", &schema()).unwrap_err().contains("object"));
        assert!(check(r#"{"tables": []}"#, &schema()).unwrap_err().contains("limit"));
        assert!(check("sorry, I cannot", &schema()).is_err());
        assert!(check(r#"{"any": 1}"#, &json!({})).is_ok());
    }
}
