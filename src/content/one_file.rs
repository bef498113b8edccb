//! One-file lessons: a whole lesson in one Markdown file.
//!
//! ````text
//! +++
//! id = "my-lesson"          # TOML front matter: id, title, summary, order
//! title = "..."
//! summary = "..."
//! +++
//!
//! ## Section title {#section-id}
//! Markdown, as in a section file.
//!
//! ## Checklist
//! - [ ] objective-id (section-id): what the learner can do
//!
//! ## Quiz
//! ```toml quiz
//! [[questions]]   # exactly the quiz.toml format
//! ```
//! ````
//!
//! The file is cut into a [`Draft`] with the line of every value, then meets
//! the same checks as a lesson folder ([`lesson::assemble`]), so a mistake is
//! named as `file.md:line` wherever it is. Lines that are only an HTML
//! comment (`<!-- ... -->`, possibly over several lines) outside code blocks
//! are notes for authors and never shown. [`from_folder`] writes a lesson
//! folder in this form; [`starter`] is what `tutorbot new-lesson` writes.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::diag::{Diagnostics, Source};
use super::lesson::{self, Draft, DraftObjective, DraftSection, Fingerprint, Lesson};
use super::tree::Tree;

/// The front matter's fence, as in Hugo and Zola.
const FENCE: &str = "+++";
/// The info string of the quiz's code block.
const QUIZ_INFO: &str = "toml quiz";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    id: Spanned<String>,
    title: Spanned<String>,
    summary: Spanned<String>,
    #[serde(default)]
    order: i64,
}

/// Loads one-file lesson `rel` of `tree`; `None` (with diagnostics) when it
/// cannot be served. Also returns the line of its id, for messages about it.
pub fn load(tree: &Tree, rel: &Path, diags: &mut Diagnostics) -> Option<(Lesson, usize)> {
    let path = tree.shown(rel);
    match tree.read(rel) {
        Ok(text) => parse(&path, &text, diags),
        Err(e) => {
            diags.push(&path, 1, format!("cannot read: {e}"));
            None
        }
    }
}

/// Checks the text of a one-file lesson shown as `path`.
pub fn parse(path: &Path, text: &str, diags: &mut Diagnostics) -> Option<(Lesson, usize)> {
    let before = diags.len();
    let lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|l| l.trim_end()) != Some(FENCE) {
        diags.push(
            path,
            1,
            "a one-file lesson starts with a `+++` line, its front matter (id, title, summary, order) and another `+++`",
        );
        return None;
    }
    let Some(close) = lines.iter().skip(1).position(|l| l.trim_end() == FENCE) else {
        diags.push(path, 1, "the front matter is never closed (`+++`)");
        return None;
    };
    let close = close + 1; // index of the closing fence
                           // Line 1 is the opening fence: one blank line keeps spans on their lines.
    let front_text = format!("\n{}\n", lines[1..close].join("\n"));
    let src = Source {
        path,
        text: &front_text,
    };
    let front: Front = src.parse(diags)?;
    let at = |s: Spanned<String>| {
        let line = src.line(s.span());
        (s.into_inner(), line)
    };

    let body = cut(path, &lines, close + 1, diags);
    let mut fingerprint = Fingerprint::default();
    fingerprint.add(text.as_bytes());
    let (id, id_line) = at(front.id);
    let draft = Draft {
        id,
        path: path.to_path_buf(),
        id_line,
        id_what: "lesson id",
        title: at(front.title),
        summary: at(front.summary),
        order: front.order,
        sections_line: close + 2,
        sections: body.sections,
        objectives_line: body.checklist_line,
        objectives: body.objectives,
        quiz: body.quiz,
        exercises: None,
        fingerprint,
    };
    let lesson = lesson::assemble(draft, diags);
    match lesson {
        Some(lesson) if diags.len() == before => Some((lesson, id_line)),
        _ => None,
    }
}

/// What follows the front matter, cut at its `## ` headings.
struct Body {
    sections: Vec<DraftSection>,
    checklist_line: Option<usize>,
    objectives: Vec<DraftObjective>,
    quiz: Option<(std::path::PathBuf, String, usize)>,
}

/// The part under one `## ` heading.
enum Part {
    /// Before the first heading: nothing may be written there.
    Preamble,
    Section(DraftSection),
    Checklist,
    Quiz,
}

fn cut(path: &Path, lines: &[&str], start: usize, diags: &mut Diagnostics) -> Body {
    let mut body = Body {
        sections: Vec::new(),
        checklist_line: None,
        objectives: Vec::new(),
        quiz: None,
    };
    let mut part = Part::Preamble;
    let mut quiz_line: Option<usize> = None;
    // The open code block: its line and info string.
    let mut fence: Option<(usize, String)> = None;
    let mut in_comment = false;
    let mut quiz_text: Option<String> = None;

    for (i, &raw) in lines.iter().enumerate().skip(start) {
        let n = i + 1;
        let trimmed = raw.trim();
        if fence.is_none() && (in_comment || trimmed.starts_with("<!--")) {
            in_comment = !trimmed.ends_with("-->");
            continue;
        }
        let is_fence = trimmed.starts_with("```");
        if let Some((open_line, info)) = &fence {
            if is_fence {
                if info == QUIZ_INFO {
                    body.quiz = quiz_text
                        .take()
                        .map(|t| (path.to_path_buf(), t, open_line + 1));
                }
                fence = None;
            } else if info == QUIZ_INFO {
                let t = quiz_text.get_or_insert_with(String::new);
                t.push_str(raw);
                t.push('\n');
                continue;
            }
            if let Part::Section(s) = &mut part {
                s.body.push_str(raw);
                s.body.push('\n');
            }
            continue;
        }
        if is_fence {
            let info = trimmed.trim_start_matches('`').trim().to_string();
            if info == QUIZ_INFO {
                match part {
                    Part::Quiz if body.quiz.is_none() && quiz_text.is_none() => {
                        quiz_text = Some(String::new());
                    }
                    Part::Quiz => diags.push(path, n, "a lesson has one quiz block"),
                    _ => diags.push(
                        path,
                        n,
                        "the ```toml quiz``` block belongs under the `## Quiz` heading",
                    ),
                }
                fence = Some((n, info));
                continue;
            }
            fence = Some((n, info));
        }
        if let Some(title) = trimmed.strip_prefix("## ") {
            let finished = std::mem::replace(&mut part, Part::Preamble);
            if let Part::Section(s) = finished {
                body.sections.push(s);
            }
            part = heading(path, title.trim(), n, &mut body, &mut quiz_line, diags);
            continue;
        }
        if trimmed.starts_with("# ") && !matches!(part, Part::Section(_)) {
            diags.push(path, n, "sections start with `## `, not `# `");
            continue;
        }
        match &mut part {
            Part::Section(s) => {
                s.body.push_str(raw);
                s.body.push('\n');
            }
            _ if trimmed.is_empty() => {}
            Part::Preamble => diags.push(
                path,
                n,
                "text before the first `## ` section is never shown; start a section with `## Title {#id}`",
            ),
            Part::Checklist => match objective(trimmed, n) {
                Some(o) => body.objectives.push(o),
                None => diags.push(
                    path,
                    n,
                    "a checklist line reads `- [ ] objective-id (section-id): what the learner can do`",
                ),
            },
            Part::Quiz => diags.push(
                path,
                n,
                "only the ```toml quiz``` block goes under `## Quiz`",
            ),
        }
    }
    if let Part::Section(s) = part {
        body.sections.push(s);
    }
    if let Some((line, _)) = fence {
        diags.push(path, line, "this code block is never closed (```)");
    }
    if in_comment {
        diags.push(
            path,
            lines.len(),
            "a comment (`<!--`) is never closed (`-->`)",
        );
    }
    if body.checklist_line.is_none() {
        diags.push(
            path,
            start + 1,
            "a lesson needs a `## Checklist` heading with its objectives as `- [ ]` lines",
        );
    }
    if let (Some(line), None) = (quiz_line, &body.quiz) {
        diags.push(path, line, "`## Quiz` needs a ```toml quiz``` block");
    }
    body
}

/// A `## ` heading: a section, the checklist or the quiz.
fn heading(
    path: &Path,
    title: &str,
    line: usize,
    body: &mut Body,
    quiz_line: &mut Option<usize>,
    diags: &mut Diagnostics,
) -> Part {
    match title.to_lowercase().as_str() {
        "checklist" => {
            if body.checklist_line.is_some() {
                diags.push(path, line, "a lesson has one `## Checklist`");
            }
            body.checklist_line = Some(line);
            Part::Checklist
        }
        "quiz" => {
            if quiz_line.is_some() {
                diags.push(path, line, "a lesson has one `## Quiz`");
            }
            *quiz_line = Some(line);
            Part::Quiz
        }
        _ => {
            let (title, id) = match title.strip_suffix('}').and_then(|t| t.rsplit_once("{#")) {
                Some((title, id)) => (title.trim().to_string(), id.trim().to_string()),
                None => (title.to_string(), slug(title)),
            };
            Part::Section(DraftSection {
                id: (id, line),
                title: (title, line),
                file: path.to_path_buf(),
                body: String::new(),
                body_line: line + 1,
            })
        }
    }
}

/// `- [ ] id (section): text`, or `None`.
fn objective(line: &str, n: usize) -> Option<DraftObjective> {
    let rest = line.strip_prefix("- [ ]")?.trim_start();
    let (id, rest) = rest.split_once(" (")?;
    let (section, text) = rest.split_once("):")?;
    Some(DraftObjective {
        id: (id.trim().to_string(), n),
        text: (text.trim().to_string(), n),
        section: (section.trim().to_string(), n),
    })
}

/// A section id from its title: lowercase words joined by `-`, at most
/// [`super::ID_MAX`] characters.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.truncate(super::ID_MAX);
    out.trim_end_matches('-').to_string()
}

/// The commented starting file `tutorbot new-lesson ID` writes. It passes
/// every check as written, so an author edits from something that works.
pub fn starter(id: &str) -> String {
    STARTER.replace("{ID}", id)
}

const STARTER: &str = r#"+++
# A one-file lesson. Run `tutorbot check` after every edit: it names each
# mistake as file:line. The full reference is prompts/README.md.
id = "{ID}"        # 1-24 characters of a-z, 0-9 and -; unique among lessons
title = "A title learners pick from a list"   # 1-200 characters
summary = "One line a learner reads first: what they will be able to do."   # 1-300
order = 100        # position in lists, smallest first
+++

<!-- Each `## ` heading starts a section: a page of the lesson and a button.
     `{#id}` is the section's id (checklist lines point to it); without it,
     the id is made from the title. 1-15 sections, 1-3800 characters each.
     Lines like this one are notes for authors: learners never see them. -->

## Overview {#overview}

**In one line:** what this lesson teaches, and why it matters.

Write plain Discord Markdown: **bold**, lists, `inline code` and fenced code
blocks. A block marked `python run` is executed by the test suite, and the
`output` block right after it must be exactly what it prints:

```python run
print("hello")
```
```output
hello
```

## Try it yourself {#try-it}

Give the learner one small task to do on their own machine.

<!-- The checklist: one objective a line, 1-20 of them, written as
     `- [ ] objective-id (section-id): what the learner can do`.
     The section is where a learner who is stuck reads again. -->

## Checklist

- [ ] say-what (overview): Say in one sentence what this lesson teaches
- [ ] do-it (try-it): Do the task from "Try it yourself" on your own machine

<!-- The quiz: the quiz.toml format inside a ```toml quiz block. Every
     question tests one objective; every wrong choice names the
     misconception behind it in `why_wrong`. The quiz is optional. -->

## Quiz

```toml quiz
[[questions]]
id = "what-it-teaches"
objective = "say-what"
prompt = "What does this lesson teach?"
answer = "the-topic"
explanation = "Replace this with why the right answer is right."

[[questions.choices]]
id = "the-topic"
text = "The topic named in its title"

[[questions.choices]]
id = "something-else"
text = "A topic not named in a title"
why_wrong = "Replace this with the misconception behind this choice."
```
"#;

/// A lesson folder of `tree` written as one file, the same lesson once
/// loaded (its versions aside: they fingerprint the files). For authors
/// moving to the one-file form, and for the test that both forms agree.
pub fn from_folder(tree: &Tree, dir: &Path) -> Result<String, Diagnostics> {
    let mut diags = Diagnostics::default();
    let id = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let rel_toml = dir.join("lesson.toml");
    let toml_path = tree.shown(&rel_toml);
    let read = |rel: &Path, diags: &mut Diagnostics| match tree.read(rel) {
        Ok(text) => Some(text),
        Err(e) => {
            diags.push(&tree.shown(rel), 1, format!("cannot read: {e}"));
            None
        }
    };
    let text = read(&rel_toml, &mut diags).ok_or_else(|| diags.clone())?;
    let value: toml::Table = toml::from_str(&text).map_err(|e| {
        let mut d = Diagnostics::default();
        d.push(&toml_path, 1, e.message().to_string());
        d
    })?;
    let field = |t: &toml::Table, key: &str| -> String {
        t.get(key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let list = |key: &str| -> Vec<toml::Table> {
        value
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_table().cloned()).collect())
            .unwrap_or_default()
    };
    let order = value.get("order").and_then(|v| v.as_integer()).unwrap_or(0);
    let mut out = String::from("+++\n");
    out.push_str(&format!(
        "id = {}\ntitle = {}\nsummary = {}\norder = {order}\n+++\n",
        toml::Value::from(id),
        toml::Value::from(field(&value, "title")),
        toml::Value::from(field(&value, "summary")),
    ));
    for s in list("sections") {
        let body = read(&dir.join(field(&s, "file")), &mut diags).unwrap_or_default();
        out.push_str(&format!(
            "\n## {} {{#{}}}\n\n{}\n",
            field(&s, "title"),
            field(&s, "id"),
            body.trim_end()
        ));
    }
    out.push_str("\n## Checklist\n\n");
    for o in list("objectives") {
        out.push_str(&format!(
            "- [ ] {} ({}): {}\n",
            field(&o, "id"),
            field(&o, "section"),
            field(&o, "text")
        ));
    }
    let rel_quiz = dir.join("quiz.toml");
    if tree.is_file(&rel_quiz) {
        if let Some(quiz) = read(&rel_quiz, &mut diags) {
            let newline = if quiz.ends_with('\n') { "" } else { "\n" };
            out.push_str(&format!(
                "\n## Quiz\n\n```{QUIZ_INFO}\n{quiz}{newline}```\n"
            ));
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The starter with `from` replaced by `to`; the mistakes it yields.
    fn broken(from: &str, to: &str) -> Vec<String> {
        let good = starter("demo");
        assert!(good.contains(from), "the starter has no {from:?}");
        errors(&good.replacen(from, to, 1))
    }

    fn errors(text: &str) -> Vec<String> {
        let mut diags = Diagnostics::default();
        let lesson = parse(Path::new("demo.md"), text, &mut diags);
        assert!(lesson.is_none(), "a broken lesson loaded");
        assert!(!diags.is_empty());
        diags.iter().map(|d| d.to_string()).collect()
    }

    /// The 1-based line of the first line containing `needle`.
    fn line_of(needle: &str) -> usize {
        starter("demo")
            .lines()
            .position(|l| l.contains(needle))
            .unwrap()
            + 1
    }

    #[test]
    fn the_starter_passes_every_check() {
        let mut diags = Diagnostics::default();
        let (lesson, id_line) = parse(Path::new("demo.md"), &starter("demo"), &mut diags)
            .unwrap_or_else(|| panic!("{diags}"));
        assert_eq!(lesson.id, "demo");
        assert_eq!(id_line, line_of("id = \"demo\""));
        let sections: Vec<_> = lesson.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(sections, ["overview", "try-it"]);
        assert_eq!(lesson.objectives.len(), 2);
        assert_eq!(lesson.quiz.as_ref().unwrap().questions.len(), 1);
        assert_eq!(lesson.sections[0].examples.len(), 1);
        assert_eq!(
            lesson.sections[0].examples[0].line,
            line_of("```python run"),
            "examples are named by their line in the whole file"
        );
        assert!(!lesson.sections[1].body.contains("<!--"));
    }

    #[test]
    fn a_file_without_front_matter_is_named_at_line_1() {
        let e = errors("## Overview\ntext\n");
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("demo.md:1: a one-file lesson starts with a `+++` line"),
            "{e:?}"
        );
    }

    #[test]
    fn front_matter_never_closed_is_named() {
        let e = errors("+++\nid = \"x\"\n## Overview\n");
        assert_eq!(e, ["demo.md:1: the front matter is never closed (`+++`)"]);
    }

    #[test]
    fn an_unknown_front_matter_key_is_named_with_its_line() {
        let e = broken("order = 100", "oder = 100");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with(&format!(
                "demo.md:{}: unknown field `oder`",
                line_of("order = 100")
            )),
            "{e:?}"
        );
    }

    #[test]
    fn a_bad_lesson_id_is_named_with_its_line() {
        let e = broken("id = \"demo\"", "id = \"Demo Lesson\"");
        assert_eq!(
            e,
            [format!(
                "demo.md:{}: lesson id `Demo Lesson` must be 1-24 characters of a-z, 0-9 and -",
                line_of("id = \"demo\"")
            )]
        );
    }

    #[test]
    fn an_empty_title_is_named_with_its_line() {
        let e = broken("\"A title learners pick from a list\"", "\" \"");
        assert_eq!(
            e,
            [format!("demo.md:{}: title is empty", line_of("title = "))]
        );
    }

    #[test]
    fn text_before_the_first_section_is_named_with_its_line() {
        let e = broken(
            "## Overview {#overview}",
            "Welcome!\n\n## Overview {#overview}",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with(&format!(
                "demo.md:{}: text before the first",
                line_of("## Overview")
            )),
            "{e:?}"
        );
    }

    #[test]
    fn a_malformed_checklist_line_is_named_with_its_line() {
        let e = broken("- [ ] do-it (try-it): Do", "- [ ] do-it: Do");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with(&format!(
                "demo.md:{}: a checklist line reads",
                line_of("- [ ] do-it")
            )),
            "{e:?}"
        );
    }

    #[test]
    fn an_objective_naming_an_unknown_section_is_named_with_its_line() {
        let e = broken("(try-it): Do", "(try-that): Do");
        assert_eq!(
            e,
            [format!(
                "demo.md:{}: objective `do-it` names unknown section `try-that`",
                line_of("- [ ] do-it")
            )]
        );
    }

    #[test]
    fn a_lesson_without_a_checklist_is_refused() {
        let e = broken("## Checklist", "## Checks");
        assert!(
            e.iter()
                .any(|e| e.contains("a lesson needs a `## Checklist` heading")),
            "{e:?}"
        );
    }

    #[test]
    fn a_duplicate_section_id_is_named_at_its_heading() {
        let e = broken("## Try it yourself {#try-it}", "## Again {#overview}");
        assert!(
            e.contains(&format!(
                "demo.md:{}: duplicate section id `overview`",
                line_of("## Try it yourself")
            )),
            "{e:?}"
        );
    }

    #[test]
    fn an_empty_section_is_named_at_its_first_line() {
        let e = broken(
            "## Try it yourself {#try-it}\n\nGive the learner one small task to do on their own machine.\n",
            "## Try it yourself {#try-it}\n",
        );
        assert_eq!(
            e,
            [format!(
                "demo.md:{}: the section is empty",
                line_of("## Try it yourself") + 1
            )]
        );
    }

    #[test]
    fn a_quiz_mistake_is_named_with_its_line_in_the_whole_file() {
        let e = broken("answer = \"the-topic\"", "answer = \"no-such-choice\"");
        assert!(
            e.contains(&format!(
                "demo.md:{}: answer `no-such-choice` is not one of the choices of `what-it-teaches`",
                line_of("answer = \"the-topic\"")
            )),
            "{e:?}"
        );
    }

    #[test]
    fn a_quiz_syntax_error_is_named_with_its_line_in_the_whole_file() {
        let e = broken("prompt = \"What does", "prompt = What does");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with(&format!("demo.md:{}:", line_of("prompt = \"What does"))),
            "{e:?}"
        );
    }

    #[test]
    fn a_quiz_block_outside_the_quiz_heading_is_named() {
        let e = broken("Give the learner", "```toml quiz\n```\nGive the learner");
        assert!(
            e.contains(&format!(
                "demo.md:{}: the ```toml quiz``` block belongs under the `## Quiz` heading",
                line_of("Give the learner")
            )),
            "{e:?}"
        );
    }

    #[test]
    fn an_unclosed_code_block_is_named_with_its_line() {
        let e = broken("```output\nhello\n```\n", "```output\nhello\n");
        assert!(
            e.iter()
                .any(|e| e.ends_with("this code block is never closed (```)")),
            "{e:?}"
        );
    }

    #[test]
    fn a_run_block_without_output_is_named_with_its_line() {
        let e = broken("```output\nhello\n```\n", "");
        assert_eq!(
            e,
            [format!(
                "demo.md:{}: a `python run` block must be followed by an `output` block",
                line_of("```python run")
            )]
        );
    }

    #[test]
    fn too_many_sections_are_refused() {
        let many: String = (0..16)
            .map(|i| format!("## Part {i} {{#part-{i}}}\ntext\n\n"))
            .collect();
        let e = broken(
            "## Overview {#overview}",
            &format!("{many}## Overview {{#overview}}"),
        );
        assert!(
            e.iter()
                .any(|e| e.contains("a lesson has 1 to 15 sections")),
            "{e:?}"
        );
    }

    #[test]
    fn an_unclosed_comment_is_named() {
        let text = format!("{}<!-- a note\nthat never ends\n", starter("demo"));
        let e = errors(&text);
        assert_eq!(
            e,
            [format!(
                "demo.md:{}: a comment (`<!--`) is never closed (`-->`)",
                text.lines().count()
            )]
        );
    }

    #[test]
    fn section_ids_default_to_a_slug_of_the_title() {
        assert_eq!(slug("Try it yourself!"), "try-it-yourself");
        assert_eq!(slug("  Über  cool "), "ber-cool");
        assert_eq!(slug(&"word ".repeat(10)).len(), 24);
    }
}
