//! From a conversation to prompt tokens, with the model's own chat template and tokenizer.

use llama_cpp_2::model::{LlamaChatMessage, LlamaChatTemplate, LlamaModel};
use llama_cpp_2::token::LlamaToken;
use tandem_llm::{LlmError, Message, ResponseFormat, approx_token_count};

/// Larger inputs are refused before they reach llama.cpp, whose wrappers size buffers with
/// `i32` and would abort instead of failing; no context window comes near this anyway.
const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// The model's chat template, or ChatML (what Qwen and most instruct GGUFs use) for a model
/// that ships none.
pub(crate) fn chat_template(model: &LlamaModel) -> Result<LlamaChatTemplate, LlmError> {
    match model.chat_template(None) {
        Ok(template) => Ok(template),
        Err(e) => {
            tracing::warn!(error = %e, "model has no usable chat template; using chatml");
            LlamaChatTemplate::new("chatml").map_err(|e| LlmError::Backend { detail: e.to_string() })
        }
    }
}

/// Renders the conversation, ending with the opening of the assistant's turn, and tokenizes it.
pub(crate) fn prompt_tokens(
    model: &LlamaModel,
    template: &LlamaChatTemplate,
    messages: &[Message],
    context_tokens: u32,
) -> Result<Vec<LlamaToken>, LlmError> {
    let content_bytes: usize = messages.iter().map(|m| m.content.len()).sum();
    if content_bytes > MAX_TEXT_BYTES {
        let prompt_tokens = messages.iter().map(|m| approx_token_count(&m.content)).fold(0, u32::saturating_add);
        return Err(LlmError::ContextOverflow { prompt_tokens, context_tokens });
    }
    let chat = messages
        .iter()
        .map(|m| LlamaChatMessage::new(m.role.as_str().to_owned(), m.content.clone()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| LlmError::Unsupported { detail: format!("message cannot be passed to llama.cpp: {e}") })?;
    let text = model
        .apply_chat_template(template, &chat, true)
        .map_err(|e| LlmError::Backend { detail: format!("chat template failed: {e}") })?;
    // The rendered template holds the turn markers as text; they must become special tokens.
    let mut tokens = model.vocab().tokenize(text.as_bytes(), true, true);
    // Templates that write the BOS token themselves would otherwise get a second one.
    let bos = model.vocab().bos();
    if tokens.len() >= 2 && tokens.first() == Some(&bos) && tokens.get(1) == Some(&bos) {
        tokens.remove(0);
    }
    Ok(tokens)
}

/// Tokens of plain `text` (special-token markers in it count as ordinary text).
pub(crate) fn count_tokens(model: &LlamaModel, text: &str) -> u32 {
    if text.len() > MAX_TEXT_BYTES {
        return approx_token_count(text);
    }
    u32::try_from(model.vocab().tokenize(text.as_bytes(), false, false).len()).unwrap_or(u32::MAX)
}

/// The GBNF grammar a response format asks for, if any.
pub(crate) fn grammar(format: &ResponseFormat) -> Result<Option<String>, LlmError> {
    match format {
        ResponseFormat::Text => Ok(None),
        ResponseFormat::Grammar { gbnf } => Ok(Some(gbnf.clone())),
        ResponseFormat::JsonSchema { name, schema } => {
            llama_cpp_2::json_schema_to_grammar(&schema.to_string()).map(Some).map_err(|e| LlmError::Unsupported {
                detail: format!("JSON schema {name:?} cannot become a grammar: {e}"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_needs_no_grammar_and_a_gbnf_is_used_as_given() {
        assert_eq!(grammar(&ResponseFormat::Text).ok(), Some(None));
        let gbnf = "root ::= \"yes\" | \"no\"".to_owned();
        assert_eq!(grammar(&ResponseFormat::Grammar { gbnf: gbnf.clone() }).ok(), Some(Some(gbnf)));
    }

    #[test]
    fn a_json_schema_becomes_a_gbnf_grammar() {
        let schema = serde_json::json!({
            "type": "object",
            "properties": { "sql": { "type": "string" } },
            "required": ["sql"],
        });
        let format = ResponseFormat::JsonSchema { name: "answer".to_owned(), schema };
        let gbnf = grammar(&format).ok().flatten().unwrap_or_default();
        assert!(gbnf.contains("root ::="), "{gbnf}");
        assert!(gbnf.contains("sql"), "{gbnf}");
    }

    #[test]
    fn a_broken_json_schema_is_a_typed_error() {
        let format = ResponseFormat::JsonSchema { name: "bad".to_owned(), schema: serde_json::json!({ "type": 7 }) };
        assert!(matches!(grammar(&format), Err(LlmError::Unsupported { .. })), "{:?}", grammar(&format));
    }
}
