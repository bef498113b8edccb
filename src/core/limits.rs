//! Discord's limits on what a bot sends, written once.
//!
//! Discord refuses a message, an interaction answer or a modal that breaks
//! one of these with `400 Invalid Form Body` (code 50035), and serenity
//! checks none of them on the path where the core's
//! `CreateInteractionResponse` is serialized for the HTTP door. So the
//! numbers live here, for three readers: the views (which truncate and
//! paginate to stay inside them), the hostile-input properties (which assert
//! that every answer keeps them) and the test kit's fake Discord (which
//! refuses a payload that breaks them, as Discord does).
//!
//! [`check`] walks the JSON Discord would receive and returns every broken
//! rule as a [`Violation`] naming the place with Discord's own dotted path
//! (`data.embeds.0.title`), so a refusal reads like Discord's error body.
//! Lengths are counted in characters (Unicode scalar values), as Discord
//! counts them.

use std::collections::HashSet;
use std::fmt;

use serde_json::Value;

/// A component's `custom_id`: at least this many characters...
pub const CUSTOM_ID_MIN: usize = 1;
/// ...and at most this many.
pub const CUSTOM_ID_MAX: usize = 100;
/// Buttons in one action row.
pub const BUTTONS_PER_ROW: usize = 5;
/// Action rows in one message or modal.
pub const ROWS_MAX: usize = 5;
/// Options in one select menu.
pub const SELECT_OPTIONS_MAX: usize = 25;
/// A select option's label, value and description.
pub const SELECT_OPTION_TEXT_MAX: usize = 100;
/// A select menu's placeholder.
pub const SELECT_PLACEHOLDER_MAX: usize = 150;
/// A select menu's `min_values` and `max_values`.
pub const SELECT_VALUES_MAX: usize = 25;
/// An embed's title.
pub const EMBED_TITLE_MAX: usize = 256;
/// An embed's description.
pub const EMBED_DESCRIPTION_MAX: usize = 4096;
/// Fields in one embed.
pub const EMBED_FIELDS_MAX: usize = 25;
/// An embed field's name (at least one character).
pub const FIELD_NAME_MAX: usize = 256;
/// An embed field's value (at least one character).
pub const FIELD_VALUE_MAX: usize = 1024;
/// An embed's footer text.
pub const FOOTER_TEXT_MAX: usize = 2048;
/// An embed author's name.
pub const AUTHOR_NAME_MAX: usize = 256;
/// Title, description, field names and values, footer and author together,
/// summed over every embed of a message.
pub const EMBED_TOTAL_MAX: usize = 6000;
/// Embeds in one message.
pub const EMBEDS_MAX: usize = 10;
/// A message's content.
pub const CONTENT_MAX: usize = 2000;
/// A button's label.
pub const BUTTON_LABEL_MAX: usize = 80;
/// A modal's title (at least one character).
pub const MODAL_TITLE_MAX: usize = 45;
/// A modal text input's label (at least one character).
pub const TEXT_INPUT_LABEL_MAX: usize = 45;
/// What a learner may type into a modal's text input.
pub const TEXT_INPUT_VALUE_MAX: usize = 4000;
/// Choices in one autocomplete answer.
pub const AUTOCOMPLETE_CHOICES_MAX: usize = 25;
/// An autocomplete choice's name (at least one character) and string value.
pub const CHOICE_TEXT_MAX: usize = 100;

/// One rule a payload breaks, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Discord's dotted path to the offending value, e.g.
    /// `data.embeds.0.fields.3.value` or `components.1.components.0.custom_id`.
    pub path: String,
    /// The rule it breaks.
    pub rule: Rule,
}

/// The kinds of rule Discord enforces on a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A length (characters, or items in a list) outside `min..=max`.
    Length {
        min: usize,
        max: usize,
        found: usize,
    },
    /// A value Discord requires is missing.
    Required,
    /// A value that must be unique in the message (a custom_id, a select
    /// option's value) appears twice.
    Duplicate,
    /// A rule about the payload's shape, in Discord's words.
    Shape(&'static str),
}

impl Violation {
    /// Discord's error code for this rule, as in its `_errors` list.
    pub fn code(&self) -> &'static str {
        match &self.rule {
            Rule::Length { min, found, .. } if found < min => "BASE_TYPE_MIN_LENGTH",
            Rule::Length { .. } => "BASE_TYPE_MAX_LENGTH",
            Rule::Required => "BASE_TYPE_REQUIRED",
            Rule::Duplicate => "COMPONENT_CUSTOM_ID_DUPLICATED",
            Rule::Shape(_) => "BASE_TYPE_INVALID",
        }
    }

    /// Discord's message for this rule, without the path.
    pub fn message(&self) -> String {
        match &self.rule {
            Rule::Length { min: 0, max, found } => {
                format!("Must be {max} or fewer in length (found {found}).")
            }
            Rule::Length { min, max, found } => {
                format!("Must be between {min} and {max} in length (found {found}).")
            }
            Rule::Required => "This field is required.".to_string(),
            Rule::Duplicate => "Must be unique in the message.".to_string(),
            Rule::Shape(what) => format!("{what}."),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message())
    }
}

/// Every rule `payload` breaks; empty if Discord would take it.
///
/// `payload` is either a serialized `CreateInteractionResponse`
/// (`{"type": 4, "data": {...}}`: a message for types 4 and 7, choices for 8,
/// a modal for 9) or a message body as sent to a webhook or message endpoint
/// (a follow-up, an edit of the original): anything without a numeric
/// top-level `type`.
pub fn check(payload: &Value) -> Vec<Violation> {
    let mut found = Vec::new();
    match payload.get("type") {
        Some(kind) => check_response(payload, kind, &mut found),
        None => check_message("", payload, &mut found),
    }
    found
}

/// The rules for a message body (content, embeds, components) alone: what a
/// follow-up or an edit sends.
pub fn check_message_body(body: &Value) -> Vec<Violation> {
    let mut found = Vec::new();
    check_message("", body, &mut found);
    found
}

fn check_response(payload: &Value, kind: &Value, found: &mut Vec<Violation>) {
    let data = payload.get("data").unwrap_or(&Value::Null);
    match kind.as_u64() {
        // Pong, deferrals: nothing to draw.
        Some(1 | 5 | 6) => {}
        Some(4 | 7) => check_message("data", data, found),
        Some(8) => check_choices("data", data, found),
        Some(9) => check_modal("data", data, found),
        _ => found.push(Violation {
            path: "type".into(),
            rule: Rule::Shape("Value must be one of (1, 4, 5, 6, 7, 8, 9)"),
        }),
    }
}

/// `parent.key`, or `key` at the top.
fn join(parent: &str, key: impl fmt::Display) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn chars(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str).map_or(0, |s| s.chars().count())
}

fn list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// Records a length outside `min..=max` at `path`.
fn length(found: &mut Vec<Violation>, path: String, min: usize, max: usize, n: usize) {
    if n < min || n > max {
        found.push(Violation {
            path,
            rule: Rule::Length { min, max, found: n },
        });
    }
}

fn check_message(at: &str, body: &Value, found: &mut Vec<Violation>) {
    length(
        found,
        join(at, "content"),
        0,
        CONTENT_MAX,
        chars(body.get("content")),
    );
    let embeds = list(body.get("embeds"));
    length(found, join(at, "embeds"), 0, EMBEDS_MAX, embeds.len());
    let mut total = 0;
    for (i, embed) in embeds.iter().enumerate() {
        total += check_embed(&join(at, format!("embeds.{i}")), embed, found);
    }
    // Discord counts the 6000 over all of a message's embeds together, and
    // reports it on the list.
    if total > EMBED_TOTAL_MAX {
        found.push(Violation {
            path: join(at, "embeds"),
            rule: Rule::Length {
                min: 0,
                max: EMBED_TOTAL_MAX,
                found: total,
            },
        });
    }
    check_rows(at, list(body.get("components")), found);
}

/// Checks one embed's parts; returns the characters it counts towards
/// [`EMBED_TOTAL_MAX`].
fn check_embed(at: &str, embed: &Value, found: &mut Vec<Violation>) -> usize {
    let parts = [
        ("title", chars(embed.get("title")), EMBED_TITLE_MAX),
        (
            "description",
            chars(embed.get("description")),
            EMBED_DESCRIPTION_MAX,
        ),
        (
            "footer.text",
            chars(embed.pointer("/footer/text")),
            FOOTER_TEXT_MAX,
        ),
        (
            "author.name",
            chars(embed.pointer("/author/name")),
            AUTHOR_NAME_MAX,
        ),
    ];
    let mut total = 0;
    for (key, n, max) in parts {
        length(found, join(at, key), 0, max, n);
        total += n;
    }
    let fields = list(embed.get("fields"));
    length(found, join(at, "fields"), 0, EMBED_FIELDS_MAX, fields.len());
    for (j, field) in fields.iter().enumerate() {
        let name = chars(field.get("name"));
        let value = chars(field.get("value"));
        length(
            found,
            join(at, format!("fields.{j}.name")),
            1,
            FIELD_NAME_MAX,
            name,
        );
        length(
            found,
            join(at, format!("fields.{j}.value")),
            1,
            FIELD_VALUE_MAX,
            value,
        );
        total += name + value;
    }
    total
}

/// Component types that are select menus (string, user, role, mentionable,
/// channel).
fn is_select(kind: u64) -> bool {
    matches!(kind, 3 | 5 | 6 | 7 | 8)
}

fn check_rows(at: &str, rows: &[Value], found: &mut Vec<Violation>) {
    length(found, join(at, "components"), 0, ROWS_MAX, rows.len());
    let mut ids = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        let row_at = join(at, format!("components.{i}"));
        if row.get("type").and_then(Value::as_u64) != Some(1) {
            found.push(Violation {
                path: join(&row_at, "type"),
                rule: Rule::Shape("Top-level components must be action rows (type 1)"),
            });
            continue;
        }
        let items = list(row.get("components"));
        length(
            found,
            join(&row_at, "components"),
            1,
            BUTTONS_PER_ROW,
            items.len(),
        );
        let kinds: Vec<u64> = items
            .iter()
            .map(|c| c.get("type").and_then(Value::as_u64).unwrap_or(0))
            .collect();
        if kinds.iter().copied().any(is_select) && items.len() != 1 {
            found.push(Violation {
                path: join(&row_at, "components"),
                rule: Rule::Shape("A select menu must be alone in its row"),
            });
        }
        for (j, (item, kind)) in items.iter().zip(kinds).enumerate() {
            let item_at = join(&row_at, format!("components.{j}"));
            check_component(&item_at, item, kind, &mut ids, found);
        }
    }
}

fn check_component(
    at: &str,
    item: &Value,
    kind: u64,
    ids: &mut HashSet<String>,
    found: &mut Vec<Violation>,
) {
    let style = item.get("style").and_then(Value::as_u64);
    if kind == 2 {
        length(
            found,
            join(at, "label"),
            0,
            BUTTON_LABEL_MAX,
            chars(item.get("label")),
        );
        // A link button carries a url and no custom_id; a premium button
        // neither.
        if style == Some(5) {
            if item.get("url").and_then(Value::as_str).is_none() {
                found.push(Violation {
                    path: join(at, "url"),
                    rule: Rule::Required,
                });
            }
            if item.get("custom_id").is_some() {
                found.push(Violation {
                    path: join(at, "custom_id"),
                    rule: Rule::Shape("A link button cannot have a custom_id"),
                });
            }
            return;
        }
        if style == Some(6) {
            return;
        }
    }
    match item.get("custom_id").and_then(Value::as_str) {
        None => found.push(Violation {
            path: join(at, "custom_id"),
            rule: Rule::Required,
        }),
        Some(id) => {
            let path = join(at, "custom_id");
            length(
                found,
                path.clone(),
                CUSTOM_ID_MIN,
                CUSTOM_ID_MAX,
                id.chars().count(),
            );
            if !ids.insert(id.to_owned()) {
                found.push(Violation {
                    path,
                    rule: Rule::Duplicate,
                });
            }
        }
    }
    if is_select(kind) {
        check_select(at, item, kind, found);
    }
}

fn check_select(at: &str, menu: &Value, kind: u64, found: &mut Vec<Violation>) {
    length(
        found,
        join(at, "placeholder"),
        0,
        SELECT_PLACEHOLDER_MAX,
        chars(menu.get("placeholder")),
    );
    for key in ["min_values", "max_values"] {
        if let Some(n) = menu.get(key).and_then(Value::as_u64) {
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            length(found, join(at, key), 0, SELECT_VALUES_MAX, n);
        }
    }
    // Only the string select carries its own options.
    if kind != 3 {
        return;
    }
    let options = list(menu.get("options"));
    length(
        found,
        join(at, "options"),
        1,
        SELECT_OPTIONS_MAX,
        options.len(),
    );
    let mut values = HashSet::new();
    for (k, option) in options.iter().enumerate() {
        let option_at = join(at, format!("options.{k}"));
        for key in ["label", "value"] {
            length(
                found,
                join(&option_at, key),
                1,
                SELECT_OPTION_TEXT_MAX,
                chars(option.get(key)),
            );
        }
        length(
            found,
            join(&option_at, "description"),
            0,
            SELECT_OPTION_TEXT_MAX,
            chars(option.get("description")),
        );
        let value = option
            .get("value")
            .map(Value::to_string)
            .unwrap_or_default();
        if !values.insert(value) {
            found.push(Violation {
                path: join(&option_at, "value"),
                rule: Rule::Duplicate,
            });
        }
    }
}

fn check_choices(at: &str, data: &Value, found: &mut Vec<Violation>) {
    let choices = list(data.get("choices"));
    length(
        found,
        join(at, "choices"),
        0,
        AUTOCOMPLETE_CHOICES_MAX,
        choices.len(),
    );
    for (i, choice) in choices.iter().enumerate() {
        let choice_at = join(at, format!("choices.{i}"));
        length(
            found,
            join(&choice_at, "name"),
            1,
            CHOICE_TEXT_MAX,
            chars(choice.get("name")),
        );
        // Number choices have no length; string ones do.
        if let Some(value) = choice.get("value").and_then(Value::as_str) {
            length(
                found,
                join(&choice_at, "value"),
                0,
                CHOICE_TEXT_MAX,
                value.chars().count(),
            );
        }
    }
}

fn check_modal(at: &str, data: &Value, found: &mut Vec<Violation>) {
    length(
        found,
        join(at, "custom_id"),
        CUSTOM_ID_MIN,
        CUSTOM_ID_MAX,
        chars(data.get("custom_id")),
    );
    length(
        found,
        join(at, "title"),
        1,
        MODAL_TITLE_MAX,
        chars(data.get("title")),
    );
    let rows = list(data.get("components"));
    length(found, join(at, "components"), 1, ROWS_MAX, rows.len());
    for (i, row) in rows.iter().enumerate() {
        for (j, input) in list(row.get("components")).iter().enumerate() {
            let input_at = join(at, format!("components.{i}.components.{j}"));
            length(
                found,
                join(&input_at, "label"),
                1,
                TEXT_INPUT_LABEL_MAX,
                chars(input.get("label")),
            );
            length(
                found,
                join(&input_at, "custom_id"),
                CUSTOM_ID_MIN,
                CUSTOM_ID_MAX,
                chars(input.get("custom_id")),
            );
            for key in ["value", "placeholder"] {
                length(
                    found,
                    join(&input_at, key),
                    0,
                    TEXT_INPUT_VALUE_MAX,
                    chars(input.get(key)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn button(id: &str, label: &str) -> Value {
        json!({ "type": 2, "style": 2, "custom_id": id, "label": label })
    }

    fn row(items: Vec<Value>) -> Value {
        json!({ "type": 1, "components": items })
    }

    fn answer(data: Value) -> Value {
        json!({ "type": 4, "data": data })
    }

    fn paths(found: &[Violation]) -> Vec<&str> {
        found.iter().map(|v| v.path.as_str()).collect()
    }

    #[test]
    fn a_message_at_every_limit_passes() {
        let fields: Vec<Value> = (0..EMBED_FIELDS_MAX)
            .map(|i| json!({ "name": format!("f{i}"), "value": "v" }))
            .collect();
        let rows: Vec<Value> = (0..ROWS_MAX)
            .map(|r| {
                row((0..BUTTONS_PER_ROW)
                    .map(|b| {
                        let id = format!("{r}{b}{}", "x".repeat(CUSTOM_ID_MAX - 2));
                        button(&id, &"l".repeat(BUTTON_LABEL_MAX))
                    })
                    .collect())
            })
            .collect();
        let payload = answer(json!({
            "content": "é".repeat(CONTENT_MAX),
            "embeds": [{
                "title": "t".repeat(EMBED_TITLE_MAX),
                "description": "d".repeat(EMBED_DESCRIPTION_MAX),
                "fields": fields,
            }],
            "components": rows,
        }));
        assert_eq!(check(&payload), vec![]);
    }

    #[test]
    fn each_length_one_past_its_limit_is_named_by_its_path() {
        let cases = [
            (
                json!({ "content": "c".repeat(CONTENT_MAX + 1) }),
                "data.content",
            ),
            (
                json!({ "embeds": [{ "title": "t".repeat(EMBED_TITLE_MAX + 1) }] }),
                "data.embeds.0.title",
            ),
            (
                json!({ "embeds": [{ "description": "d".repeat(EMBED_DESCRIPTION_MAX + 1) }] }),
                "data.embeds.0.description",
            ),
            (
                json!({ "embeds": [{ "footer": { "text": "f".repeat(FOOTER_TEXT_MAX + 1) } }] }),
                "data.embeds.0.footer.text",
            ),
            (
                json!({ "embeds": [{ "author": { "name": "a".repeat(AUTHOR_NAME_MAX + 1) } }] }),
                "data.embeds.0.author.name",
            ),
            (
                json!({ "embeds": [{ "fields": [{ "name": "n", "value": "v".repeat(FIELD_VALUE_MAX + 1) }] }] }),
                "data.embeds.0.fields.0.value",
            ),
            (
                json!({ "embeds": [{ "fields": [{ "name": "n".repeat(FIELD_NAME_MAX + 1), "value": "v" }] }] }),
                "data.embeds.0.fields.0.name",
            ),
            (
                json!({ "embeds": vec![json!({ "title": "t" }); EMBEDS_MAX + 1] }),
                "data.embeds",
            ),
            (
                json!({ "components": [row(vec![button(&"i".repeat(CUSTOM_ID_MAX + 1), "l")])] }),
                "data.components.0.components.0.custom_id",
            ),
            (
                json!({ "components": [row(vec![button("", "l")])] }),
                "data.components.0.components.0.custom_id",
            ),
            (
                json!({ "components": [row(vec![button("a", &"l".repeat(BUTTON_LABEL_MAX + 1))])] }),
                "data.components.0.components.0.label",
            ),
            (
                json!({ "components": [row((0..=BUTTONS_PER_ROW).map(|i| button(&i.to_string(), "l")).collect())] }),
                "data.components.0.components",
            ),
            (
                json!({ "components": (0..=ROWS_MAX).map(|i| row(vec![button(&i.to_string(), "l")])).collect::<Vec<_>>() }),
                "data.components",
            ),
        ];
        for (data, path) in cases {
            let found = check(&answer(data.clone()));
            assert_eq!(paths(&found), vec![path], "{data}");
            assert!(matches!(found[0].rule, Rule::Length { .. }));
        }
    }

    #[test]
    fn an_embed_over_6000_in_all_is_refused_though_each_part_fits() {
        let fields: Vec<Value> = (0..3)
            .map(|i| json!({ "name": format!("f{i}"), "value": "v".repeat(FIELD_VALUE_MAX) }))
            .collect();
        let payload = answer(json!({ "embeds": [{
            "title": "t".repeat(EMBED_TITLE_MAX),
            "description": "d".repeat(EMBED_DESCRIPTION_MAX),
            "fields": fields,
        }]}));
        let found = check(&payload);
        assert_eq!(paths(&found), vec!["data.embeds"]);
        assert_eq!(
            found[0].rule,
            Rule::Length {
                min: 0,
                max: EMBED_TOTAL_MAX,
                found: EMBED_TITLE_MAX + EMBED_DESCRIPTION_MAX + 3 * (2 + FIELD_VALUE_MAX),
            }
        );
    }

    #[test]
    fn the_6000_counts_every_embed_of_a_message_together() {
        let half = json!({ "description": "d".repeat(EMBED_TOTAL_MAX / 2 + 1) });
        let one = answer(json!({ "embeds": [half.clone()] }));
        assert_eq!(check(&one), vec![]);
        let two = answer(json!({ "embeds": [half.clone(), half] }));
        assert_eq!(paths(&check(&two)), vec!["data.embeds"]);
    }

    #[test]
    fn characters_are_counted_not_bytes() {
        // 2000 four-byte characters are 8000 bytes, and still fit.
        let payload = answer(json!({ "content": "🦀".repeat(CONTENT_MAX) }));
        assert_eq!(check(&payload), vec![]);
        let payload = answer(json!({ "content": "🦀".repeat(CONTENT_MAX + 1) }));
        assert_eq!(paths(&check(&payload)), vec!["data.content"]);
    }

    #[test]
    fn duplicated_custom_ids_and_a_select_beside_a_button_are_refused() {
        let select = json!({
            "type": 3, "custom_id": "s",
            "options": [{ "label": "a", "value": "1" }, { "label": "b", "value": "1" }],
        });
        let payload = answer(json!({ "components": [
            row(vec![button("x", "a"), button("x", "b")]),
            row(vec![select, button("y", "c")]),
        ]}));
        let found = check(&payload);
        assert_eq!(
            paths(&found),
            vec![
                "data.components.0.components.1.custom_id",
                "data.components.1.components",
                "data.components.1.components.0.options.1.value",
            ]
        );
        assert_eq!(found[0].rule, Rule::Duplicate);
    }

    #[test]
    fn a_select_menu_keeps_its_option_limits() {
        let options: Vec<Value> = (0..=SELECT_OPTIONS_MAX)
            .map(|i| json!({ "label": "l", "value": i.to_string() }))
            .collect();
        let payload = answer(json!({ "components": [row(vec![json!({
            "type": 3, "custom_id": "s", "options": options,
        })])]}));
        assert_eq!(
            paths(&check(&payload)),
            vec!["data.components.0.components.0.options"]
        );
    }

    #[test]
    fn autocomplete_choices_keep_their_limits() {
        let ok: Vec<Value> = (0..AUTOCOMPLETE_CHOICES_MAX)
            .map(|i| json!({ "name": "n".repeat(CHOICE_TEXT_MAX), "value": i.to_string() }))
            .collect();
        assert_eq!(
            check(&json!({ "type": 8, "data": { "choices": ok } })),
            vec![]
        );
        let bad = json!({ "type": 8, "data": { "choices": [
            { "name": "", "value": "v" },
            { "name": "n", "value": "v".repeat(CHOICE_TEXT_MAX + 1) },
            { "name": "n", "value": 12345 },
        ]}});
        assert_eq!(
            paths(&check(&bad)),
            vec!["data.choices.0.name", "data.choices.1.value"]
        );
    }

    #[test]
    fn a_modal_keeps_its_title_label_and_row_limits() {
        let input = |label: &str| {
            row(vec![
                json!({ "type": 4, "style": 2, "custom_id": "code", "label": label }),
            ])
        };
        let ok = json!({ "type": 9, "data": {
            "custom_id": "m", "title": "t".repeat(MODAL_TITLE_MAX),
            "components": [input(&"l".repeat(TEXT_INPUT_LABEL_MAX))],
        }});
        assert_eq!(check(&ok), vec![]);
        let bad = json!({ "type": 9, "data": {
            "custom_id": "m", "title": "t".repeat(MODAL_TITLE_MAX + 1),
            "components": vec![input(&"l".repeat(TEXT_INPUT_LABEL_MAX + 1)); ROWS_MAX + 1],
        }});
        let found = check(&bad);
        assert_eq!(found[0].path, "data.title");
        assert_eq!(found[1].path, "data.components");
        assert_eq!(found[2].path, "data.components.0.components.0.label");
    }

    #[test]
    fn a_follow_up_body_is_checked_without_the_data_prefix() {
        let body = json!({ "content": "c".repeat(CONTENT_MAX + 1), "flags": 64 });
        assert_eq!(paths(&check(&body)), vec!["content"]);
        assert_eq!(paths(&check_message_body(&body)), vec!["content"]);
    }

    #[test]
    fn deferrals_pass_and_unknown_response_types_are_refused() {
        for kind in [1, 5, 6] {
            assert_eq!(check(&json!({ "type": kind })), vec![]);
        }
        assert_eq!(paths(&check(&json!({ "type": 42 }))), vec!["type"]);
        assert_eq!(paths(&check(&json!({ "type": "4" }))), vec!["type"]);
    }

    #[test]
    fn a_violation_reads_like_discords_error() {
        let found = check(&answer(json!({ "content": "c".repeat(CONTENT_MAX + 1) })));
        assert_eq!(
            found[0].to_string(),
            "data.content: Must be 2000 or fewer in length (found 2001)."
        );
        assert_eq!(found[0].code(), "BASE_TYPE_MAX_LENGTH");
    }

    #[test]
    fn link_buttons_need_a_url_and_no_custom_id() {
        let payload = answer(json!({ "components": [row(vec![
            json!({ "type": 2, "style": 5, "label": "docs", "custom_id": "x" }),
        ])]}));
        assert_eq!(
            paths(&check(&payload)),
            vec![
                "data.components.0.components.0.url",
                "data.components.0.components.0.custom_id"
            ]
        );
    }
}
