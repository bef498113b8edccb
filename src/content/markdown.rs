//! Section Markdown: checks fences, pulls out runnable examples, and renders
//! the text Discord shows (the `run` / `output` markers stripped).
//!
//! A fenced block with the info string `python run` is an example whose
//! output the lesson shows; the next fenced block must be `output` and holds
//! that output. The test suite runs every example (see `tests/it/examples.rs`).

use std::path::Path;

use super::diag::Diagnostics;

/// A code example whose printed output the lesson claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// Line of the opening fence, for messages.
    pub line: usize,
    pub code: String,
    pub expected_output: String,
}

/// A section's Markdown after checking.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// What a learner sees.
    pub text: String,
    pub examples: Vec<Example>,
}

struct Fence {
    line: usize,
    info: String,
    body: String,
}

/// Checks and renders one Markdown file's text.
pub fn render(path: &Path, text: &str, diags: &mut Diagnostics) -> Rendered {
    render_from(path, text, 1, diags)
}

/// Checks and renders Markdown that starts on line `first_line` of `path`
/// (a section of a one-file lesson), so messages and examples name the
/// line an author sees.
pub fn render_from(
    path: &Path,
    text: &str,
    first_line: usize,
    diags: &mut Diagnostics,
) -> Rendered {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<Fence> = None;
    let mut pending_run: Option<Fence> = None;
    let mut examples = Vec::new();

    for (i, raw) in text.lines().enumerate() {
        let line_no = i + first_line.max(1);
        let trimmed = raw.trim_start();
        let is_fence = trimmed.starts_with("```");
        match (&mut open, is_fence) {
            (None, true) => {
                let info = trimmed.trim_start_matches('`').trim().to_string();
                let shown = match info.as_str() {
                    "python run" => "py",
                    "output" => "text",
                    other if other.split_whitespace().any(|w| w == "run") => {
                        diags.push(
                            path,
                            line_no,
                            format!("only `python run` blocks can be run, found `{other}`"),
                        );
                        other
                    }
                    other => other,
                };
                out.push_str("```");
                out.push_str(shown);
                out.push('\n');
                open = Some(Fence {
                    line: line_no,
                    info,
                    body: String::new(),
                });
            }
            (Some(fence), false) => {
                fence.body.push_str(raw);
                fence.body.push('\n');
                out.push_str(raw);
                out.push('\n');
            }
            (Some(_), true) => {
                out.push_str("```\n");
                let fence = open.take().expect("matched Some");
                match fence.info.as_str() {
                    "python run" => {
                        if let Some(previous) = pending_run.replace(fence) {
                            diags.push(
                                path,
                                previous.line,
                                "a `python run` block must be followed by an `output` block",
                            );
                        }
                    }
                    "output" => match pending_run.take() {
                        Some(run) => examples.push(Example {
                            line: run.line,
                            code: run.body,
                            expected_output: fence.body,
                        }),
                        None => diags.push(
                            path,
                            fence.line,
                            "an `output` block must follow a `python run` block",
                        ),
                    },
                    _ => {
                        if let Some(run) = pending_run.take() {
                            diags.push(
                                path,
                                run.line,
                                "a `python run` block must be followed by an `output` block",
                            );
                        }
                    }
                }
            }
            (None, false) => {
                out.push_str(raw);
                out.push('\n');
            }
        }
    }
    if let Some(fence) = open {
        diags.push(path, fence.line, "this code block is never closed (```)");
    }
    if let Some(run) = pending_run {
        diags.push(
            path,
            run.line,
            "a `python run` block must be followed by an `output` block",
        );
    }
    Rendered {
        text: out.trim().to_string(),
        examples,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> (Rendered, Diagnostics) {
        let mut diags = Diagnostics::default();
        let r = render(Path::new("s.md"), text, &mut diags);
        (r, diags)
    }

    #[test]
    fn a_run_block_and_its_output_become_an_example_and_render_without_markers() {
        let (r, d) = check("Intro\n```python run\nprint(1)\n```\ntext\n```output\n1\n```\n");
        assert!(d.is_empty(), "{d}");
        assert_eq!(r.examples.len(), 1);
        assert_eq!(r.examples[0].line, 2);
        assert_eq!(r.examples[0].code, "print(1)\n");
        assert_eq!(r.examples[0].expected_output, "1\n");
        assert!(r.text.contains("```py\nprint(1)"), "{}", r.text);
        assert!(r.text.contains("```text\n1"), "{}", r.text);
        assert!(!r.text.contains("run"));
    }

    #[test]
    fn an_unclosed_fence_is_named_with_its_line() {
        let (_, d) = check("a\n\n```py\nprint(1)\n");
        assert_eq!(
            d.to_string(),
            "s.md:3: this code block is never closed (```)"
        );
    }

    #[test]
    fn a_run_block_without_output_is_an_error() {
        let (_, d) = check("```python run\nprint(1)\n```\n```py\nx\n```\n");
        assert_eq!(
            d.to_string(),
            "s.md:1: a `python run` block must be followed by an `output` block"
        );
    }

    #[test]
    fn an_output_block_without_a_run_block_is_an_error() {
        let (_, d) = check("```output\n1\n```\n");
        assert_eq!(
            d.to_string(),
            "s.md:1: an `output` block must follow a `python run` block"
        );
    }
}
