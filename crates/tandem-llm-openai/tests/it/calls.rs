//! The request and the call that most tests make.

use tandem_llm::{ChatModel, ChatRequest, Completion, LlmError, Message};
use tandem_llm_openai::{OpenAiConfig, OpenAiModel};

/// A text-to-SQL style request with every sampling option set, so tests can check each one
/// reaches the wire.
pub fn sql_request() -> ChatRequest {
    ChatRequest::new(vec![
        Message::system("You write SQLite SQL for the tables given."),
        Message::user("Which singer is the oldest?"),
    ])
    .with_max_tokens(128)
    .with_temperature(0.2)
    .with_stop([";\n\n", "```"])
}

/// Runs one call and returns its result with the deltas it streamed.
pub async fn complete(config: OpenAiConfig, request: &ChatRequest) -> (Result<Completion, LlmError>, Vec<String>) {
    let model = OpenAiModel::new(config).unwrap();
    let mut deltas = Vec::new();
    let mut sink = |delta: &str| deltas.push(delta.to_owned());
    let result = model.complete(request, &mut sink).await;
    (result, deltas)
}
