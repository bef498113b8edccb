//! The console door, driven as a terminal: lines in, text out.
//!
//! `tutorbot::doors::console::run` reads lines and writes text; this driver
//! gives it an in-memory pipe each way and reads only what a person at the
//! terminal would read: the last rendered message, its buttons numbered
//! `[1] label  [2]✓ label` (a checklist's toggles show only their
//! objective's number, `[1]✓ 1.`). Its output is a pipe, so the console
//! draws plain text: the core's Markdown as written, no escape codes. It
//! knows nothing else of the console's insides.
//!
//! A step is one typed line. The console writes no prompt, so to know where
//! a step's output ends the driver types a second line the console cannot
//! understand and reads up to the console's "I didn't understand that"
//! notice (the text from prompts/ui.toml); the console answers lines in
//! order, so everything before the notice belongs to the step.

use std::time::Duration;

use sqlx::PgPool;
use std::future::Future;
use std::pin::Pin;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};

use super::{Button, Door, Mark, Seen};

/// A line the console answers with its "didn't understand" notice.
const MARKER_LINE: &str = "(end of scenario step)";
/// Longest a step may take before the driver gives up with what it read.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);
/// The rule the console draws above every message.
const RULE: &str = "────────────────────────────────────────";

/// `console::run` on in-memory pipes.
pub struct ConsoleDoor {
    pool: PgPool,
    learner: String,
    /// The console's "didn't understand" notice: the end of each step.
    marker: String,
    running: Option<Running>,
    /// Unread output.
    pending: String,
    /// The last message shown: the buttons a number clicks.
    last: Seen,
}

/// The console's future is not `Send` (so it cannot be spawned): the driver
/// polls it itself while it waits for output.
type Console = Pin<Box<dyn Future<Output = Result<(), String>>>>;

struct Running {
    input: DuplexStream,
    output: DuplexStream,
    console: Console,
}

impl ConsoleDoor {
    fn start(&mut self) {
        let (input, console_in) = tokio::io::duplex(64 * 1024);
        let (console_out, output) = tokio::io::duplex(1 << 20);
        let core = crate::core(self.pool.clone());
        let learner = self.learner.clone();
        let console: Console = Box::pin(async move {
            tutorbot::doors::console::run(core, &learner, BufReader::new(console_in), console_out)
                .await
                .map_err(|e| format!("{e:#}"))
        });
        self.running = Some(Running {
            input,
            output,
            console,
        });
        self.pending.clear();
        self.last = Seen::default();
    }

    async fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            // End of input: the console finishes its work and returns. Its
            // output stays open until then (the pipe holds what it writes).
            let Running {
                input,
                output,
                console,
            } = running;
            drop(input);
            let result = tokio::time::timeout(STEP_TIMEOUT, console)
                .await
                .expect("the console ends at the end of its input");
            result.unwrap_or_else(|e| panic!("the console failed: {e}"));
            drop(output);
        }
    }

    /// Types `line` and returns what the console printed in answer.
    async fn type_line(&mut self, line: &str) -> String {
        let running = self.running.as_mut().expect("the console is open");
        let typed = format!("{line}\n{MARKER_LINE}\n");
        running
            .input
            .write_all(typed.as_bytes())
            .await
            .expect("the console reads its input");
        let Running {
            output, console, ..
        } = running;
        let marker = &self.marker;
        let pending = &mut self.pending;
        let read = tokio::time::timeout(STEP_TIMEOUT, async {
            let mut chunk = vec![0u8; 16 * 1024];
            loop {
                if let Some(at) = pending.find(marker.as_str()) {
                    let step = pending[..at].to_string();
                    let rest = pending[at + marker.len()..].trim_start_matches('\n');
                    *pending = rest.to_string();
                    return step;
                }
                // Drive the console while waiting for what it prints.
                let n = tokio::select! {
                    done = console.as_mut() => panic!(
                        "the console stopped ({done:?}); it printed:\n{pending}"
                    ),
                    n = output.read(&mut chunk) => n.expect("the console's output"),
                };
                assert!(n > 0, "the console closed its output:\n{pending}");
                pending.push_str(&String::from_utf8_lossy(&chunk[..n]));
            }
        })
        .await;
        read.unwrap_or_else(|_| {
            panic!(
                "no answer to {line:?}; the console printed so far:\n{}",
                self.pending
            )
        })
    }

    async fn step(&mut self, line: &str) -> Seen {
        let printed = self.type_line(line).await;
        let seen = parse_last_message(&printed);
        if !seen.buttons.is_empty() {
            self.last = seen.clone();
        }
        seen
    }
}

/// The last message in a step's output, as text and numbered buttons.
fn parse_last_message(printed: &str) -> Seen {
    let message = printed
        .rsplit_once(RULE)
        .map_or(printed, |(_, last)| last)
        .trim_matches('\n');
    let mut text = Vec::new();
    let mut buttons = Vec::new();
    for line in message.lines() {
        let number = format!("[{}]", buttons.len() + 1);
        // A select menu's row starts with its placeholder: `Jump…:  [1] …`.
        let menu = format!(":  {number}");
        if line.starts_with(&number) {
            parse_buttons(line, &mut buttons);
        } else if let Some(at) = line.find(&menu) {
            parse_buttons(&line[at + 3..], &mut buttons);
        } else {
            text.push(line);
        }
    }
    Seen {
        text: text.join("\n"),
        buttons,
        ephemeral: None,
        in_place: None,
    }
}

/// One row of buttons: `[1] label  [2]✓ label`, numbered on from `buttons`.
fn parse_buttons(line: &str, buttons: &mut Vec<Button>) {
    let mut rest = line;
    loop {
        let number = format!("[{}]", buttons.len() + 1);
        let Some(after) = rest.strip_prefix(&number) else {
            return;
        };
        let (mark, after) = match after.chars().next() {
            Some('✓') => (Mark::Success, &after['✓'.len_utf8()..]),
            Some('✗') => (Mark::Danger, &after['✗'.len_utf8()..]),
            Some('·') => (Mark::Disabled, &after['·'.len_utf8()..]),
            _ => (Mark::Plain, after),
        };
        let after = after.strip_prefix(' ').unwrap_or(after);
        let next = format!("  [{}]", buttons.len() + 2);
        let (label, tail) = match after.find(&next) {
            Some(at) => (&after[..at], &after[at + 2..]),
            None => (after, ""),
        };
        buttons.push(Button {
            label: label.to_string(),
            mark,
        });
        rest = tail;
    }
}

impl Door for ConsoleDoor {
    const NAME: &'static str = "console";

    async fn open(pool: &PgPool, learner: &str) -> Self {
        let marker = crate::catalog()
            .texts
            .console_unknown_input
            .as_str()
            .to_string();
        let mut door = ConsoleDoor {
            pool: pool.clone(),
            learner: learner.to_string(),
            marker,
            running: None,
            pending: String::new(),
            last: Seen::default(),
        };
        door.start();
        door
    }

    async fn command(&mut self, name: &str, options: &[(&str, &str)]) -> Seen {
        let mut line = format!("/{name}");
        for (_, value) in options {
            line.push(' ');
            line.push_str(value);
        }
        self.step(&line).await
    }

    async fn click(&mut self, label: &str) -> Seen {
        let number = self.last.position(label) + 1;
        self.step(&number.to_string()).await
    }

    async fn restart(&mut self) {
        self.stop().await;
        self.start();
    }

    async fn close(mut self) {
        self.stop().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_message_and_its_numbered_buttons_are_read_back() {
        let printed = format!(
            "welcome\n{RULE}\n## Old\n[1] gone\n{RULE}\n## Title\nSome text [not a button]\n\
             [1] One  [2]✓ Two words  [3]✗ Three\n[4]· Four\n"
        );
        let seen = parse_last_message(&printed);
        assert_eq!(seen.text, "## Title\nSome text [not a button]");
        let labels: Vec<_> = seen
            .buttons
            .iter()
            .map(|b| (b.label.as_str(), b.mark))
            .collect();
        assert_eq!(
            labels,
            [
                ("One", Mark::Plain),
                ("Two words", Mark::Success),
                ("Three", Mark::Danger),
                ("Four", Mark::Disabled),
            ]
        );
    }
}
