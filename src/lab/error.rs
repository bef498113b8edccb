//! The lab's two kinds of trouble, kept apart.
//!
//! [`BadJob`] is the learner's: code too long or empty, refused before
//! anything runs. [`LabError`] is ours: the sandbox could not be set up or
//! ended without saying how the learner's code ended. Whatever the learner's
//! code does inside the sandbox (crash, loop, exhaust a limit) is neither:
//! it is a [`Verdict`](super::Verdict).

use std::path::PathBuf;

/// The learner's job was refused before running.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadJob {
    #[error("the code is empty")]
    Empty,
    #[error("the code is {chars} characters long; at most {max} run")]
    CodeTooLong { chars: usize, max: usize },
    #[error("the input is {chars} characters long; at most {max} are handed in")]
    StdinTooLong { chars: usize, max: usize },
}

/// Our own failure: the sandbox cannot run, or a run broke on our side.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error("bubblewrap ({}) is not installed or not on PATH", .0.display())]
    BwrapMissing(PathBuf),
    #[error("the lab's PID 1 ({}) is missing: build tutorbot-lab-init next to tutorbot or set LAB_INIT", .0.display())]
    InitMissing(PathBuf),
    #[error("the lab's Python {} cannot be used: {reason}", .python.display())]
    Python { python: PathBuf, reason: String },
    #[error("the sandbox cannot start here (are user namespaces allowed?): {0}")]
    NoSandbox(String),
    #[error("the sandbox ended without a verdict ({status}): {stderr}")]
    NoVerdict { status: String, stderr: String },
    #[error("the lab's files: {0}")]
    Io(#[from] std::io::Error),
}
