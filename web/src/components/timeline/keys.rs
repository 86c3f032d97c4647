//! What a key does in the tree: arrows move the selection or fold and
//! unfold the selected row, Enter toggles it. Pure: tested natively.

use super::rows::Row;

#[derive(Debug, PartialEq, Eq)]
pub enum KeyAction {
    /// Select the row at this index.
    Select(usize),
    /// Fold (`true`) or unfold (`false`) the row with this id.
    Fold(String, bool),
    /// A key of the tree's, with nothing to do here (the first row is
    /// already selected, a leaf cannot fold).
    Nothing,
}

/// The action for `key` with row `current` selected; `None` for keys the
/// tree leaves to the browser.
pub fn key_action(key: &str, rows: &[Row], current: Option<usize>) -> Option<KeyAction> {
    let last = rows.len().checked_sub(1);
    let target = match key {
        "ArrowDown" => current.map_or(last.map(|_| 0), |i| last.map(|last| (i + 1).min(last))),
        "ArrowUp" => current.map(|i| i.saturating_sub(1)),
        "ArrowLeft" | "ArrowRight" | "Enter" => {
            let Some(row) = current.and_then(|i| rows.get(i)) else {
                return Some(KeyAction::Nothing);
            };
            let fold = match key {
                "ArrowLeft" => true,
                "ArrowRight" => false,
                _ => !row.collapsed,
            };
            return Some(if row.has_children && fold != row.collapsed {
                KeyAction::Fold(row.id.clone(), fold)
            } else {
                KeyAction::Nothing
            });
        }
        _ => return None,
    };
    Some(match target {
        Some(i) if Some(i) != current => KeyAction::Select(i),
        _ => KeyAction::Nothing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use prompttrace::model::{Level, ObservationType, Status};

    fn row(id: &str, has_children: bool, collapsed: bool) -> Row {
        Row {
            id: id.into(),
            name: id.into(),
            kind: ObservationType::Span,
            status: Status::Completed,
            level: Level::Default,
            depth: 0,
            start_ms: 0.0,
            duration_ms: Some(1.0),
            has_children,
            collapsed,
        }
    }

    #[test]
    fn keys_move_the_selection_within_the_rows() {
        let rows = [
            row("a", true, false),
            row("b", false, false),
            row("c", false, false),
        ];
        assert_eq!(
            key_action("ArrowDown", &rows, None),
            Some(KeyAction::Select(0))
        );
        assert_eq!(
            key_action("ArrowDown", &rows, Some(1)),
            Some(KeyAction::Select(2))
        );
        assert_eq!(
            key_action("ArrowDown", &rows, Some(2)),
            Some(KeyAction::Nothing)
        );
        assert_eq!(
            key_action("ArrowUp", &rows, Some(1)),
            Some(KeyAction::Select(0))
        );
        assert_eq!(
            key_action("ArrowUp", &rows, Some(0)),
            Some(KeyAction::Nothing)
        );
        assert_eq!(key_action("ArrowUp", &rows, None), Some(KeyAction::Nothing));
        assert_eq!(key_action("ArrowDown", &[], None), Some(KeyAction::Nothing));
        assert_eq!(key_action("a", &rows, Some(1)), None);
    }

    #[test]
    fn keys_fold_only_rows_with_children() {
        let rows = [row("a", true, false), row("b", false, false)];
        let fold = |id: &str, on| Some(KeyAction::Fold(id.into(), on));
        assert_eq!(key_action("ArrowLeft", &rows, Some(0)), fold("a", true));
        assert_eq!(key_action("Enter", &rows, Some(0)), fold("a", true));
        assert_eq!(
            key_action("ArrowRight", &rows, Some(0)),
            Some(KeyAction::Nothing)
        );
        assert_eq!(
            key_action("ArrowLeft", &rows, Some(1)),
            Some(KeyAction::Nothing)
        );
        let folded = [row("a", true, true)];
        assert_eq!(key_action("ArrowRight", &folded, Some(0)), fold("a", false));
        assert_eq!(key_action("Enter", &folded, Some(0)), fold("a", false));
        assert_eq!(key_action("Enter", &folded, None), Some(KeyAction::Nothing));
    }
}
