//! The results table: one row per figure, with its goal and whether it was met.

use crate::load::Sample;
use std::time::Duration;

pub enum Goal {
    AtMostMs(f64),
    AtMostKb(usize),
}

pub struct Row {
    group: String,
    what: String,
    value: String,
    goal: String,
    met: Option<bool>,
}

impl Row {
    pub fn timed(group: &str, what: &str, time: Duration, goal: Goal) -> Row {
        let ms = time.as_secs_f64() * 1000.0;
        let (goal, met) = match goal {
            Goal::AtMostMs(g) => (format!("≤ {g} ms"), ms <= g),
            Goal::AtMostKb(g) => (format!("≤ {g} KB"), false),
        };
        Row { group: group.into(), what: what.into(), value: format!("{ms:.2} ms"), goal, met: Some(met) }
    }

    pub fn size(group: &str, what: &str, bytes: usize, goal: Goal) -> Row {
        let kb = bytes as f64 / 1024.0;
        let (goal, met) = match goal {
            Goal::AtMostKb(g) => (format!("≤ {g} KB"), kb <= g as f64),
            Goal::AtMostMs(g) => (format!("≤ {g} ms"), false),
        };
        Row { group: group.into(), what: what.into(), value: format!("{kb:.1} KB"), goal, met: Some(met) }
    }

    pub fn text(group: &str, what: &str, value: String, goal: &str, met: bool) -> Row {
        Row { group: group.into(), what: what.into(), value, goal: goal.into(), met: Some(met) }
    }

    /// A throughput sample and its share of the bare handler's rate (`goal_pct` of it wanted).
    pub fn throughput(group: &str, what: &str, s: &Sample, bare_rps: f64, goal_pct: Option<f64>) -> Row {
        let pct = 100.0 * s.per_second / bare_rps.max(f64::MIN_POSITIVE);
        let value = format!(
            "{:.0} req/s ({pct:.0} %), p50 {:.1} ms, p99 {:.1} ms, {:.1} KB, {} answers",
            s.per_second,
            s.p50_ms,
            s.p99_ms,
            s.bytes_per_answer as f64 / 1024.0,
            s.requests
        );
        match goal_pct {
            Some(g) => Row {
                group: group.into(),
                what: what.into(),
                value,
                goal: format!("≥ {g:.0} % of bare"),
                met: Some(pct >= g),
            },
            None => Row { group: group.into(), what: what.into(), value, goal: "baseline".into(), met: None },
        }
    }
}

impl Row {
    /// A latency sample against a p99 goal.
    pub fn latency(group: &str, what: &str, s: &Sample, p99_goal_ms: f64) -> Row {
        Row {
            group: group.into(),
            what: what.into(),
            value: format!(
                "p50 {:.1} ms, p99 {:.1} ms, {:.0} req/s, {:.1} KB",
                s.p50_ms,
                s.p99_ms,
                s.per_second,
                s.bytes_per_answer as f64 / 1024.0
            ),
            goal: format!("p99 ≤ {p99_goal_ms:.0} ms"),
            met: Some(s.p99_ms <= p99_goal_ms),
        }
    }
}

pub struct Table {
    title: String,
    rows: Vec<Row>,
}

impl Table {
    pub fn new(title: &str) -> Table {
        Table { title: title.into(), rows: Vec::new() }
    }

    pub fn push(&mut self, row: Row) {
        eprintln!("  {} · {}: {}", row.group, row.what, row.value);
        self.rows.push(row);
    }

    /// A Markdown table (readable as plain text too).
    pub fn render(&self, failures: &[String]) -> String {
        let mut out = format!("# {}\n\n| | measured | value | goal | met |\n|---|---|---|---|---|\n", self.title);
        for r in &self.rows {
            let met = match r.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "",
            };
            out.push_str(&format!("| {} | {} | {} | {} | {} |\n", r.group, r.what, r.value, r.goal, met));
        }
        let missed = self.rows.iter().filter(|r| r.met == Some(false)).count();
        out.push_str(&format!("\n{missed} goal(s) missed. Goals are reported, not enforced: timings are not tests.\n"));
        if !failures.is_empty() {
            out.push_str("\nFAILED (correctness, not speed):\n");
            for f in failures {
                out.push_str(&format!("- {f}\n"));
            }
        }
        out
    }
}
