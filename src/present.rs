//! The determination as an officer reads it, in typed parts: the outcome, the clause that
//! decides it, the licences and who obtains them, the warnings that matter, every clause by
//! role, the range and outcome per open answer, the scenarios and the why-trace. Pure: built
//! from a `Determination` and the rule set it was decided under; the form, the text report,
//! plain mode and the Markdown export all render these parts and never parse text.

use jiff::civil::Date;

use crate::engine::{
    ClauseResult, ClauseStatus, Determination, Role, TraceStep, applies, worst_case_assumption,
};
use crate::parties::{FindingKind, ListKind, PartyFinding};
use crate::rules::{Outcome, QuestionKind, RuleSet, Source, UNKNOWN};

/// One clause, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseView {
    pub id: String,
    pub role: Role,
    /// "MOFCOM Announcement 2025 No. 61".
    pub measure: String,
    /// "No. 61".
    pub measure_short: String,
    /// "Art. 1 (1E902.a)".
    pub article: String,
    /// "suspended until 2026-11-10 by No. 70".
    pub status: String,
    /// "suspended".
    pub status_short: &'static str,
    pub binds: bool,
    pub confirmed: bool,
    pub effect: Option<Outcome>,
    pub text: String,
    pub note: Option<String>,
    pub verify: Option<String>,
    pub sources: Vec<Source>,
    /// One of the rule set's focus measures (the October 2025 announcements).
    pub focus: bool,
}

impl ClauseView {
    /// "No. 61 Art. 3".
    pub fn short(&self) -> String {
        format!("{} {}", self.measure_short, self.article)
    }

    /// "MOFCOM Announcement 2025 No. 61, Art. 3".
    pub fn full(&self) -> String {
        format!("{}, {}", self.measure, self.article)
    }

    /// What the clause does in this determination: "decides the outcome", "binds: licence",
    /// "does not count on this date; would give: licence", "context".
    pub fn role_words(&self) -> String {
        let effect = self.effect.map_or("", Outcome::short);
        match self.role {
            Role::Decisive => "decides the outcome".into(),
            Role::Binding => format!("binds: {effect}"),
            Role::NotCounting => format!("does not count on this date; would give: {effect}"),
            Role::Context => "context".into(),
        }
    }

    /// "would give licence required" / "prohibited" / "" for context.
    pub fn effect_words(&self) -> String {
        match (self.role, self.effect) {
            (Role::NotCounting, Some(e)) => format!("would give: {}", e.short()),
            (_, Some(e)) => e.short().to_string(),
            (_, None) => String::new(),
        }
    }
}

/// A licence needed, with who must obtain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceView {
    /// "MOFCOM dual-use export licence".
    pub kind: &'static str,
    /// "the exporter in China".
    pub obtained_by: &'static str,
    /// What happens to an application ("denied in principle", "case-by-case review").
    pub outcome: Outcome,
    /// The clauses that require it, short form.
    pub because: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    Provisional,
    Unverified,
    Verify,
    /// A name matched an internal list, or a listing whose measures are not known: an
    /// officer looks before going ahead (the legal outcome is unchanged).
    Review,
}

impl Badge {
    pub fn word(self) -> &'static str {
        match self {
            Badge::Provisional => "PROVISIONAL",
            Badge::Unverified => "UNVERIFIED",
            Badge::Verify => "VERIFY",
            Badge::Review => "REVIEW",
        }
    }
}

/// Something the officer must weigh, with the badge it explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub badge: Option<Badge>,
    /// The clause or rule it is about, short form.
    pub subject: Option<String>,
    pub text: String,
}

impl Warning {
    /// "subject: text", or the text alone.
    pub fn line(&self) -> String {
        match &self.subject {
            Some(s) => format!("{s}: {}", self.text),
            None => self.text.clone(),
        }
    }
}

/// The clause of the focus measures that bears on the case, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FocusNote {
    /// "October 2025 announcements".
    pub label: String,
    pub clause: ClauseView,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseGroup {
    pub role: Role,
    /// "Decisive", "Also binding", "Would apply but suspended or not in force", "Context".
    pub title: &'static str,
    pub clauses: Vec<ClauseView>,
}

/// The outcome for one open answer's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByAnswerView {
    pub question: String,
    /// One row per group of values with the same outcome and the same deciding clause,
    /// most severe first: (values, outcome, the clause deciding it).
    pub rows: Vec<(String, Outcome, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioView {
    /// "If No. 70's suspension was extended".
    pub label: String,
    pub outcome: Outcome,
    pub decided_by: Option<String>,
}

/// One answer a rule fired on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhyAnswer {
    pub question: String,
    pub title: String,
    /// The value in words; an assumed one names what it stands for.
    pub value: String,
    pub assumed: bool,
}

/// One step of the why-trace: the answers, the clauses fired, the outcome and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhyStep {
    pub because: Vec<WhyAnswer>,
    pub clauses: String,
    pub outcome: Outcome,
    pub binds: bool,
    pub why: String,
}

/// How a question stands in this screening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerState {
    Answered,
    /// Unknown or a group: screened as each value.
    Open,
    /// Its `ask_when` does not hold.
    NotApplicable,
    /// Applicable but not asked, because no answer changes the determination.
    NotNeeded,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerLine {
    pub question: String,
    pub title: String,
    pub value: String,
    pub state: AnswerState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    pub date: Date,
    pub outcome: Outcome,
    pub provisional: bool,
    pub decided_by: Vec<ClauseView>,
    /// On a provisional result, the answers the worst case assumes for the first deciding
    /// clause: "if the recipient type is Foreign military user".
    pub decided_if: Option<String>,
    pub focus: Option<FocusNote>,
    pub licences: Vec<LicenceView>,
    pub duties: Vec<String>,
    pub badges: Vec<Badge>,
    pub warnings: Vec<Warning>,
    pub range: Option<(Outcome, Outcome)>,
    pub by_answer: Vec<ByAnswerView>,
    pub scenarios: Vec<ScenarioView>,
    pub groups: Vec<ClauseGroup>,
    pub why: Vec<WhyStep>,
    pub answers: Vec<AnswerLine>,
    /// What the names matched, one line each, and the party lists screened against.
    pub parties: Vec<String>,
    pub party_lists: Vec<String>,
    /// "cn-rare-earth-2025 2026.11.29, reviewed 2026-11-29, sha256 1a2b3c4d".
    pub rule_set: String,
    pub disclaimer: String,
}

impl Presentation {
    /// "[XX] Export prohibited".
    pub fn headline(&self) -> String {
        format!("{} {}", self.outcome.symbol(), self.outcome.label())
    }

    /// The licence lines: which licence, who obtains it, how applications fare; each with
    /// the clauses requiring it (at most `cite` of them, then how many more) when `cite` is
    /// given.
    pub fn licence_lines(&self, cite: Option<usize>) -> Vec<String> {
        let because = |l: &LicenceView| match cite {
            None => String::new(),
            Some(max) if l.because.len() <= max => format!(" ({})", l.because.join(", ")),
            Some(max) => format!(
                " ({} and {} more)",
                l.because[..max].join(", "),
                l.because.len() - max
            ),
        };
        if self.outcome == Outcome::Prohibited {
            let mut lines = vec!["none can make this export lawful: it is prohibited".to_string()];
            lines.extend(self.licences.iter().map(|l| {
                format!(
                    "also required if it were not: {}, obtained by {}{}",
                    l.kind,
                    l.obtained_by,
                    because(l)
                )
            }));
            return lines;
        }
        if self.licences.is_empty() {
            return vec!["none under these measures".to_string()];
        }
        self.licences
            .iter()
            .map(|l| {
                let review = match l.outcome {
                    Outcome::DeniedInPrinciple => "; applications are denied in principle",
                    Outcome::CaseByCase => "; reviewed case by case",
                    _ => "",
                };
                format!(
                    "{}, obtained by {}{review}{}",
                    l.kind,
                    l.obtained_by,
                    because(l)
                )
            })
            .collect()
    }

    /// "if the recipient type is Foreign military user: " before the deciding clause of a
    /// provisional result, or nothing.
    pub fn decided_prefix(&self) -> String {
        self.decided_if
            .as_ref()
            .map_or_else(String::new, |c| format!("{c}: "))
    }

    /// One line for the end of plain mode and for lists: outcome and what decides it.
    pub fn summary(&self) -> String {
        let provisional = if self.provisional {
            " (provisional)"
        } else {
            ""
        };
        match self.decided_by.first() {
            Some(c) => format!(
                "{}{provisional}; decided by {}{}",
                self.headline(),
                self.decided_prefix(),
                c.short()
            ),
            None => format!(
                "{}{provisional}; no clause requires a licence",
                self.headline()
            ),
        }
    }

    pub fn clause(&self, id: &str) -> Option<&ClauseView> {
        self.groups
            .iter()
            .flat_map(|g| &g.clauses)
            .find(|c| c.id == id)
    }
}

/// Status in words, e.g. "suspended until 2026-11-10 by No. 70".
pub fn status_words(
    rules: &RuleSet,
    clause: &str,
    status: &ClauseStatus,
) -> (String, &'static str) {
    let by = |id: &str| {
        rules
            .clause(id)
            .and_then(|c| rules.measure(&c.measure))
            .map_or_else(|| id.to_string(), |m| m.short.clone())
    };
    match status {
        ClauseStatus::InForce {
            since,
            lapsed: None,
        } => (format!("in force since {since}"), "in force"),
        ClauseStatus::InForce {
            lapsed: Some(l), ..
        } => (
            format!(
                "applies as written: {}'s suspension ended on {}",
                by(&l.by),
                l.until
            ),
            "as written",
        ),
        ClauseStatus::NotYetEffective { from } => {
            (format!("not yet in force (from {from})"), "not yet")
        }
        ClauseStatus::Suspended { until, by: s, .. } => {
            (format!("suspended until {until} by {}", by(s)), "suspended")
        }
        ClauseStatus::Ended { last_day } => {
            let why = rules
                .clause(clause)
                .and_then(|c| rules.measure(&c.measure))
                .and_then(|m| m.ends.as_ref())
                .map(|e| format!(": {}", e.why))
                .unwrap_or_default();
            (format!("ended after {last_day}{why}"), "ended")
        }
    }
}

fn clause_view(rules: &RuleSet, r: &ClauseResult) -> ClauseView {
    let (status, status_short) = status_words(rules, &r.id, &r.status);
    let clause = rules.clause(&r.id);
    let measure = clause.and_then(|c| rules.measure(&c.measure));
    let position = rules.clause_position(&r.id);
    let status = match (r.confirmed, measure) {
        (false, Some(m)) => format!("{status}; not confirmed after {}", m.verified_until),
        _ => status,
    };
    ClauseView {
        id: r.id.clone(),
        role: r.role,
        measure: measure.map_or_else(|| "(not in this rule set)".into(), |m| m.name.clone()),
        measure_short: measure.map_or_else(|| r.id.clone(), |m| m.short.clone()),
        article: clause.map_or_else(String::new, |c| c.cited_as()),
        status,
        status_short,
        binds: r.status.binds(),
        confirmed: r.confirmed,
        effect: r.effect,
        text: clause.map_or_else(
            || "This clause is not in the rule set shown; its text is not available.".into(),
            |c| c.text.clone(),
        ),
        note: clause.and_then(|c| c.note.clone()),
        verify: clause.and_then(|c| c.verify.clone()),
        sources: clause.map(|c| c.sources.clone()).unwrap_or_default(),
        focus: position.is_some_and(|p| rules.in_focus(p)),
    }
}

/// An option's label ("Germany (DE)" for a country), or the id when the rule set lacks it.
pub fn option_label(rules: &RuleSet, question: &str, value: &str) -> String {
    let Some(q) = rules.question(question) else {
        return crate::text::sanitize(value);
    };
    match q.option(value) {
        Some(o) if q.kind == QuestionKind::Country && o.id != UNKNOWN => {
            format!("{} ({})", o.label, o.id)
        }
        Some(o) if o.class.is_some() => {
            format!("{} ({})", o.label, q.label_of(q.screened_as(&o.id)))
        }
        Some(o) => o.label.clone(),
        None => crate::text::sanitize(value),
    }
}

/// The options (by position) a value of question `q` stands for in a screening where
/// `given` was answered: itself, or, for an assumed value, every option of its class that
/// the answer allows (options no rule tells apart are screened once). None for a value the
/// question does not offer.
fn value_members(
    rules: &RuleSet,
    q: usize,
    value: &str,
    given: Option<&str>,
) -> Option<Vec<usize>> {
    let question = &rules.questions[q];
    let compiled = &rules.compiled.questions[q];
    let p = question.options.iter().position(|o| o.id == value)?;
    if question.options[p].id == UNKNOWN || question.options[p].is_group() {
        return Some(vec![p]);
    }
    let covered = covered_options(rules, q, given);
    let class = compiled.class_of[p]
        .map(|c| compiled.classes[c].clone())
        .unwrap_or_else(|| vec![p])
        .into_iter()
        .filter(|i| covered.contains(i) || *i == p)
        .collect();
    Some(class)
}

/// The leaf options the answer `given` allows (every leaf when nothing was given).
fn covered_options(rules: &RuleSet, q: usize, given: Option<&str>) -> Vec<usize> {
    let question = &rules.questions[q];
    let compiled = &rules.compiled.questions[q];
    given
        .and_then(|g| question.options.iter().position(|o| o.id == g))
        .map_or_else(|| compiled.leaves.clone(), |g| compiled.covers[g].clone())
}

/// Options of question `q` in words: one or a few by name, else "any country but ..."
/// (naming the few of `covered` left out), else how many with an example.
fn members_words(rules: &RuleSet, q: usize, members: &[usize], covered: &[usize]) -> String {
    let question = &rules.questions[q];
    let label = |i: usize| {
        let o = &question.options[i];
        if question.kind == QuestionKind::Country && o.id != UNKNOWN {
            format!("{} ({})", o.label, o.id)
        } else {
            o.label.clone()
        }
    };
    if members.len() <= 3 {
        return members
            .iter()
            .map(|&i| label(i))
            .collect::<Vec<_>>()
            .join(" or ");
    }
    let others: Vec<usize> = covered
        .iter()
        .copied()
        .filter(|i| !members.contains(i))
        .collect();
    if others.len() <= 4 {
        let names: Vec<String> = others.into_iter().map(label).collect();
        let noun = if question.kind == QuestionKind::Country {
            "country"
        } else {
            "option"
        };
        if names.is_empty() {
            return format!("any {noun}");
        }
        return format!("any {noun} but {}", names.join(", "));
    }
    format!(
        "one of {} options such as {}",
        members.len(),
        label(members[0])
    )
}

/// An answer's value in words, as the by-answer rows and the why-trace name it: an assumed
/// value names the options it stands for.
pub fn value_words(rules: &RuleSet, question: &str, value: &str, given: Option<&str>) -> String {
    let Some(q) = rules.question_position(question) else {
        return crate::text::sanitize(value);
    };
    match value_members(rules, q, value, given) {
        Some(members) => members_words(rules, q, &members, &covered_options(rules, q, given)),
        None => crate::text::sanitize(value),
    }
}

/// The by-answer rows of an open answer: the values with the same outcome and the same
/// deciding clause in one row, named together from the options they stand for (so a row
/// never lists an option it also excludes), most severe first, each with what decides it.
fn by_answer_rows(
    rules: &RuleSet,
    b: &crate::engine::ByAnswer,
    given: Option<&str>,
) -> Vec<(String, Outcome, Option<String>)> {
    let mut sorted = b.values.clone();
    sorted.sort_by_key(|v| std::cmp::Reverse(v.outcome));
    let Some(q) = rules.question_position(&b.question) else {
        return sorted
            .iter()
            .map(|v| {
                (
                    crate::text::sanitize(&v.value),
                    v.outcome,
                    decider(rules, v),
                )
            })
            .collect();
    };
    let mut groups: Vec<(Vec<usize>, Outcome, Option<String>)> = Vec::new();
    for v in &sorted {
        let members = value_members(rules, q, &v.value, given).unwrap_or_default();
        let decided = decider(rules, v);
        match groups
            .iter_mut()
            .find(|g| g.1 == v.outcome && g.2 == decided)
        {
            Some(group) => group.0.extend(members),
            None => groups.push((members, v.outcome, decided)),
        }
    }
    let covered = covered_options(rules, q, given);
    groups
        .into_iter()
        .map(|(mut members, outcome, decided)| {
            members.sort_unstable();
            members.dedup();
            (
                members_words(rules, q, &members, &covered),
                outcome,
                decided,
            )
        })
        .collect()
}

/// What decides a value's outcome: its first deciding clause, or that none applies.
fn decider(rules: &RuleSet, v: &crate::engine::ValueOutcome) -> Option<String> {
    Some(
        v.decided_by
            .first()
            .map_or_else(|| "no clause applies".to_string(), |c| rules.cite_short(c)),
    )
}

fn why_step(rules: &RuleSet, d: &Determination, step: &TraceStep) -> WhyStep {
    let because = step
        .because
        .iter()
        .map(|b| WhyAnswer {
            question: b.question.clone(),
            title: rules
                .question(&b.question)
                .map_or(b.question.clone(), |q| q.title.clone()),
            value: if b.assumed {
                value_words(rules, &b.question, &b.value, d.answers.get(&b.question))
            } else {
                option_label(rules, &b.question, &b.value)
            },
            assumed: b.assumed,
        })
        .collect();
    let base = step.rule.split('/').next().unwrap_or(&step.rule);
    let rule = rules.rules.iter().find(|r| r.id == base);
    let case_label = step.rule.split_once('/').and_then(|(_, case)| {
        rule.and_then(|r| r.if_fact.as_ref())
            .and_then(|f| rules.facts.iter().find(|x| &x.id == f))
            .and_then(|f| f.cases.iter().find(|c| c.id == case))
            .map(|c| c.label.clone())
    });
    let mut why = rule.map_or_else(String::new, |r| r.why.clone());
    if let Some(label) = case_label {
        why = format!("{why} Here {label}.");
    }
    WhyStep {
        because,
        clauses: step
            .clauses
            .iter()
            .map(|c| rules.cite_short(c))
            .collect::<Vec<_>>()
            .join(" + "),
        outcome: step.outcome,
        binds: step.binds,
        why,
    }
}

/// Build the presentation of `d`, with texts from `rules` (the rule set it was decided under,
/// or the current one when that is gone).
pub fn present(rules: &RuleSet, d: &Determination) -> Presentation {
    let mut views: Vec<ClauseView> = d.clauses.iter().map(|c| clause_view(rules, c)).collect();
    views.extend(d.parties.iter().filter_map(party_view));
    let decided_by: Vec<ClauseView> = d
        .decided_by
        .iter()
        .filter_map(|id| views.iter().find(|v| v.id == *id).cloned())
        .collect();
    let focus = rules.focus.as_ref().and_then(|f| {
        [Role::Decisive, Role::Binding, Role::NotCounting]
            .into_iter()
            .find_map(|role| {
                // A clause that binds without a licence only carries a duty: not the point.
                views.iter().find(|v| {
                    v.focus
                        && v.role == role
                        && (role == Role::Decisive || v.effect != Some(Outcome::NoLicenseRequired))
                })
            })
            .map(|clause| FocusNote {
                label: f.label.clone(),
                clause: clause.clone(),
            })
    });
    let licences = d
        .licences
        .iter()
        .map(|l| LicenceView {
            kind: l.kind.label(),
            obtained_by: l.obtained_by.label(),
            outcome: l.outcome,
            because: l.clauses.iter().map(|c| rules.cite_short(c)).collect(),
        })
        .collect();

    let mut warnings = Vec::new();
    let mut badges = Vec::new();
    if d.provisional {
        badges.push(Badge::Provisional);
        let open: Vec<String> = d
            .open
            .iter()
            .map(|o| {
                rules
                    .question(&o.question)
                    .map_or(o.question.clone(), |q| q.title.to_lowercase())
            })
            .collect();
        warnings.push(Warning {
            badge: Some(Badge::Provisional),
            subject: None,
            text: format!(
                "{} not settled: this is the worst case; outcomes range from {} to {}",
                join_words(&open),
                d.range.best.short(),
                d.range.worst.short()
            ),
        });
    }
    for o in &d.open {
        let Some(question) = rules.question(&o.question) else {
            continue;
        };
        if let Some(gone) = o.given.as_deref().filter(|g| question.option(g).is_none()) {
            warnings.push(Warning {
                badge: Some(Badge::Provisional),
                subject: Some(question.title.clone()),
                text: format!(
                    "the answer \"{}\" is not an option of this rule set (it is gone), so every value was screened; answer it again",
                    crate::text::sanitize(gone)
                ),
            });
        }
    }
    if !d.not_expanded.is_empty() {
        // The open answers are named in the provisional warning above.
        warnings.push(Warning {
            badge: Some(Badge::Provisional),
            subject: None,
            text: format!(
                "the {} open answers have too many combinations to screen one by one: each rule was checked on its own, so this is the most severe outcome any combination could give and every clause that could apply is listed; answer them to narrow it",
                d.not_expanded.len()
            ),
        });
    }
    for s in &d.scenarios {
        warnings.push(Warning {
            badge: None,
            subject: None,
            text: scenario_warning(rules, d, s),
        });
    }
    if !d.unverified.is_empty() {
        badges.push(Badge::Unverified);
    }
    for f in &d.unverified {
        warnings.push(Warning {
            badge: Some(Badge::Unverified),
            subject: Some(cite_flag(rules, &f.id)),
            text: f.note.clone(),
        });
    }
    party_warnings(d, &mut badges, &mut warnings);
    if !d.verify.is_empty() && !badges.contains(&Badge::Verify) {
        badges.push(Badge::Verify);
    }
    for f in &d.verify {
        warnings.push(Warning {
            badge: Some(Badge::Verify),
            subject: Some(cite_flag(rules, &f.id)),
            text: f.note.clone(),
        });
    }

    let titles = [
        (Role::Decisive, "Decisive"),
        (Role::Binding, "Also binding"),
        (
            Role::NotCounting,
            "Would apply, but suspended or not in force",
        ),
        (Role::Context, "Context"),
    ];
    let groups = titles
        .into_iter()
        .map(|(role, title)| ClauseGroup {
            role,
            title,
            clauses: views.iter().filter(|v| v.role == role).cloned().collect(),
        })
        .filter(|g| !g.clauses.is_empty())
        .collect();

    let by_answer = d
        .by_answer
        .iter()
        .map(|b| {
            let rows = by_answer_rows(rules, b, d.answers.get(&b.question));
            ByAnswerView {
                question: rules
                    .question(&b.question)
                    .map_or(b.question.clone(), |q| q.title.clone()),
                rows,
            }
        })
        .collect();

    let scenarios = d
        .scenarios
        .iter()
        .map(|s| ScenarioView {
            label: scenario_label(rules, s),
            outcome: s.outcome,
            decided_by: s.decided_by.first().map(|c| cite_any(rules, d, c)),
        })
        .collect();

    let assumed: Vec<String> = worst_case_assumption(rules, d)
        .into_iter()
        .map(|(q, v)| {
            let title = rules
                .question(&q)
                .map_or(q.clone(), |x| x.title.to_lowercase());
            format!(
                "the {title} is {}",
                value_words(rules, &q, &v, d.answers.get(&q))
            )
        })
        .collect();
    Presentation {
        date: d.date,
        outcome: d.outcome,
        provisional: d.provisional,
        decided_if: (!assumed.is_empty()).then(|| format!("if {}", join_words(&assumed))),
        decided_by,
        focus,
        licences,
        // A prohibited export does not happen: the duties of making it do not arise.
        duties: if d.outcome == Outcome::Prohibited {
            Vec::new()
        } else {
            d.duties.iter().map(|x| x.text.clone()).collect()
        },
        badges,
        warnings,
        range: d
            .provisional
            .then_some((d.range.best, d.range.worst))
            .filter(|(b, w)| b != w),
        by_answer,
        scenarios,
        groups,
        why: d.trace.iter().map(|t| why_step(rules, d, t)).collect(),
        answers: answer_lines(rules, d),
        parties: d.parties.iter().map(party_line).collect(),
        party_lists: d.party_lists.clone(),
        rule_set: format!(
            "{} {}, reviewed {}{}",
            d.rule_set.id,
            d.rule_set.version,
            d.rule_set.reviewed,
            d.rule_set
                .sha256
                .get(..8)
                .map(|h| format!(", sha256 {h}"))
                .unwrap_or_default()
        ),
        disclaimer: rules.disclaimer.clone(),
    }
}

/// A listing a name matched, as a clause of the determination.
fn party_view(f: &PartyFinding) -> Option<ClauseView> {
    let role = f.role?;
    Some(ClauseView {
        id: crate::parties::finding_id(f),
        role,
        measure: f.announcement.clone(),
        measure_short: f.short.clone(),
        article: format!("{}: {}", f.list.label(), f.matched),
        status: f.status.clone(),
        status_short: if f.binds { "listed" } else { "not binding" },
        binds: f.binds,
        confirmed: true,
        effect: f.effect,
        text: f
            .clauses
            .iter()
            .filter(|c| f.reaching.is_empty() || f.reaching.contains(&c.id))
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        note: Some(format!(
            "{} \"{}\" matched \"{}\" (score {}); {}",
            f.field.label(),
            f.given,
            f.alias,
            f.score,
            f.announcement
        )),
        verify: (!f.verify.is_empty()).then(|| f.verify.join(" ")),
        sources: vec![f.source.clone()],
        focus: false,
    })
}

/// "counterparty \"MP Materials Corp.\": match, MP Materials Corp. (alias \"MP Materials\",
/// score 100), Control List, 2026 No. 23, listed 2026-06-22, in force since 2026-06-22".
pub fn party_line(f: &PartyFinding) -> String {
    let alias = if f.alias == f.matched {
        String::new()
    } else {
        format!("alias \"{}\", ", f.alias)
    };
    let reason = f
        .reason
        .as_ref()
        .map(|r| format!("; dismissed: {r}"))
        .unwrap_or_default();
    format!(
        "{} \"{}\": {}{}, {} ({alias}score {}), {}, {}, listed {}, {}{reason}",
        f.field.id(),
        f.given,
        f.kind.id(),
        if f.confirmed { " (confirmed)" } else { "" },
        f.matched,
        f.score,
        f.list.label(),
        f.short,
        f.listed_on,
        f.status
    )
}

fn party_warnings(d: &Determination, badges: &mut Vec<Badge>, warnings: &mut Vec<Warning>) {
    let mut add = |badge: Badge, f: &PartyFinding, text: String| {
        if !badges.contains(&badge) {
            badges.push(badge);
        }
        warnings.push(Warning {
            badge: Some(badge),
            subject: Some(f.cite()),
            text,
        });
    };
    for f in &d.parties {
        if f.kind == FindingKind::Possible && f.binds && f.effect.is_some() {
            add(
                Badge::Provisional,
                f,
                format!(
                    "possible match for the {} \"{}\" (score {}): the worst case counts this listing until the officer confirms or dismisses it",
                    f.field.label().to_lowercase(),
                    f.given,
                    f.score
                ),
            );
        }
        if f.review {
            let why = if f.list == ListKind::Internal {
                "on the company's internal list: review before going ahead (the legal outcome is unchanged)"
            } else {
                "the listing's measures are not known clause by clause: read the notice before going ahead"
            };
            add(Badge::Review, f, why.to_string());
        }
        if f.kind != FindingKind::Dismissed && f.role.is_some() && !f.verify.is_empty() {
            add(Badge::Verify, f, f.verify.join(" "));
        }
    }
}

/// A decisive id in words: a rule-set clause, or a listing a name matched.
pub fn cite_any(rules: &RuleSet, d: &Determination, id: &str) -> String {
    d.parties
        .iter()
        .find(|f| crate::parties::finding_id(f) == id)
        .map_or_else(|| rules.cite_short(id), PartyFinding::cite)
}

fn cite_flag(rules: &RuleSet, id: &str) -> String {
    if rules.clause(id).is_some() {
        return rules.cite_short(id);
    }
    if let Some((q, v)) = id.split_once('=')
        && let Some(question) = rules.question(q)
    {
        return format!("{} {}", question.title, option_label(rules, q, v));
    }
    format!("rule {id}")
}

fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The suspenders named by a scenario's measures, and when their suspension ended.
fn suspension_ends(rules: &RuleSet, s: &crate::engine::Scenario) -> Vec<(String, Date)> {
    let mut out: Vec<(String, Date)> = Vec::new();
    for m in s.measures.iter().filter_map(|id| rules.measure(id)) {
        for sus in &m.suspensions {
            let by = rules
                .clause(&sus.by)
                .and_then(|c| rules.measure(&c.measure))
                .map_or(sus.by.clone(), |x| x.short.clone());
            if !out.iter().any(|(b, u)| *b == by && *u == sus.until) {
                out.push((by, sus.until));
            }
        }
    }
    out
}

fn scenario_label(rules: &RuleSet, s: &crate::engine::Scenario) -> String {
    let names: Vec<String> = suspension_ends(rules, s)
        .into_iter()
        .map(|(by, _)| format!("{by}'s suspension"))
        .collect();
    format!("If {} was extended", join_words(&names))
}

fn scenario_warning(rules: &RuleSet, d: &Determination, s: &crate::engine::Scenario) -> String {
    let ended: Vec<String> = suspension_ends(rules, s)
        .into_iter()
        .map(|(by, until)| format!("{by}'s suspension ended on {}", until.strftime("%-d %b %Y")))
        .collect();
    let decided = s
        .decided_by
        .first()
        .map(|c| format!(" ({})", cite_any(rules, d, c)))
        .unwrap_or_default();
    let same = if s.outcome == d.outcome {
        " (the same)"
    } else {
        ""
    };
    let leads: Vec<String> = s
        .measures
        .iter()
        .filter_map(|id| rules.measure(id))
        .flat_map(|m| &m.suspensions)
        .filter_map(|sus| rules.clause(&sus.by))
        .filter_map(|c| rules.measure(&c.measure)?.ends.as_ref()?.lead.clone())
        .fold(Vec::new(), |mut all, lead| {
            if !all.contains(&lead) {
                all.push(lead);
            }
            all
        });
    let lead = if leads.is_empty() {
        String::new()
    } else {
        format!(" Lead: {}.", leads.join("; "))
    };
    format!(
        "{}; applied as written. If it was extended: {}{decided}{same}.{lead}",
        join_words(&ended),
        s.outcome.label()
    )
}

fn answer_lines(rules: &RuleSet, d: &Determination) -> Vec<AnswerLine> {
    rules
        .questions
        .iter()
        .map(|q| {
            let given = d.answers.get(&q.id);
            let (value, state) = match given {
                Some(v) => {
                    let open = v == UNKNOWN || q.option(v).is_some_and(|o| o.is_group());
                    let state = if open {
                        AnswerState::Open
                    } else {
                        AnswerState::Answered
                    };
                    (option_label(rules, &q.id, v), state)
                }
                None => match applies(rules, &d.answers, d.date, &q.id) {
                    Some(false) => {
                        let on: Vec<String> = q
                            .ask_when
                            .iter()
                            .flat_map(|w| w.keys())
                            .filter_map(|k| rules.question(k))
                            .map(|x| x.title.to_lowercase())
                            .collect();
                        (
                            format!("not asked: does not apply given the {}", join_words(&on)),
                            AnswerState::NotApplicable,
                        )
                    }
                    _ if d.open.iter().any(|o| o.question == q.id) => (
                        "not asked, and it matters: screened as every value".into(),
                        AnswerState::Open,
                    ),
                    _ => (
                        "not needed: no answer changes the determination given the others".into(),
                        AnswerState::NotNeeded,
                    ),
                },
            };
            AnswerLine {
                question: q.id.clone(),
                title: q.title.clone(),
                value,
                state,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every by-answer row of a determination, as "question: values -> outcome (reason)".
    fn rows(answers: &[(&str, &str)], date: &str) -> Vec<String> {
        let rules = crate::rules::embedded().expect("rules");
        let mut given = crate::engine::Answers::new();
        for (q, v) in answers {
            given.set(q, v);
        }
        let d = crate::engine::determine(&rules, &given, date.parse().expect("date"));
        present(&rules, &d)
            .by_answer
            .iter()
            .flat_map(|b| {
                b.rows.iter().map(|(values, outcome, by)| {
                    format!(
                        "{}: {values} -> {} ({})",
                        b.question,
                        outcome.short(),
                        by.clone().unwrap_or_default()
                    )
                })
            })
            .collect()
    }

    #[test]
    fn by_answer_rows_name_each_value_group_once_with_what_decides_it() {
        let open_destination = [
            ("stage", "none"),
            ("goods", "n61_part1"),
            ("origin", "china_export"),
            ("recipient", "military_user"),
            ("destination", "unknown"),
        ];
        assert_eq!(
            rows(&open_destination, "2025-10-20"),
            [
                "Destination country: United States (US) -> prohibited (2024 No. 46 Art. 1)",
                "Destination country: any country but China (CN), United States (US) -> licence (No. 18 Item list (1C902-1C908))",
                "Destination country: China (CN) -> licence (ECL Art. 2 (what an export is))",
                "Foreign recipient: Yes: a foreign person -> licence (ECL Art. 2 (what an export is))",
                "Foreign recipient: No: a Chinese person -> no licence (ECL Art. 2 (what an export is))",
            ],
            "never 'any country but ..., United States (US)' beside United States"
        );
        let mut open_recipient = open_destination;
        open_recipient[3] = ("recipient", "unknown");
        open_recipient[4] = ("destination", "DE");
        for row in rows(&open_recipient, "2025-10-20") {
            assert!(
                !row.ends_with("()"),
                "every row says what decides it: {row}"
            );
            let (values, _) = row.split_once(" -> ").expect("arrow");
            if let Some((_, excluded)) = values.split_once(" but ") {
                for name in excluded.split(", ") {
                    assert_eq!(values.matches(name).count(), 1, "{row}");
                }
            }
        }
    }
}
