//! The lab: learners' Python, run in a bubblewrap sandbox and judged.
//!
//! # Pieces
//! - [`limits`]: [`LabLimits`] (CPU, wall, memory, processes, file size,
//!   open files, output, `/tmp`; snekbox's anchors as defaults) and
//!   [`LabConfig`] (the runtime, bubblewrap, the sandbox's PID 1, the host
//!   uid).
//! - [`runtime`]: which host paths the sandbox shows, read-only: the system
//!   libraries and the Python runtime, nothing else.
//! - [`sandbox`]: one run: a [`Job`] (checked code and stdin, optional
//!   hidden checks) in, a [`Verdict`] out; the namespaces, the bounded
//!   capture, the kill.
//! - `tutorbot-lab-init` (its own binary, `src/bin/tutorbot-lab-init/`):
//!   the sandbox's PID 1, native so that a run starts one Python, not three.
//!   It applies the learner's limits, serves the practice server on
//!   127.0.0.1:8000 in the sandbox's own network namespace (the
//!   `/delay/{ms}[?fail=1]` of the demo target, and `/requests` for the
//!   hidden checks) on one thread, reaps, and reports. Found next to the
//!   running executable, or at `LAB_INIT`; missing, the lab is off.
//! - `py/`: the Python that runs inside: `run.py` (the learner's code, then
//!   the checks) and `check_prelude.py` (the checks' helpers).
//! - [`verdict`]: the report and output judged into a [`Verdict`], and its
//!   words ("stopped: used more than 5 s of CPU").
//! - [`probe`]: [`Lab`], on or off with a reason, decided once at start.
//! - [`queue`]: [`LabQueue`], at most `LAB_MAX_RUNNING` sandboxes at once, a
//!   bounded queue with each job's place, one job per learner.
//! - [`service`]: [`LabHandle`], what the bot holds: the lab starting, on
//!   (its queue) or off (the reason), for `/run` and `/healthz`.
//!
//! # Whose fault
//! [`BadJob`] (too long, empty) is the learner's and is refused before
//! running; everything the code does once running is its [`Verdict`];
//! [`LabError`] is ours (no bubblewrap, no user namespaces, a sandbox that
//! ended without a word).
//!
//! # The network rule
//! Each sandbox has its own network namespace with only loopback up. The
//! practice server listens there, so the learner's code reaches it and
//! nothing else: not the host's Postgres or the bot (other namespace), not
//! the internet (no route), not a Unix socket (no host `/run` or `/tmp`).

pub mod cli;
pub mod error;
pub mod limits;
pub mod probe;
pub mod queue;
pub mod runtime;
pub mod sandbox;
pub mod service;
pub mod verdict;

pub use error::{BadJob, LabError};
pub use limits::{LabConfig, LabLimits};
pub use probe::Lab;
pub use queue::{LabQueue, Place, QueueRefusal, Ticket};
pub use sandbox::{Job, Sandbox, PRACTICE_PORT};
pub use service::{LabHandle, LabStatus};
pub use verdict::{Captured, Check, Ending, Span, Verdict};
