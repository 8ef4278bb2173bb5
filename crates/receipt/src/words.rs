//! 大写 amounts in the fiscal format (《会计基础工作规范》 第五十二条):
//! 壹贰叁…, 拾佰仟 within a group of four digits, 万/亿 between groups, one 零 for
//! each run of zeros between significant digits, 整 after 元 or 角, never after 分.

use crate::money::Fen;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const PLACES: [&str; 4] = ["", "拾", "佰", "仟"];
const GROUPS: [&str; 5] = ["", "万", "亿", "万亿", "亿亿"];

/// The 大写 form of an amount: `Fen(12345)` is 壹佰贰拾叁元肆角伍分.
pub fn amount_in_words(amount: Fen) -> String {
    let mut out = String::new();
    if amount.0 < 0 {
        out.push('负');
    }
    let abs = amount.0.unsigned_abs();
    let yuan = abs / 100;
    let jiao = (abs / 10 % 10) as usize;
    let fen = (abs % 10) as usize;

    if yuan == 0 && jiao == 0 && fen == 0 {
        return "零元整".to_string();
    }
    if yuan > 0 {
        push_integer(&mut out, yuan);
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push(DIGITS[j]);
            out.push_str("角整");
        }
        (0, f) => {
            // A zero 角 between 元 and 分 is spoken: 壹佰元零伍分.
            if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            out.push(DIGITS[j]);
            out.push('角');
            out.push(DIGITS[f]);
            out.push('分');
        }
    }
    out
}

/// Writes a positive integer of yuan, group by group of four digits.
fn push_integer(out: &mut String, value: u64) {
    let mut groups = Vec::new();
    let mut rest = value;
    while rest > 0 {
        groups.push((rest % 10_000) as usize);
        rest /= 10_000;
    }
    let mut pending_zero = false;
    let mut written = false;
    for (index, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            pending_zero = written;
            continue;
        }
        // A zero is owed before this group if a group was skipped, or if this group
        // has fewer than four significant digits and something stands before it.
        if written && (pending_zero || group < 1000) {
            out.push('零');
        }
        push_group(out, group);
        out.push_str(GROUPS[index]);
        written = true;
        pending_zero = false;
    }
}

/// Writes 1..=9999 with 拾佰仟 and inner zeros: 1005 is 壹仟零伍.
fn push_group(out: &mut String, group: usize) {
    let digits = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
    let mut zero_run = false;
    let mut started = false;
    for (position, &digit) in digits.iter().enumerate() {
        if digit == 0 {
            zero_run = started;
            continue;
        }
        if zero_run {
            out.push('零');
            zero_run = false;
        }
        out.push(DIGITS[digit]);
        out.push_str(PLACES[3 - position]);
        started = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(fen: i64) -> String {
        amount_in_words(Fen(fen))
    }

    #[test]
    fn the_issue_examples() {
        assert_eq!(words(12345), "壹佰贰拾叁元肆角伍分");
        assert_eq!(words(10005), "壹佰元零伍分");
    }

    #[test]
    fn whole_amounts_end_in_zheng() {
        assert_eq!(words(100), "壹元整");
        assert_eq!(words(1000), "壹拾元整");
        assert_eq!(words(10000), "壹佰元整");
        assert_eq!(words(0), "零元整");
    }

    #[test]
    fn jiao_endings_take_zheng_and_fen_endings_do_not() {
        assert_eq!(words(150), "壹元伍角整");
        assert_eq!(words(155), "壹元伍角伍分");
        assert_eq!(words(45), "肆角伍分");
        assert_eq!(words(5), "伍分");
        assert_eq!(words(50), "伍角整");
        assert_eq!(words(1), "壹分");
    }

    #[test]
    fn zeros_inside_a_group() {
        assert_eq!(words(100_500), "壹仟零伍元整");
        assert_eq!(words(101_000), "壹仟零壹拾元整");
        assert_eq!(words(100_100), "壹仟零壹元整");
        assert_eq!(words(110_000), "壹仟壹佰元整");
        assert_eq!(words(1_000_600), "壹万零陆元整");
    }

    #[test]
    fn zeros_across_groups() {
        assert_eq!(words(1_000_000), "壹万元整");
        assert_eq!(words(1_005_000), "壹万零伍拾元整");
        assert_eq!(words(10_000_000), "壹拾万元整");
        assert_eq!(words(10_100_000), "壹拾万壹仟元整");
        assert_eq!(words(100_001_000), "壹佰万零壹拾元整");
        assert_eq!(words(1_234_567_800), "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元整");
    }

    #[test]
    fn up_to_yi_and_beyond() {
        assert_eq!(words(10_000_000_000), "壹亿元整");
        assert_eq!(words(10_000_010_000), "壹亿零壹佰元整");
        assert_eq!(words(10_001_000_000), "壹亿零壹万元整");
        assert_eq!(
            words(12_345_678_912),
            "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"
        );
        assert_eq!(words(100_000_000_000), "壹拾亿元整");
        assert_eq!(
            words(999_999_999_999),
            "玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"
        );
        assert_eq!(words(100_000_000_000_000), "壹万亿元整");
        assert_eq!(words(1_000_000_000_000_000), "壹拾万亿元整");
    }

    #[test]
    fn negative_amounts_of_red_receipts() {
        assert_eq!(words(-12345), "负壹佰贰拾叁元肆角伍分");
    }

    #[test]
    fn extreme_values_do_not_panic() {
        assert!(words(i64::MAX).ends_with("柒分"));
        assert!(words(i64::MIN).starts_with('负'));
    }
}
