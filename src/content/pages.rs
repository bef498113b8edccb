//! Pages: a section's Markdown cut into pieces that fit one screen.
//!
//! Discord draws an embed about 520 px wide on the desktop client; a long
//! section becomes a wall the learner scrolls past, and a long code line
//! wraps mid-expression. So a lesson page holds at most [`PROSE_MAX`]
//! characters of prose and one code unit (a program, or a program and its
//! output: fenced blocks with nothing but blank lines between them), and at
//! most [`PAGE_MAX`] characters in all. Longer sections become sub-pages,
//! read with Prev / Next.
//!
//! The cut is greedy and only ever between blocks (paragraphs, lists, code
//! units); a short lead-in line ("Here is how:", a bold heading) stays with
//! the block after it. A single block too long for a page is cut at sentence
//! ends (prose) or line ends (code, fenced again on each piece). The pages
//! are a pure function of the section's text, so every instance cuts the
//! same way and a button naming page 2 of a lesson version means the same
//! page everywhere.

/// Characters of prose (outside code blocks) on one page, at most.
pub const PROSE_MAX: usize = 1200;
/// Characters on one page, code included, at most (an embed takes 4096; a
/// screen holds about this much).
pub const PAGE_MAX: usize = 1500;
/// The longest code line that does not wrap inside an embed on the desktop
/// client (`tutorbot check` warns past it).
pub const CODE_LINE_MAX: usize = 56;
/// A line this short that introduces what follows is kept with it.
const LEAD_IN_MAX: usize = 80;

/// One block of a section: prose, or a code unit with any lead-in prose.
#[derive(Debug, Clone)]
struct Block {
    text: String,
    prose: usize,
    code: bool,
    /// A blank line came before it in the section (kept when joined).
    gap: bool,
}

impl Block {
    fn len(&self) -> usize {
        self.text.chars().count()
    }
}

/// The pages of a section's text: at least one, each within the limits
/// above whenever the text can be cut between lines.
pub fn split(body: &str) -> Vec<String> {
    let mut pages = Vec::new();
    let mut page: Vec<Block> = Vec::new();
    let fits = |page: &[Block], b: &Block| {
        let prose: usize = page.iter().map(|p| p.prose).sum::<usize>() + b.prose;
        let total: usize = page.iter().map(|p| p.len() + 2).sum::<usize>() + b.len();
        let code = page.iter().any(|p| p.code) && b.code;
        prose <= PROSE_MAX && total <= PAGE_MAX && !code
    };
    for block in glue(blocks(body)).into_iter().flat_map(cut) {
        if !page.is_empty() && !fits(&page, &block) {
            pages.push(join(&std::mem::take(&mut page)));
        }
        page.push(block);
    }
    if !page.is_empty() || pages.is_empty() {
        pages.push(join(&page));
    }
    pages
}

/// The code lines of `body` longer than [`CODE_LINE_MAX`]: (index of the
/// line in `body`, its length in characters).
pub fn long_code_lines(body: &str) -> Vec<(usize, usize)> {
    let mut in_code = false;
    let mut out = Vec::new();
    for (i, line) in body.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let width = line.chars().count();
        if in_code && width > CODE_LINE_MAX {
            out.push((i, width));
        }
    }
    out
}

fn join(blocks: &[Block]) -> String {
    let mut out = String::new();
    for (i, b) in blocks.iter().enumerate() {
        if i > 0 {
            out.push_str(if b.gap { "\n\n" } else { "\n" });
        }
        out.push_str(&b.text);
    }
    out
}

fn is_fence(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

/// The section as blocks: paragraphs split at blank lines; fenced blocks
/// with only blank lines between them make one code unit.
fn blocks(body: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut prose: Vec<&str> = Vec::new();
    let mut code: Vec<&str> = Vec::new();
    let mut in_code = false;
    // Whether a blank line came since the last block, and before the
    // prose being collected.
    let mut blank = false;
    let mut prose_gap = false;
    let flush_prose = |prose: &mut Vec<&str>, gap: bool, out: &mut Vec<Block>| {
        if !prose.is_empty() {
            let text = prose.join("\n");
            out.push(Block {
                prose: text.chars().count(),
                text,
                code: false,
                gap,
            });
            prose.clear();
        }
    };
    for line in body.lines() {
        if in_code {
            code.push(line);
            if is_fence(line) {
                in_code = false;
                // A fence right after this one (an output) joins the unit.
                let text = code.join("\n");
                match out.last_mut() {
                    Some(last) if last.code => {
                        last.text.push_str(if blank { "\n\n" } else { "\n" });
                        last.text.push_str(&text);
                    }
                    _ => out.push(Block {
                        text,
                        prose: 0,
                        code: true,
                        gap: blank,
                    }),
                }
                blank = false;
                code.clear();
            }
        } else if is_fence(line) {
            if !prose.is_empty() {
                flush_prose(&mut prose, prose_gap, &mut out);
                blank = false;
            }
            in_code = true;
            code.push(line);
        } else if line.trim().is_empty() {
            if !prose.is_empty() {
                flush_prose(&mut prose, prose_gap, &mut out);
            }
            blank = true;
        } else {
            if prose.is_empty() {
                prose_gap = blank;
                blank = false;
            }
            prose.push(line);
        }
    }
    if in_code {
        // An unclosed fence (the loader refuses these): keep it as text.
        prose.append(&mut code);
    }
    flush_prose(&mut prose, prose_gap, &mut out);
    out
}

/// A short lead-in line stays with the block after it.
fn glue(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut lead: Option<Block> = None;
    for b in blocks {
        let b = match lead.take() {
            Some(l) => Block {
                text: format!("{}{}{}", l.text, if b.gap { "\n\n" } else { "\n" }, b.text),
                prose: l.prose + b.prose,
                code: b.code,
                gap: l.gap,
            },
            None => b,
        };
        let is_lead = !b.code && !b.text.contains('\n') && b.prose <= LEAD_IN_MAX;
        if is_lead {
            lead = Some(b);
        } else {
            out.push(b);
        }
    }
    out.extend(lead);
    out
}

/// A block too long for a page, cut into pieces that fit.
fn cut(b: Block) -> Vec<Block> {
    let limit = if b.code { PAGE_MAX } else { PROSE_MAX };
    if b.len() <= limit && b.prose <= PROSE_MAX {
        return vec![b];
    }
    let mut pieces = if b.code {
        cut_code(&b.text)
    } else {
        cut_prose(&b.text)
    };
    if let Some(first) = pieces.first_mut() {
        first.gap = b.gap;
    }
    pieces
}

/// Prose cut after sentence ends (or, for a sentence longer than a page,
/// between words).
fn cut_prose(text: &str) -> Vec<Block> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for word in text.split_inclusive(char::is_whitespace) {
        let ends_sentence = piece.trim_end().ends_with(['.', '!', '?', ':']);
        let would = piece.chars().count() + word.chars().count();
        let near_full = piece.chars().count() > PROSE_MAX * 3 / 4;
        if !piece.is_empty() && (would > PROSE_MAX || (near_full && ends_sentence)) {
            pieces.push(std::mem::take(&mut piece));
        }
        piece.push_str(word);
    }
    if !piece.trim().is_empty() {
        pieces.push(piece);
    }
    pieces
        .into_iter()
        .map(|p| {
            let text = p.trim().to_string();
            Block {
                prose: text.chars().count(),
                text,
                code: false,
                gap: true,
            }
        })
        .collect()
}

/// A code unit cut between lines, each piece fenced again.
fn cut_code(text: &str) -> Vec<Block> {
    let room = PAGE_MAX - 16;
    let mut pieces: Vec<String> = Vec::new();
    let mut piece = String::new();
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        if piece.chars().count() + line.chars().count() + 5 > room && !piece.is_empty() {
            if fence.is_some() {
                piece.push_str("```\n");
            }
            pieces.push(std::mem::take(&mut piece));
            if let Some(f) = fence {
                piece.push_str(f);
                piece.push('\n');
            }
        }
        if is_fence(line) {
            fence = match fence {
                Some(_) => None,
                None => Some(line),
            };
        }
        piece.push_str(line);
        piece.push('\n');
    }
    if !piece.trim().is_empty() {
        pieces.push(piece);
    }
    pieces
        .into_iter()
        .map(|p| {
            let text = p.trim_end().to_string();
            Block {
                prose: 0,
                text,
                code: true,
                gap: true,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose_of(page: &str) -> usize {
        let mut in_code = false;
        page.lines()
            .filter(|l| {
                if is_fence(l) {
                    in_code = !in_code;
                    return false;
                }
                !in_code
            })
            .map(|l| l.chars().count())
            .sum()
    }

    fn fences(page: &str) -> usize {
        page.lines().filter(|l| is_fence(l)).count()
    }

    #[test]
    fn a_short_section_is_one_page_unchanged() {
        let body = "Hello.\n\n```py\nprint(1)\n```";
        assert_eq!(split(body), vec![body.to_string()]);
    }

    #[test]
    fn long_prose_becomes_pages_within_the_limits() {
        let para = "Every sentence here is short. ".repeat(20);
        let body = [para.trim(); 6].join("\n\n");
        let pages = split(&body);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for p in &pages {
            assert!(prose_of(p) <= PROSE_MAX, "{}", prose_of(p));
            assert!(p.chars().count() <= PAGE_MAX);
        }
        // Nothing lost: every sentence is still there, in order.
        let joined = pages.join(" ");
        assert_eq!(
            joined.matches("Every sentence").count(),
            body.matches("Every sentence").count()
        );
    }

    #[test]
    fn each_page_holds_at_most_one_code_unit_and_a_program_keeps_its_output() {
        let body =
            "Run this:\n```py\nprint(1)\n```\n```text\n1\n```\nThen this:\n\n```py\nprint(2)\n```";
        let pages = split(body);
        assert_eq!(pages.len(), 2, "{pages:#?}");
        assert_eq!(fences(&pages[0]), 4, "program and output together");
        assert!(pages[0].starts_with("Run this:"));
        assert!(pages[1].starts_with("Then this:"), "the lead-in stays");
    }

    #[test]
    fn one_paragraph_longer_than_a_page_is_cut_at_sentence_ends() {
        let body = "A sentence of some words. ".repeat(80);
        let pages = split(&body);
        assert!(pages.len() >= 2);
        for p in &pages[..pages.len() - 1] {
            assert!(p.ends_with('.'), "{p:?}");
            assert!(p.chars().count() <= PROSE_MAX);
        }
    }

    #[test]
    fn a_code_block_longer_than_a_page_is_cut_between_lines_and_fenced_again() {
        let code: Vec<String> = (0..400).map(|i| format!("x = {i}")).collect();
        let body = format!("```py\n{}\n```", code.join("\n"));
        let pages = split(&body);
        assert!(pages.len() >= 2);
        for p in &pages {
            assert!(p.starts_with("```py"), "{p}");
            assert!(p.ends_with("```"), "{p}");
            assert!(p.chars().count() <= PAGE_MAX);
        }
    }

    #[test]
    fn long_code_lines_are_found_but_long_prose_lines_are_not() {
        let long = "y".repeat(CODE_LINE_MAX + 1);
        let body = format!("{long}\n```py\n{}\n{long}\n```", "x".repeat(CODE_LINE_MAX));
        assert_eq!(long_code_lines(&body), vec![(3, CODE_LINE_MAX + 1)]);
    }

    #[test]
    fn an_empty_section_is_one_empty_page() {
        assert_eq!(split(""), vec![String::new()]);
    }
}
