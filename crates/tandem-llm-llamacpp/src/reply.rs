//! Turning generated token bytes into reply text: UTF-8 reassembly and stop strings.
//!
//! A token is a byte string, not a character string: one emoji or CJK character can be split
//! across two tokens, so bytes wait until they form whole characters. Stop strings can span
//! tokens too, so text that might be the start of a stop string is held back from the stream
//! until the next token proves it is not. What has been streamed is never taken back.

/// The reply being generated.
#[derive(Debug)]
pub(crate) struct ReplyText<'a> {
    stops: &'a [String],
    text: String,
    /// Bytes of an incomplete UTF-8 sequence at the end of the reply so far.
    partial: Vec<u8>,
    /// Byte length of the prefix of `text` already streamed. No stop string starts before it.
    streamed: usize,
    stopped: bool,
}

impl<'a> ReplyText<'a> {
    pub(crate) fn new(stops: &'a [String]) -> Self {
        Self { stops, text: String::new(), partial: Vec::new(), streamed: 0, stopped: false }
    }

    /// Appends one token's bytes. Returns the text that may be streamed now; after that,
    /// [`ReplyText::stopped`] tells whether a stop string ended the reply.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> &str {
        if self.stopped {
            return "";
        }
        self.partial.extend_from_slice(bytes);
        self.decode_partial();
        self.advance(false)
    }

    /// Ends the reply (end of generation or length limit): flushes held-back text, and returns
    /// the last piece to stream.
    pub(crate) fn finish(&mut self) -> &str {
        if self.stopped {
            return "";
        }
        if !self.partial.is_empty() {
            // A reply cut inside a character keeps what it has, visibly replaced.
            self.text.push_str(&String::from_utf8_lossy(&self.partial));
            self.partial.clear();
        }
        self.advance(true)
    }

    /// Whether a stop string ended the reply.
    pub(crate) fn stopped(&self) -> bool {
        self.stopped
    }

    /// The reply text, without any stop string.
    pub(crate) fn into_text(self) -> String {
        self.text
    }

    fn decode_partial(&mut self) {
        loop {
            match std::str::from_utf8(&self.partial) {
                Ok(whole) => {
                    self.text.push_str(whole);
                    self.partial.clear();
                    return;
                }
                Err(error) => {
                    let valid = error.valid_up_to();
                    self.text.push_str(&String::from_utf8_lossy(self.partial.get(..valid).unwrap_or_default()));
                    match error.error_len() {
                        // An incomplete character at the end: wait for the next token.
                        None => {
                            self.partial.drain(..valid);
                            return;
                        }
                        // Bytes that can never become a character.
                        Some(invalid) => {
                            self.text.push(char::REPLACEMENT_CHARACTER);
                            self.partial.drain(..valid.saturating_add(invalid).min(self.partial.len()));
                        }
                    }
                }
            }
        }
    }

    /// Looks for a stop string in the unstreamed text and returns what can be streamed.
    fn advance(&mut self, at_end: bool) -> &str {
        let from = self.streamed;
        let end = match earliest_stop(&self.text, from, self.stops) {
            Some(stop_at) => {
                self.text.truncate(stop_at);
                self.stopped = true;
                stop_at
            }
            None if at_end => self.text.len(),
            None => self.text.len().saturating_sub(held_back(&self.text, from, self.stops)),
        };
        self.streamed = end.max(from);
        self.text.get(from..self.streamed).unwrap_or_default()
    }
}

/// The start of the earliest stop string found in `text[from..]`.
fn earliest_stop(text: &str, from: usize, stops: &[String]) -> Option<usize> {
    let tail = text.get(from..)?;
    stops.iter().filter(|stop| !stop.is_empty()).filter_map(|stop| tail.find(stop.as_str())).min().map(|at| from + at)
}

/// Length of the longest suffix of `text[from..]` that is a proper prefix of a stop string:
/// it may still grow into one, so it must not be streamed yet.
fn held_back(text: &str, from: usize, stops: &[String]) -> usize {
    let Some(tail) = text.get(from..) else { return 0 };
    tail.char_indices()
        .filter_map(|(start, _)| tail.get(start..))
        .find(|suffix| stops.iter().any(|stop| stop.len() > suffix.len() && stop.starts_with(suffix)))
        .map_or(0, str::len)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `pieces` one token at a time; returns the streamed pieces, the final text and
    /// whether a stop string ended it.
    fn run(pieces: &[&[u8]], stops: &[&str]) -> (Vec<String>, String, bool) {
        let stops: Vec<String> = stops.iter().map(|s| (*s).to_owned()).collect();
        let mut reply = ReplyText::new(&stops);
        let mut streamed = Vec::new();
        for piece in pieces {
            streamed.push(reply.push(piece).to_owned());
            if reply.stopped() {
                break;
            }
        }
        streamed.push(reply.finish().to_owned());
        let stopped = reply.stopped();
        let text = reply.into_text();
        assert_eq!(streamed.concat(), text, "streamed pieces must add up to the text");
        (streamed, text, stopped)
    }

    #[test]
    fn plain_text_streams_as_it_comes() {
        let (streamed, text, stopped) = run(&[b"SELECT", b" 1"], &[]);
        assert_eq!(streamed, ["SELECT", " 1", ""]);
        assert_eq!(text, "SELECT 1");
        assert!(!stopped);
    }

    #[test]
    fn a_character_split_across_tokens_waits_for_its_last_byte() {
        let euro = "€".as_bytes();
        let (streamed, text, _) = run(&[b"a", &euro[..1], &euro[1..], b"b"], &[]);
        assert_eq!(streamed, ["a", "", "€", "b", ""]);
        assert_eq!(text, "a€b");
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let (_, text, _) = run(&[b"a\xffb"], &[]);
        assert_eq!(text, "a\u{fffd}b");
        // A reply cut in the middle of a character keeps a visible marker.
        let (_, text, _) = run(&[b"a", &"€".as_bytes()[..2]], &[]);
        assert_eq!(text, "a\u{fffd}");
    }

    #[test]
    fn a_stop_string_is_excluded_even_across_tokens() {
        let (streamed, text, stopped) = run(&[b"SELECT 1;", b"\n`", b"``", b" more"], &["\n```"]);
        assert_eq!(text, "SELECT 1;");
        assert!(stopped);
        assert_eq!(streamed, ["SELECT 1;", "", "", ""]);
    }

    #[test]
    fn a_false_start_is_released_by_the_next_token() {
        let (streamed, text, stopped) = run(&[b"a<", b"b"], &["<|end|>"]);
        assert_eq!(streamed, ["a", "<b", ""]);
        assert_eq!(text, "a<b");
        assert!(!stopped);
    }

    #[test]
    fn held_text_is_flushed_at_the_end() {
        let (streamed, text, stopped) = run(&[b"x;"], &[";;"]);
        assert_eq!(streamed, ["x", ";"]);
        assert_eq!(text, "x;");
        assert!(!stopped);
    }

    #[test]
    fn the_earliest_of_several_stops_wins() {
        let (_, text, stopped) = run(&[b"one two three"], &["three", "two", ""]);
        assert_eq!(text, "one ");
        assert!(stopped);
    }

    #[test]
    fn multibyte_stop_strings_hold_back_on_character_boundaries() {
        let (_, text, stopped) = run(&[b"ok \xe2\x82", b"\xac!"], &["€!"]);
        assert_eq!(text, "ok ");
        assert!(stopped);
    }
}
