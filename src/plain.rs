//! Plain (accessible) line mode: the same screening as the form, asked as numbered line
//! prompts on stdout and answered on stdin. No alternate screen, no cursor movement, no
//! colour, so it works with screen readers, dumb consoles and redirected input. Like the
//! form it asks only the questions that apply and can still change the determination.

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;

use jiff::civil::Date;

use crate::context::Context;
use crate::engine::{Answers, applies, question_matters};
use crate::exit::fail;
use crate::history::OFFICER_REQUIRED;
use crate::parties::{FindingKind, PartyFinding, Review};
use crate::present::{AnswerState, present};
use crate::report::{self, Detail};
use crate::rules::{AnswerOption, Question, QuestionKind, RuleSet};
use crate::screening::{Details, Field, Screening, parse_date, validate_field};
use crate::text::{sanitize, wrap};

/// Width the prompts wrap at: fits an 80-column console.
const WIDTH: usize = 78;

/// Most matches listed when a country search is ambiguous.
const MAX_MATCHES: usize = 20;

/// Whether to run plain mode instead of the full-screen form: `--plain`, `TERM=dumb`,
/// `ACCESSIBLE` set (as charmbracelet's huh reads it), or stdin/stdout not a terminal.
pub fn should_use(flag: bool) -> bool {
    wanted(
        flag,
        std::env::var("TERM").ok().as_deref(),
        std::env::var("ACCESSIBLE").ok().as_deref(),
        io::stdin().is_terminal() && io::stdout().is_terminal(),
    )
}

/// The decision of [`should_use`], from plain values so it can be tested.
fn wanted(flag: bool, term: Option<&str>, accessible: Option<&str>, terminal: bool) -> bool {
    flag || term == Some("dumb")
        || accessible.is_some_and(|a| !a.is_empty() && a != "0")
        || !terminal
}

/// Run one screening in plain mode on stdin/stdout, print the report and save the record.
/// Exit status 1 (nothing saved) when input ends early or the record cannot be saved.
pub fn run(ctx: &Context) -> ExitCode {
    // The team's policy asks for the officer here rather than refusing the save at the end.
    let officer_required = ctx.history().is_ok_and(|h| h.check_officer("").is_err());
    let mut prompter =
        Prompter::new(io::stdin().lock(), io::stdout().lock()).requiring_officer(officer_required);
    let start = Start {
        details: ctx.new_details(),
        answers: ctx.settings.preselected(&ctx.rules),
        date: ctx.today,
    };
    let screening = match prompter
        .screening(&ctx.rules, start)
        .and_then(|screening| named_parties(ctx, &mut prompter, screening))
    {
        Ok(screening) => screening,
        Err(Stop::Lists(message)) => return fail(format!("{message}; nothing was saved"), 1),
        Err(Stop::EndOfInput) => {
            return fail(
                "input ended before the screening was complete; nothing was saved",
                1,
            );
        }
        Err(Stop::Io(e)) => {
            return fail(
                format!("cannot read the answers or write the prompts: {e}; nothing was saved"),
                1,
            );
        }
    };
    let saved = ctx.save(std::slice::from_ref(&screening));
    ctx.report_signature();
    if saved.is_ok() {
        ctx.remember_officer(&screening.details);
    }
    let mut out = prompter.out;
    let presentation = present(&ctx.rules, &screening.determination);
    let printed = writeln!(out)
        .and_then(|()| write!(out, "{}", report::text(&presentation, Detail::Concise)))
        .and_then(|()| match &saved {
            Ok(ids) => writeln!(out, "\nSaved as {}", ids.join(", ")),
            Err(_) => writeln!(
                out,
                "\nNOT SAVED: this screening is not in the history (see the error)."
            ),
        })
        // The outcome again at the very end, where a screen reader's user is.
        .and_then(|()| writeln!(out, "RESULT: {}", presentation.summary()))
        .and_then(|()| out.flush());
    match (saved, printed) {
        (Err(e), _) => fail(format!("the screening was not saved: {e}"), 1),
        (Ok(_), Err(e)) => fail(
            format!("the screening was saved, but printing the report failed: {e}"),
            1,
        ),
        (Ok(_), Ok(())) => ExitCode::SUCCESS,
    }
}

/// The counterparty and end user screened against the party lists; each name match is put
/// to the officer (confirm, dismiss with a reason, or leave open) before the result, and the
/// result carries the reviews.
fn named_parties<R: BufRead, W: Write>(
    ctx: &Context,
    prompter: &mut Prompter<R, W>,
    screening: Screening,
) -> Result<Screening, Stop> {
    let details = &screening.details;
    if details.counterparty.trim().is_empty() && details.end_user.trim().is_empty() {
        return Ok(screening);
    }
    let screener = ctx.screener().map_err(Stop::Lists)?;
    let date = screening.determination.date;
    let mut findings = screener.findings(details, date, &[]).map_err(Stop::Lists)?;
    prompter.review_matches(&mut findings, date)?;
    Ok(screening.with_findings(&ctx.rules, &screener.lists, findings))
}

/// What a new screening starts from.
pub struct Start {
    pub details: Details,
    /// Preselected answers (the settings' destination), offered as the value to keep.
    pub answers: Answers,
    pub date: Date,
}

/// Why the prompts stopped before a screening was complete.
#[derive(Debug)]
pub enum Stop {
    /// Input ended (Ctrl-D, a closed pipe, a dropped connection).
    EndOfInput,
    Io(io::Error),
    /// The names could not be screened (the party lists did not load).
    Lists(String),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Stop {
        Stop::Io(e)
    }
}

/// What an answer to a numbered question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    /// The option at this index (0-based).
    Pick(usize),
    /// Full help for one option (0-based), or for all of them.
    Help(Option<usize>),
}

/// Read an answer to a question with `count` options; `current` is kept by `-` or an empty
/// line. The error says what was wrong and what to type instead.
fn parse_choice(input: &str, count: usize, current: Option<usize>) -> Result<Choice, String> {
    let input = input.trim();
    let range = format!("enter a number between 1 and {count}");
    if let Some(rest) = input.strip_prefix('?') {
        let rest = rest.trim();
        if rest.is_empty() {
            return Ok(Choice::Help(None));
        }
        return match rest.parse::<usize>() {
            Ok(n) if (1..=count).contains(&n) => Ok(Choice::Help(Some(n - 1))),
            _ => Err(format!(
                "there is no option \"{}\" to explain: type ? and a number between 1 and {count}",
                sanitize(rest)
            )),
        };
    }
    if input.is_empty() || input == "-" {
        return current
            .map(Choice::Pick)
            .ok_or_else(|| format!("no answer yet: {range}"));
    }
    match input.parse::<usize>() {
        Ok(n) if (1..=count).contains(&n) => Ok(Choice::Pick(n - 1)),
        Ok(n) => Err(format!("{n} is not one of the options: {range}")),
        Err(_) => Err(format!("\"{}\" is not a number: {range}", sanitize(input))),
    }
}

/// Options of a question whose id (or another name: a code) is `text`, or whose names
/// hold each of its words, best first; only those `keep` accepts (countries, or a
/// question's items).
pub fn option_matches<'q>(
    question: &'q Question,
    text: &str,
    keep: impl Fn(&AnswerOption) -> bool,
) -> Vec<&'q AnswerOption> {
    let text = text.trim();
    // An item's code typed in full names it; a country's other names are only names.
    let exact = |o: &&AnswerOption| {
        o.id.eq_ignore_ascii_case(text)
            || (o.class.is_some() && o.also.iter().any(|a| a.eq_ignore_ascii_case(text)))
    };
    if let Some(exact) = question.options.iter().filter(|o| keep(o)).find(exact) {
        return vec![exact];
    }
    // Ranked as the form's pickers rank them ("united st": the United States first).
    crate::rules::rank_options(question, text)
        .into_iter()
        .map(|i| &question.options[i])
        .filter(|o| keep(o))
        .collect()
}

/// Options of a country question whose code is `text` or whose name contains it.
pub fn country_matches<'q>(question: &'q Question, text: &str) -> Vec<&'q AnswerOption> {
    option_matches(question, text, |_| true)
}

/// Asks the questions on `out` and reads the answers from `input`, one line each.
pub struct Prompter<R, W> {
    input: R,
    out: W,
    /// The team's policy refuses a screening without an officer.
    officer_required: bool,
}

impl<R: BufRead, W: Write> Prompter<R, W> {
    pub fn new(input: R, out: W) -> Prompter<R, W> {
        Prompter {
            input,
            out,
            officer_required: false,
        }
    }

    /// Ask for the officer until one is given.
    pub fn requiring_officer(mut self, required: bool) -> Prompter<R, W> {
        self.officer_required = required;
        self
    }

    /// Ask the date, every question that applies and matters, the record fields, show a
    /// review, and return the screening once the officer confirms it. Declining the review
    /// goes round again with the answers kept.
    pub fn screening(&mut self, rules: &RuleSet, start: Start) -> Result<Screening, Stop> {
        let Start {
            mut details,
            answers: preselected,
            mut date,
        } = start;
        let mut kept = preselected;
        loop {
            // The date first: which questions can change the result depends on it.
            date = self.date(date)?;
            let mut answers = Answers::new();
            let mut number = 0;
            for question in &rules.questions {
                if applies(rules, &answers, date, &question.id) == Some(false) {
                    continue;
                }
                number += 1;
                if !question_matters(rules, &answers, date, &question.id) {
                    writeln!(
                        self.out,
                        "\nQuestion {number}: {}: not needed, no answer changes the determination given the answers so far.",
                        question.title
                    )?;
                    continue;
                }
                let current = kept.get(&question.id).map(str::to_string);
                let value = self.ask(number, question, current.as_deref())?;
                answers.set(&question.id, &value);
            }
            for field in Field::ALL.into_iter().filter(|f| *f != Field::Date) {
                let current = field.get(&details).unwrap_or_default().to_string();
                let value = self.text(field, &current)?;
                field.set(&mut details, value);
            }
            let screening = Screening::run(rules, &answers, date, details.clone());
            self.review(rules, &screening)?;
            if self.yes_no(
                "Screen now? [y/n] (n goes back through the questions, keeping these answers)",
            )? {
                return Ok(screening);
            }
            kept = answers;
            writeln!(
                self.out,
                "\nGoing back. Press Enter or type - at any prompt to keep the answer shown."
            )?;
        }
    }

    /// One line of input without its line ending; invalid UTF-8 is replaced, not fatal.
    fn line(&mut self) -> Result<String, Stop> {
        self.out.flush()?;
        let mut bytes = Vec::new();
        if self.input.read_until(b'\n', &mut bytes)? == 0 {
            return Err(Stop::EndOfInput);
        }
        let text = String::from_utf8_lossy(&bytes);
        Ok(text.trim_end_matches(['\n', '\r']).to_string())
    }

    fn wrapped(&mut self, indent: &str, text: &str) -> io::Result<()> {
        self.hanging(indent, indent.len(), text)
    }

    /// Wrap `text` after `first` on the first line, with later lines indented by `indent`
    /// spaces, so a numbered option's continuation lines sit under its text.
    fn hanging(&mut self, first: &str, indent: usize, text: &str) -> io::Result<()> {
        for (i, line) in wrap(text, WIDTH - indent).iter().enumerate() {
            if i == 0 {
                writeln!(self.out, "{first}{line}")?;
            } else {
                writeln!(self.out, "{:indent$}{line}", "")?;
            }
        }
        Ok(())
    }

    fn option_help(&mut self, number: usize, option: &AnswerOption) -> io::Result<()> {
        writeln!(self.out, "Help for {number}. {}", option.label)?;
        self.wrapped("   ", &option.help)?;
        if let Some(example) = &option.example {
            self.wrapped("   ", &format!("Example: {example}"))?;
        }
        if let Some(relates) = &option.relates_to {
            self.wrapped("   ", &format!("Relates to: {relates}"))?;
        }
        Ok(())
    }

    /// Ask one question until it is answered; returns the option id.
    fn ask(
        &mut self,
        number: usize,
        question: &Question,
        current: Option<&str>,
    ) -> Result<String, Stop> {
        writeln!(self.out, "\nQuestion {number}: {}", question.title)?;
        self.wrapped("", &question.help)?;
        match question.kind {
            QuestionKind::Choice => self.choose(question, current),
            QuestionKind::Country => self.country(question, current),
        }
    }

    /// A numbered list; returns the chosen option's id. A question with catalogue items
    /// numbers its own options and takes an item by its name or code.
    fn choose(&mut self, question: &Question, current: Option<&str>) -> Result<String, Stop> {
        let options: Vec<&AnswerOption> = question
            .options
            .iter()
            .filter(|o| o.class.is_none())
            .collect();
        let count = options.len();
        for (i, option) in options.iter().enumerate() {
            let number = format!("{:>4}. ", i + 1);
            self.hanging(
                &number,
                number.len(),
                &format!("{}: {}", option.label, option.help),
            )?;
        }
        let item = current
            .and_then(|id| question.option(id))
            .filter(|o| o.class.is_some());
        let current = current.and_then(|id| options.iter().position(|o| o.id == id));
        let keep = match (current, item) {
            (Some(c), _) => format!("; - or Enter keeps {}, {}", c + 1, options[c].label),
            (None, Some(item)) => format!("; - or Enter keeps {}", item.label),
            (None, None) => String::new(),
        };
        let items = if question.has_items() {
            ", or an item's name or code such as dy oxide or 1C902.a"
        } else {
            ""
        };
        loop {
            writeln!(
                self.out,
                "Enter a number between 1 and {count}{items} (? N for full help{keep}):"
            )?;
            let input = self.line()?;
            if let Some(item) = item
                && matches!(input.trim(), "" | "-")
            {
                return Ok(item.id.clone());
            }
            match parse_choice(&input, count, current) {
                Ok(Choice::Pick(index)) => return Ok(options[index].id.clone()),
                Ok(Choice::Help(Some(index))) => {
                    self.option_help(index + 1, options[index])?;
                }
                Ok(Choice::Help(None)) => {
                    for (i, option) in options.iter().enumerate() {
                        self.option_help(i + 1, option)?;
                    }
                }
                Err(_) if question.has_items() && input.trim().parse::<usize>().is_err() => {
                    if let Some(id) = self.item(question, input.trim())? {
                        return Ok(id);
                    }
                }
                Err(message) => writeln!(self.out, "Not accepted: {message}.")?,
            }
        }
    }

    /// An item found by its name or code: the one that matches, or None after listing the
    /// candidates (or saying none matches).
    fn item(&mut self, question: &Question, input: &str) -> Result<Option<String>, Stop> {
        let matches = option_matches(question, input, |o| o.class.is_some());
        match matches.as_slice() {
            [] => writeln!(
                self.out,
                "Not accepted: no item matches \"{}\": try a number, another name or a control code.",
                sanitize(input)
            )?,
            [one] => {
                writeln!(
                    self.out,
                    "Chosen: {} ({}), screened as {}",
                    one.label,
                    one.id,
                    question.label_of(question.screened_as(&one.id))
                )?;
                return Ok(Some(one.id.clone()));
            }
            many => {
                writeln!(
                    self.out,
                    "{} items match \"{}\"; type more of the name, or an id:",
                    many.len(),
                    sanitize(input)
                )?;
                for o in many.iter().take(MAX_MATCHES) {
                    writeln!(self.out, "      {} ({})", o.label, o.id)?;
                }
                if many.len() > MAX_MATCHES {
                    writeln!(self.out, "      ... and {} more", many.len() - MAX_MATCHES)?;
                }
            }
        }
        Ok(None)
    }

    /// A country by code or part of its name; several matches are listed to pick from.
    fn country(&mut self, question: &Question, current: Option<&str>) -> Result<String, Stop> {
        let keep = current
            .and_then(|id| question.option(id))
            .map(|o| format!("; - or Enter keeps {} ({})", o.label, o.id))
            .unwrap_or_default();
        let mut listed: Vec<String> = Vec::new();
        loop {
            writeln!(
                self.out,
                "Type a country code or part of its name, or unknown{keep}:"
            )?;
            let input = self.line()?;
            let input = input.trim();
            if input.is_empty() || input == "-" {
                match current {
                    Some(id) => return Ok(id.to_string()),
                    None => {
                        writeln!(self.out, "Not accepted: no answer yet.")?;
                        continue;
                    }
                }
            }
            if let Ok(n) = input.parse::<usize>()
                && let Some(id) = n.checked_sub(1).and_then(|i| listed.get(i))
            {
                return Ok(id.clone());
            }
            let matches = country_matches(question, input);
            match matches.as_slice() {
                [] => writeln!(
                    self.out,
                    "Not accepted: no country matches \"{}\": try its two-letter code (DE, US, JP) or another part of its name.",
                    sanitize(input)
                )?,
                [one] => {
                    writeln!(self.out, "Chosen: {} ({})", one.label, one.id)?;
                    return Ok(one.id.clone());
                }
                many => {
                    writeln!(
                        self.out,
                        "{} countries match \"{}\"; enter a number or type more of the name:",
                        many.len(),
                        sanitize(input)
                    )?;
                    listed = many
                        .iter()
                        .take(MAX_MATCHES)
                        .map(|o| o.id.clone())
                        .collect();
                    for (i, o) in many.iter().take(MAX_MATCHES).enumerate() {
                        writeln!(self.out, "{:>4}. {} ({})", i + 1, o.label, o.id)?;
                    }
                    if many.len() > MAX_MATCHES {
                        writeln!(self.out, "      ... and {} more", many.len() - MAX_MATCHES)?;
                    }
                }
            }
        }
    }

    /// Ask for the screening date until it is a real date (`YYYY-MM-DD` or `DD.MM.YYYY`).
    fn date(&mut self, current: Date) -> Result<Date, Stop> {
        loop {
            writeln!(
                self.out,
                "\n{}, YYYY-MM-DD or DD.MM.YYYY (- or Enter keeps {current}):",
                Field::Date.label()
            )?;
            let input = self.line()?;
            let input = input.trim();
            if input.is_empty() || input == "-" {
                return Ok(current);
            }
            match validate_field(Field::Date, input).and_then(|()| parse_date(input)) {
                Ok(date) if date.to_string() != input => {
                    writeln!(self.out, "Taken as {date}.")?;
                    return Ok(date);
                }
                Ok(date) => return Ok(date),
                Err(message) => writeln!(self.out, "Not accepted: {message}.")?,
            }
        }
    }

    /// Ask for a record field until its value is valid; `-` or an empty line keeps `current`.
    fn text(&mut self, field: Field, current: &str) -> Result<String, Stop> {
        let keep = if current.is_empty() {
            "leaves it blank".to_string()
        } else {
            format!("keeps \"{}\"", sanitize(current))
        };
        loop {
            writeln!(
                self.out,
                "\n{}, up to {} characters (- or Enter {keep}):",
                field.label(),
                field.max_chars()
            )?;
            let input = self.line()?;
            let input = input.trim();
            let (value, checked) = if input.is_empty() || input == "-" {
                (current, Ok(()))
            } else {
                (input, validate_field(field, input))
            };
            let checked = checked.and_then(|()| {
                if field == Field::Officer && self.officer_required && value.trim().is_empty() {
                    Err(OFFICER_REQUIRED.to_string())
                } else {
                    Ok(())
                }
            });
            match checked {
                Ok(()) => return Ok(value.to_string()),
                Err(message) => writeln!(self.out, "Not accepted: {message}.")?,
            }
        }
    }

    fn review(&mut self, rules: &RuleSet, screening: &Screening) -> io::Result<()> {
        let p = present(rules, &screening.determination);
        writeln!(self.out, "\nReview before screening:")?;
        writeln!(self.out, "   {}: {}", Field::Date.label(), p.date)?;
        for a in &p.answers {
            let value = match a.state {
                AnswerState::Open => format!("{} (open)", a.value),
                _ => a.value.clone(),
            };
            self.wrapped("   ", &format!("{}: {value}", a.title))?;
        }
        for field in Field::ALL.into_iter().filter(|f| *f != Field::Date) {
            let value = field.get(&screening.details).unwrap_or_default();
            if !value.trim().is_empty() {
                self.wrapped("   ", &format!("{}: {}", field.label(), sanitize(value)))?;
            }
        }
        Ok(())
    }

    /// Put each name match to the officer in turn: the same party (confirmed), another
    /// party (dismissed, with a reason), or left open. A possible match left open keeps the
    /// result provisional; a match stays a match unless dismissed.
    pub fn review_matches(
        &mut self,
        findings: &mut [PartyFinding],
        date: Date,
    ) -> Result<(), Stop> {
        let count = findings.len();
        if count == 0 {
            return Ok(());
        }
        writeln!(
            self.out,
            "\nName matches: {count}. Each is shown in turn for you to confirm or dismiss."
        )?;
        for (i, finding) in findings.iter_mut().enumerate() {
            self.show_finding(i + 1, count, finding, date)?;
            let possible = finding.kind == FindingKind::Possible;
            let prompt = if possible {
                "Is this the same party? y confirms it, n dismisses it (a reason is asked), Enter leaves it open:"
            } else {
                "Is this the same party? y or Enter keeps the match, n dismisses it (a reason is asked):"
            };
            let same = loop {
                writeln!(self.out, "{prompt}")?;
                match self.line()?.trim().to_ascii_lowercase().as_str() {
                    "y" | "yes" => break Some(true),
                    "n" | "no" => break Some(false),
                    "" | "-" => break None,
                    other => writeln!(
                        self.out,
                        "Not accepted: \"{}\": answer y, n, or press Enter.",
                        sanitize(other)
                    )?,
                }
            };
            match same {
                Some(true) => {
                    // Confirming never fails; a match stays one.
                    let _ = finding.review(&Review::Confirm);
                    writeln!(self.out, "Confirmed: {}", finding.cite())?;
                }
                Some(false) => {
                    self.dismiss(finding)?;
                    writeln!(self.out, "Dismissed: {}", finding.cite())?;
                }
                None if possible => writeln!(
                    self.out,
                    "Left open: it counts as a possible match, the worst case, until it is confirmed or dismissed."
                )?,
                None => writeln!(self.out, "Kept as a match.")?,
            }
        }
        Ok(())
    }

    /// One finding, one fact a line.
    fn show_finding(
        &mut self,
        number: usize,
        count: usize,
        f: &PartyFinding,
        date: Date,
    ) -> io::Result<()> {
        let kind = match f.kind {
            FindingKind::Possible => "possible match",
            _ => "match",
        };
        writeln!(
            self.out,
            "\nName match {number} of {count}: {kind}, score {} of 100",
            f.score
        )?;
        let status = format!("Status on {date}");
        for (label, value) in [
            (f.field.label(), sanitize(&f.given)),
            ("Listed party", format!("{} (entry {})", f.matched, f.entry)),
            ("Name it matched", f.alias.clone()),
            ("List", f.list.label().to_string()),
            ("Announcement", f.announcement.clone()),
            ("Listed on", f.listed_on.to_string()),
            (status.as_str(), f.status.clone()),
        ] {
            self.wrapped("   ", &format!("{label}: {value}"))?;
        }
        Ok(())
    }

    /// Dismiss `finding` as another party, asking for the reason until one is given.
    fn dismiss(&mut self, finding: &mut PartyFinding) -> Result<(), Stop> {
        let max = crate::screening::MAX_SHORT_FIELD;
        loop {
            writeln!(
                self.out,
                "Why is it another party? Type the reason, up to {max} characters (required):"
            )?;
            let reason = self.line()?;
            let length = reason.trim().chars().count();
            let checked = match length {
                0 => Err("a dismissal needs a reason: type why it is another party".to_string()),
                n if n > max => Err(format!(
                    "the reason is {n} characters; at most {max} allowed"
                )),
                _ => finding.review(&Review::Dismiss(reason)),
            };
            match checked {
                Ok(()) => return Ok(()),
                Err(message) => writeln!(self.out, "Not accepted: {}.", sanitize(&message))?,
            }
        }
    }

    fn yes_no(&mut self, prompt: &str) -> Result<bool, Stop> {
        loop {
            writeln!(self.out, "{prompt}")?;
            match self.line()?.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                other => writeln!(
                    self.out,
                    "Not accepted: \"{}\": answer y or n.",
                    sanitize(other)
                )?,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_mode_triggers() {
        assert!(!wanted(false, Some("xterm-256color"), None, true));
        assert!(wanted(true, Some("xterm"), None, true));
        assert!(wanted(false, Some("dumb"), None, true));
        assert!(wanted(false, None, Some("1"), true));
        assert!(wanted(false, None, Some("true"), true));
        assert!(!wanted(false, None, Some("0"), true));
        assert!(!wanted(false, None, Some(""), true));
        assert!(wanted(false, Some("xterm"), None, false));
    }

    #[test]
    fn choices_parse_with_clear_errors() {
        assert_eq!(parse_choice("3", 8, None), Ok(Choice::Pick(2)));
        assert_eq!(parse_choice(" 8 ", 8, None), Ok(Choice::Pick(7)));
        assert_eq!(parse_choice("?", 8, None), Ok(Choice::Help(None)));
        assert_eq!(parse_choice("? 2", 8, None), Ok(Choice::Help(Some(1))));
        assert_eq!(parse_choice("-", 8, Some(4)), Ok(Choice::Pick(4)));
        assert_eq!(parse_choice("", 8, Some(4)), Ok(Choice::Pick(4)));
        assert_eq!(
            parse_choice("", 8, None),
            Err("no answer yet: enter a number between 1 and 8".into())
        );
        assert_eq!(
            parse_choice("9", 8, None),
            Err("9 is not one of the options: enter a number between 1 and 8".into())
        );
        assert_eq!(
            parse_choice("two", 8, None),
            Err("\"two\" is not a number: enter a number between 1 and 8".into())
        );
        assert!(parse_choice("? 9", 8, None).is_err_and(|e| e.contains("no option \"9\"")));
        assert!(parse_choice("\u{1b}[2J", 8, None).is_err_and(|e| !e.contains('\u{1b}')));
    }

    /// The reason for a dismissal is asked again while it is empty or too long; what is
    /// kept is the reason as typed, trimmed.
    #[test]
    fn a_dismissal_asks_again_until_its_reason_fits() {
        let screener =
            crate::parties::Screener::new(crate::parties::PartyLists::embedded().expect("lists"));
        let date = Date::constant(2026, 12, 4);
        let details = Details {
            counterparty: "MP Materails".into(),
            ..Details::default()
        };
        let mut findings = screener.findings(&details, date, &[]).expect("screened");
        let input = format!("n\n\n{}\n  too near the Ohio one  \n", "x".repeat(121));
        let mut out = Vec::new();
        Prompter::new(input.as_bytes(), &mut out)
            .review_matches(&mut findings, date)
            .expect("reviewed");
        let out = String::from_utf8(out).expect("utf-8");
        assert_eq!(out.matches("Why is it another party?").count(), 3, "{out}");
        assert!(
            out.contains("Not accepted: a dismissal needs a reason"),
            "{out}"
        );
        assert!(
            out.contains("Not accepted: the reason is 121 characters; at most 120 allowed."),
            "{out}"
        );
        assert_eq!(findings[0].kind, FindingKind::Dismissed);
        assert_eq!(findings[0].reason.as_deref(), Some("too near the Ohio one"));
    }

    #[test]
    fn countries_match_by_code_name_and_common_name() {
        let rules = crate::rules::embedded().expect("rules");
        let q = rules.question("destination").expect("destination question");
        let ids = |text: &str| -> Vec<String> {
            country_matches(q, text)
                .iter()
                .map(|o| o.id.clone())
                .collect()
        };
        assert_eq!(ids("de"), ["DE"]);
        assert_eq!(ids("germ"), ["DE"]);
        assert_eq!(ids("Vietnam"), ["VN"], "common names count");
        assert_eq!(ids("Deutschland"), ["DE"], "CLDR names count");
        assert_eq!(ids("德国"), ["DE"]);
        assert!(ids("guinea").len() > 2, "several matches are listed");
        assert!(ids("atlantis").is_empty());
    }
}
