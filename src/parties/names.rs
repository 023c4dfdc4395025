//! Name normalisation: what two spellings of one party have in common. Unicode
//! compatibility forms (full-width letters, ligatures) folded by NFKC; traditional Chinese
//! made simplified (fast2s); case folded; punctuation made a space; legal-form words (Inc.,
//! Corp., Co., Ltd., GmbH, 有限公司 ...) dropped. A run of Chinese characters is one word.

use unicode_normalization::UnicodeNormalization;

/// Legal-form words, after normalisation (dots and commas are already spaces, so "S.A."
/// arrives as "s a": multi-word forms are matched as word sequences).
const LEGAL_FORMS: &[&[&str]] = &[
    &["kabushiki", "kaisha"],
    &["spol", "s", "r", "o"],
    &["sp", "z", "o", "o"],
    &["s", "r", "o"],
    &["s", "a"],
    &["s", "p", "a"],
    &["n", "v"],
    &["b", "v"],
    &["co", "ltd"],
    &["inc"],
    &["incorporated"],
    &["corp"],
    &["corporation"],
    &["co"],
    &["company"],
    &["ltd"],
    &["limited"],
    &["llc"],
    &["l", "l", "c"],
    &["lp"],
    &["llp"],
    &["plc"],
    &["gmbh"],
    &["mbh"],
    &["ag"],
    &["kg"],
    &["se"],
    &["sa"],
    &["sas"],
    &["sarl"],
    &["srl"],
    &["spa"],
    &["sro"],
    &["bv"],
    &["nv"],
    &["kk"],
    &["pte"],
    &["pty"],
    &["oy"],
    &["ab"],
    &["as"],
    &["the"],
];

/// Chinese and Japanese legal forms, longest first, dropped at the end of a name.
const CJK_FORMS: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "株式会社",
    "公司",
];

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// The words of a name, normalised, legal-form words dropped (unless nothing else is left).
pub fn words(name: &str) -> Vec<String> {
    // ASCII needs neither compatibility folding nor script conversion (the common case,
    // and most of the time of indexing a large list).
    let lower = if name.is_ascii() {
        name.to_ascii_lowercase()
    } else {
        fast2s::convert(&name.nfkc().collect::<String>()).to_lowercase()
    };
    let mut raw: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_cjk = false;
    let flush = |current: &mut String, raw: &mut Vec<String>| {
        if !current.is_empty() {
            raw.push(std::mem::take(current));
        }
    };
    for c in lower.chars() {
        if c == '&' {
            flush(&mut current, &mut raw);
            raw.push("and".into());
        } else if c == '\'' || c == '\u{2019}' {
            // "Lockheed's" -> "lockheeds"
        } else if c.is_alphanumeric() {
            let cjk = is_cjk(c);
            if cjk != current_cjk {
                flush(&mut current, &mut raw);
                current_cjk = cjk;
            }
            current.push(c);
        } else {
            flush(&mut current, &mut raw);
        }
    }
    flush(&mut current, &mut raw);
    let kept = drop_legal_forms(&raw);
    if kept.is_empty() { raw } else { kept }
}

fn drop_legal_forms(raw: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    'words: while i < raw.len() {
        for form in LEGAL_FORMS {
            if raw.len() - i >= form.len() && form.iter().zip(&raw[i..]).all(|(f, w)| f == w) {
                i += form.len();
                continue 'words;
            }
        }
        let mut word = raw[i].clone();
        if word.chars().next().is_some_and(is_cjk) {
            for form in CJK_FORMS {
                if word.len() > form.len()
                    && let Some(stem) = word.strip_suffix(form)
                {
                    word = stem.to_string();
                    break;
                }
            }
        }
        out.push(word);
        i += 1;
    }
    out
}

/// A name's normal form: its words joined by single spaces.
pub fn normalise(name: &str) -> String {
    words(name).join(" ")
}

/// Refuse what cannot be a name: empty, only punctuation, or holding control characters.
pub fn validate_name(what: &str, name: &str) -> Result<(), String> {
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "{what} holds a control character (U+{:04X}): type the name as printed",
            c as u32
        ));
    }
    if name.trim().is_empty() {
        return Err(format!("{what} is empty: give the party's name"));
    }
    if !name.chars().any(char::is_alphanumeric) {
        return Err(format!(
            "{what} \"{}\" has no letters or digits",
            crate::text::sanitize(name)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_forms() {
        let cases = [
            ("MP Materials Corp.", "mp materials"),
            ("MP MATERIALS, INC", "mp materials"),
            ("ＭＰ　Ｍａｔｅｒｉａｌｓ", "mp materials"),
            ("EXCALIBUR ARMY spol.s.r.o", "excalibur army"),
            (
                "Antraco Chemie-Handelsgesellschaft mbH",
                "antraco chemie handelsgesellschaft",
            ),
            (
                "Fujitsu Defense & National Security, Ltd.",
                "fujitsu defense and national security",
            ),
            ("芒廷帕斯材料公司", "芒廷帕斯材料"),
            ("美國稀土公司", "美国稀土"),
            ("三菱重工業株式会社", "三菱重工业"),
            ("Co., Ltd.", "co ltd"),
        ];
        for (name, normal) in cases {
            assert_eq!(normalise(name), normal, "{name}");
        }
    }

    #[test]
    fn names_refused() {
        for bad in ["", "   ", "--", "MP\u{1b}[2J", "a\u{7}b"] {
            assert!(validate_name("Counterparty", bad).is_err(), "{bad:?}");
        }
        assert!(validate_name("Counterparty", "MP Materials").is_ok());
    }
}
