//! Integration tests: the real client against a local mock server that replays recorded
//! vLLM, DeepSeek and llama.cpp replies.

// `cfg(test)` marks these modules as test code for clippy, so helpers outside `#[test]`
// functions may unwrap and panic like the tests themselves.
#[cfg(test)]
mod calls;
#[cfg(test)]
mod failures;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod replies;
#[cfg(test)]
mod structured;
