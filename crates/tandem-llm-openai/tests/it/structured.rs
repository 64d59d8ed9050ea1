//! Structured output: server-side JSON schemas, prompted JSON with its repair turn, grammars.

use serde_json::json;
use tandem_llm::{ChatRequest, LlmError, Message, Role, Usage};
use tandem_llm_openai::{OpenAiConfig, StructuredOutput};

use crate::calls::complete;
use crate::mock::{MockServer, Reply};

fn plan_schema() -> serde_json::Value {
    json!({
        "type": "object",
        "required": ["tables", "group_by"],
        "properties": {"tables": {"type": "array", "items": {"type": "string"}}, "group_by": {"type": "array"}},
    })
}

fn plan_request() -> ChatRequest {
    ChatRequest::new(vec![Message::system("You plan SQL queries."), Message::user("Singers per country?")])
        .with_json_schema("plan", plan_schema())
}

#[tokio::test]
async fn json_schema_mode_sends_response_format() {
    let server = MockServer::start([Reply::json("plan_valid_reply.json")]).await;
    let (result, deltas) = complete(server.config(), &plan_request()).await;
    let completion = result.unwrap();
    assert_eq!(deltas.concat(), completion.text);

    let body = &server.requests()[0].body;
    assert_eq!(
        body["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "plan", "schema": plan_schema(), "strict": true}})
    );
    // The server enforces the schema, so the prompt is left as it was.
    assert_eq!(body["messages"][1]["content"], json!("Singers per country?"));
}

#[tokio::test]
async fn json_schema_mode_reports_a_reply_that_is_not_json() {
    let server = MockServer::start([Reply::json("plan_junk_reply.json")]).await;
    let (result, _) = complete(server.config(), &plan_request()).await;
    assert!(matches!(result, Err(LlmError::InvalidStructuredOutput { .. })), "{result:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn prompted_json_repairs_once() {
    let server = MockServer::start([Reply::json("plan_junk_reply.json"), Reply::json("plan_valid_reply.json")]).await;
    let config = OpenAiConfig { structured_output: StructuredOutput::Prompted, ..server.config() };
    let (result, deltas) = complete(config, &plan_request()).await;
    let completion = result.unwrap();

    assert!(completion.text.contains(r#""tables": ["singer"]"#), "{}", completion.text);
    assert_eq!(deltas, std::slice::from_ref(&completion.text), "only the accepted reply reaches the caller");
    assert_eq!(completion.usage, Usage { prompt_tokens: 640, cached_prompt_tokens: 288, completion_tokens: 44 });

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let first = &requests[0].body;
    assert_eq!(first.get("response_format"), None);
    let question = first["messages"][1]["content"].as_str().unwrap();
    assert!(question.starts_with("Singers per country?\n\n"), "{question}");
    assert!(question.contains(r#""required":["tables","group_by"]"#), "{question}");

    // The repair appends to the conversation, so the first request is a prefix of it.
    let second = requests[1].body["messages"].as_array().unwrap();
    assert_eq!(second.len(), 4);
    assert_eq!(&second[..2], first["messages"].as_array().unwrap().as_slice());
    assert_eq!(second[2]["role"], json!(Role::Assistant.as_str()));
    assert!(second[2]["content"].as_str().unwrap().starts_with("Sure! The plan"));
    let repair = second[3]["content"].as_str().unwrap();
    assert!(repair.contains("no JSON object or array"), "{repair}");
}

#[tokio::test]
async fn prompted_json_fails_after_two_bad_replies() {
    let server = MockServer::start([Reply::json("plan_junk_reply.json"), Reply::json("plan_junk_reply.json")]).await;
    let config = OpenAiConfig { structured_output: StructuredOutput::Prompted, ..server.config() };
    let (result, deltas) = complete(config, &plan_request()).await;
    match result {
        Err(LlmError::InvalidStructuredOutput { reply, .. }) => assert!(reply.starts_with("Sure!"), "{reply}"),
        other => panic!("expected invalid structured output, got {other:?}"),
    }
    assert!(deltas.is_empty());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn json_object_mode_asks_for_json_and_prompts_the_schema() {
    let server = MockServer::start([Reply::json("plan_valid_reply.json")]).await;
    let config = OpenAiConfig { structured_output: StructuredOutput::JsonObject, ..server.config() };
    complete(config, &plan_request()).await.0.unwrap();
    let body = &server.requests()[0].body;
    assert_eq!(body["response_format"], json!({"type": "json_object"}));
    // DeepSeek refuses json_object unless the prompt mentions JSON.
    assert!(body["messages"][1]["content"].as_str().unwrap().contains("JSON"));
}

#[tokio::test]
async fn grammar_needs_a_server_that_takes_one() {
    let request = ChatRequest::new(vec![Message::user("yes or no?")]).with_grammar(r#"root ::= "yes" | "no""#);

    let server = MockServer::start([Reply::json("vllm_reply.json")]).await;
    let (result, _) = complete(server.config(), &request).await;
    assert!(matches!(result, Err(LlmError::Unsupported { .. })), "{result:?}");
    assert!(server.requests().is_empty());

    let config = OpenAiConfig { gbnf_grammar: true, ..server.config() };
    complete(config, &request).await.0.unwrap();
    assert_eq!(server.requests()[0].body["grammar"], json!(r#"root ::= "yes" | "no""#));
}
