//! The impact of new rules (or a new date) on the cases in the history: the current record
//! of every case (the newest of its supersede chain) screened again, and those whose outcome
//! or decisive clause changes. What an officer runs the day a new announcement is installed;
//! `history impact` prints it and can save the re-screens, the form can show it.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::Date;

use super::export::Survey;
use super::store::{History, HistoryError};
use crate::engine::{Answers, Determination};
use crate::rules::{Outcome, RuleSet};
use crate::screening::Screening;

/// One case whose outcome or decisive clause changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedCase {
    /// The current record of the case, and where its line starts.
    pub id: String,
    pub offset: u64,
    pub reference: String,
    pub counterparty: String,
    /// The outcome that stands now (an officer's override, else the engine's).
    pub outcome_before: Outcome,
    pub decided_by_before: Option<String>,
    pub outcome_after: Outcome,
    pub decided_by_after: Option<String>,
    /// Whether the case's current record is an officer's override: it stands, and an impact
    /// save replaces it only when asked by name (`--include-overrides`).
    pub overridden: bool,
    /// A definite result that is now provisional (a v1/v2 `no18_items` answer is a group of
    /// classes under v3): the officer should settle the answer.
    pub now_provisional: bool,
    /// The case screened again: what `--save` records as a re-screen superseding `id`.
    pub rescreen: Screening,
}

/// What an impact run found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impact {
    /// Current records screened again.
    pub cases: usize,
    /// The cases that change, in file order: first those the engine decided, then (apart)
    /// those whose current record is an officer's override.
    pub changed: Vec<ChangedCase>,
}

impl Impact {
    /// The changed cases an impact save replaces: the engine's, and the officers' overrides
    /// only when `include_overrides`.
    pub fn to_save(&self, include_overrides: bool) -> impl Iterator<Item = &ChangedCase> {
        self.changed
            .iter()
            .filter(move |c| include_overrides || !c.overridden)
    }

    /// How many changed cases stand on an officer's override.
    pub fn overrides(&self) -> usize {
        self.changed.iter().filter(|c| c.overridden).count()
    }
}

/// The reason a re-screen saved from an impact run gives: the rule set it was screened under.
pub fn impact_reason(rules: &RuleSet) -> String {
    format!(
        "impact of rule set {} {} (sha256 {})",
        rules.id, rules.version, rules.compiled.sha256
    )
}

/// Screen the current record of every case again under `rules`, on `date` or, when None, on
/// each case's own screening date (so only the change of rules shows), and list the cases
/// whose outcome or decisive clause changes, or whose definite result is now provisional
/// (for a case an officer overrode: whose outcome differs from the officer's), in file order. Two passes over the history;
/// memory holds the superseded ids, one record, and the changed cases.
pub fn impact(
    history: &History,
    rules: &RuleSet,
    date: Option<Date>,
    parties: Option<&crate::parties::Screener>,
) -> Result<Impact, HistoryError> {
    let survey = Survey::of(history)?;
    let mut names_screened = 0usize;
    let mut made: HashMap<(Answers, Date), Arc<Determination>> = HashMap::new();
    let mut impact = Impact {
        cases: 0,
        changed: Vec::new(),
    };
    history.for_each_record(
        |stored| {
            let r = &stored.record;
            if !survey.is_current(&r.id) {
                return Ok(());
            }
            impact.cases += 1;
            let then = &r.screening.determination;
            let on = date.unwrap_or(then.date);
            let answers = crate::screening::applicable_answers(rules, &then.answers, on);
            let mut now = made
                .entry((answers.clone(), on))
                .or_insert_with(|| Arc::new(crate::engine::determine(rules, &answers, on)))
                .clone();
            // Names screened again against the lists in use, so a newly listed party shows.
            let details = &r.screening.details;
            if let Some(p) = parties
                && !(details.counterparty.trim().is_empty() && details.end_user.trim().is_empty())
            {
                // Many names: near words are then looked up in a table, not scanned.
                names_screened += 1;
                if names_screened == crate::parties::MANY_NAMES {
                    p.index.prepare_for_many();
                }
                let mut d = (*now).clone();
                d.party_lists = p.lists.names();
                crate::parties::apply(rules, &mut d, p.findings_again(details, on, &then.parties));
                now = Arc::new(d);
            }
            let before = (r.effective_outcome(), then.decided_by.first().cloned());
            let after = (now.outcome, now.decided_by.first().cloned());
            // An officer's override stands on its outcome, not on a clause.
            let now_provisional = now.provisional && !then.provisional;
            let changed = match r.override_outcome {
                Some(decided) => decided != now.outcome,
                None => before != after || now_provisional,
            };
            if changed {
                impact.changed.push(ChangedCase {
                    id: r.id.clone(),
                    offset: stored.offset,
                    reference: r.screening.details.reference.clone(),
                    counterparty: r.screening.details.counterparty.clone(),
                    outcome_before: before.0,
                    decided_by_before: before.1,
                    outcome_after: after.0,
                    decided_by_after: after.1,
                    overridden: r.override_outcome.is_some(),
                    now_provisional,
                    rescreen: Screening {
                        determination: now,
                        details: r.screening.details.clone(),
                    },
                });
            }
            Ok(())
        },
        |_| {},
    )?;
    // Officers' overrides apart, after the engine's cases (a stable sort keeps file order).
    impact.changed.sort_by_key(|c| c.overridden);
    Ok(impact)
}
