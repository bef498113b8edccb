//! One-file lessons: a whole lesson in one Markdown file.
//!
//! `````text
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
//!
//! ## Exercises
//! ````toml exercises
//! [[exercises]]   # exactly the exercises.toml format
//! ````
//! `````
//!
//! The file is cut into a [`Draft`] with the line of every value, then meets
//! the same checks as a lesson folder ([`lesson::assemble`]), so a mistake is
//! named as `file.md:line` wherever it is, inside the quiz and exercise
//! blocks too (their TOML is read as if it sat at its line of the file).
//! The quiz and the exercises are each one fenced block under their own
//! heading ([`Block`]); a block opened with more than three backticks is
//! closed only by as many, so an exercise's Markdown statement can hold
//! code blocks of its own. Lines that are only an HTML comment
//! (`<!-- ... -->`, possibly over several lines) outside code blocks are
//! notes for authors and never shown. [`from_folder`] writes a lesson
//! folder in this form; [`starter`] is what `tutorbot new-lesson` writes.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::diag::{Diagnostics, Source};
use super::lesson::{self, Draft, DraftObjective, DraftSection, Fingerprint, Lesson};
use super::tree::Tree;

/// The front matter's fence, as in Hugo and Zola.
const FENCE: &str = "+++";
/// The info string of the quiz's code block.
const QUIZ_INFO: &str = "toml quiz";
/// The info string of the exercises' code block.
const EXERCISES_INFO: &str = "toml exercises";

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
        exercises: body.exercises,
        fingerprint,
    };
    let lesson = lesson::assemble(draft, diags);
    match lesson {
        Some(lesson) if diags.len() == before => Some((lesson, id_line)),
        _ => None,
    }
}

/// A block of TOML inside the lesson: its file, its text, and the line of
/// the file its text starts on.
type BlockText = (PathBuf, String, usize);

/// What follows the front matter, cut at its `## ` headings.
struct Body {
    sections: Vec<DraftSection>,
    checklist_line: Option<usize>,
    objectives: Vec<DraftObjective>,
    quiz: Option<BlockText>,
    exercises: Option<BlockText>,
}

impl Body {
    fn block(&mut self, block: Block) -> &mut Option<BlockText> {
        match block {
            Block::Quiz => &mut self.quiz,
            Block::Exercises => &mut self.exercises,
        }
    }
}

/// The fenced TOML blocks a lesson may hold, one each, each under its own
/// `## ` heading, in the format of the lesson folder's file of that name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// `## Quiz`, ```` ```toml quiz ````: `quiz.toml`.
    Quiz,
    /// `## Exercises`, ```` ```toml exercises ````: `exercises.toml`.
    Exercises,
}

impl Block {
    const ALL: [Block; 2] = [Block::Quiz, Block::Exercises];

    fn of_info(info: &str) -> Option<Block> {
        Block::ALL.into_iter().find(|b| b.info() == info)
    }

    fn of_heading(title: &str) -> Option<Block> {
        Block::ALL
            .into_iter()
            .find(|b| b.heading().eq_ignore_ascii_case(title))
    }

    fn info(self) -> &'static str {
        match self {
            Block::Quiz => QUIZ_INFO,
            Block::Exercises => EXERCISES_INFO,
        }
    }

    fn heading(self) -> &'static str {
        match self {
            Block::Quiz => "Quiz",
            Block::Exercises => "Exercises",
        }
    }

    /// What the block is called in messages: "quiz", "exercises".
    fn what(self) -> &'static str {
        match self {
            Block::Quiz => "quiz",
            Block::Exercises => "exercises",
        }
    }
}

/// The part under one `## ` heading.
enum Part {
    /// Before the first heading: nothing may be written there.
    Preamble,
    Section(DraftSection),
    Checklist,
    /// `## Quiz` or `## Exercises`: only its block goes there.
    Block(Block),
}

/// An open code block: its line, its info string and how many backticks
/// opened it (a line starting with as many closes it).
struct Fence {
    line: usize,
    info: String,
    ticks: usize,
}

fn cut(path: &Path, lines: &[&str], start: usize, diags: &mut Diagnostics) -> Body {
    let mut body = Body {
        sections: Vec::new(),
        checklist_line: None,
        objectives: Vec::new(),
        quiz: None,
        exercises: None,
    };
    let mut part = Part::Preamble;
    // The line of each block's heading, in `Block::ALL`'s order.
    let mut headings: [Option<usize>; 2] = [None, None];
    let mut fence: Option<Fence> = None;
    let mut in_comment = false;
    // The text of the TOML block being read.
    let mut block_text: Option<String> = None;

    for (i, &raw) in lines.iter().enumerate().skip(start) {
        let n = i + 1;
        let trimmed = raw.trim();
        if fence.is_none() && (in_comment || trimmed.starts_with("<!--")) {
            in_comment = !trimmed.ends_with("-->");
            continue;
        }
        let ticks = trimmed.len() - trimmed.trim_start_matches('`').len();
        let is_fence = ticks >= 3;
        if let Some(open) = &fence {
            let block = Block::of_info(&open.info);
            if is_fence && ticks >= open.ticks {
                let first = open.line + 1;
                fence = None;
                if let Some(b) = block {
                    if let Some(text) = block_text.take() {
                        *body.block(b) = Some((path.to_path_buf(), text, first));
                    }
                    // A block is never part of a section, its fences
                    // neither (even one put under a section by mistake).
                    continue;
                }
            } else if block.is_some() {
                if let Some(t) = block_text.as_mut() {
                    t.push_str(raw);
                    t.push('\n');
                }
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
            if let Some(b) = Block::of_info(&info) {
                match part {
                    Part::Block(under) if under == b && body.block(b).is_none() => {
                        block_text = Some(String::new());
                    }
                    Part::Block(under) if under == b => {
                        diags.push(path, n, format!("a lesson has one {} block", b.what()))
                    }
                    _ => diags.push(
                        path,
                        n,
                        format!(
                            "the ```{}``` block belongs under the `## {}` heading",
                            b.info(),
                            b.heading()
                        ),
                    ),
                }
                fence = Some(Fence {
                    line: n,
                    info,
                    ticks,
                });
                continue;
            }
            fence = Some(Fence {
                line: n,
                info,
                ticks,
            });
        }
        if let Some(title) = trimmed.strip_prefix("## ") {
            let finished = std::mem::replace(&mut part, Part::Preamble);
            if let Part::Section(s) = finished {
                body.sections.push(s);
            }
            part = heading(path, title.trim(), n, &mut body, &mut headings, diags);
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
            Part::Block(b) => diags.push(
                path,
                n,
                format!(
                    "only the ```{}``` block goes under `## {}`",
                    b.info(),
                    b.heading()
                ),
            ),
        }
    }
    if let Part::Section(s) = part {
        body.sections.push(s);
    }
    if let Some(open) = fence {
        let close = "`".repeat(open.ticks);
        diags.push(
            path,
            open.line,
            format!("this code block is never closed ({close})"),
        );
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
    for (b, line) in Block::ALL.into_iter().zip(headings) {
        if let (Some(line), None) = (line, body.block(b)) {
            diags.push(
                path,
                line,
                format!("`## {}` needs a ```{}``` block", b.heading(), b.info()),
            );
        }
    }
    body
}

/// A `## ` heading: a section, the checklist, the quiz or the exercises.
fn heading(
    path: &Path,
    title: &str,
    line: usize,
    body: &mut Body,
    headings: &mut [Option<usize>; 2],
    diags: &mut Diagnostics,
) -> Part {
    if title.eq_ignore_ascii_case("checklist") {
        if body.checklist_line.is_some() {
            diags.push(path, line, "a lesson has one `## Checklist`");
        }
        body.checklist_line = Some(line);
        return Part::Checklist;
    }
    if let Some(b) = Block::of_heading(title) {
        let seen = &mut headings[b as usize];
        if seen.is_some() {
            diags.push(path, line, format!("a lesson has one `## {}`", b.heading()));
        }
        *seen = Some(line);
        return Part::Block(b);
    }
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

<!-- The exercises: the exercises.toml format inside a ````toml exercises
     block. A learner answers one with /exercise; the lab runs their code in
     its sandbox, then the exercise's hidden checks. This block opens with
     four backticks, so only four close it: a statement may hold a code
     block of its own. `tutorbot lab run answer.py --exercise {ID}/double`
     runs a file against the checks. The exercises are optional. -->

## Exercises

````toml exercises
[[exercises]]
id = "double"               # 1-24 characters of a-z, 0-9 and -; unique here
title = "Double a number"   # 1-80 characters
objective = "do-it"         # the checklist objective a pass proves
# What the learner reads first: Markdown, 1-3000 characters.
statement = """
Write `double(x)`, which returns twice `x`: `double(3)` is `6`.
"""
# The code the answer starts from (at most 4000 characters): it must fail
# the checks, and the solution must pass them.
starter = '''
def double(x):
    return x
'''
solution = '''
def double(x):
    return 2 * x
'''
# Python run after the learner's code, in its namespace: need("name")
# finds the learner's function, and a failed assert's message is what the
# learner reads (never this code).
checks = '''
double = need("double")
assert double(3) == 6, f"double(3) returned {double(3)!r}; expected 6"
'''
# 1-5 hints: one more is shown after each failed try.
hints = ["Multiply `x` by 2."]
# Optional, predict-then-run: the learner guesses the time before the run
# (2-4 choices, in rising seconds) and sees it beside the time measured.
# [exercises.predict]
# question = "How long will double(3) take?"
# choices = [{ text = "under 0.1 s", secs = 0.05 }, { text = "about 1 s", secs = 1.0 }]
````
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
    for (b, file) in [
        (Block::Quiz, "quiz.toml"),
        (Block::Exercises, "exercises.toml"),
    ] {
        let rel = dir.join(file);
        if tree.is_file(&rel) {
            if let Some(text) = read(&rel, &mut diags) {
                out.push_str(&format!("\n## {}\n\n{}", b.heading(), fenced(b, &text)));
            }
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// `text` as block `b`, fenced with more backticks than any run inside it
/// (a statement may hold a code block), so nothing in it closes the fence.
fn fenced(b: Block, text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let newline = if text.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{}\n{text}{newline}{fence}\n", b.info())
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
        let exercise = &lesson.exercises[..];
        assert_eq!(exercise.len(), 1);
        assert_eq!(exercise[0].id, "double");
        assert_eq!(exercise[0].objective, "do-it");
        assert!(exercise[0].solution.contains("return 2 * x"));
        assert!(exercise[0].checks.contains("need(\"double\")"));
        assert!(exercise[0].predict.is_none());
    }

    #[test]
    fn an_exercise_naming_an_unknown_objective_is_named_with_its_line_in_the_whole_file() {
        let e = broken("objective = \"do-it\"", "objective = \"do-that\"");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with(&format!(
                "demo.md:{}: exercise `double` names unknown objective `do-that`",
                line_of("objective = \"do-it\"")
            )),
            "{e:?}"
        );
    }

    #[test]
    fn an_exercise_toml_syntax_error_is_named_with_its_line_in_the_whole_file() {
        let e = broken("title = \"Double a number\"", "title = Double a number");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with(&format!(
                "demo.md:{}:",
                line_of("title = \"Double a number\"")
            )),
            "{e:?}"
        );
    }

    #[test]
    fn an_exercise_without_a_solution_is_named_in_the_exercises_block() {
        let good = starter("demo");
        let start = good.find("solution = '''").unwrap();
        let end = start + good[start..].find("\n'''\n").unwrap() + "\n'''\n".len();
        let e = errors(&format!("{}{}", &good[..start], &good[end..]));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("missing field `solution`"), "{e:?}");
        // The line is inside the block, never the top of the file.
        let line: usize = e[0].split(':').nth(1).unwrap().parse().unwrap();
        assert!(line > line_of("## Exercises"), "{e:?}");
    }

    #[test]
    fn an_exercise_whose_solution_is_its_starter_is_named_at_the_solution() {
        let e = broken("    return 2 * x", "    return x");
        assert_eq!(
            e,
            [format!(
                "demo.md:{}: exercise `double`: the solution is the starter",
                line_of("solution = '''")
            )]
        );
    }

    #[test]
    fn an_exercise_with_an_unknown_key_is_named_with_its_line() {
        let e = broken("hints = [", "hint = [");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with(&format!(
                "demo.md:{}: unknown field `hint`",
                line_of("hints = [")
            )),
            "{e:?}"
        );
    }

    #[test]
    fn an_exercises_block_outside_its_heading_or_a_heading_without_one_is_named() {
        let e = broken("## Exercises", "## More practice {#more}\n\nPractise here.");
        assert_eq!(
            e,
            [format!(
                "demo.md:{}: the ```toml exercises``` block belongs under the `## Exercises` heading",
                line_of("## Exercises") + 4
            )]
        );
        let good = starter("demo");
        let open = good.find("\n````toml exercises").unwrap() + 1;
        let e = errors(&good[..open]);
        assert_eq!(
            e,
            [format!(
                "demo.md:{}: `## Exercises` needs a ```toml exercises``` block",
                line_of("## Exercises")
            )]
        );
    }

    #[test]
    fn a_second_exercises_block_is_refused() {
        let good = starter("demo");
        let open = good.find("\n````toml exercises").unwrap() + 1;
        let block = good[open..].to_string();
        let e = errors(&format!("{good}\n{block}"));
        assert!(
            e.iter()
                .any(|e| e.ends_with("a lesson has one exercises block")),
            "{e:?}"
        );
    }

    #[test]
    fn a_statement_may_hold_a_code_block_inside_a_longer_fence() {
        let text = starter("demo").replace(
            "Write `double(x)`, which returns twice `x`: `double(3)` is `6`.",
            "Write `double(x)`:\n\n```py\nassert double(3) == 6\n```",
        );
        let mut diags = Diagnostics::default();
        let (lesson, _) =
            parse(Path::new("demo.md"), &text, &mut diags).unwrap_or_else(|| panic!("{diags}"));
        assert!(
            lesson.exercises[0]
                .statement
                .ends_with("```py\nassert double(3) == 6\n```"),
            "{}",
            lesson.exercises[0].statement
        );
    }

    #[test]
    fn converting_fences_a_block_longer_than_any_backticks_inside_it() {
        assert_eq!(
            fenced(Block::Exercises, "a = \"```\"\n"),
            "````toml exercises\na = \"```\"\n````\n"
        );
        assert_eq!(fenced(Block::Quiz, "a = 1"), "```toml quiz\na = 1\n```\n");
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
        // The objective is gone, so the exercise proving it is named too.
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[1].contains("unknown objective `do-it`"), "{e:?}");
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
