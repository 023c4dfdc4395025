//! What changed between two rule sets: questions, measures (with their dates and suspension
//! windows), clauses and rules added, removed or changed, each change named by its JSON path
//! with the old and new value. Pure; `ree-screen rules diff OLD NEW` prints it.

use serde::Serialize;
use serde_json::Value;

use super::model::RuleSet;

/// One item (question, measure, clause, rule) added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// `question`, `measure`, `clause`, `rule` or `rule set`.
    pub kind: &'static str,
    pub id: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    /// The fields that differ: (path within the item, old value, new value), values as JSON.
    Changed(Vec<(String, String, String)>),
}

/// Every difference, in the order questions, measures, clauses, rules; the rule set's own id,
/// version and review date first.
pub fn diff(old: &RuleSet, new: &RuleSet) -> Vec<ItemChange> {
    let mut out = Vec::new();
    let head = |r: &RuleSet| serde_json::json!({"id": r.id, "version": r.version, "reviewed": r.reviewed, "title": r.title});
    let mut fields = Vec::new();
    leaf_changes("", &head(old), &head(new), &mut fields);
    if !fields.is_empty() {
        out.push(ItemChange {
            kind: "rule set",
            id: new.id.clone(),
            change: Change::Changed(fields),
        });
    }
    compare(
        "question",
        &old.questions,
        &new.questions,
        |q| &q.id,
        &mut out,
    );
    compare("measure", &old.measures, &new.measures, |m| &m.id, &mut out);
    compare("clause", &old.clauses, &new.clauses, |c| &c.id, &mut out);
    compare("rule", &old.rules, &new.rules, |r| &r.id, &mut out);
    out
}

fn compare<T: Serialize>(
    kind: &'static str,
    old: &[T],
    new: &[T],
    id: impl Fn(&T) -> &String,
    out: &mut Vec<ItemChange>,
) {
    let value = |t: &T| serde_json::to_value(t).unwrap_or(Value::Null);
    for o in old {
        match new.iter().find(|n| id(n) == id(o)) {
            None => out.push(ItemChange {
                kind,
                id: id(o).clone(),
                change: Change::Removed,
            }),
            Some(n) => {
                let mut fields = Vec::new();
                leaf_changes("", &value(o), &value(n), &mut fields);
                if !fields.is_empty() {
                    out.push(ItemChange {
                        kind,
                        id: id(o).clone(),
                        change: Change::Changed(fields),
                    });
                }
            }
        }
    }
    for n in new.iter().filter(|n| !old.iter().any(|o| id(o) == id(n))) {
        out.push(ItemChange {
            kind,
            id: id(n).clone(),
            change: Change::Added,
        });
    }
}

/// The paths where two JSON values differ: objects field by field, anything else whole.
fn leaf_changes(path: &str, old: &Value, new: &Value, out: &mut Vec<(String, String, String)>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaf_changes(
                    &sub,
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        _ => out.push((path.to_string(), old.to_string(), new.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_end_date_shows_with_its_path_and_values() {
        let old = crate::rules::embedded().expect("rules");
        let text = crate::rules::EMBEDDED_TEXT.replacen(
            "\"last_day\": \"2026-11-10\"",
            "\"last_day\": \"2027-11-10\"",
            1,
        );
        let new = crate::rules::parse("new", &text).expect("valid");
        let changes = diff(&old, &new);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].kind, "measure");
        assert_eq!(changes[0].id, "mofcom-gac-2025-70");
        assert_eq!(
            changes[0].change,
            Change::Changed(vec![(
                "ends.last_day".into(),
                "\"2026-11-10\"".into(),
                "\"2027-11-10\"".into()
            )])
        );
        assert!(diff(&old, &old).is_empty());
    }
}
