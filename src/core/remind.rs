//! `/remind`: a daily direct message when reviews are due, at the learner's
//! local time; and the learner's time zone, which streaks count days in.
//!
//! The time and zone are checked when the request is parsed ([`parse_time`],
//! [`parse_timezone`]): a time like `25:61` or a zone that doesn't exist is
//! refused there, and nothing is written. The first reminder is due at the
//! next occurrence of that local time ([`next_at`]), computed with the
//! core's clock; the scheduler (`crate::schedule`) moves it on day by day.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::error::{self, CoreError, Refusal};
use super::request::Learner;
use super::Core;

/// A reminder switched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemindSet {
    /// HH:MM.
    pub at: String,
    pub timezone: String,
}

/// `/remind on at:<HH:MM> [timezone:<name>]`: without a zone, the one the
/// learner set before, or UTC.
pub async fn set(
    core: &Core,
    who: Learner,
    at: NaiveTime,
    timezone: Option<Tz>,
) -> Result<RemindSet, CoreError> {
    let timezone = match timezone {
        Some(tz) => tz,
        None => super::progress::timezone(core, who).await?,
    };
    let next = next_at(core.clock.now(), at, timezone);
    let minute = minute_of_day(at);
    core.store
        .set_reminder(who.id, timezone.name(), minute, next)
        .await
        .map_err(error::save)?;
    Ok(RemindSet {
        at: at.format("%H:%M").to_string(),
        timezone: timezone.name().to_string(),
    })
}

/// `/remind off`.
pub async fn off(core: &Core, who: Learner) -> Result<(), CoreError> {
    core.store.reminder_off(who.id).await.map_err(error::save)?;
    Ok(())
}

/// Whether the learner is to be told that a reminder found their DMs
/// closed (and reminders were switched off); true once.
pub async fn take_notice(core: &Core, who: Learner) -> Result<bool, CoreError> {
    // Part of reading what the learner asked for: a failure is "couldn't read".
    core.store
        .take_dms_closed_notice(who.id)
        .await
        .map_err(error::load)
}

/// Minutes after midnight.
pub fn minute_of_day(at: NaiveTime) -> i16 {
    use chrono::Timelike;
    (at.hour() * 60 + at.minute()) as i16
}

/// The first moment after `now` that is `at` on the clock in `timezone`.
/// A local time that a daylight-saving change skips that day is taken an
/// hour later; one that happens twice, the first time.
pub fn next_at(now: DateTime<Utc>, at: NaiveTime, timezone: Tz) -> DateTime<Utc> {
    let today = now.with_timezone(&timezone).date_naive();
    for days in 0..3 {
        let day = today + Duration::days(days);
        let local = day.and_time(at);
        let moment = timezone.from_local_datetime(&local).earliest().or_else(|| {
            timezone
                .from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        });
        if let Some(m) = moment.map(|m| m.with_timezone(&Utc)) {
            if m > now {
                return m;
            }
        }
    }
    // Unreachable for real zones: one of three days has the time.
    now + Duration::days(1)
}

/// `HH:MM` (or `H:MM`) in 24-hour form; anything else is refused as typed.
pub fn parse_time(raw: &str) -> Result<NaiveTime, Refusal> {
    let bad = || Refusal::BadTime(raw.to_string());
    let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (h, m) = (
        digits(h, 1..=2).ok_or_else(bad)?,
        digits(m, 2..=2).ok_or_else(bad)?,
    );
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(bad)
}

/// An IANA time zone name, as chrono-tz knows them (`UTC` included).
pub fn parse_timezone(raw: &str) -> Result<Tz, Refusal> {
    raw.trim()
        .parse::<Tz>()
        .map_err(|_| Refusal::BadTimezone(raw.to_string()))
}

/// Up to 25 zone names containing what the learner typed (case aside),
/// those starting with it first: `/remind`'s autocomplete.
pub fn suggest_timezones(typed: &str) -> Vec<&'static str> {
    let typed = typed.trim().to_ascii_lowercase();
    let mut starts = Vec::new();
    let mut contains = Vec::new();
    for tz in chrono_tz::TZ_VARIANTS.iter() {
        let name = tz.name();
        let lower = name.to_ascii_lowercase();
        if lower.starts_with(&typed) {
            starts.push(name);
        } else if lower.contains(&typed) {
            contains.push(name);
        }
    }
    starts.extend(contains);
    starts.truncate(crate::core::limits::SELECT_OPTIONS_MAX);
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_24_hour_form_parse_and_others_are_refused_as_typed() {
        assert_eq!(
            parse_time("07:30"),
            Ok(NaiveTime::from_hms_opt(7, 30, 0).unwrap())
        );
        assert_eq!(
            parse_time("7:05"),
            Ok(NaiveTime::from_hms_opt(7, 5, 0).unwrap())
        );
        assert_eq!(
            parse_time("23:59"),
            Ok(NaiveTime::from_hms_opt(23, 59, 0).unwrap())
        );
        for bad in [
            "25:61", "24:00", "12:60", "7", "07:3", "+7:30", "07:30:00", "", "ab:cd",
        ] {
            assert_eq!(parse_time(bad), Err(Refusal::BadTime(bad.into())), "{bad}");
        }
    }

    #[test]
    fn only_real_time_zones_parse() {
        assert_eq!(
            parse_timezone("Europe/Berlin"),
            Ok(chrono_tz::Europe::Berlin)
        );
        assert_eq!(parse_timezone("UTC"), Ok(chrono_tz::UTC));
        assert_eq!(
            parse_timezone("Mars/Olympus_Mons"),
            Err(Refusal::BadTimezone("Mars/Olympus_Mons".into()))
        );
    }

    #[test]
    fn the_next_reminder_is_the_next_time_that_local_time_comes_round() {
        let at = NaiveTime::from_hms_opt(7, 30, 0).unwrap();
        // 2026-06-01 06:00 UTC is 08:00 in Berlin (summer time): tomorrow's 07:30.
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 6, 0, 0).unwrap();
        assert_eq!(
            next_at(now, at, chrono_tz::Europe::Berlin),
            Utc.with_ymd_and_hms(2026, 6, 2, 5, 30, 0).unwrap()
        );
        // In UTC it is still to come today.
        assert_eq!(
            next_at(now, at, chrono_tz::UTC),
            Utc.with_ymd_and_hms(2026, 6, 1, 7, 30, 0).unwrap()
        );
        // 02:30 does not exist in Berlin on 2026-03-29: an hour later.
        let skipped = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        let before = Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap();
        assert_eq!(
            next_at(before, skipped, chrono_tz::Europe::Berlin),
            Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap()
        );
    }

    #[test]
    fn time_zone_suggestions_put_names_starting_with_the_typed_text_first() {
        let s = suggest_timezones("berl");
        assert!(s.contains(&"Europe/Berlin"), "{s:?}");
        let s = suggest_timezones("europe/");
        assert_eq!(s.len(), 25);
        assert!(s.iter().all(|n| n.starts_with("Europe/")));
    }
}
