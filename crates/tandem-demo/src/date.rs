//! Civil calendar dates as day numbers, so generated dates are exact and need no time zone.

use std::fmt;

/// A calendar day, counted in days since 1970-01-01 (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Day(pub(crate) i64);

impl Day {
    /// The day for a year, month (1–12) and day of month (1–31).
    pub(crate) fn ymd(year: i64, month: i64, day: i64) -> Self {
        // Counting years from March puts the leap day last, so month lengths follow one formula.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let shifted_month = (month + 9) % 12;
        let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        Self(era * 146_097 + day_of_era - 719_468)
    }

    /// Year, month and day of month.
    pub(crate) fn parts(self) -> (i64, i64, i64) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }

    pub(crate) fn plus(self, days: i64) -> Self {
        Self(self.0 + days)
    }

    pub(crate) fn year(self) -> i64 {
        self.parts().0
    }

    /// The first day of the month this day falls in.
    pub(crate) fn month_start(self) -> Self {
        let (y, m, _) = self.parts();
        Self::ymd(y, m, 1)
    }

    /// The last day of the month this day falls in.
    pub(crate) fn month_end(self) -> Self {
        let (y, m, _) = self.parts();
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        Self::ymd(ny, nm, 1).plus(-1)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.parts();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// A moment to the second, rendered as SQLite's `YYYY-MM-DD HH:MM:SS` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Stamp {
    pub(crate) day: Day,
    pub(crate) second_of_day: i64,
}

impl Stamp {
    pub(crate) fn at(day: Day, hour: i64, minute: i64) -> Self {
        Self { day, second_of_day: hour * 3600 + minute * 60 }
    }

    /// This moment plus a number of minutes, carrying into later days.
    pub(crate) fn plus_minutes(self, minutes: i64) -> Self {
        let total = self.second_of_day + minutes * 60;
        Self { day: self.day.plus(total.div_euclid(86_400)), second_of_day: total.rem_euclid(86_400) }
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.second_of_day;
        write!(f, "{} {:02}:{:02}:{:02}", self.day, s / 3600, s % 3600 / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_days() {
        for (y, m, d, n) in [(1970, 1, 1, 0), (2000, 2, 29, 11_016), (2024, 12, 31, 20_088), (2023, 3, 1, 19_417)] {
            assert_eq!(Day::ymd(y, m, d), Day(n), "{y}-{m}-{d}");
            assert_eq!(Day(n).parts(), (y, m, d));
        }
    }

    #[test]
    fn month_bounds_and_rendering() {
        let day = Day::ymd(2024, 2, 10);
        assert_eq!(day.month_start().to_string(), "2024-02-01");
        assert_eq!(day.month_end().to_string(), "2024-02-29");
        assert_eq!(Day::ymd(2023, 12, 5).month_end().to_string(), "2023-12-31");
        assert_eq!(Stamp::at(day, 23, 30).plus_minutes(45).to_string(), "2024-02-11 00:15:00");
    }
}
