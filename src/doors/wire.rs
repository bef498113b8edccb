//! Discord-shaped interaction payloads for a console learner, as Discord
//! would send them: the tests drive the core (and the Discord doors) with
//! them, so what they check is what Discord's JSON really produces. Payloads follow Discord's documented
//! shape (the fields serenity 0.12 requires are all here).

use serde_json::{json, Value};
use serenity::all::Interaction;

/// The console's stand-in application id.
const APPLICATION_ID: &str = "1000000000000000001";
const CHANNEL_ID: &str = "1000000000000000002";

/// A console learner: a stable user id derived from their name, so the same
/// name finds the same progress after a restart.
#[derive(Debug, Clone)]
pub struct ConsoleUser {
    pub id: u64,
    pub name: String,
}

impl ConsoleUser {
    pub fn named(name: &str) -> Self {
        ConsoleUser {
            id: super::console::learner_id(name),
            name: name.to_string(),
        }
    }

    fn json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.name,
            "avatar": null,
        })
    }
}

fn base(user: &ConsoleUser, kind: u8, seq: u64) -> Value {
    json!({
        "id": super::console::fresh_interaction_id().to_string(),
        "application_id": APPLICATION_ID,
        "type": kind,
        "channel_id": CHANNEL_ID,
        "user": user.json(),
        "token": format!("console-{seq}"),
        "version": 1,
        "app_permissions": "0",
        "locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {},
        "context": 1,
        "attachment_size_limit": 8_388_608,
    })
}

/// A slash command (type 2) with its options.
pub fn command(
    user: &ConsoleUser,
    name: &str,
    options: Vec<Value>,
    seq: u64,
) -> Result<Interaction, serde_json::Error> {
    let mut v = base(user, 2, seq);
    v["data"] = json!({ "id": "3000000000000000001", "name": name, "type": 1, "options": options });
    serde_json::from_value(v)
}

/// An autocomplete request (type 4) for the focused option.
pub fn autocomplete(
    user: &ConsoleUser,
    name: &str,
    focused: &Value,
    seq: u64,
) -> Result<Interaction, serde_json::Error> {
    let mut v = base(user, 4, seq);
    v["data"] =
        json!({ "id": "3000000000000000001", "name": name, "type": 1, "options": [focused] });
    serde_json::from_value(v)
}

/// A button click (type 3) on the console's last message.
pub fn component(
    user: &ConsoleUser,
    custom_id: &str,
    seq: u64,
) -> Result<Interaction, serde_json::Error> {
    let mut v = base(user, 3, seq);
    v["data"] = json!({ "custom_id": custom_id, "component_type": 2 });
    v["message"] = json!({
        "id": "4000000000000000001",
        "channel_id": CHANNEL_ID,
        "author": { "id": APPLICATION_ID, "username": "tutorbot", "discriminator": "0", "avatar": null, "bot": true },
        "content": "",
        "timestamp": "2026-01-01T00:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
        "flags": 64,
    });
    serde_json::from_value(v)
}

/// Command options from typed words: `key:value` pairs or values in the
/// order the command declares them; a first word naming a subcommand picks it.
pub fn options_from_words(def: &Value, words: &[&str]) -> Vec<Value> {
    let declared = def["options"].as_array().cloned().unwrap_or_default();
    if let Some(first) = words.first() {
        if let Some(sub) = declared
            .iter()
            .find(|o| o["type"] == 1 && o["name"] == *first)
        {
            return vec![json!({
                "name": sub["name"],
                "type": 1,
                "options": fill(sub["options"].as_array().map(Vec::as_slice).unwrap_or(&[]), &words[1..]),
            })];
        }
    }
    fill(&declared, words)
}

fn fill(declared: &[Value], words: &[&str]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut positional = declared.iter().filter(|o| o["type"] != 1 && o["type"] != 2);
    for word in words {
        // `key:value` when the key is an option's name; otherwise the word
        // is positional (a time such as `07:30` holds a colon too).
        let keyed = word
            .split_once(':')
            .and_then(|(k, v)| Some((declared.iter().find(|o| o["name"] == k)?, v)));
        let (decl, raw) = match keyed {
            Some(found) => found,
            None => match positional.next() {
                Some(d) => (d, *word),
                None => continue,
            },
        };
        let value = match decl["type"].as_u64() {
            Some(4) => match raw.parse::<i64>() {
                Ok(n) => json!(n),
                // Discord's client refuses a non-number; pass it as text so the
                // core's own checks answer it.
                Err(_) => continue,
            },
            Some(10) => match raw.parse::<f64>() {
                Ok(n) => json!(n),
                Err(_) => continue,
            },
            Some(5) => json!(matches!(raw, "true" | "yes" | "1")),
            _ => json!(raw),
        };
        out.push(json!({ "name": decl["name"], "type": decl["type"], "value": value }));
    }
    out
}

/// The first required autocomplete option left out, as a focused option.
pub fn missing_autocomplete(def: &Value, given: &[Value]) -> Option<Value> {
    let declared = def["options"].as_array()?;
    declared
        .iter()
        .find(|o| {
            o["autocomplete"] == true
                && o["required"] == true
                && !given.iter().any(|g| g["name"] == o["name"])
        })
        .map(|o| json!({ "name": o["name"], "type": o["type"], "value": "", "focused": true }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_payload_deserializes_into_the_interaction_discord_would_send() {
        let user = ConsoleUser::named("ada");
        let cmd = command(
            &user,
            "lesson",
            vec![json!({"name": "lesson", "type": 3, "value": "async"})],
            1,
        )
        .unwrap();
        let Interaction::Command(cmd) = cmd else {
            panic!("not a command")
        };
        assert_eq!(cmd.user.id.get(), user.id);
        assert_eq!(cmd.data.name, "lesson");

        let click = component(&user, "chk:1:async:0123abcd", 2).unwrap();
        let Interaction::Component(click) = click else {
            panic!("not a click")
        };
        assert_eq!(click.data.custom_id, "chk:1:async:0123abcd");

        let focused = json!({"name": "lesson", "type": 3, "value": "as", "focused": true});
        let ac = autocomplete(&user, "lesson", &focused, 3).unwrap();
        let Interaction::Autocomplete(ac) = ac else {
            panic!("not autocomplete")
        };
        assert_eq!(ac.data.autocomplete().unwrap().value, "as");
    }

    #[test]
    fn the_same_name_is_always_the_same_learner() {
        assert_eq!(ConsoleUser::named("ada").id, ConsoleUser::named("ada").id);
        assert_ne!(ConsoleUser::named("ada").id, ConsoleUser::named("bob").id);
    }

    #[test]
    fn words_fill_declared_options_and_subcommands() {
        let def = json!({"name": "demo", "options": [
            {"type": 1, "name": "gather", "options": [{"type": 4, "name": "n"}]},
        ]});
        let opts = options_from_words(&def, &["gather", "5"]);
        assert_eq!(opts[0]["name"], "gather");
        assert_eq!(opts[0]["options"][0]["value"], 5);
    }
}
