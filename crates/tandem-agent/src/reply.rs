//! Reading a model's SQL reply: `{"sql": …}`, `{"need_tables": …}`, or — because small local
//! models sometimes ignore the schema — a bare or fenced SELECT.

use tandem_llm::extract_json;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlReply {
    Sql(String),
    NeedTables { tables: Vec<String>, reason: String },
}

/// Reads a reply, or says why it could not be read (the text goes into the repair turn).
pub fn read_sql_reply(text: &str) -> Result<SqlReply, String> {
    if let Ok(value) = extract_json(text) {
        if let Some(sql) = value.get("sql").and_then(|s| s.as_str())
            && !sql.trim().is_empty()
        {
            return Ok(SqlReply::Sql(sql.trim().to_owned()));
        }
        if let Some(tables) = value.get("need_tables").and_then(|t| t.as_array()) {
            let tables: Vec<String> = tables.iter().filter_map(|t| t.as_str()).map(str::to_owned).collect();
            if !tables.is_empty() {
                let reason = value.get("reason").and_then(|r| r.as_str()).unwrap_or_default().to_owned();
                return Ok(SqlReply::NeedTables { tables, reason });
            }
        }
    }
    let bare = strip_fence(text);
    let lowered = bare.trim_start().to_ascii_lowercase();
    if lowered.starts_with("select") || lowered.starts_with("with") {
        return Ok(SqlReply::Sql(bare.trim().to_owned()));
    }
    Err("the reply was neither {\"sql\": …} nor {\"need_tables\": …}".to_owned())
}

fn strip_fence(text: &str) -> &str {
    let trimmed = text.trim();
    let Some(rest) = trimmed.strip_prefix("```") else { return trimmed };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    rest.strip_suffix("```").unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_shape() {
        assert_eq!(read_sql_reply(r#"{"sql": "SELECT 1"}"#), Ok(SqlReply::Sql("SELECT 1".into())));
        assert_eq!(read_sql_reply("```sql\nSELECT 2\n```"), Ok(SqlReply::Sql("SELECT 2".into())));
        assert_eq!(
            read_sql_reply(r#"Sure: {"need_tables": ["refunds"], "reason": "refund amounts"}"#),
            Ok(SqlReply::NeedTables { tables: vec!["refunds".into()], reason: "refund amounts".into() })
        );
        assert!(read_sql_reply("I cannot help").is_err());
        assert!(read_sql_reply(r#"{"sql": ""}"#).is_err());
    }
}
