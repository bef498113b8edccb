//! Every fixture deserializes into serenity's `Interaction` with the expected variant and fields.

use crate::support;

use serde_json::Value;
use serenity::all::{CommandDataOptionValue, ComponentInteractionDataKind, Interaction};
use support::fixtures::*;

const APP: u64 = 900_000_000_000_000_001;
const USER: u64 = 900_000_000_000_000_002;
const GUILD: u64 = 900_000_000_000_000_003;
const CHANNEL: u64 = 900_000_000_000_000_004;
const CMD: u64 = 900_000_000_000_000_005;
const BOT: u64 = 900_000_000_000_000_006;

fn parse(v: Value) -> Interaction {
    let text = serde_json::to_string(&v).unwrap();
    serde_json::from_str::<Interaction>(&text)
        .unwrap_or_else(|e| panic!("fixture does not deserialize: {e}\n{v:#}"))
}

fn in_guild() -> Origin {
    Origin::guild(APP, snowflake(), interaction_token(), USER, GUILD, CHANNEL)
}

fn in_dm() -> Origin {
    Origin::dm(APP, snowflake(), interaction_token(), USER, CHANNEL)
}

#[test]
fn slash_command_in_guild_with_subcommand_and_integer() {
    let o = in_guild();
    let v = slash_command(
        &o,
        CMD,
        "demo",
        vec![opt_subcommand("gather", vec![opt_integer("n", 5)])],
    );
    let Interaction::Command(cmd) = parse(v) else {
        panic!("not a command")
    };
    assert_eq!(cmd.id.get(), o.interaction_id);
    assert_eq!(cmd.token, o.token);
    assert_eq!(cmd.application_id.get(), APP);
    assert_eq!(cmd.guild_id.map(|g| g.get()), Some(GUILD));
    assert_eq!(cmd.channel_id.get(), CHANNEL);
    assert_eq!(cmd.user.id.get(), USER, "user must be filled from member");
    assert_eq!(cmd.member.as_ref().unwrap().guild_id.get(), GUILD);
    assert_eq!(cmd.data.name, "demo");
    assert_eq!(cmd.data.id.get(), CMD);
    let CommandDataOptionValue::SubCommand(sub) = &cmd.data.options[0].value else {
        panic!()
    };
    assert_eq!(cmd.data.options[0].name, "gather");
    assert_eq!(sub[0].name, "n");
    assert_eq!(sub[0].value, CommandDataOptionValue::Integer(5));
}

#[test]
fn slash_command_in_dm_with_string_and_empty_subcommand() {
    let o = in_dm();
    let v = slash_command(
        &o,
        CMD,
        "lesson",
        vec![
            opt_string("topic", "async"),
            opt_bool("fresh", true),
            opt_number("x", 1.5),
        ],
    );
    let Interaction::Command(cmd) = parse(v) else {
        panic!("not a command")
    };
    assert_eq!(cmd.guild_id, None);
    assert!(cmd.member.is_none());
    assert_eq!(cmd.user.id.get(), USER);
    assert_eq!(
        cmd.data.options[0].value,
        CommandDataOptionValue::String("async".into())
    );
    assert_eq!(
        cmd.data.options[1].value,
        CommandDataOptionValue::Boolean(true)
    );
    assert_eq!(
        cmd.data.options[2].value,
        CommandDataOptionValue::Number(1.5)
    );

    let v = slash_command(
        &o.next(),
        CMD,
        "progress",
        vec![opt_subcommand("delete", vec![])],
    );
    let Interaction::Command(cmd) = parse(v) else {
        panic!("not a command")
    };
    assert_eq!(
        cmd.data.options[0].value,
        CommandDataOptionValue::SubCommand(vec![])
    );

    let v = guild_slash_command(&in_guild(), CMD, "progress", vec![]);
    let Interaction::Command(cmd) = parse(v) else {
        panic!("not a command")
    };
    assert_eq!(cmd.data.guild_id.map(|g| g.get()), Some(GUILD));
}

#[test]
fn subcommand_group() {
    let v = slash_command(
        &in_guild(),
        CMD,
        "admin",
        vec![opt_subcommand_group(
            "content",
            vec![opt_subcommand("reload", vec![])],
        )],
    );
    let Interaction::Command(cmd) = parse(v) else {
        panic!("not a command")
    };
    assert!(matches!(
        cmd.data.options[0].value,
        CommandDataOptionValue::SubCommandGroup(_)
    ));
}

#[test]
fn button_click_in_guild_and_dm() {
    for o in [in_guild(), in_dm()] {
        let msg_id = snowflake();
        let message = bot_message(
            APP,
            BOT,
            msg_id,
            o.channel_id,
            o.guild_id,
            "Question 1",
            vec![action_row(vec![
                button("quiz:a", "A", 1),
                button("quiz:b", "B", 2),
            ])],
        );
        assert_eq!(custom_ids(&message), vec!["quiz:a", "quiz:b"]);
        let v = button_click(&o, "quiz:a", message);
        let Interaction::Component(c) = parse(v) else {
            panic!("not a component")
        };
        assert_eq!(c.data.custom_id, "quiz:a");
        assert!(matches!(c.data.kind, ComponentInteractionDataKind::Button));
        assert_eq!(c.message.id.get(), msg_id);
        assert_eq!(c.message.author.id.get(), BOT);
        assert_eq!(c.message.components.len(), 1);
        assert_eq!(c.message.components[0].components.len(), 2);
        assert_eq!(c.user.id.get(), USER);
        assert_eq!(c.guild_id.map(|g| g.get()), o.guild_id);
        assert_eq!(c.token, o.token);
    }
    let o = in_guild();
    let eph = ephemeral_bot_message(APP, BOT, snowflake(), CHANNEL, Some(GUILD), "mine", vec![]);
    let Interaction::Component(c) = parse(button_click(&o, "x", eph)) else {
        panic!()
    };
    assert!(c
        .message
        .flags
        .unwrap()
        .contains(serenity::all::MessageFlags::EPHEMERAL));
}

#[test]
fn select_choice_parses() {
    let o = in_guild();
    let message = bot_message(APP, BOT, snowflake(), CHANNEL, Some(GUILD), "pick", vec![]);
    let Interaction::Component(c) = parse(select_choice(&o, "pick", &["b"], message)) else {
        panic!()
    };
    let ComponentInteractionDataKind::StringSelect { values } = &c.data.kind else {
        panic!()
    };
    assert_eq!(values, &vec!["b".to_string()]);
}

#[test]
fn autocomplete_with_focused_option() {
    let o = in_guild();
    let v = autocomplete(
        &o,
        CMD,
        "lesson",
        vec![opt_focused("topic", OPTION_STRING, "as")],
    );
    let Interaction::Autocomplete(ac) = parse(v) else {
        panic!("not autocomplete")
    };
    let focused = ac.data.autocomplete().expect("focused option");
    assert_eq!(focused.name, "topic");
    assert_eq!(focused.value, "as");

    // Integer option being typed, nested in a sub-command, in a DM.
    let v = autocomplete(
        &in_dm(),
        CMD,
        "demo",
        vec![opt_subcommand(
            "gather",
            vec![opt_focused("n", OPTION_INTEGER, "1")],
        )],
    );
    let Interaction::Autocomplete(ac) = parse(v) else {
        panic!("not autocomplete")
    };
    assert_eq!(ac.data.autocomplete().unwrap().value, "1");
}

#[test]
fn ping_parses() {
    let v = ping(APP, 42, "tok");
    let Interaction::Ping(p) = parse(v) else {
        panic!("not a ping")
    };
    assert_eq!(p.id.get(), 42);
    assert_eq!(p.token, "tok");
}

#[test]
fn modal_submit_parses() {
    let v = modal_submit(&in_guild(), "feedback", &[("text", "great")]);
    let Interaction::Modal(m) = parse(v) else {
        panic!("not a modal")
    };
    assert_eq!(m.data.custom_id, "feedback");
}

#[test]
fn origins_are_distinct() {
    let o = in_guild();
    let n = o.next();
    assert_ne!(o.interaction_id, n.interaction_id);
    assert_ne!(o.token, n.token);
    let other = o.as_user(7);
    assert_eq!(other.user_id, 7);
    assert_eq!(other.guild_id, o.guild_id);
}
