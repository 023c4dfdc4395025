//! The form's name matches: the counterparty and end user screened against the party lists
//! as they are typed, and the officer's confirmations and dismissals of them. Worked out
//! again only when a name or the date changes, not per frame.

use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::widgets::text_field::TextField;
use crate::parties::{Field, FindingKind, PartyFinding, Review, Screener};
use crate::screening::Details;

/// An officer's decision about one entry matched by one name as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameReview {
    pub field: Field,
    pub given: String,
    pub entry: String,
    pub review: Review,
}

#[derive(Default)]
pub struct Matches {
    screener: Option<Arc<Screener>>,
    key: Option<(String, String, Date)>,
    /// The findings for the names as typed, reviews applied.
    pub found: Vec<PartyFinding>,
    pub reviews: Vec<NameReview>,
}

impl Matches {
    pub fn new(screener: Option<Arc<Screener>>) -> Matches {
        Matches {
            screener,
            ..Matches::default()
        }
    }

    pub fn screener(&self) -> Option<Arc<Screener>> {
        self.screener.clone()
    }

    /// Screen the names again if they or the date changed.
    pub fn refresh(&mut self, details: &Details, date: Date) {
        let key = (
            details.counterparty.trim().to_string(),
            details.end_user.trim().to_string(),
            date,
        );
        if self.key.as_ref() == Some(&key) {
            return;
        }
        self.key = Some(key);
        self.recompute(details, date);
    }

    fn recompute(&mut self, details: &Details, date: Date) {
        self.found = match &self.screener {
            Some(s) => s.findings(details, date, &[]).unwrap_or_default(),
            None => Vec::new(),
        };
        for f in &mut self.found {
            if let Some(r) = self
                .reviews
                .iter()
                .find(|r| r.field == f.field && r.given == f.given && r.entry == f.entry)
            {
                // A dismissal's reason was checked when it was given.
                let _ = f.review(&r.review);
            }
        }
    }

    /// The first finding of `field` (any field when None) an officer can still act on: a
    /// possible match to confirm, or (for a dismissal) any not yet dismissed.
    pub fn next_open(&self, field: Option<Field>, dismiss: bool) -> Option<&PartyFinding> {
        self.found.iter().find(|f| {
            field.is_none_or(|x| x == f.field)
                && match f.kind {
                    FindingKind::Possible => true,
                    FindingKind::Match => dismiss,
                    FindingKind::Dismissed => false,
                }
        })
    }

    /// Record the officer's decision about `finding` and apply it.
    pub fn review(
        &mut self,
        finding: &PartyFinding,
        review: Review,
        details: &Details,
        date: Date,
    ) {
        self.reviews.retain(|r| {
            !(r.field == finding.field && r.given == finding.given && r.entry == finding.entry)
        });
        self.reviews.push(NameReview {
            field: finding.field,
            given: finding.given.clone(),
            entry: finding.entry.clone(),
            review,
        });
        self.recompute(details, date);
    }

    /// Take over the decisions of a resumed draft; each applies again where the same entry
    /// still matches the same name. The file may have been edited by hand: a reason is
    /// cleaned as typed text would be, and a dismissal left without one is dropped.
    pub fn restore(&mut self, reviews: &[NameReview]) {
        self.reviews = reviews
            .iter()
            .filter_map(|r| {
                let review = match &r.review {
                    Review::Confirm => Review::Confirm,
                    Review::Dismiss(reason) => {
                        let field = TextField::new(reason, crate::screening::MAX_SHORT_FIELD);
                        let reason = field.value().trim();
                        if reason.is_empty() {
                            return None;
                        }
                        Review::Dismiss(reason.to_string())
                    }
                };
                Some(NameReview {
                    review,
                    ..r.clone()
                })
            })
            .collect();
        self.key = None;
    }

    /// Forget every decision (a new screening).
    pub fn clear(&mut self) {
        self.reviews.clear();
        self.key = None;
        self.found.clear();
    }
}
