//! The HTTP door's body, after the signature: serde into serenity's
//! `Interaction`, then everything the core reads from it without a database
//! (options, the focused option, the button id). None of it may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serenity::all::Interaction;
use tutorbot::core::{integer_option, string_option, ButtonId};

fuzz_target!(|data: &[u8]| {
    let Ok(interaction) = serde_json::from_slice::<Interaction>(data) else {
        return;
    };
    let _ = interaction.id();
    match &interaction {
        Interaction::Command(cmd) | Interaction::Autocomplete(cmd) => {
            let _ = cmd.data.options();
            let _ = cmd.data.autocomplete();
            for name in ["lesson", "n", "failures", "max"] {
                let _ = string_option(cmd, name);
                let _ = integer_option(cmd, name);
            }
        }
        Interaction::Component(click) => {
            if let Ok(button) = ButtonId::parse(&click.data.custom_id) {
                assert_eq!(button.encode(), click.data.custom_id);
            }
        }
        _ => {}
    }
    // What parses serializes back (doors log and forward it).
    serde_json::to_vec(&interaction).expect("a parsed interaction serializes");
});
