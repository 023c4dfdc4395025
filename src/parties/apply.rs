//! What a name matched, as a fact beside the answers, and the one pure step that puts it
//! into a determination: a binding listing that reaches the dealing adds its own clause and
//! decides when it is the most severe; a possible match makes the result provisional with
//! the listing as its worst case; a suspended or stopped listing is named but does not
//! decide; a listing whose measures are not known clause by clause, or an internal list,
//! marks the result for review without changing it.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::scope::{Reach, item_scope};
use super::{Index, ListKind, ListingClause, PartyLists, Status};
use crate::engine::{Determination, Role};
use crate::rules::{Grade, Outcome, RuleSet, Source};

/// Which record field a name was typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Counterparty,
    EndUser,
}

impl Field {
    pub fn id(self) -> &'static str {
        match self {
            Field::Counterparty => "counterparty",
            Field::EndUser => "end_user",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Counterparty => "Counterparty",
            Field::EndUser => "End user",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The same name after normalisation, an alias, or a possible match the officer
    /// confirmed: the listing applies.
    Match,
    /// Similar: the result is provisional until the officer confirms or dismisses it.
    Possible,
    /// The officer said it is another party, and why.
    Dismissed,
}

impl FindingKind {
    pub fn id(self) -> &'static str {
        match self {
            FindingKind::Match => "match",
            FindingKind::Possible => "possible",
            FindingKind::Dismissed => "dismissed",
        }
    }
}

/// What the officer decided about one finding (kept in a draft as `{"decision": "confirm"}`
/// or `{"decision": "dismiss", "reason": ...}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", content = "reason", rename_all = "snake_case")]
pub enum Review {
    Confirm,
    /// With the reason, which is required.
    Dismiss(String),
}

/// One listed party a name matched, with everything needed to show and re-apply it
/// without the lists (records keep it as decided).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyFinding {
    pub field: Field,
    /// The name as typed.
    pub given: String,
    /// The entry's id, e.g. "2026-23-07".
    pub entry: String,
    /// The entry's name.
    pub matched: String,
    /// The name or alias that scored best.
    pub alias: String,
    pub list: ListKind,
    /// "MOFCOM Announcement 2026 No. 23".
    pub announcement: String,
    /// "2026 No. 23".
    pub short: String,
    pub listed_on: Date,
    /// The listing's status on the screening date, in words.
    pub status: String,
    /// Whether its measures bind on the date.
    pub binds: bool,
    pub score: u8,
    pub kind: FindingKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A possible match the officer confirmed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confirmed: bool,
    pub clauses: Vec<ListingClause>,
    /// The notice, and how well the entry is sourced.
    pub source: Source,
    pub grade: Grade,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verify: Vec<String>,
    /// Set by [`apply`]: the part it plays and the outcome it gives (or would give).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<Outcome>,
    /// Set by [`apply`]: the ids of the clauses that reach the dealing (surely or for some
    /// value of an open answer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reaching: Vec<String>,
    /// An internal list or measures not known clause by clause: look before going ahead.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub review: bool,
}

/// The id a finding has among a determination's decisive clauses.
pub fn finding_id(f: &PartyFinding) -> String {
    format!("party:{}:{}", f.field.id(), f.entry)
}

impl PartyLists {
    /// Every listed party `name` matches (or possibly matches), as on `date`.
    pub fn screen(&self, index: &Index, field: Field, name: &str, date: Date) -> Vec<PartyFinding> {
        index
            .search(name)
            .into_iter()
            .filter_map(|m| {
                let (listing, entry) = self.entry_at(m.entry)?;
                let status: Status = listing.status_on(date);
                let mut verify: Vec<String> = listing.verify.clone();
                verify.extend(entry.verify.iter().cloned());
                if let Some(note) = listing
                    .status_verify(date)
                    .filter(|_| status.binds() || matches!(status, Status::Suspended { .. }))
                {
                    verify.push(note.to_string());
                }
                Some(PartyFinding {
                    field,
                    given: name.to_string(),
                    entry: entry.id.clone(),
                    matched: entry.name.clone(),
                    alias: entry.names().nth(m.name).unwrap_or(&entry.name).to_string(),
                    list: listing.list,
                    announcement: listing.name.clone(),
                    short: listing.short.clone(),
                    listed_on: listing.published,
                    status: status.words(),
                    binds: status.binds(),
                    score: m.score,
                    kind: if m.score == 100 {
                        FindingKind::Match
                    } else {
                        FindingKind::Possible
                    },
                    reason: None,
                    confirmed: false,
                    clauses: listing.clauses.clone(),
                    source: listing.source.clone(),
                    grade: entry.grade,
                    verify,
                    role: None,
                    effect: None,
                    reaching: Vec::new(),
                    review: false,
                })
            })
            .collect()
    }
}

impl PartyFinding {
    /// The officer's decision: a confirmation makes a possible match a match; a dismissal
    /// needs a reason.
    pub fn review(&mut self, review: &Review) -> Result<(), String> {
        match review {
            Review::Confirm => {
                if self.kind == FindingKind::Possible {
                    self.confirmed = true;
                }
                self.kind = FindingKind::Match;
                self.reason = None;
            }
            Review::Dismiss(reason) => {
                if reason.trim().is_empty() {
                    return Err(format!(
                        "dismissing {} ({}) needs a reason",
                        self.entry, self.matched
                    ));
                }
                self.kind = FindingKind::Dismissed;
                self.reason = Some(reason.trim().to_string());
            }
        }
        Ok(())
    }

    /// "2026 No. 23, Control List: MP Materials Corp."
    pub fn cite(&self) -> String {
        format!("{}, {}: {}", self.short, self.list.label(), self.matched)
    }
}

/// Put the findings into `d` (decided under `rules`): see the module's rules. Pure; applied
/// again to a record's stored findings it gives the same determination.
pub fn apply(rules: &RuleSet, d: &mut Determination, mut findings: Vec<PartyFinding>) {
    let reach = |clause: &ListingClause| match clause.scope {
        Some(scope) => item_scope(rules, &d.answers, d.date, scope),
        None => Reach::No,
    };
    let base = d.outcome;
    let mut outcome = base;
    let mut provisional = false;
    for f in &mut findings {
        let (mut sure, mut maybe): (Option<Outcome>, Option<Outcome>) = (None, None);
        f.reaching.clear();
        for clause in &f.clauses {
            let Some(effect) = clause.effect else {
                continue;
            };
            match reach(clause) {
                Reach::Yes => sure = sure.max(Some(effect)),
                Reach::Maybe => maybe = maybe.max(Some(effect)),
                Reach::No => continue,
            }
            f.reaching.push(clause.id.clone());
        }
        f.effect = sure.max(maybe);
        f.review = f.kind != FindingKind::Dismissed
            && f.binds
            && (f.list == ListKind::Internal || f.clauses.iter().any(|c| c.effect.is_none()));
        f.role = None;
        if f.kind == FindingKind::Dismissed || f.list == ListKind::Internal {
            continue;
        }
        let Some(effect) = f.effect else {
            f.role = Some(Role::Context);
            continue;
        };
        if !f.binds {
            f.role = Some(Role::NotCounting);
            continue;
        }
        outcome = outcome.max(effect);
        if effect > base && (f.kind == FindingKind::Possible || sure < Some(effect)) {
            provisional = true;
        }
    }
    // Roles once the outcome is known: the most severe binding findings decide.
    let mut deciding: Vec<String> = Vec::new();
    for f in &mut findings {
        if f.role.is_some() || f.kind == FindingKind::Dismissed || f.list == ListKind::Internal {
            continue;
        }
        let Some(effect) = f.effect else { continue };
        f.role = Some(if effect == outcome {
            deciding.push(finding_id(f));
            Role::Decisive
        } else {
            Role::Binding
        });
    }
    if outcome > base {
        for c in d.clauses.iter_mut().filter(|c| c.role == Role::Decisive) {
            c.role = Role::Binding;
        }
        d.decided_by = deciding;
    } else if outcome == base && !deciding.is_empty() {
        d.decided_by.extend(deciding);
    }
    // A listing is not touched by the suspensions a scenario assumes extended.
    let listed = findings
        .iter()
        .filter(|f| f.role == Some(Role::Decisive))
        .filter_map(|f| f.effect)
        .max();
    if let Some(effect) = listed {
        for s in &mut d.scenarios {
            if effect > s.outcome {
                s.outcome = effect;
                s.decided_by = findings
                    .iter()
                    .filter(|f| f.role == Some(Role::Decisive))
                    .map(finding_id)
                    .collect();
            }
        }
    }
    d.outcome = outcome;
    d.range.worst = outcome;
    d.provisional |= provisional;
    d.parties = findings;
}
