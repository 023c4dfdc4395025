//! Plain (accessible) line mode: the same screening as the form, asked as numbered line
//! prompts on stdout and answered on stdin. No alternate screen, no cursor movement, no
//! colour, so it works with screen readers, dumb consoles and redirected input.

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;

use jiff::civil::Date;

use crate::cli::{Cli, fail, save_screenings, today};
use crate::engine::Answers;
use crate::report;
use crate::rules::{AnswerOption, Question, QuestionId, RuleSet};
use crate::screening::{Details, Field, Screening, parse_date, validate_field};
use crate::settings;
use crate::text::{sanitize, wrap};

/// Width the prompts wrap at: fits an 80-column console.
const WIDTH: usize = 78;

/// Whether to run plain mode instead of the full-screen form: `--plain`, `TERM=dumb`,
/// `ACCESSIBLE` set (as charmbracelet's huh reads it), or stdin/stdout not a terminal.
pub fn should_use(cli: &Cli) -> bool {
    wanted(
        cli.plain,
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
pub fn run(cli: &Cli) -> ExitCode {
    let (settings, rules) = match settings::load_with_rules(cli.rules.as_ref()) {
        Ok(loaded) => loaded,
        Err(e) => return fail(e, 1),
    };
    let mut prompter = Prompter::new(io::stdin().lock(), io::stdout().lock());
    let screening = match prompter.screening(&rules, settings.new_details(), today()) {
        Ok(screening) => screening,
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
    let saved = save_screenings(cli, std::slice::from_ref(&screening));
    let mut out = prompter.out;
    let printed = write!(out, "{}", report::text(&rules, &screening)).and_then(|()| match &saved {
        Ok(ids) => writeln!(out, "\nSaved as {}", ids.join(", ")),
        Err(_) => writeln!(
            out,
            "\nNOT SAVED: this screening is not in the history (see the error)."
        ),
    });
    let printed = printed.and_then(|()| out.flush());
    match (saved, printed) {
        (Err(e), _) => fail(format!("the screening was not saved: {e}"), 1),
        (Ok(_), Err(e)) => fail(
            format!("the screening was saved, but printing the report failed: {e}"),
            1,
        ),
        (Ok(_), Ok(())) => ExitCode::SUCCESS,
    }
}

/// Why the prompts stopped before a screening was complete.
#[derive(Debug)]
pub enum Stop {
    /// Input ended (Ctrl-D, a closed pipe, a dropped connection).
    EndOfInput,
    Io(io::Error),
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

/// Asks the questions on `out` and reads the answers from `input`, one line each.
pub struct Prompter<R, W> {
    input: R,
    out: W,
}

impl<R: BufRead, W: Write> Prompter<R, W> {
    pub fn new(input: R, out: W) -> Prompter<R, W> {
        Prompter { input, out }
    }

    /// Ask every question and field, show a review, and return the screening once the
    /// officer confirms it. Declining the review goes round again with the answers kept.
    pub fn screening(
        &mut self,
        rules: &RuleSet,
        mut details: Details,
        today: Date,
    ) -> Result<Screening, Stop> {
        let mut picked: [Option<usize>; 3] = [None; 3];
        let mut date = today;
        loop {
            for (i, q) in QuestionId::ALL.into_iter().enumerate() {
                picked[i] = Some(self.choose(i + 1, rules.questions.get(q), picked[i])?);
            }
            date = self.date(date)?;
            for field in Field::ALL.into_iter().filter(|f| *f != Field::Date) {
                let current = field.get(&details).unwrap_or_default().to_string();
                let value = self.text(field, &current)?;
                field.set(&mut details, value);
            }
            let mut answers = Answers::new("", "", "");
            for (i, q) in QuestionId::ALL.into_iter().enumerate() {
                let question = rules.questions.get(q);
                if let Some(option) = picked[i].and_then(|p| question.options.get(p)) {
                    answers.set(q, &option.id);
                }
            }
            self.review(rules, &answers, date, &details)?;
            if self.yes_no(
                "Screen now? [y/n] (n goes back through the questions, keeping these answers)",
            )? {
                return Ok(Screening::run(rules, &answers, date, details));
            }
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
        if let Some(reference) = &option.reference {
            self.wrapped("   ", &format!("Reference: {reference}"))?;
        }
        Ok(())
    }

    /// Ask question `number` of three until a valid option is chosen; returns its index.
    fn choose(
        &mut self,
        number: usize,
        question: &Question,
        current: Option<usize>,
    ) -> Result<usize, Stop> {
        let count = question.options.len();
        writeln!(self.out, "\nQuestion {number} of 3: {}", question.title)?;
        self.wrapped("", &question.description)?;
        for (i, option) in question.options.iter().enumerate() {
            let number = format!("{:>4}. ", i + 1);
            self.hanging(
                &number,
                number.len(),
                &format!("{}: {}", option.label, option.help),
            )?;
        }
        let keep = current
            .and_then(|c| {
                question
                    .options
                    .get(c)
                    .map(|o| format!("; - or Enter keeps {}, {}", c + 1, o.label))
            })
            .unwrap_or_default();
        loop {
            writeln!(
                self.out,
                "Enter a number between 1 and {count} (? N for full help{keep}):"
            )?;
            let input = self.line()?;
            match parse_choice(&input, count, current) {
                Ok(Choice::Pick(index)) => return Ok(index),
                Ok(Choice::Help(Some(index))) => {
                    if let Some(option) = question.options.get(index) {
                        self.option_help(index + 1, option)?;
                    }
                }
                Ok(Choice::Help(None)) => {
                    for (i, option) in question.options.iter().enumerate() {
                        self.option_help(i + 1, option)?;
                    }
                }
                Err(message) => writeln!(self.out, "Not accepted: {message}.")?,
            }
        }
    }

    /// Ask for the screening date until it is a real `YYYY-MM-DD` date.
    fn date(&mut self, current: Date) -> Result<Date, Stop> {
        loop {
            writeln!(
                self.out,
                "\n{}, YYYY-MM-DD (- or Enter keeps {current}):",
                Field::Date.label()
            )?;
            let input = self.line()?;
            let input = input.trim();
            if input.is_empty() || input == "-" {
                return Ok(current);
            }
            match validate_field(Field::Date, input).and_then(|()| parse_date(input)) {
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
            if input.is_empty() || input == "-" {
                return Ok(current.to_string());
            }
            match validate_field(field, input) {
                Ok(()) => return Ok(input.to_string()),
                Err(message) => writeln!(self.out, "Not accepted: {message}.")?,
            }
        }
    }

    fn review(
        &mut self,
        rules: &RuleSet,
        answers: &Answers,
        date: Date,
        details: &Details,
    ) -> io::Result<()> {
        writeln!(self.out, "\nReview before screening:")?;
        for q in QuestionId::ALL {
            let label = report::answer_label(rules, q, answers);
            self.wrapped("   ", &format!("{}: {label}", rules.questions.get(q).title))?;
        }
        writeln!(self.out, "   {}: {date}", Field::Date.label())?;
        for (label, value) in report::details_lines(details) {
            self.wrapped("   ", &format!("{label}: {value}"))?;
        }
        Ok(())
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
        assert_eq!(parse_choice("?2", 8, None), Ok(Choice::Help(Some(1))));
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
            parse_choice("0", 8, None),
            Err("0 is not one of the options: enter a number between 1 and 8".into())
        );
        assert_eq!(
            parse_choice("two", 8, None),
            Err("\"two\" is not a number: enter a number between 1 and 8".into())
        );
        assert!(parse_choice("? 9", 8, None).is_err_and(|e| e.contains("no option \"9\"")));
        assert!(parse_choice("\u{1b}[2J", 8, None).is_err_and(|e| !e.contains('\u{1b}')));
    }

    fn run_prompter(input: &str) -> (Result<Screening, Stop>, String) {
        let rules = crate::rules::embedded().expect("embedded rules");
        let today = Date::constant(2025, 11, 20);
        let mut out = Vec::new();
        let details = Details {
            officer: "Default Officer".into(),
            ..Details::default()
        };
        let result = Prompter::new(input.as_bytes(), &mut out).screening(&rules, details, today);
        (result, String::from_utf8(out).expect("utf-8 prompts"))
    }

    #[test]
    fn a_full_pass_fills_answers_date_and_defaults() {
        let (result, out) = run_prompter("1\n1\n7\n-\nPO-1\nACME\nDE\n\nnote\ny\n");
        let screening = result.expect("screening");
        let d = &screening.determination;
        assert_eq!(
            (
                d.answers.stage.as_str(),
                d.answers.origin.as_str(),
                d.answers.recipient.as_str()
            ),
            ("mining", "china", "civil")
        );
        assert_eq!(d.date, Date::constant(2025, 11, 20));
        assert_eq!(screening.details.reference, "PO-1");
        assert_eq!(
            screening.details.officer, "Default Officer",
            "Enter keeps the settings default"
        );
        assert_eq!(screening.details.notes, "note");
        assert!(
            out.contains("Enter a number between 1 and 8 (? N for full help):"),
            "{out}"
        );
        assert!(
            out.contains("Officer, up to 120 characters (- or Enter keeps \"Default Officer\"):"),
            "{out}"
        );
        assert!(out.contains("Review before screening:"), "{out}");
    }

    #[test]
    fn wrong_entries_reprompt_and_help_is_shown() {
        let (result, out) =
            run_prompter("x\n99\n? 1\n1\n1\n7\n2025-02-30\n2025-10-01\n\n\n\n\n\nmaybe\ny\n");
        let screening = result.expect("screening");
        assert_eq!(screening.determination.date, Date::constant(2025, 10, 1));
        assert!(
            out.contains("Not accepted: \"x\" is not a number: enter a number between 1 and 8."),
            "{out}"
        );
        assert!(
            out.contains("Not accepted: 99 is not one of the options"),
            "{out}"
        );
        assert!(out.contains("Help for 1. Mining"), "{out}");
        assert!(out.contains("Example: "), "{out}");
        assert!(out.contains("Reference: "), "{out}");
        assert!(
            out.contains("Not accepted: 2025-02-30 is not a real calendar date."),
            "{out}"
        );
        assert!(
            out.contains("Not accepted: \"maybe\": answer y or n."),
            "{out}"
        );
    }

    #[test]
    fn declining_the_review_goes_back_with_answers_kept() {
        // First pass: mining/china/civil; then "n", change only the recipient to 8 (unknown).
        let (result, out) = run_prompter("1\n1\n7\n\nREF\n\n\n\n\nn\n-\n\n8\n\n\n\n\n\n\ny\n");
        let screening = result.expect("screening");
        assert_eq!(screening.determination.answers.stage, "mining");
        assert_eq!(screening.determination.answers.recipient, "unknown");
        assert!(screening.determination.provisional);
        assert_eq!(screening.details.reference, "REF");
        assert!(out.contains("- or Enter keeps 1, Mining"), "{out}");
    }

    #[test]
    fn end_of_input_stops_without_a_screening() {
        let (result, _) = run_prompter("1\n1\n");
        assert!(matches!(result, Err(Stop::EndOfInput)));
        let (result, _) = run_prompter("1\n1\n7\n\n\n\n\n\n\n");
        assert!(
            matches!(result, Err(Stop::EndOfInput)),
            "no answer to the review saves nothing"
        );
    }

    #[test]
    fn overlong_field_is_refused_with_its_limit() {
        let long = "r".repeat(121);
        let (result, out) = run_prompter(&format!("1\n1\n7\n\n{long}\nok\n\n\n\n\ny\n"));
        assert_eq!(result.expect("screening").details.reference, "ok");
        assert!(
            out.contains("Not accepted: Reference is 121 characters; at most 120 allowed."),
            "{out}"
        );
    }
}
