//! Timeline charts: a run as monospaced text for a Discord code block.
//!
//! One row per request (or per group of consecutive requests when there are
//! more than `max_rows`), a bar from its start to its end on a time axis
//! shared by all rows, then the axis with its scale:
//!
//! ```text
//! #1│██████████
//! #2│          ██████████
//! #3│                    ██████████
//! #4│                              ██████████
//!   └─────────┴─────────┴─────────┴─────────┘
//!   0        200       400       600      800 ms
//! ```
//!
//! Sequential runs read as a staircase, concurrent ones as a stack. Pass the
//! same `axis` (see [`shared_axis`]) to chart two runs on one scale. The text
//! has no code fences and no trailing newline; it is under 1000 characters
//! for up to 10 requests with the defaults and always under
//! [`MAX_CHART_CHARS`] characters.

use std::time::Duration;

use super::model::{Outcome, Run, Span};

/// Upper bound (exclusive) on the characters of any rendered chart.
pub const MAX_CHART_CHARS: usize = 1900;

/// Bar columns are clamped to this range.
pub const MIN_WIDTH: usize = 10;
pub const MAX_WIDTH: usize = 40;

/// The characters a chart is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    pub ok: char,
    pub failed: char,
    pub cancelled: char,
    pub empty: char,
    /// Row label prefix (`#1`).
    pub prefix: char,
    /// Unit labels of the axis.
    pub unit_ms: &'static str,
    pub unit_s: &'static str,
}

impl Default for Glyphs {
    fn default() -> Self {
        Glyphs {
            ok: '█',
            failed: 'x',
            cancelled: '░',
            empty: ' ',
            prefix: '#',
            unit_ms: "ms",
            unit_s: "s",
        }
    }
}

/// How to draw a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartOptions {
    /// Bar columns (clamped to `MIN_WIDTH..=MAX_WIDTH`).
    pub width: usize,
    /// Most rows of bars; more requests are grouped, several per row
    /// (also lowered as needed to stay under [`MAX_CHART_CHARS`]).
    pub max_rows: usize,
    /// Length of the time axis; `None`: the run's own extent.
    pub axis: Option<Duration>,
    pub glyphs: Glyphs,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            width: MAX_WIDTH,
            max_rows: 25,
            axis: None,
            glyphs: Glyphs::default(),
        }
    }
}

/// The axis length that fits all `runs` (their longest wall time or span).
pub fn shared_axis(runs: &[&Run]) -> Duration {
    runs.iter()
        .map(|r| r.wall.max(r.last_end()))
        .max()
        .unwrap_or_default()
}

/// Render `run` as text (see the module documentation).
pub fn render(run: &Run, opts: &ChartOptions) -> String {
    let width = opts.width.clamp(MIN_WIDTH, MAX_WIDTH);
    let g = &opts.glyphs;
    let extent = opts.axis.unwrap_or_else(|| shared_axis(&[run]));
    let axis = Axis::fit(extent.as_secs_f64() * 1000.0);

    // Group consecutive spans into at most `max_rows` rows, and keep the whole
    // chart under the character budget.
    let n = run.spans.len();
    let label_max = 2 * decimal_len(n.max(1)) + 2; // "#999-1000"
    let row_cost = label_max + 1 + width + 1;
    let axis_cost = 2 * (label_max + 1 + width + 1) + 16;
    let budget_rows = (MAX_CHART_CHARS - 1 - axis_cost) / row_cost;
    let max_rows = opts.max_rows.clamp(1, budget_rows.max(1));
    let per_row = n.div_ceil(max_rows).max(1);
    let groups: Vec<&[Span]> = run.spans.chunks(per_row).collect();

    let labels: Vec<String> = groups
        .iter()
        .map(|grp| {
            let (a, b) = (grp[0].index + 1, grp[grp.len() - 1].index + 1);
            if a == b {
                format!("{}{a}", g.prefix)
            } else {
                format!("{}{a}-{b}", g.prefix)
            }
        })
        .collect();
    let lw = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);

    let mut out = String::new();
    for (grp, label) in groups.iter().zip(&labels) {
        let mut cells: Vec<Option<Outcome>> = vec![None; width];
        for s in grp.iter() {
            let (c0, c1) = axis.cells(s.start, s.end, width);
            for cell in &mut cells[c0..c1] {
                if cell.map_or(true, |old| rank(s.outcome) > rank(old)) {
                    *cell = Some(s.outcome);
                }
            }
        }
        let mut line = format!("{label:>lw$}│");
        line.extend(cells.iter().map(|c| match c {
            None => g.empty,
            Some(Outcome::Ok) => g.ok,
            Some(Outcome::Failed { .. }) => g.failed,
            Some(Outcome::Cancelled) => g.cancelled,
        }));
        out.push_str(line.trim_end_matches(' '));
        out.push('\n');
    }

    // Axis line with ticks, then tick labels and the unit.
    let ticks: Vec<usize> = (0..=axis.ticks)
        .map(|i| ((i as f64 * width as f64 / axis.ticks as f64).round() as usize).min(width))
        .collect();
    let mut line: Vec<char> = vec!['─'; width + 1];
    line[0] = '└';
    line[width] = '┘';
    for &t in &ticks[1..ticks.len() - 1] {
        line[t] = '┴';
    }
    out.push_str(&" ".repeat(lw));
    out.extend(line);
    out.push('\n');

    let (unit, scale) = if axis.step_ms >= 1000.0 {
        (g.unit_s, 1000.0)
    } else {
        (g.unit_ms, 1.0)
    };
    let mut labels_row: Vec<char> = vec![' '; width + 1];
    let mut free_from = 0usize; // first column not yet used by a label
    for (i, &t) in ticks.iter().enumerate() {
        let text: Vec<char> = fmt_num(i as f64 * axis.step_ms / scale).chars().collect();
        let len = text.len();
        let start = if i == 0 {
            0
        } else if i == axis.ticks {
            (width + 1).saturating_sub(len)
        } else {
            t.saturating_sub(len / 2)
        };
        // Skip a label that would touch the previous one or run past the end.
        if (i > 0 && start <= free_from) || start + len > width + 1 {
            continue;
        }
        labels_row[start..start + len].copy_from_slice(&text);
        free_from = start + len;
    }
    let labels_row: String = labels_row.into_iter().collect();
    out.push_str(&" ".repeat(lw));
    out.push_str(labels_row.trim_end());
    out.push(' ');
    out.push_str(unit);
    out
}

/// Which outcome shows when several share a cell (grouped rows).
fn rank(o: Outcome) -> u8 {
    match o {
        Outcome::Ok => 0,
        Outcome::Cancelled => 1,
        Outcome::Failed { .. } => 2,
    }
}

fn decimal_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

/// "250", "2.5", "1".
pub(crate) fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-6 {
        format!("{}", v.round() as u64)
    } else {
        format!("{v:.1}")
    }
}

/// A time axis of `ticks` equal steps of `step_ms`, covering the extent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Axis {
    pub(crate) step_ms: f64,
    pub(crate) ticks: usize,
}

impl Axis {
    /// The shortest axis of 3 to 5 round steps (1, 2, 2.5 or 5 × 10^e ms)
    /// that covers `extent_ms`; ties go to 4 steps.
    pub(crate) fn fit(extent_ms: f64) -> Axis {
        let extent = extent_ms.max(1.0);
        let mut best = Axis {
            step_ms: 1.0,
            ticks: 4,
        };
        let mut best_total = f64::INFINITY;
        for e in 0..8 {
            let p = 10f64.powi(e);
            for m in [1.0, 2.0, 2.5, 5.0] {
                let step = m * p;
                for ticks in [4usize, 3, 5] {
                    let total = step * ticks as f64;
                    if total + 1e-9 >= extent && total < best_total - 1e-9 {
                        best = Axis {
                            step_ms: step,
                            ticks,
                        };
                        best_total = total;
                    }
                }
            }
        }
        best
    }

    pub(crate) fn total_ms(&self) -> f64 {
        self.step_ms * self.ticks as f64
    }

    /// Cells `[c0, c1)` a span covers: at least one, within `0..width`.
    fn cells(&self, start: Duration, end: Duration, width: usize) -> (usize, usize) {
        let col = |t: Duration| {
            let x = t.as_secs_f64() * 1000.0 / self.total_ms() * width as f64;
            (x.round().max(0.0) as usize).min(width)
        };
        let c0 = col(start).min(width - 1);
        let c1 = col(end).max(c0 + 1).min(width);
        (c0, c1)
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::RunKind;
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    fn run(kind: RunKind, spans: &[(u64, u64, Outcome)]) -> Run {
        let spans: Vec<Span> = spans
            .iter()
            .enumerate()
            .map(|(index, &(s, e, outcome))| Span {
                index,
                start: ms(s),
                end: ms(e),
                outcome,
            })
            .collect();
        let wall = spans.iter().map(|s| s.end).max().unwrap_or_default();
        Run { kind, wall, spans }
    }

    fn sequential(n: u64, d: u64) -> Run {
        let spans: Vec<_> = (0..n).map(|i| (i * d, (i + 1) * d, Outcome::Ok)).collect();
        run(RunKind::Sequential, &spans)
    }

    fn concurrent(n: u64, d: u64) -> Run {
        let spans: Vec<_> = (0..n).map(|i| (i, d + i, Outcome::Ok)).collect();
        run(RunKind::Concurrent, &spans)
    }

    fn bar_rows(chart: &str) -> Vec<&str> {
        chart.lines().filter(|l| l.contains('│')).collect()
    }

    /// Column range of the bar glyphs in a row (after the border).
    fn bar_extent(row: &str) -> (usize, usize) {
        let cells: Vec<char> = row.split('│').nth(1).unwrap().chars().collect();
        let first = cells.iter().position(|&c| c != ' ').unwrap();
        let last = cells.iter().rposition(|&c| c != ' ').unwrap();
        (first, last + 1)
    }

    #[test]
    fn sequential_is_a_staircase() {
        let chart = render(&sequential(4, 200), &ChartOptions::default());
        println!("{chart}");
        let rows = bar_rows(&chart);
        assert_eq!(rows.len(), 4);
        assert!(rows[0].starts_with("#1│"));
        let extents: Vec<_> = rows.iter().map(|r| bar_extent(r)).collect();
        // 800 ms on an 800 ms axis: 10 columns each, end to end.
        assert_eq!(extents, vec![(0, 10), (10, 20), (20, 30), (30, 40)]);
        assert!(chart.ends_with("800 ms"), "{chart}");
        assert!(chart.contains("└─────────┴─────────┴─────────┴─────────┘"));
    }

    #[test]
    fn concurrent_is_a_stack_on_a_shared_axis() {
        let seq = sequential(5, 200);
        let conc = concurrent(5, 200);
        let axis = shared_axis(&[&seq, &conc]);
        assert_eq!(axis, ms(1000));
        let opts = ChartOptions {
            axis: Some(axis),
            ..ChartOptions::default()
        };
        let chart = render(&conc, &opts);
        println!("{chart}");
        for row in bar_rows(&chart) {
            assert_eq!(bar_extent(row), (0, 8), "{row}");
        }
        assert!(chart.ends_with("1000 ms"), "{chart}");
    }

    #[test]
    fn outcomes_have_their_glyphs() {
        let r = run(
            RunKind::AllOrNothing,
            &[
                (0, 100, Outcome::Failed { status: 500 }),
                (0, 100, Outcome::Cancelled),
                (0, 200, Outcome::Ok),
            ],
        );
        let chart = render(&r, &ChartOptions::default());
        let rows = bar_rows(&chart);
        assert!(rows[0].contains('x') && !rows[0].contains('█'));
        assert!(rows[1].contains('░'));
        assert!(rows[2].contains('█'));
    }

    #[test]
    fn tiny_spans_still_show_one_cell() {
        let r = run(
            RunKind::Concurrent,
            &[(0, 0, Outcome::Ok), (5000, 5000, Outcome::Ok)],
        );
        let chart = render(&r, &ChartOptions::default());
        for row in bar_rows(&chart) {
            let (a, b) = bar_extent(row);
            assert_eq!(b - a, 1, "{chart}");
        }
    }

    #[test]
    fn sizes_stay_within_discord_budget() {
        for n in 1..=10 {
            for d in [10, 200, 999, 1000, 5000] {
                for r in [sequential(n, d), concurrent(n, d)] {
                    let c = render(&r, &ChartOptions::default());
                    assert!(c.chars().count() < 1000, "n={n}: {}", c.chars().count());
                }
            }
        }
        for n in [11, 25, 26, 49, 50, 51, 100, 1000, 5000] {
            for r in [sequential(n, 100), concurrent(n, 100)] {
                for max_rows in [1, 25, 50, 1000] {
                    let opts = ChartOptions {
                        max_rows,
                        width: 1000,
                        ..ChartOptions::default()
                    };
                    let c = render(&r, &opts);
                    assert!(c.chars().count() < MAX_CHART_CHARS, "n={n}: {}", c.len());
                    assert!(bar_rows(&c).len() <= max_rows.max(1));
                }
            }
        }
    }

    #[test]
    fn large_n_is_grouped_and_keeps_every_request() {
        let chart = render(&sequential(50, 100), &ChartOptions::default());
        println!("{chart}");
        let rows = bar_rows(&chart);
        assert_eq!(rows.len(), 25);
        assert!(rows[0].trim_start().starts_with("#1-2│"));
        assert!(rows[24].starts_with("#49-50│"));
        // Still a staircase.
        let extents: Vec<_> = rows.iter().map(|r| bar_extent(r)).collect();
        assert!(extents.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(extents[0].0, 0);
        assert_eq!(extents[24].1, 40);
    }

    #[test]
    fn axis_is_round_and_covers_the_extent() {
        for (extent, total) in [
            (1.0, 3.0),
            (800.0, 800.0),
            (1000.0, 1000.0),
            (1001.0, 1250.0),
            (2100.0, 2500.0),
            (10_050.0, 12_500.0),
            (150_000.0, 150_000.0),
        ] {
            let a = Axis::fit(extent);
            assert!((a.total_ms() - total).abs() < 1e-6, "{extent}: {a:?}");
            assert!(a.total_ms() >= extent);
        }
    }

    #[test]
    fn seconds_scale_and_custom_glyphs() {
        let r = sequential(3, 2000);
        let opts = ChartOptions {
            width: 20,
            glyphs: Glyphs {
                ok: '=',
                unit_s: "sec",
                ..Glyphs::default()
            },
            ..ChartOptions::default()
        };
        let chart = render(&r, &opts);
        println!("{chart}");
        assert!(chart.contains("=="));
        assert!(chart.ends_with("6 sec"), "{chart}");
        let axis_row = chart.lines().find(|l| l.contains('└')).unwrap();
        assert_eq!(axis_row.trim_start().chars().count(), 21);
    }

    #[test]
    fn empty_run_renders_an_axis() {
        let r = Run {
            kind: RunKind::Concurrent,
            wall: Duration::ZERO,
            spans: vec![],
        };
        let chart = render(&r, &ChartOptions::default());
        assert!(chart.contains('└'));
        assert!(bar_rows(&chart).is_empty());
    }
}
