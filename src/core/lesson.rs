//! Lessons: `/lesson` and its section buttons.
//!
//! A section longer than a screen is read in pages (see
//! [`crate::content::pages`]); a button names the section and the page.
//! Reading a section needs no database, so lessons keep showing while
//! Postgres is away. A button carries the version of the lesson it was drawn
//! from; a click on an older version is refused as stale, with a button to
//! start again, never served from content that changed under it.

use super::error::{CoreError, Refusal};
use super::Core;
use crate::content::Lesson;

/// One section of a lesson, to be shown.
#[derive(Debug)]
pub struct SectionShown<'a> {
    pub lesson: &'a Lesson,
    pub index: usize,
    /// The page of the section, and the section's pages.
    pub page: usize,
    pub pages: Vec<String>,
    /// Update the learner's own message instead of answering with a new one.
    pub in_place: bool,
}

/// `/lesson <id>`: the lesson's first section.
pub fn open<'a>(core: &'a Core, id: &str) -> Result<SectionShown<'a>, CoreError> {
    let lesson = core
        .catalog
        .lesson(id)
        .ok_or_else(|| Refusal::UnknownLesson(id.to_string()))?;
    Ok(SectionShown {
        lesson,
        index: 0,
        page: 0,
        pages: lesson.sections[0].pages(),
        in_place: false,
    })
}

/// A click on a section button (or a pick in "Jump to section").
pub fn section<'a>(
    core: &'a Core,
    own: bool,
    lesson: &str,
    version: &str,
    section: &str,
    page: u8,
) -> Result<SectionShown<'a>, CoreError> {
    let l = current(core, lesson, version)?;
    let index = l
        .sections
        .iter()
        .position(|s| s.id == section)
        .ok_or_else(|| stale(lesson))?;
    let pages = l.sections[index].pages();
    let page = usize::from(page);
    // Pages are a function of the version's text: a page past the end is
    // a forged button, answered like any other that is not ours.
    if page >= pages.len() {
        return Err(stale(lesson));
    }
    Ok(SectionShown {
        lesson: l,
        index,
        page,
        pages,
        in_place: own,
    })
}

/// The lesson, if the button's version is the one we serve now.
pub fn current<'a>(core: &'a Core, lesson: &str, version: &str) -> Result<&'a Lesson, CoreError> {
    core.catalog
        .lesson(lesson)
        .filter(|l| l.version == version)
        .ok_or_else(|| stale(lesson))
}

fn stale(lesson: &str) -> CoreError {
    CoreError::Refused(Refusal::StaleLesson {
        lesson: lesson.to_string(),
    })
}
