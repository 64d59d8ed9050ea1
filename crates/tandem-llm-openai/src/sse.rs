//! An incremental decoder for server-sent events, the framing of streamed replies.
//!
//! Bytes arrive in arbitrary pieces (a chunk may end mid-line or mid-character), so the
//! decoder buffers until a line is complete and hands out each event's `data` once the blank
//! line that ends it arrives. Only `data` fields matter for chat completions; comments
//! (`: keep-alive`, sent by SGLang and proxies) and other fields are skipped.

use tandem_llm::LlmError;

/// A line longer than this is not a chat chunk; refusing it bounds memory on a broken server.
const MAX_LINE_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Default)]
pub(crate) struct SseDecoder {
    buffer: Vec<u8>,
    /// Bytes of `buffer` already scanned for a newline, so each byte is scanned once.
    scanned: usize,
    data: Option<String>,
}

impl SseDecoder {
    /// Appends raw bytes from the response body.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete event's data, if one is buffered.
    pub fn next_event(&mut self) -> Result<Option<String>, LlmError> {
        loop {
            let Some(offset) = self.buffer[self.scanned..].iter().position(|&b| b == b'\n') else {
                self.scanned = self.buffer.len();
                if self.buffer.len() > MAX_LINE_BYTES {
                    return Err(LlmError::MalformedReply {
                        detail: format!("event stream line longer than {MAX_LINE_BYTES} bytes"),
                    });
                }
                return Ok(None);
            };
            let end = self.scanned + offset;
            let line: Vec<u8> = self.buffer.drain(..=end).collect();
            self.scanned = 0;
            let line = line.strip_suffix(b"\n").unwrap_or(&line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = std::str::from_utf8(line)
                .map_err(|e| LlmError::MalformedReply { detail: format!("event stream is not UTF-8: {e}") })?;
            if line.is_empty() {
                if let Some(data) = self.data.take() {
                    return Ok(Some(data));
                }
                continue;
            }
            self.take_field(line);
        }
    }

    /// The data of an event that the stream ended without terminating by a blank line.
    pub fn finish(&mut self) -> Option<String> {
        let rest = std::mem::take(&mut self.buffer);
        self.scanned = 0;
        if let Ok(line) = std::str::from_utf8(&rest) {
            let line = line.trim_end_matches(['\r', '\n']);
            if !line.is_empty() {
                self.take_field(line);
            }
        }
        self.data.take()
    }

    fn take_field(&mut self, line: &str) {
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        // An empty field name is a comment.
        if field != "data" {
            return;
        }
        match &mut self.data {
            Some(data) => {
                data.push('\n');
                data.push_str(value);
            }
            None => self.data = Some(value.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(pieces: &[&[u8]]) -> Vec<String> {
        let mut decoder = SseDecoder::default();
        let mut events = Vec::new();
        for piece in pieces {
            decoder.push(piece);
            while let Some(event) = decoder.next_event().unwrap() {
                events.push(event);
            }
        }
        events.extend(decoder.finish());
        events
    }

    #[test]
    fn splits_events_across_arbitrary_chunks() {
        assert_eq!(decode(&[b"data: {\"a\":1}\n\ndata: [DONE]\n\n"]), ["{\"a\":1}", "[DONE]"]);
        assert_eq!(decode(&[b"da", b"ta: x\r", b"\n\r\n", b"data:y\n", b"\n"]), ["x", "y"]);
        assert_eq!(decode(&[b": keep-alive\n\n", b"event: message\ndata: z\n\n"]), ["z"]);
        assert_eq!(decode(&[b"data: a\ndata: b\n\n"]), ["a\nb"]);
        assert_eq!(decode(&[b"data: tail"]), ["tail"]);
    }

    #[test]
    fn a_character_split_between_chunks_survives() {
        let text = "data: é\n\n".as_bytes();
        assert_eq!(decode(&[&text[..7], &text[7..]]), ["é"]);
    }

    #[test]
    fn invalid_utf8_is_malformed_not_a_panic() {
        let mut decoder = SseDecoder::default();
        decoder.push(b"data: \xff\n\n");
        assert!(matches!(decoder.next_event(), Err(LlmError::MalformedReply { .. })));
    }
}
