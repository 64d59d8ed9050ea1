//! The pipeline's stages and the only transitions between them.
//!
//! Every move goes through [`Stage::advance`], so an out-of-order step (say, generating before
//! confirming) is a typed error rather than a silent skip, and the trace of a question is a
//! list a test can compare.

use serde::{Deserialize, Serialize};

use crate::error::AgentError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The small model wrote a plan and the checker accepted it.
    Planned,
    /// The confirm policy wants a person to approve, edit or cancel the plan.
    AwaitingConfirmation,
    /// Approved (by a person, or by the policy); large-model calls are allowed from here on.
    Confirmed,
    /// A model (or the plan cache) produced SQL text.
    Generated,
    /// The SQL passed the validator.
    Validated,
    /// The database ran it.
    Executed,
    /// Rows are ready for the person.
    Answered,
    /// A transform ran in the sandbox; its preview waits for a person to approve applying it.
    Previewed,
    /// The previewed transform was applied for real.
    Applied,
    /// The large model asked for tables outside the plan; back to retrieval and confirmation.
    NeedsMoreSchema,
    Cancelled,
    Failed,
}

impl Stage {
    /// Whether the state machine goes from `self` to `next`.
    pub fn can_move_to(self, next: Stage) -> bool {
        use Stage::*;
        if matches!(next, Failed | Cancelled) {
            return !self.is_terminal();
        }
        matches!(
            (self, next),
            (Planned, AwaitingConfirmation | Confirmed)
                | (AwaitingConfirmation, Confirmed)
                | (Confirmed, Generated | NeedsMoreSchema)
                | (Generated, Generated | Validated | NeedsMoreSchema)
                | (Validated, Executed | Generated)
                | (Executed, Answered | Previewed | Generated)
                | (Previewed, Applied)
        )
    }

    /// Moves to `next`, or refuses with [`AgentError::InvalidTransition`].
    pub fn advance(self, next: Stage) -> Result<Stage, AgentError> {
        if self.can_move_to(next) { Ok(next) } else { Err(AgentError::InvalidTransition { from: self, to: next }) }
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Stage::Answered | Stage::Applied | Stage::NeedsMoreSchema | Stage::Cancelled | Stage::Failed)
    }

    /// Whether a large-model call may happen in this stage.
    pub fn allows_large_model(self) -> bool {
        matches!(self, Stage::Confirmed | Stage::Generated | Stage::Validated | Stage::Executed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_needs_confirmation_first() {
        assert!(Stage::AwaitingConfirmation.advance(Stage::Generated).is_err());
        assert!(Stage::Planned.advance(Stage::Generated).is_err());
        assert!(!Stage::Planned.allows_large_model());
        assert!(!Stage::AwaitingConfirmation.allows_large_model());
        assert_eq!(Stage::AwaitingConfirmation.advance(Stage::Confirmed).unwrap(), Stage::Confirmed);
    }

    #[test]
    fn terminal_stages_stay_put() {
        for stage in [Stage::Answered, Stage::NeedsMoreSchema, Stage::Cancelled, Stage::Failed] {
            assert!(stage.advance(Stage::Failed).is_err());
            assert!(stage.advance(Stage::Generated).is_err());
        }
        assert!(Stage::Executed.advance(Stage::Cancelled).is_ok());
    }

    #[test]
    fn a_preview_waits_for_approval_without_the_large_model() {
        assert_eq!(Stage::Executed.advance(Stage::Previewed).unwrap(), Stage::Previewed);
        assert!(!Stage::Previewed.allows_large_model());
        assert!(!Stage::Previewed.is_terminal());
        assert!(Stage::Previewed.advance(Stage::Cancelled).is_ok());
        assert!(Stage::Answered.advance(Stage::Applied).is_err());
        assert!(Stage::Applied.is_terminal());
    }
}
