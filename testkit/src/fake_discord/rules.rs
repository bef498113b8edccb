//! Discord's rules on what a bot sends. The limits on messages, components,
//! autocomplete choices and modals come from `tutorbot::core::limits` (one
//! checker for the core's tests, the hostile-input properties and this
//! fake); what is checked only here is the shape of command registrations
//! and Discord's "Cannot send an empty message".

use super::*;
use tutorbot::core::limits::{self, Violation};

/// Discord's answer to a payload over its limits: 400, code 50035, and the
/// broken rules nested by path under `errors`, each with Discord's code and
/// message (`{"data": {"content": {"_errors": [...]}}}`).
pub(super) fn refuse(violations: Vec<Violation>) -> Result<(), (u16, Value)> {
    if violations.is_empty() {
        return Ok(());
    }
    let mut errors = json!({});
    for v in &violations {
        let mut at = &mut errors;
        for key in v.path.split('.') {
            at = &mut at[key];
        }
        let error = json!({ "code": v.code(), "message": v.message() });
        match at["_errors"].as_array_mut() {
            Some(list) => list.push(error),
            None => at["_errors"] = json!([error]),
        }
    }
    let first = violations[0].to_string();
    Err((
        400,
        json!({
            "message": format!("Invalid Form Body ({first})"),
            "code": 50035,
            "errors": errors,
        }),
    ))
}

/// An interaction callback: Discord's limits on the whole response (paths
/// start at `data`), then the shape of the message it creates or updates.
pub(super) fn validate_callback(body: &Value, has_files: bool) -> Result<(), (u16, Value)> {
    refuse(limits::check(body))?;
    let data = body.get("data").unwrap_or(&Value::Null);
    match body.get("type").and_then(Value::as_u64) {
        Some(4) => message_shape(data, true, has_files),
        Some(7) => message_shape(data, false, has_files),
        _ => Ok(()),
    }
}

/// A follow-up or an edit through the webhook: Discord's limits on the
/// message body, then its shape.
pub(super) fn validate_message(
    body: &Value,
    creating: bool,
    has_files: bool,
) -> Result<(), (u16, Value)> {
    refuse(limits::check_message_body(body))?;
    message_shape(body, creating, has_files)
}

/// What Discord asks of a message beyond its limits: a body to create one,
/// and something in it.
fn message_shape(body: &Value, creating: bool, has_files: bool) -> Result<(), (u16, Value)> {
    if !body.is_object() {
        return if creating {
            Err(invalid_form("data: This field is required"))
        } else {
            Ok(())
        };
    }
    let empty = |key: &str| {
        body.get(key)
            .and_then(Value::as_array)
            .map_or(true, Vec::is_empty)
    };
    let no_content = body
        .get("content")
        .and_then(Value::as_str)
        .map_or(true, str::is_empty);
    if creating
        && no_content
        && empty("embeds")
        && empty("components")
        && !has_files
        && body.get("poll").is_none()
    {
        return Err(discord_error(400, 50006, "Cannot send an empty message"));
    }
    Ok(())
}

fn chars(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str).map_or(0, |s| s.chars().count())
}

pub(super) fn valid_command_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=32).contains(&n)
        && name
            .chars()
            .all(|c| c == '-' || c == '_' || (c.is_alphanumeric() && !c.is_uppercase()))
}

pub(super) fn validate_options(at: &str, options: &[Value]) -> Result<(), (u16, Value)> {
    if options.len() > 25 {
        return Err(invalid_form(&format!(
            "{at}.options: Must be 25 or fewer in length"
        )));
    }
    let mut names = HashSet::new();
    let mut seen_optional = false;
    for (i, o) in options.iter().enumerate() {
        let here = format!("{at}.options.{i}");
        let name = o.get("name").and_then(Value::as_str).unwrap_or_default();
        if !valid_command_name(name) {
            return Err(invalid_form(&format!(
                "{here}.name: Invalid option name {name:?} (1-32, lowercase, no spaces)"
            )));
        }
        if !names.insert(name.to_owned()) {
            return Err(invalid_form(&format!(
                "{here}.name: duplicated option name {name:?}"
            )));
        }
        let d = chars(o.get("description"));
        if d == 0 || d > 100 {
            return Err(invalid_form(&format!(
                "{here}.description: Must be between 1 and 100 in length"
            )));
        }
        let kind = o.get("type").and_then(Value::as_u64).unwrap_or(0);
        if matches!(kind, 1 | 2) {
            let sub = o
                .get("options")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            validate_options(&here, &sub)?;
        } else {
            let required = o.get("required").and_then(Value::as_bool).unwrap_or(false);
            if required && seen_optional {
                return Err(invalid_form(&format!(
                    "{here}.required: Required options must be placed before non-required options"
                )));
            }
            seen_optional |= !required;
        }
        let choices = o
            .get("choices")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if choices > 25 {
            return Err(invalid_form(&format!(
                "{here}.choices: Must be 25 or fewer in length"
            )));
        }
    }
    Ok(())
}

pub(super) fn validate_commands(items: &[Value]) -> Result<(), (u16, Value)> {
    if items.iter().filter(|c| command_type(c) == 1).count() > 100 {
        return Err(invalid_form(
            "Maximum number of application commands reached (100)",
        ));
    }
    let mut names = HashSet::new();
    for (i, c) in items.iter().enumerate() {
        let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
        let kind = command_type(c);
        if kind == 1 {
            if !valid_command_name(name) {
                return Err(invalid_form(&format!(
                    "{i}.name: Invalid command name {name:?} (1-32, lowercase, no spaces)"
                )));
            }
            let d = chars(c.get("description"));
            if d == 0 || d > 100 {
                return Err(invalid_form(&format!(
                    "{i}.description: Must be between 1 and 100 in length"
                )));
            }
        } else if name.is_empty() || name.chars().count() > 32 {
            return Err(invalid_form(&format!(
                "{i}.name: Must be between 1 and 32 in length"
            )));
        }
        if !names.insert((kind, name.to_owned())) {
            return Err(invalid_form(&format!(
                "{i}.name: Application command names must be unique ({name:?})"
            )));
        }
        let options = c
            .get("options")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        validate_options(&i.to_string(), &options)?;
    }
    Ok(())
}
