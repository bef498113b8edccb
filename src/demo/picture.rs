//! Timeline pictures: the runs of a demo as one PNG, for the result's embed.
//!
//! The text timeline ([`super::chart`]) stays for the console and for screen
//! readers; Discord shows this picture under it. Every run of a demo is drawn
//! on one time axis, one above the other: a heading, then one thin bar per
//! request from its start to its end, coloured by its [`Outcome`], and a dark
//! line where the run returned to its caller (`join_all`, `try_join_all`, the
//! loop ...): for `gather` without `return_exceptions` that line comes before
//! the other bars end, which is the whole point.
//!
//! ```text
//!  ■ finished  ■ failed  ■ cancelled  ┃ the program moves on
//!  One after another: 812 ms
//!  #1 ▆▆▆▆▆                    ┃
//!  #2      ▆▆▆▆▆               ┃
//!  ...
//!     0       200       400       600       800 ms
//! ```
//!
//! # How it is drawn
//! Pixels are plain RGB in a `Vec`: bars, grid and markers are axis-aligned
//! rectangles (no anti-aliasing, so a bar's length in pixels is exact), text
//! is rasterised with `ab_glyph` from DejaVu Sans, embedded in the binary
//! (`assets/fonts`, with its licence), so no system font is needed. The
//! `png` crate encodes it. 800 pixels wide, about 320 high for two runs of
//! five requests (440 at most, for two runs of 50); 10 to 20 KB (a few
//! colours, large flat areas).
//!
//! Drawing takes 25 to 70 ms in a debug build on a busy 2-core machine
//! (`Compression::Best`, pixel loops at opt-level 0): callers on the async
//! runtime draw it in `spawn_blocking`.
//!
//! Words come from the caller (headings and legend, from `prompts/`); this
//! module only knows numbers and colours.

use std::time::Duration;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};

use super::chart::{fmt_num, Axis};
use super::error::DemoError;
use super::model::{Outcome, Run};

/// The font every picture is drawn with (DejaVu Sans 2.37, see
/// `assets/fonts/LICENSE-DejaVu.txt`).
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The picture's width in pixels.
pub const WIDTH: u32 = 800;

/// An RGB colour.
pub type Rgb = [u8; 3];

/// Colours of the bars and marks. Flat, distinct, and readable on the white
/// background in Discord's light and dark themes alike.
pub const BACKGROUND: Rgb = [255, 255, 255];
pub const OK: Rgb = [88, 101, 242];
pub const FAILED: Rgb = [218, 55, 60];
pub const CANCELLED: Rgb = [178, 182, 190];
pub const RETURNED: Rgb = [35, 39, 42];
const GRID: Rgb = [227, 229, 232];
const TEXT: Rgb = [46, 51, 56];
const MUTED: Rgb = [96, 102, 110];

// Layout, in pixels.
const MARGIN: i32 = 12;
/// Left edge of the time axis (row labels sit left of it).
const PLOT_X0: i32 = 56;
/// Right edge of the time axis.
const PLOT_X1: i32 = WIDTH as i32 - 28;
/// The vertical space one run's bars share (each bar gets a pitch of
/// `ROWS_PX / n`, within `MIN_PITCH..=MAX_PITCH`).
const ROWS_PX: i32 = 120;
const MIN_PITCH: i32 = 3;
const MAX_PITCH: i32 = 18;
const LEGEND_PX: i32 = 18;
const HEADING_PX: f32 = 14.0;
const LABEL_PX: f32 = 11.0;
/// Every row is labelled (`#3`) when rows are at least this tall; shorter
/// rows label only the first and the last.
const LABELLED_PITCH: i32 = 12;

/// The words a picture shows besides the headings (from `prompts/`).
#[derive(Debug, Clone, Copy)]
pub struct Legend<'a> {
    pub ok: &'a str,
    pub failed: &'a str,
    pub cancelled: &'a str,
    pub returned: &'a str,
    /// Unit labels of the axis.
    pub unit_ms: &'a str,
    pub unit_s: &'a str,
}

/// One run to draw and the heading above it.
#[derive(Debug, Clone, Copy)]
pub struct Panel<'a> {
    pub heading: &'a str,
    pub run: &'a Run,
}

/// Draws the panels one above the other on a shared axis of length `axis`
/// (see [`super::shared_axis`]) and encodes the picture as PNG.
pub fn draw(
    panels: &[Panel<'_>],
    axis: Duration,
    legend: &Legend<'_>,
) -> Result<Vec<u8>, DemoError> {
    let font = FontRef::try_from_slice(FONT)
        .map_err(|e| DemoError::Internal(format!("embedded font: {e}")))?;
    let layout = Layout::new(panels, axis);
    let mut canvas = Canvas::new(WIDTH, layout.height as u32, &font);

    // Legend: only the outcomes that occur (a timeout that cut its fetch
    // finished nothing), then the "returned" mark.
    let has = |o: fn(&Outcome) -> bool| {
        panels
            .iter()
            .any(|p| p.run.spans.iter().any(|s| o(&s.outcome)))
    };
    let mut x = MARGIN;
    let baseline = MARGIN + 11;
    let entries = [
        (has(|o| matches!(o, Outcome::Ok)), OK, legend.ok),
        (
            has(|o| matches!(o, Outcome::Failed { .. })),
            FAILED,
            legend.failed,
        ),
        (
            has(|o| matches!(o, Outcome::Cancelled)),
            CANCELLED,
            legend.cancelled,
        ),
    ];
    for (shown, colour, word) in entries {
        if shown {
            canvas.fill(x, baseline - 10, x + 10, baseline, colour);
            x += 16;
            x += canvas.text(x, baseline, LABEL_PX, TEXT, word, PLOT_X1) + 18;
        }
    }
    canvas.fill(x + 4, baseline - 12, x + 6, baseline + 2, RETURNED);
    canvas.text(
        x + 14,
        baseline,
        LABEL_PX,
        TEXT,
        legend.returned,
        WIDTH as i32 - MARGIN,
    );

    // Grid lines at each tick, across every panel.
    let grid_top = layout.panels.first().map_or(layout.axis_y, |p| p.rows_top);
    for i in 0..=layout.axis.ticks {
        let x = layout.x_of_ms(i as f64 * layout.axis.step_ms);
        canvas.fill(x, grid_top, x + 1, layout.axis_y, GRID);
    }

    for (panel, at) in panels.iter().zip(&layout.panels) {
        canvas.text(
            MARGIN,
            at.heading_baseline,
            HEADING_PX,
            TEXT,
            panel.heading,
            WIDTH as i32 - MARGIN,
        );
        for (row, span) in panel.run.spans.iter().enumerate() {
            let (y0, y1) = at.bar_rows(row);
            let (x0, x1) = layout.bar_columns(span.start, span.end);
            let colour = match span.outcome {
                Outcome::Ok => OK,
                Outcome::Failed { .. } => FAILED,
                Outcome::Cancelled => CANCELLED,
            };
            canvas.fill(x0, y0, x1, y1, colour);
            // Every row labelled when there is room, else the first and last.
            let last = panel.run.spans.len() - 1;
            if at.pitch >= LABELLED_PITCH || row == 0 || row == last {
                let label = format!("#{}", span.index + 1);
                let w = canvas.text_width(LABEL_PX, &label);
                let baseline = ((y0 + y1) / 2 + 4).max(y1);
                canvas.text(PLOT_X0 - 6 - w, baseline, LABEL_PX, MUTED, &label, PLOT_X0);
            }
        }
        // Where the run returned to its caller.
        let x = layout.x_of(panel.run.wall).min(PLOT_X1 - 1);
        canvas.fill(x, at.rows_top - 3, x + 2, at.rows_bottom + 3, RETURNED);
    }

    // The axis, its ticks and their labels.
    let y = layout.axis_y;
    canvas.fill(PLOT_X0, y, PLOT_X1 + 1, y + 1, MUTED);
    let (unit, scale) = if layout.axis.step_ms >= 1000.0 {
        (legend.unit_s, 1000.0)
    } else {
        (legend.unit_ms, 1.0)
    };
    for i in 0..=layout.axis.ticks {
        let x = layout.x_of_ms(i as f64 * layout.axis.step_ms);
        canvas.fill(x, y, x + 1, y + 5, MUTED);
        let mut label = fmt_num(i as f64 * layout.axis.step_ms / scale);
        if i == layout.axis.ticks {
            label = format!("{label} {unit}");
        }
        let w = canvas.text_width(LABEL_PX, &label);
        let left = if i == layout.axis.ticks {
            // The last label ends near the right edge, its number under the tick.
            x - canvas.text_width(LABEL_PX, &fmt_num(i as f64 * layout.axis.step_ms / scale)) / 2
        } else {
            x - w / 2
        };
        let left = left.clamp(0, WIDTH as i32 - w - 2);
        canvas.text(left, y + 18, LABEL_PX, MUTED, &label, WIDTH as i32);
    }
    canvas.png()
}

/// Where everything goes, computed once from the panels and the axis.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub(crate) axis: Axis,
    pub(crate) panels: Vec<PanelLayout>,
    /// The axis line's row.
    pub(crate) axis_y: i32,
    pub(crate) height: i32,
}

/// One panel's rows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PanelLayout {
    pub(crate) heading_baseline: i32,
    pub(crate) rows_top: i32,
    pub(crate) rows_bottom: i32,
    /// Distance between two bars' tops.
    pub(crate) pitch: i32,
}

impl PanelLayout {
    /// Pixel rows `[y0, y1)` of the bar of the `row`-th span.
    pub(crate) fn bar_rows(&self, row: usize) -> (i32, i32) {
        let y0 = self.rows_top + row as i32 * self.pitch;
        let height = (self.pitch * 2 / 3).max(2);
        (y0, y0 + height)
    }
}

impl Layout {
    pub(crate) fn new(panels: &[Panel<'_>], axis: Duration) -> Layout {
        let axis = Axis::fit(axis.as_secs_f64() * 1000.0);
        let n = panels
            .iter()
            .map(|p| p.run.spans.len())
            .max()
            .unwrap_or(0)
            .max(1) as i32;
        let pitch = (ROWS_PX / n).clamp(MIN_PITCH, MAX_PITCH);
        let mut y = MARGIN + LEGEND_PX + 6;
        let mut at = Vec::with_capacity(panels.len());
        for panel in panels {
            let heading_baseline = y + HEADING_PX as i32;
            let rows_top = heading_baseline + 10;
            let rows_bottom = rows_top + panel.run.spans.len() as i32 * pitch;
            at.push(PanelLayout {
                heading_baseline,
                rows_top,
                rows_bottom,
                pitch,
            });
            y = rows_bottom + 12;
        }
        let axis_y = y;
        Layout {
            axis,
            panels: at,
            axis_y,
            height: axis_y + 22 + MARGIN,
        }
    }

    /// The column of `ms` on the axis.
    pub(crate) fn x_of_ms(&self, ms: f64) -> i32 {
        let frac = (ms / self.axis.total_ms()).clamp(0.0, 1.0);
        PLOT_X0 + (frac * (PLOT_X1 - PLOT_X0) as f64).round() as i32
    }

    pub(crate) fn x_of(&self, t: Duration) -> i32 {
        self.x_of_ms(t.as_secs_f64() * 1000.0)
    }

    /// Pixel columns `[x0, x1)` of a bar: at least one pixel wide.
    pub(crate) fn bar_columns(&self, start: Duration, end: Duration) -> (i32, i32) {
        let x0 = self.x_of(start).min(PLOT_X1 - 1);
        let x1 = self.x_of(end).max(x0 + 1);
        (x0, x1)
    }

    /// Pixels per millisecond along the axis.
    #[cfg(test)]
    pub(crate) fn px_per_ms(&self) -> f64 {
        (PLOT_X1 - PLOT_X0) as f64 / self.axis.total_ms()
    }
}

/// An RGB pixel buffer with the few drawing operations the picture needs.
struct Canvas<'f> {
    width: i32,
    height: i32,
    pixels: Vec<Rgb>,
    font: &'f FontRef<'f>,
}

impl<'f> Canvas<'f> {
    fn new(width: u32, height: u32, font: &'f FontRef<'f>) -> Self {
        Canvas {
            width: width as i32,
            height: height as i32,
            pixels: vec![BACKGROUND; (width * height) as usize],
            font,
        }
    }

    /// Fills `[x0, x1) × [y0, y1)`, clipped to the canvas.
    fn fill(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, colour: Rgb) {
        let (x0, x1) = (x0.clamp(0, self.width), x1.clamp(0, self.width));
        let (y0, y1) = (y0.clamp(0, self.height), y1.clamp(0, self.height));
        for y in y0..y1 {
            let row = (y * self.width) as usize;
            self.pixels[row + x0 as usize..row + x1 as usize].fill(colour);
        }
    }

    /// Mixes `colour` into one pixel by `coverage` (0 to 1).
    fn blend(&mut self, x: i32, y: i32, colour: Rgb, coverage: f32) {
        if !(0..self.width).contains(&x) || !(0..self.height).contains(&y) {
            return;
        }
        let c = coverage.clamp(0.0, 1.0);
        let p = &mut self.pixels[(y * self.width + x) as usize];
        for (dst, src) in p.iter_mut().zip(colour) {
            *dst = (*dst as f32 * (1.0 - c) + src as f32 * c).round() as u8;
        }
    }

    /// The advance width of `text` at `size` pixels.
    fn text_width(&self, size: f32, text: &str) -> i32 {
        let font = self.font.as_scaled(PxScale::from(size));
        let mut width = 0.0;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                width += font.kern(p, id);
            }
            width += font.h_advance(id);
            prev = Some(id);
        }
        width.ceil() as i32
    }

    /// Draws `text` from `x` on `baseline`, stopping (with "…") before
    /// `limit`; returns the width drawn.
    fn text(
        &mut self,
        x: i32,
        baseline: i32,
        size: f32,
        colour: Rgb,
        text: &str,
        limit: i32,
    ) -> i32 {
        let fits = self.text_width(size, text) <= limit - x;
        let shown: String = if fits {
            text.to_string()
        } else {
            let mut cut: Vec<char> = text.chars().collect();
            while !cut.is_empty() && {
                let s: String = cut.iter().collect();
                self.text_width(size, &format!("{s}…")) > limit - x
            } {
                cut.pop();
            }
            cut.into_iter().chain(['…']).collect()
        };
        let font = self.font.as_scaled(PxScale::from(size));
        let mut pen = x as f32;
        let mut prev = None;
        let mut glyphs = Vec::new();
        for c in shown.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                pen += font.kern(p, id);
            }
            glyphs.push(id.with_scale_and_position(size, ab_glyph::point(pen, baseline as f32)));
            pen += font.h_advance(id);
            prev = Some(id);
        }
        for glyph in glyphs {
            if let Some(outline) = self.font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                let (bx, by) = (b.min.x as i32, b.min.y as i32);
                outline.draw(|gx, gy, c| self.blend(bx + gx as i32, by + gy as i32, colour, c));
            }
        }
        (pen - x as f32).ceil() as i32
    }

    /// The canvas as an 8-bit RGB PNG.
    fn png(&self) -> Result<Vec<u8>, DemoError> {
        let fail = |e: png::EncodingError| DemoError::Internal(format!("PNG: {e}"));
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width as u32, self.height as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Best);
        let mut writer = encoder.write_header().map_err(fail)?;
        let data: Vec<u8> = self.pixels.iter().flatten().copied().collect();
        writer.write_image_data(&data).map_err(fail)?;
        writer.finish().map_err(fail)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::{RunKind, Span};
    use super::*;

    const LEGEND: Legend<'static> = Legend {
        ok: "finished",
        failed: "failed",
        cancelled: "cancelled",
        returned: "the program moves on",
        unit_ms: "ms",
        unit_s: "s",
    };

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    fn run(kind: RunKind, wall: u64, spans: &[(u64, u64, Outcome)]) -> Run {
        Run {
            kind,
            wall: ms(wall),
            spans: spans
                .iter()
                .enumerate()
                .map(|(index, &(s, e, outcome))| Span {
                    index,
                    start: ms(s),
                    end: ms(e),
                    outcome,
                })
                .collect(),
        }
    }

    /// A decoded picture: width, height, RGB pixels.
    struct Decoded {
        width: u32,
        height: u32,
        rgb: Vec<u8>,
    }

    impl Decoded {
        fn of(png: &[u8]) -> Decoded {
            let mut reader = png::Decoder::new(png).read_info().expect("a PNG");
            let mut rgb = vec![0; reader.output_buffer_size()];
            let info = reader.next_frame(&mut rgb).expect("one frame");
            assert_eq!(info.color_type, png::ColorType::Rgb);
            rgb.truncate(info.buffer_size());
            Decoded {
                width: info.width,
                height: info.height,
                rgb,
            }
        }

        fn pixel(&self, x: i32, y: i32) -> Rgb {
            let i = (y as usize * self.width as usize + x as usize) * 3;
            [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
        }

        /// The columns of pixel row `y` painted `colour`.
        fn columns(&self, y: i32, colour: Rgb) -> Vec<i32> {
            (0..self.width as i32)
                .filter(|&x| self.pixel(x, y) == colour)
                .collect()
        }
    }

    fn gather_like() -> (Run, Run) {
        let seq = run(
            RunKind::Sequential,
            812,
            &[
                (0, 203, Outcome::Ok),
                (203, 405, Outcome::Ok),
                (405, 610, Outcome::Ok),
                (610, 812, Outcome::Ok),
            ],
        );
        let conc = run(
            RunKind::Concurrent,
            231,
            &[
                (1, 201, Outcome::Ok),
                (2, 215, Outcome::Ok),
                (2, 208, Outcome::Ok),
                (3, 231, Outcome::Ok),
            ],
        );
        (seq, conc)
    }

    #[test]
    fn each_bar_is_as_long_as_its_request_took_on_one_axis() {
        let (seq, conc) = gather_like();
        let panels = [
            Panel {
                heading: "One after another: 812 ms",
                run: &seq,
            },
            Panel {
                heading: "All at once: 231 ms",
                run: &conc,
            },
        ];
        let axis = super::super::shared_axis(&[&seq, &conc]);
        let png = draw(&panels, axis, &LEGEND).unwrap();
        let picture = Decoded::of(&png);
        let layout = Layout::new(&panels, axis);
        assert_eq!(picture.width, WIDTH);
        assert_eq!(picture.height as i32, layout.height);

        let mut lengths = Vec::new();
        for (panel, at) in panels.iter().zip(&layout.panels) {
            for (row, span) in panel.run.spans.iter().enumerate() {
                let (y0, y1) = at.bar_rows(row);
                let mid = (y0 + y1) / 2;
                let bar = picture.columns(mid, OK);
                assert!(!bar.is_empty(), "a bar for #{}", span.index + 1);
                // One unbroken bar, starting where the request started.
                assert_eq!(bar.last().unwrap() - bar[0] + 1, bar.len() as i32);
                assert!((bar[0] - layout.x_of(span.start)).abs() <= 1);
                let want = span.duration().as_secs_f64() * 1000.0 * layout.px_per_ms();
                assert!(
                    (bar.len() as f64 - want).abs() <= 1.5,
                    "#{}: {} px for {:?} (want {want:.1})",
                    span.index + 1,
                    bar.len(),
                    span.duration()
                );
                lengths.push((bar.len() as f64, span.duration().as_secs_f64()));
            }
        }
        // Lengths follow the times: every ratio within 2 %.
        let (l0, d0) = lengths[0];
        for &(l, d) in &lengths[1..] {
            assert!(
                ((l / l0) / (d / d0) - 1.0).abs() < 0.02,
                "{l}/{l0} vs {d}/{d0}"
            );
        }
        // The sequential staircase reaches about 4 times as far right as the stack.
        let right = |run: &Run| layout.x_of(run.last_end());
        assert!(
            right(&seq) - layout.x_of(Duration::ZERO)
                > 3 * (right(&conc) - layout.x_of(Duration::ZERO))
        );
    }

    #[test]
    fn outcomes_have_their_colours_and_the_return_is_marked() {
        // gather without return_exceptions: it returns at the failure, the
        // others run on; a task group cancels them there.
        let gather = run(
            RunKind::Concurrent,
            100,
            &[
                (0, 100, Outcome::Failed { status: 500 }),
                (0, 200, Outcome::Ok),
                (0, 200, Outcome::Ok),
            ],
        );
        let group = run(
            RunKind::Concurrent,
            101,
            &[
                (0, 100, Outcome::Failed { status: 500 }),
                (0, 101, Outcome::Cancelled),
                (0, 101, Outcome::Cancelled),
            ],
        );
        let panels = [
            Panel {
                heading: "gather",
                run: &gather,
            },
            Panel {
                heading: "TaskGroup",
                run: &group,
            },
        ];
        let axis = super::super::shared_axis(&[&gather, &group]);
        let png = draw(&panels, axis, &LEGEND).unwrap();
        let picture = Decoded::of(&png);
        let layout = Layout::new(&panels, axis);
        let mid = |panel: usize, row: usize| {
            let (y0, y1) = layout.panels[panel].bar_rows(row);
            (y0 + y1) / 2
        };
        assert!(!picture.columns(mid(0, 0), FAILED).is_empty());
        assert!(!picture.columns(mid(1, 1), CANCELLED).is_empty());
        assert!(picture.columns(mid(1, 1), OK).is_empty());
        // The return mark crosses the bars that run on after it.
        let wall_x = layout.x_of(gather.wall);
        assert_eq!(picture.pixel(wall_x, mid(0, 1)), RETURNED);
        assert_eq!(picture.pixel(wall_x + 10, mid(0, 1)), OK);
    }

    #[test]
    fn every_size_a_demo_makes_stays_small() {
        for n in [1u64, 5, 50] {
            let seq = run(
                RunKind::Sequential,
                n * 100,
                &(0..n)
                    .map(|i| (i * 100, (i + 1) * 100, Outcome::Ok))
                    .collect::<Vec<_>>(),
            );
            let conc = run(
                RunKind::Concurrent,
                110,
                &(0..n)
                    .map(|i| (i, 100 + i, Outcome::Ok))
                    .collect::<Vec<_>>(),
            );
            let panels = [
                Panel {
                    heading: "One after another",
                    run: &seq,
                },
                Panel {
                    heading: "All at once",
                    run: &conc,
                },
            ];
            let axis = super::super::shared_axis(&[&seq, &conc]);
            let png = draw(&panels, axis, &LEGEND).unwrap();
            let picture = Decoded::of(&png);
            assert_eq!(picture.width, WIDTH);
            assert!(picture.height <= 460, "n={n}: {} px high", picture.height);
            assert!(png.len() < 40_000, "n={n}: {} bytes", png.len());
            // Every request has its own bar, even at n = 50.
            let layout = Layout::new(&panels, axis);
            for row in 0..n as usize {
                let (y0, _) = layout.panels[0].bar_rows(row);
                assert!(!picture.columns(y0, OK).is_empty(), "n={n}: row {row}");
            }
        }
    }

    #[test]
    fn the_legend_names_only_the_outcomes_that_occur() {
        let r = run(RunKind::Timeout, 100, &[(0, 100, Outcome::Cancelled)]);
        let png = draw(
            &[Panel {
                heading: "With a timeout",
                run: &r,
            }],
            ms(100),
            &LEGEND,
        )
        .unwrap();
        let picture = Decoded::of(&png);
        for y in 0..picture.height as i32 {
            assert!(picture.columns(y, OK).is_empty(), "row {y}");
            assert!(picture.columns(y, FAILED).is_empty(), "row {y}");
        }
        assert!((0..picture.height as i32).any(|y| !picture.columns(y, CANCELLED).is_empty()));
    }

    #[test]
    fn a_heading_too_long_for_the_picture_is_cut_not_spilled() {
        let r = run(RunKind::Timeout, 100, &[(0, 100, Outcome::Cancelled)]);
        let long = "a very long heading ".repeat(20);
        let png = draw(
            &[Panel {
                heading: &long,
                run: &r,
            }],
            ms(100),
            &LEGEND,
        )
        .unwrap();
        let picture = Decoded::of(&png);
        let layout = Layout::new(
            &[Panel {
                heading: &long,
                run: &r,
            }],
            ms(100),
        );
        let baseline = layout.panels[0].heading_baseline;
        // Nothing drawn in the right margin.
        for y in baseline - 12..baseline + 3 {
            for x in WIDTH as i32 - MARGIN + 1..WIDTH as i32 {
                assert_eq!(picture.pixel(x, y), BACKGROUND, "({x}, {y})");
            }
        }
    }
}
