//! Calendar dates as users write them: `2013-09-25` or `2013年9月25日`.

use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `2013-09-25`, `2013-9-5`, `2013/09/25`, `2013.09.25` and
    /// `2013年9月25日`, with full-width digits too, optionally followed by a
    /// time (`2013-09-25 10:30`) that is ignored.
    pub fn parse(s: &str) -> Option<Date> {
        let s: String = s.nfkc().collect();
        let s = s.trim();
        let (y, rest) = split_num(s)?;
        let rest = rest.strip_prefix(['-', '/', '.', '年'])?;
        let (m, rest) = split_num(rest)?;
        let rest = rest.strip_prefix(['-', '/', '.', '月'])?;
        let (d, rest) = split_num(rest)?;
        let rest = rest.strip_prefix('日').unwrap_or(rest);
        let rest = rest.trim_start_matches(['T', ' ']);
        if !(rest.is_empty() || is_time(rest)) {
            return None;
        }
        Date::new(y, m, d)
    }

    pub fn new(year: u32, month: u32, day: u32) -> Option<Date> {
        if !(1000..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
        {
            return None;
        }
        Some(Date {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }

    /// `2013-09-25`
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `2013年9月25日`
    pub fn cn(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }

    /// Midnight in China Standard Time, for Atom feeds.
    pub fn rfc3339(&self) -> String {
        format!("{}T00:00:00+08:00", self.iso())
    }
}

fn split_num(s: &str) -> Option<(u32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 || end > 4 {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
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

    #[test]
    fn parses_the_forms_users_write() {
        let d = Date::new(2013, 9, 25).unwrap();
        for s in [
            "2013-09-25",
            "2013-9-25",
            "2013/09/25",
            "2013.9.25",
            "2013年9月25日",
            "2013年09月25日",
            "２０１３年９月２５日",
            " 2013-09-25 10:30 ",
            "2013-09-25T10:30:00Z",
        ] {
            assert_eq!(Date::parse(s), Some(d), "{s}");
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        for s in [
            "2013-02-29",
            "2013-13-01",
            "2013年9月",
            "9月25日",
            "2013-09-25 下午",
            "",
            "20130925",
        ] {
            assert_eq!(Date::parse(s), None, "{s}");
        }
        assert!(Date::parse("2012-02-29").is_some());
    }

    #[test]
    fn formats() {
        let d = Date::new(2013, 9, 5).unwrap();
        assert_eq!(d.iso(), "2013-09-05");
        assert_eq!(d.cn(), "2013年9月5日");
        assert_eq!(d.rfc3339(), "2013-09-05T00:00:00+08:00");
    }
}
