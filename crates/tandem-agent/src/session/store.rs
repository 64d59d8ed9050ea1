//! Where turns are kept. Implementations: [`MemoryStore`] here (tests, one-shot runs), SQLite
//! and PostgreSQL in `tandem-store`. Every implementation passes [`super::contract`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;

use async_trait::async_trait;

use super::record::{SessionId, TurnRecord};

/// Keeps turn records, with compare-and-swap on their revision.
#[async_trait]
pub trait SessionStore: Send + Sync + fmt::Debug {
    /// Stores a new turn; refuses one whose (session, turn) exists.
    async fn insert(&self, record: &TurnRecord) -> Result<(), StoreError>;
    /// Replaces a turn whose stored revision is `record.revision - 1`; anything else is a
    /// [`StoreError::Conflict`] (someone else wrote first) or [`StoreError::Missing`].
    async fn update(&self, record: &TurnRecord) -> Result<(), StoreError>;
    /// A session's turns, first to last; empty when the session is unknown.
    async fn turns(&self, session: &SessionId) -> Result<Vec<TurnRecord>, StoreError>;
    /// Turns some process was working on (planning or running), oldest update first.
    async fn unfinished(&self) -> Result<Vec<TurnRecord>, StoreError>;
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("turn {turn} of session {session} already exists")]
    Duplicate { session: SessionId, turn: u32 },
    #[error("turn {turn} of session {session} was changed by someone else")]
    Conflict { session: SessionId, turn: u32 },
    #[error("turn {turn} of session {session} is not stored")]
    Missing { session: SessionId, turn: u32 },
    #[error("the session store failed: {detail}")]
    Backend {
        detail: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl StoreError {
    pub fn backend(detail: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Backend { detail: detail.into(), source: Some(Box::new(source)) }
    }
}

type Turns = BTreeMap<(SessionId, u32), TurnRecord>;

/// Turns in process memory; gone with the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    turns: Mutex<Turns>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Turns>, StoreError> {
        self.turns.lock().map_err(|_| StoreError::Backend { detail: "a writer panicked".to_owned(), source: None })
    }
}

#[async_trait]
impl SessionStore for MemoryStore {
    async fn insert(&self, record: &TurnRecord) -> Result<(), StoreError> {
        let mut turns = self.lock()?;
        let key = (record.session.clone(), record.turn);
        if turns.contains_key(&key) {
            return Err(StoreError::Duplicate { session: record.session.clone(), turn: record.turn });
        }
        turns.insert(key, record.clone());
        Ok(())
    }

    async fn update(&self, record: &TurnRecord) -> Result<(), StoreError> {
        let mut turns = self.lock()?;
        let (session, turn) = (record.session.clone(), record.turn);
        match turns.get_mut(&(session.clone(), turn)) {
            None => Err(StoreError::Missing { session, turn }),
            Some(stored) if stored.revision.checked_add(1) != Some(record.revision) => {
                Err(StoreError::Conflict { session, turn })
            }
            Some(stored) => {
                *stored = record.clone();
                Ok(())
            }
        }
    }

    async fn turns(&self, session: &SessionId) -> Result<Vec<TurnRecord>, StoreError> {
        let turns = self.lock()?;
        Ok(turns.range((session.clone(), 0)..=(session.clone(), u32::MAX)).map(|(_, r)| r.clone()).collect())
    }

    async fn unfinished(&self) -> Result<Vec<TurnRecord>, StoreError> {
        let turns = self.lock()?;
        let mut busy: Vec<TurnRecord> = turns.values().filter(|r| r.status.is_busy()).cloned().collect();
        busy.sort_by_key(|r| r.updated_at_ms);
        Ok(busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_store_keeps_the_contract() {
        super::super::contract::check_store(&MemoryStore::new()).await;
    }
}
