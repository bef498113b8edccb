//! The HTTP door's body, after the signature: serde into serenity's
//! `Interaction`, then the core's parse of it into a typed request (options,
//! bounds, permissions, the focused option, the button id), which reads
//! everything the core reads without a database. None of it may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serenity::all::Interaction;
use tutorbot::core::{Bounds, ButtonId, Request};

fuzz_target!(|data: &[u8]| {
    let Ok(interaction) = serde_json::from_slice::<Interaction>(data) else {
        return;
    };
    let _ = interaction.id();
    let _ = Request::parse(&interaction, Bounds { demo_max_n: 50 });
    match &interaction {
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
