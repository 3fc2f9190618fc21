//! Calendar dates as users write them: `2013-09-25`, `2013年9月25日`,
//! `2013.9.25`, `2013/9/25`, `二〇一三年九月二十五日`, or only the month
//! (`2013年9月`, `2013-09`) or the year (`2013年`, `2013`), kept at the
//! precision written.

use crate::text::{hanzi_digit, hanzi_number};
use unicode_normalization::UnicodeNormalization;

/// A calendar day, month or year. `month` is 0 for a year alone, `day` 0
/// for a month alone: nothing is invented. The derived order puts a year
/// before its months and a month before its days; lists sort by
/// [`Date::first_day`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// How much of a date was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    Year,
    Month,
    Day,
}

impl Precision {
    /// `year`, `month` or `day`, as templates see it.
    pub fn name(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::Month => "month",
            Precision::Day => "day",
        }
    }
}

/// Why a text is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not written in any accepted form (`2023年13月`, `2023-1a-05`, `去年`).
    Malformed,
    /// Written well, but the month has no such day (`2023-02-30`).
    NoSuchDay,
}

impl Date {
    /// Parses a date; see [`Date::read`].
    pub fn parse(s: &str) -> Option<Date> {
        Date::read(s).ok()
    }

    /// Reads `2013-09-25`, `2013-9-5`, `2013/09/25`, `2013.09.25`,
    /// `2013年9月25日` (spaces between the parts allowed, `日` or `号`
    /// optional), full-width digits too, Chinese numerals
    /// (`二〇一三年九月二十五日`: the year digit by digit, month and day
    /// with 十, 廿, 卅), optionally followed by a time (`2013-09-25 10:30`)
    /// that is ignored. A month alone (`2013-09`, `2013.9`, `2013年9月`)
    /// or a year alone (`2013`, `2013年`) is kept so.
    pub fn read(s: &str) -> Result<Date, DateError> {
        use DateError::Malformed;
        let s: String = s.nfkc().collect();
        let mut c = Cursor(s.trim());
        let year = c.year().ok_or(Malformed)?;
        c.space();
        let chinese = match c.sep() {
            None if c.0.is_empty() => return Date::year_only(year).ok_or(Malformed),
            None => return Err(Malformed),
            Some(sep) => sep == '年',
        };
        c.space();
        if chinese && c.0.is_empty() {
            return Date::year_only(year).ok_or(Malformed);
        }
        let month = c.number().ok_or(Malformed)?;
        c.space();
        if chinese && !c.eat(&['月']) {
            return Err(Malformed);
        }
        c.space();
        if c.0.is_empty() {
            return Date::month_only(year, month).ok_or(Malformed);
        }
        if !chinese && !c.eat(&['-', '/', '.']) {
            return Err(Malformed);
        }
        c.space();
        let day = c.number().ok_or(Malformed)?;
        c.space();
        c.eat(&['日', '号']);
        let rest = c.0.trim_start_matches(['T', ' ']);
        if !(rest.is_empty() || is_time(rest)) {
            return Err(Malformed);
        }
        if Date::month_only(year, month).is_none() || !(1..=31).contains(&day) {
            return Err(Malformed);
        }
        Date::new(year, month, day).ok_or(DateError::NoSuchDay)
    }

    /// A full date, if the day exists.
    pub fn new(year: u32, month: u32, day: u32) -> Option<Date> {
        Date::month_only(year, month)?;
        if day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }

    /// A month alone (`2013年9月`).
    pub fn month_only(year: u32, month: u32) -> Option<Date> {
        Date::year_only(year)?;
        (1..=12).contains(&month).then_some(Date {
            year: year as u16,
            month: month as u8,
            day: 0,
        })
    }

    /// A year alone (`2013年`).
    pub fn year_only(year: u32) -> Option<Date> {
        (1000..=9999).contains(&year).then_some(Date {
            year: year as u16,
            month: 0,
            day: 0,
        })
    }

    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (0, _) => Precision::Year,
            (_, 0) => Precision::Month,
            _ => Precision::Day,
        }
    }

    /// The first day the date covers: itself for a full date, the 1st of
    /// the month, 1 January of the year. What lists sort by and what
    /// machine fields needing a whole day (Atom's `updated`) get.
    pub fn first_day(&self) -> Date {
        Date {
            year: self.year,
            month: self.month.max(1),
            day: self.day.max(1),
        }
    }

    /// `2013-09-25`, `2013-09`, `2013` (W3C date precisions).
    pub fn iso(&self) -> String {
        match self.precision() {
            Precision::Day => format!("{:04}-{:02}-{:02}", self.year, self.month, self.day),
            Precision::Month => format!("{:04}-{:02}", self.year, self.month),
            Precision::Year => format!("{:04}", self.year),
        }
    }

    /// `2013年9月25日`, `2013年9月`, `2013年`
    pub fn cn(&self) -> String {
        match self.precision() {
            Precision::Day => format!("{}年{}月{}日", self.year, self.month, self.day),
            Precision::Month => format!("{}年{}月", self.year, self.month),
            Precision::Year => format!("{}年", self.year),
        }
    }

    /// Midnight of [`Date::first_day`] in China Standard Time, for Atom feeds.
    pub fn rfc3339(&self) -> String {
        format!("{}T00:00:00+08:00", self.first_day().iso())
    }
}

/// The text still to read.
struct Cursor<'a>(&'a str);

impl Cursor<'_> {
    fn space(&mut self) {
        self.0 = self.0.trim_start();
    }

    fn eat(&mut self, cs: &[char]) -> bool {
        match self.0.strip_prefix(cs) {
            Some(rest) => {
                self.0 = rest;
                true
            }
            None => false,
        }
    }

    /// The separator after the year, if any.
    fn sep(&mut self) -> Option<char> {
        let c = self.0.chars().next().filter(|c| "-/.年".contains(*c))?;
        self.0 = &self.0[c.len_utf8()..];
        Some(c)
    }

    /// Up to four Arabic digits, or four Chinese digits read one by one.
    fn year(&mut self) -> Option<u32> {
        if let Some(n) = self.digits() {
            return Some(n);
        }
        let end = self
            .0
            .char_indices()
            .find(|&(_, c)| hanzi_digit(c).is_none())
            .map_or(self.0.len(), |(i, _)| i);
        let ds: Vec<u32> = self.0[..end].chars().filter_map(hanzi_digit).collect();
        if ds.len() != 4 {
            return None;
        }
        self.0 = &self.0[end..];
        Some(ds.iter().fold(0, |a, d| a * 10 + d))
    }

    /// Arabic digits, or a Chinese number from 一 to 三十九.
    fn number(&mut self) -> Option<u32> {
        if let Some(n) = self.digits() {
            return Some(n);
        }
        let end = self
            .0
            .char_indices()
            .find(|&(_, c)| hanzi_digit(c).is_none() && !"十廿卅".contains(c))
            .map_or(self.0.len(), |(i, _)| i);
        let n = hanzi_number(&self.0[..end])?;
        self.0 = &self.0[end..];
        Some(n)
    }

    fn digits(&mut self) -> Option<u32> {
        let end = self
            .0
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(self.0.len());
        if end == 0 || end > 4 {
            return None;
        }
        let n = self.0[..end].parse().ok()?;
        self.0 = &self.0[end..];
        Some(n)
    }
}

fn is_time(s: &str) -> bool {
    let s = s.trim_end_matches('Z');
    let s = s.split(['+']).next().unwrap_or(s);
    !s.is_empty()
        && s.len() <= 12
        && s.chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: u32, m: u32, d: u32) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn parses_the_forms_users_write() {
        let cases = [
            ("2013-09-25", day(2013, 9, 25)),
            ("2013-9-25", day(2013, 9, 25)),
            ("2013/09/25", day(2013, 9, 25)),
            ("2013/9/25", day(2013, 9, 25)),
            ("2013.9.25", day(2013, 9, 25)),
            ("2023.10.17", day(2023, 10, 17)),
            ("2013年9月25日", day(2013, 9, 25)),
            ("2013年09月25日", day(2013, 9, 25)),
            ("２０１３年９月２５日", day(2013, 9, 25)),
            ("2023年 10月 17日", day(2023, 10, 17)),
            ("2023 年 10 月 17 日", day(2023, 10, 17)),
            ("2013年9月25号", day(2013, 9, 25)),
            ("二〇二三年十月十七日", day(2023, 10, 17)),
            ("二〇一三年九月二十五日", day(2013, 9, 25)),
            ("二零一三年十二月三十一日", day(2013, 12, 31)),
            ("二〇一三年九月廿五日", day(2013, 9, 25)),
            ("二〇一三年九月十日", day(2013, 9, 10)),
            ("二〇二〇年一月卅一日", day(2020, 1, 31)),
            (" 2013-09-25 10:30 ", day(2013, 9, 25)),
            ("2013-09-25T10:30:00Z", day(2013, 9, 25)),
            ("2012-02-29", day(2012, 2, 29)),
        ];
        for (s, d) in cases {
            assert_eq!(Date::read(s), Ok(d), "{s}");
        }
    }

    #[test]
    fn keeps_a_month_or_a_year_alone() {
        let sept = Date::month_only(2013, 9).unwrap();
        let oct = Date::month_only(2023, 10).unwrap();
        let year = Date::year_only(2013).unwrap();
        let cases = [
            ("2013年9月", sept),
            ("2013-09", sept),
            ("2013-9", sept),
            ("2013.9", sept),
            ("2013/9", sept),
            ("2013年 9月", sept),
            ("２０１３年９月", sept),
            ("二〇一三年九月", sept),
            ("2023.10", oct),
            ("二〇二三年十月", oct),
            ("2013年", year),
            ("2013", year),
            ("二〇一三年", year),
        ];
        for (s, d) in cases {
            assert_eq!(Date::read(s), Ok(d), "{s}");
        }
        assert_eq!(
            sept,
            Date {
                year: 2013,
                month: 9,
                day: 0
            }
        );
        assert_eq!(
            year,
            Date {
                year: 2013,
                month: 0,
                day: 0
            }
        );
    }

    #[test]
    fn tells_a_wrongly_written_date_from_a_day_that_does_not_exist() {
        for s in [
            "2023年13月",
            "2023-13-01",
            "2023-1a-05",
            "2023-00-05",
            "2023-01-32",
            "2023-01-00",
            "去年",
            "9月25日",
            "2013年9",
            "2013-09-",
            "2013-09-25 下午",
            "",
            "20130925",
            "999-01-01",
            "二〇二三年十三月",
            "二三年十月",
        ] {
            assert_eq!(Date::read(s), Err(DateError::Malformed), "{s}");
        }
        for s in [
            "2023-02-30",
            "2013-02-29",
            "2023-04-31",
            "2023年2月30日",
            "二〇二三年二月三十日",
        ] {
            assert_eq!(Date::read(s), Err(DateError::NoSuchDay), "{s}");
        }
    }

    #[test]
    fn formats_at_the_precision_written() {
        let d = day(2013, 9, 5);
        assert_eq!(d.iso(), "2013-09-05");
        assert_eq!(d.cn(), "2013年9月5日");
        assert_eq!(d.rfc3339(), "2013-09-05T00:00:00+08:00");
        assert_eq!(d.precision(), Precision::Day);
        assert_eq!(d.first_day(), d);
        let m = Date::month_only(2013, 9).unwrap();
        assert_eq!(m.iso(), "2013-09");
        assert_eq!(m.cn(), "2013年9月");
        assert_eq!(m.rfc3339(), "2013-09-01T00:00:00+08:00");
        assert_eq!(m.precision().name(), "month");
        assert_eq!(m.first_day(), day(2013, 9, 1));
        let y = Date::year_only(2013).unwrap();
        assert_eq!(y.iso(), "2013");
        assert_eq!(y.cn(), "2013年");
        assert_eq!(y.rfc3339(), "2013-01-01T00:00:00+08:00");
        assert_eq!(y.precision().name(), "year");
        assert_eq!(y.first_day(), day(2013, 1, 1));
    }
}
