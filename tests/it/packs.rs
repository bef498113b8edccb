//! Server lesson packs, end to end: a teacher uploads a lesson through the
//! HTTP door with the attachment served by the fake Discord's CDN, sees the
//! preview, publishes; learners in that server take the lesson, learners
//! in another server never see it; a second instance on the same database
//! serves each new version without a restart; and every hostile upload is
//! refused with a clear answer and nothing stored.

use crate::http_door::Door;
use crate::support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use sqlx::PgPool;
use support::fake_discord::{FakeDiscord, RecordedCall};
use support::fixtures::*;
use tutorbot::content::one_file::starter;
use tutorbot::core::packs::Packs;
use tutorbot::core::Core;
use tutorbot::doors::server::ServeLimits;
use tutorbot::settings::PackSettings;

const GUILD: u64 = 1_400_000_000_000_000_001;
const OTHER_GUILD: u64 = 1_400_000_000_000_000_009;
const CHANNEL: u64 = 1_400_000_000_000_000_002;
const COMMAND_ID: u64 = 1_400_000_000_000_000_004;
const TEACHER: u64 = 1_400_000_000_000_000_100;
/// Discord's permission bit for Manage Server, as the decimal string it sends.
const MANAGE_GUILD: &str = "32";

/// Packs that fetch from the fake's loopback CDN; the periodic check is an
/// hour away, so only LISTEN/NOTIFY (or the instance's own publish) can
/// tell an instance about a change.
fn packs() -> Arc<Packs> {
    Packs::new(PackSettings {
        attachment_hosts: vec!["127.0.0.1".into()],
        check_every: Duration::from_secs(3600),
        ..PackSettings::default()
    })
}

fn core_with_packs(pool: &PgPool) -> (Core, Arc<Packs>) {
    let packs = packs();
    (support::core(pool.clone()).with_packs(packs.clone()), packs)
}

async fn door(pool: &PgPool) -> Door {
    let (core, _) = core_with_packs(pool);
    Door::start_limited(core, pool.clone(), ServeLimits::default(), |_| {}).await
}

/// Posts, signed, and returns the callback the fake recorded.
async fn deliver(door: &Door, payload: &Value) -> RecordedCall {
    let url = format!("{}/interactions", door.base);
    let answer = door.fake.post_interaction(&url, payload).await;
    assert_eq!(answer.status, 200, "{}: {}", answer.text, payload["data"]);
    let id: u64 = payload["id"].as_str().unwrap().parse().unwrap();
    let call = door.fake.wait_interaction_callback(id).await;
    assert!(
        call.succeeded(),
        "Discord would refuse this: {}",
        call.response
    );
    support::assert_mentions_none(&call.body);
    call
}

fn origin(fake: &FakeDiscord, user: u64, guild: u64) -> Origin {
    Origin::guild(
        fake.application_id(),
        snowflake(),
        interaction_token(),
        user,
        guild,
        CHANNEL,
    )
}

/// `/author <sub> ...` by `user` in `guild`, with these permissions.
fn author(o: &Origin, sub: &str, options: Vec<Value>, permissions: &str) -> Value {
    let mut v = slash_command(o, COMMAND_ID, "author", vec![opt_subcommand(sub, options)]);
    set_member(&mut v, permissions, &[]);
    v
}

/// `/author upload` of an attachment at `url`, declared `size` bytes.
fn upload(o: &Origin, filename: &str, size: u64, url: &str, permissions: &str) -> Value {
    let attachment = snowflake();
    let mut v = author(
        o,
        "upload",
        vec![opt_attachment("file", attachment)],
        permissions,
    );
    resolve_attachment(&mut v, attachment, filename, size, url);
    v
}

/// A teacher's upload of `bytes` named `filename`, delivered; the deferral
/// and the edit that follows it (the preview, or what is wrong).
async fn upload_file(door: &Door, filename: &str, bytes: Vec<u8>) -> (Origin, Value) {
    let size = bytes.len() as u64;
    let url = door.fake.host_attachment(filename, bytes);
    let o = origin(&door.fake, TEACHER, GUILD);
    let call = deliver(door, &upload(&o, filename, size, &url, MANAGE_GUILD)).await;
    assert_eq!(call.callback_type(), Some(5), "{}", call.body);
    assert!(call.is_ephemeral());
    let edit = door.fake.wait_original_edit(&o.token).await;
    assert!(edit.succeeded(), "{}", edit.response);
    assert_eq!(edit.body["allowed_mentions"]["parse"], json!([]));
    (o, edit.body)
}

/// The custom ids of a message's buttons.
fn button_ids(message: &Value) -> Vec<String> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

/// Presses the preview's Publish (or Cancel) on the teacher's message.
async fn press(door: &Door, preview: &Origin, prefix: &str) -> RecordedCall {
    let message = door
        .fake
        .original_message(&preview.token)
        .expect("the preview");
    press_on(door, preview, message, prefix).await
}

/// Presses a button of `message`, a preview as it was drawn (a copy may
/// be pressed again after it changed).
async fn press_on(door: &Door, preview: &Origin, message: Value, prefix: &str) -> RecordedCall {
    let id = button_ids(&message)
        .into_iter()
        .find(|id| id.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} button in {message}"));
    let o = preview.next();
    let mut click = button_click(&o, &id, message);
    set_member(&mut click, MANAGE_GUILD, &[]);
    deliver(door, &click).await
}

/// A learner's `/lesson id` in `guild`.
async fn open_lesson(door: &Door, learner: u64, guild: u64, id: &str) -> RecordedCall {
    let o = origin(&door.fake, learner, guild);
    deliver(
        door,
        &slash_command(&o, COMMAND_ID, "lesson", vec![opt_string("lesson", id)]),
    )
    .await
}

/// A one-file lesson `id` titled `title`, whose first section is titled
/// `title` too and holds an `@everyone`.
fn lesson_text(id: &str, title: &str) -> String {
    starter(id)
        .replace(
            "title = \"A title learners pick from a list\"",
            &format!("title = \"{title}\""),
        )
        .replace(
            "## Overview {#overview}",
            &format!("## {title} {{#overview}}"),
        )
        .replace(
            "**In one line:**",
            "@everyone and <@&1> read this. **In one line:**",
        )
}

async fn stored_rows(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM pack_uploads) + (SELECT count(*) FROM lesson_pack_versions)
              + (SELECT count(*) FROM lesson_packs)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn a_teacher_uploads_previews_and_publishes_and_only_that_server_sees_the_lesson(
    pool: PgPool,
) {
    let door = door(&pool).await;
    let text = lesson_text("class-intro", "Welcome to our class");
    let (preview, edit) = upload_file(&door, "class-intro.md", text.into_bytes()).await;

    // The preview: the first page as a learner will see it, Publish, Cancel.
    assert_eq!(edit["embeds"][0]["title"], "Welcome to our class");
    let page = edit["embeds"][0]["description"].as_str().unwrap();
    assert!(page.contains("@everyone"), "{page}");
    assert!(edit["embeds"][1]["description"]
        .as_str()
        .unwrap()
        .contains("`class-intro` version 1"));
    let ids = button_ids(&edit);
    assert_eq!(ids.len(), 2, "{ids:?}");
    // Stored as a draft only: no learner sees it yet.
    let learner = snowflake();
    let before = open_lesson(&door, learner, GUILD, "class-intro").await;
    assert!(
        before.message()["content"]
            .as_str()
            .unwrap_or_default()
            .contains("class-intro"),
        "{}",
        before.body
    );
    assert!(no_embeds(before.message()));

    let published = press(&door, &preview, "author:publish:").await;
    assert_eq!(published.callback_type(), Some(7));
    let said = published.message()["content"].as_str().unwrap();
    assert!(said.contains("Published `class-intro` (1)"), "{said}");
    assert_eq!(button_ids(published.message()), Vec::<String>::new());

    // A learner in that server takes it: every answer pings no one.
    let lesson = open_lesson(&door, learner, GUILD, "class-intro").await;
    assert_eq!(lesson.callback_type(), Some(4));
    assert_eq!(
        lesson.message()["embeds"][0]["title"],
        "Welcome to our class"
    );
    assert!(lesson.message()["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .contains("@everyone"));
    assert_eq!(lesson.message()["allowed_mentions"]["parse"], json!([]));
    // ... finds it in autocomplete and /help, next to the built-in ones.
    let o = origin(&door.fake, learner, GUILD);
    let ac = deliver(
        &door,
        &autocomplete(
            &o,
            COMMAND_ID,
            "lesson",
            vec![opt_focused("lesson", OPTION_STRING, "class")],
        ),
    )
    .await;
    assert_eq!(ac.body["data"]["choices"][0]["value"], "class-intro");
    let help = deliver(&door, &slash_command(&o.next(), COMMAND_ID, "help", vec![])).await;
    let listed = help.message()["embeds"][0]["description"].as_str().unwrap();
    assert!(
        listed.contains("class-intro") && listed.contains("async"),
        "{listed}"
    );

    // A learner in another server never sees it.
    let elsewhere = open_lesson(&door, learner, OTHER_GUILD, "class-intro").await;
    assert!(no_embeds(elsewhere.message()));
    let o = origin(&door.fake, learner, OTHER_GUILD);
    let ac = deliver(
        &door,
        &autocomplete(
            &o,
            COMMAND_ID,
            "lesson",
            vec![opt_focused("lesson", OPTION_STRING, "class")],
        ),
    )
    .await;
    assert_eq!(ac.body["data"]["choices"], json!([]));
    let help = deliver(&door, &slash_command(&o.next(), COMMAND_ID, "help", vec![])).await;
    let listed = help.message()["embeds"][0]["description"].as_str().unwrap();
    assert!(!listed.contains("class-intro"), "{listed}");
}

/// Whether a message has no embeds (a refusal is a line of text).
fn no_embeds(message: &Value) -> bool {
    message["embeds"].as_array().map_or(true, Vec::is_empty)
}

/// A zip of `(name, bytes)` entries; `deflated` compresses them.
fn zip_of(entries: &[(&str, &[u8])], deflated: bool) -> Vec<u8> {
    use std::io::Write;
    let method = if deflated {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The edit after an upload, as text: what the teacher reads.
fn said(edit: &Value) -> String {
    edit["content"].as_str().unwrap_or_default().to_string()
}

#[sqlx::test]
async fn hostile_uploads_are_each_refused_with_a_clear_answer_and_nothing_stored(pool: PgPool) {
    let door = door(&pool).await;
    let fine = starter("fine").into_bytes();

    // Refused at once, before any download: no permission, another host,
    // 100 MB declared.
    let url = door.fake.host_attachment("fine.md", fine.clone());
    let o = origin(&door.fake, snowflake(), GUILD);
    let call = deliver(&door, &upload(&o, "fine.md", 100, &url, "0")).await;
    assert_eq!(call.callback_type(), Some(4));
    assert!(call.is_ephemeral());
    let text = call.message()["content"].as_str().unwrap();
    assert!(text.contains("Manage Server"), "{text}");
    assert_eq!(door.fake.attachment_bytes_sent(&url), 0);

    let o = origin(&door.fake, TEACHER, GUILD);
    let call = deliver(
        &door,
        &upload(
            &o,
            "fine.md",
            100,
            "https://evil.example/fine.md",
            MANAGE_GUILD,
        ),
    )
    .await;
    let text = call.message()["content"].as_str().unwrap();
    assert!(text.contains("`evil.example`"), "{text}");

    let call = deliver(
        &door,
        &upload(&o.next(), "big.md", 100 * 1024 * 1024, &url, MANAGE_GUILD),
    )
    .await;
    let text = call.message()["content"].as_str().unwrap();
    assert!(text.contains("104857600 bytes"), "{text}");
    assert_eq!(door.fake.attachment_bytes_sent(&url), 0);

    // 100 MB streamed under a small declared size: the download stops at
    // the cap.
    let endless = door
        .fake
        .host_streamed_attachment("endless.md", 100 * 1024 * 1024, b'a');
    let o = origin(&door.fake, TEACHER, GUILD);
    let call = deliver(
        &door,
        &upload(&o, "endless.md", 1000, &endless, MANAGE_GUILD),
    )
    .await;
    assert_eq!(call.callback_type(), Some(5));
    let edit = door.fake.wait_original_edit(&o.token).await;
    assert!(
        said(&edit.body).contains("at most 1048576 bytes"),
        "{}",
        edit.body
    );
    let sent = door.fake.attachment_bytes_sent(&endless);
    assert!(sent < 20 * 1024 * 1024, "{sent} bytes were sent");

    // Checked uploads, each refused naming the file (and line).
    let mut latin = starter("latin").into_bytes();
    latin.insert(40, 0xE9);
    let many: String = (0..10_000)
        .map(|i| format!("## Part {i} {{#part-{i}}}\n\nText.\n\n"))
        .collect();
    let many = starter("many").replacen("## Overview", &format!("{many}## Overview"), 1);
    let symlink = {
        use std::io::Write;
        let options = zip::write::SimpleFileOptions::default();
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file("fine.md", options).unwrap();
        w.write_all(&fine).unwrap();
        w.add_symlink("secret.md", "/etc/shadow", options).unwrap();
        w.finish().unwrap().into_inner()
    };
    let bomb = zip_of(&[("bomb.md", &vec![b'a'; 50 * 1024 * 1024])], true);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bomb.zip", bomb, "bomb.md:1: unpacks to 52428800 bytes"),
        (
            "escape.zip",
            zip_of(&[("../escape.md", &fine)], false),
            "../escape.md:1: leads outside the pack",
        ),
        (
            "absolute.zip",
            zip_of(&[("/etc/cron.d/x.md", &fine)], false),
            "/etc/cron.d/x.md:1: is an absolute path",
        ),
        ("link.zip", symlink, "secret.md:1: is a symbolic link"),
        ("latin.md", latin, "latin.md:2: is not UTF-8 text"),
        (
            "many.md",
            many.into_bytes(),
            "a lesson has 1 to 15 sections",
        ),
        ("async.md", starter("async").into_bytes(), "built-in lesson"),
    ];
    for (filename, bytes, expected) in cases {
        let (_, edit) = upload_file(&door, filename, bytes).await;
        let text = said(&edit);
        assert!(
            text.contains(&format!("**{filename}** was not stored")),
            "{filename}: {text}"
        );
        assert!(text.contains(expected), "{filename}: {text}");
        assert_eq!(button_ids(&edit), Vec::<String>::new(), "{filename}");
    }
    assert_eq!(stored_rows(&pool).await, 0);
}

#[sqlx::test]
async fn a_second_instance_serves_each_new_version_without_a_restart(pool: PgPool) {
    let door = door(&pool).await;
    // Instance B: its own core and packs on the same database, listening.
    let (b, b_packs) = core_with_packs(&pool);
    b_packs.start(b.store.clone()).await;
    let learner = snowflake();
    let lesson = || {
        let o = origin(&door.fake, learner, GUILD);
        let v = slash_command(
            &o,
            COMMAND_ID,
            "lesson",
            vec![opt_string("lesson", "shared-lesson")],
        );
        serde_json::from_value::<serenity::all::Interaction>(v).expect("an interaction")
    };

    let (_, b_answer) = support::ask(&b, &lesson()).await;
    assert!(b_answer["data"]["embeds"]
        .as_array()
        .map_or(true, Vec::is_empty));

    for (version, title) in [(1, "First draft"), (2, "Second draft")] {
        let text = lesson_text("shared-lesson", title);
        let (preview, _) = upload_file(&door, "shared-lesson.md", text.into_bytes()).await;
        press(&door, &preview, "author:publish:").await;
        // B learns of it by NOTIFY (its periodic check is an hour away).
        tokio::time::timeout(Duration::from_secs(10), b_packs.wait_for(GUILD, version))
            .await
            .expect("the second instance was told of the publish");
        let (_, b_answer) = support::ask(&b, &lesson()).await;
        assert_eq!(b_answer["data"]["embeds"][0]["title"], title, "{b_answer}");
    }

    // An instance that missed the notifications catches up by its check.
    let (c, c_packs) = core_with_packs(&pool);
    let (_, c_answer) = support::ask(&c, &lesson()).await;
    assert!(c_answer["data"]["embeds"]
        .as_array()
        .map_or(true, Vec::is_empty));
    c_packs.check(&c.store).await.unwrap();
    let (_, c_answer) = support::ask(&c, &lesson()).await;
    assert_eq!(c_answer["data"]["embeds"][0]["title"], "Second draft");
}

#[sqlx::test]
async fn teachers_list_roll_back_remove_export_and_name_an_author_role(pool: PgPool) {
    let door = door(&pool).await;
    let learner = snowflake();
    for title in ["Version one", "Version two"] {
        let text = lesson_text("course", title);
        let (preview, _) = upload_file(&door, "course.md", text.into_bytes()).await;
        press(&door, &preview, "author:publish:").await;
    }
    let teacher = |door: &Door| origin(&door.fake, TEACHER, GUILD);

    // History: both versions, the second served.
    let o = teacher(&door);
    let history = deliver(
        &door,
        &author(
            &o,
            "history",
            vec![opt_string("lesson", "course")],
            MANAGE_GUILD,
        ),
    )
    .await;
    let lines = history.message()["embeds"][0]["description"]
        .as_str()
        .unwrap();
    assert!(lines.starts_with("**2**: Version two"), "{lines}");
    assert!(
        lines.contains("served now") && lines.contains("**1**: Version one"),
        "{lines}"
    );

    // Rollback to 1: learners see version one again.
    let rollback = deliver(
        &door,
        &author(
            &o.next(),
            "rollback",
            vec![opt_string("lesson", "course"), opt_integer("version", 1)],
            MANAGE_GUILD,
        ),
    )
    .await;
    assert!(rollback.message()["content"]
        .as_str()
        .unwrap()
        .contains("version 1 again"));
    let lesson = open_lesson(&door, learner, GUILD, "course").await;
    assert_eq!(lesson.message()["embeds"][0]["title"], "Version one");
    let missing = deliver(
        &door,
        &author(
            &o.next(),
            "rollback",
            vec![opt_string("lesson", "course"), opt_integer("version", 7)],
            MANAGE_GUILD,
        ),
    )
    .await;
    assert!(missing.message()["content"]
        .as_str()
        .unwrap()
        .contains("no published version 7"));

    // List, then export: the source back as a file.
    let list = deliver(&door, &author(&o.next(), "list", vec![], MANAGE_GUILD)).await;
    let lines = list.message()["embeds"][0]["description"].as_str().unwrap();
    assert!(
        lines.starts_with("`course` version 1: Version one"),
        "{lines}"
    );
    let e = o.next();
    let export = deliver(
        &door,
        &author(
            &e,
            "export",
            vec![opt_string("lesson", "course")],
            MANAGE_GUILD,
        ),
    )
    .await;
    assert_eq!(export.callback_type(), Some(5));
    let file = door.fake.wait_original_edit(&e.token).await;
    assert_eq!(file.attachments.len(), 1, "{}", file.body);
    assert_eq!(file.attachments[0].filename, "course.md");
    assert_eq!(
        file.attachments[0].data,
        lesson_text("course", "Version one").into_bytes()
    );

    // A member with the author role may author; without it, not.
    const ROLE: u64 = 1_400_000_000_000_000_777;
    let helper = snowflake();
    let h = origin(&door.fake, helper, GUILD);
    let refused = deliver(&door, &author(&h, "list", vec![], "0")).await;
    assert!(refused.message()["content"]
        .as_str()
        .unwrap()
        .contains("Manage Server"));
    let mut naming = author(&h.next(), "role", vec![opt_role("role", ROLE)], "0");
    resolve_role(&mut naming, ROLE, "teachers");
    let refused = deliver(&door, &naming).await;
    assert!(refused.message()["content"]
        .as_str()
        .unwrap()
        .contains("Only members with Manage Server may choose"));
    let mut naming = author(
        &o.next(),
        "role",
        vec![opt_role("role", ROLE)],
        MANAGE_GUILD,
    );
    resolve_role(&mut naming, ROLE, "teachers");
    let named = deliver(&door, &naming).await;
    assert!(named.message()["content"]
        .as_str()
        .unwrap()
        .contains(&format!("<@&{ROLE}>")));
    let mut listing = author(&h.next(), "list", vec![], "0");
    set_member(&mut listing, "0", &[ROLE]);
    let allowed = deliver(&door, &listing).await;
    assert!(allowed.message()["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .contains("`course`"));

    // Remove: learners no longer find it; its versions are kept.
    let removed = deliver(
        &door,
        &author(
            &o.next(),
            "remove",
            vec![opt_string("lesson", "course")],
            MANAGE_GUILD,
        ),
    )
    .await;
    assert!(removed.message()["content"]
        .as_str()
        .unwrap()
        .contains("no longer served"));
    let lesson = open_lesson(&door, learner, GUILD, "course").await;
    assert!(no_embeds(lesson.message()));
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM lesson_pack_versions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(versions, 2);
}

#[sqlx::test]
async fn cancel_stores_nothing_and_a_second_publish_changes_nothing(pool: PgPool) {
    let door = door(&pool).await;
    let (preview, _) = upload_file(&door, "gone.md", starter("gone").into_bytes()).await;
    let drawn = door.fake.original_message(&preview.token).unwrap();
    let cancelled = press(&door, &preview, "author:cancel:").await;
    assert!(cancelled.message()["content"]
        .as_str()
        .unwrap()
        .contains("nothing was published"));
    assert_eq!(stored_rows(&pool).await, 0);
    // Publish on a copy of the cancelled preview: gone, nothing served.
    let late = press_on(&door, &preview, drawn, "author:publish:").await;
    assert!(late.message()["content"]
        .as_str()
        .unwrap()
        .contains("This upload is gone"));
    assert_eq!(stored_rows(&pool).await, 0);

    let (preview, _) = upload_file(&door, "twice.md", starter("twice").into_bytes()).await;
    let drawn = door.fake.original_message(&preview.token).unwrap();
    let first = press(&door, &preview, "author:publish:").await;
    assert!(first.message()["content"]
        .as_str()
        .unwrap()
        .contains("Published"));
    let generation = || async {
        sqlx::query_scalar::<_, i64>("SELECT generation FROM pack_guilds")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let before = generation().await;
    // Publish pressed again on a copy of the preview (a second tab, a
    // click that reached another instance): nothing changes.
    let again = press_on(&door, &preview, drawn, "author:publish:").await;
    assert!(again.message()["content"]
        .as_str()
        .unwrap()
        .contains("Already published"));
    assert_eq!(generation().await, before);
}

#[sqlx::test]
async fn a_learners_ticks_in_a_server_lesson_survive_a_new_version_with_the_same_ids(pool: PgPool) {
    let door = door(&pool).await;
    let (preview, _) = upload_file(
        &door,
        "kept.md",
        lesson_text("kept", "First words").into_bytes(),
    )
    .await;
    press(&door, &preview, "author:publish:").await;

    // A learner opens the lesson, its checklist, and ticks the first objective.
    let learner = snowflake();
    let o = origin(&door.fake, learner, GUILD);
    let open = slash_command(&o, COMMAND_ID, "lesson", vec![opt_string("lesson", "kept")]);
    let call = deliver(&door, &open).await;
    let chk = support::id_with_prefix(call.message(), "chk:").remove(0);
    let o2 = o.next();
    let shown = door.fake.original_message(&o.token).unwrap();
    let call = deliver(&door, &button_click(&o2, &chk, shown)).await;
    let tick = support::id_with_prefix(call.message(), "tick:").remove(0);
    let o3 = o2.next();
    let shown = door.fake.original_message(&o2.token).unwrap();
    deliver(&door, &button_click(&o3, &tick, shown)).await;
    assert_eq!(
        support::marks(&pool, learner).await,
        std::collections::BTreeMap::from([("say-what".to_string(), true)])
    );

    // Version 2: new words, the same objective ids.
    let (preview, _) = upload_file(
        &door,
        "kept.md",
        lesson_text("kept", "Better words").into_bytes(),
    )
    .await;
    press(&door, &preview, "author:publish:").await;

    let o = origin(&door.fake, learner, GUILD);
    let open = slash_command(&o, COMMAND_ID, "lesson", vec![opt_string("lesson", "kept")]);
    let call = deliver(&door, &open).await;
    assert_eq!(call.message()["embeds"][0]["title"], "Better words");
    let chk = support::id_with_prefix(call.message(), "chk:").remove(0);
    let shown = door.fake.original_message(&o.token).unwrap();
    let call = deliver(&door, &button_click(&o.next(), &chk, shown)).await;
    let ticks = support::id_with_prefix(call.message(), "tick:");
    // The first objective is ticked (its button unticks), the second not.
    assert!(
        ticks[0].ends_with(":0") && ticks[1].ends_with(":1"),
        "{ticks:?}"
    );
}

#[sqlx::test]
async fn a_server_may_serve_only_so_many_lessons_and_bytes(pool: PgPool) {
    let small = Packs::new(PackSettings {
        attachment_hosts: vec!["127.0.0.1".into()],
        check_every: Duration::from_secs(3600),
        limits: tutorbot::content::pack::PackLimits {
            lessons_max: 1,
            // The starter with its exercise is about 3,900 bytes.
            server_max: 5000,
            ..Default::default()
        },
        ..PackSettings::default()
    });
    let core = support::core(pool.clone()).with_packs(small);
    let door = Door::start_limited(core, pool.clone(), ServeLimits::default(), |_| {}).await;
    let (preview, _) = upload_file(&door, "one.md", starter("one").into_bytes()).await;
    press(&door, &preview, "author:publish:").await;

    // A second lesson: over PACK_LESSONS_MAX.
    let (preview, _) = upload_file(&door, "two.md", starter("two").into_bytes()).await;
    let refused = press(&door, &preview, "author:publish:").await;
    let text = refused.message()["content"].as_str().unwrap();
    assert!(
        text.contains("2 lessons of its own; it may have 1"),
        "{text}"
    );

    // A new version of the first, too big: over PACK_SERVER_MAX_BYTES.
    let big = starter("one").replace(
        "Give the learner",
        &format!("{} Give the learner", "y".repeat(2000)),
    );
    let (preview, _) = upload_file(&door, "one.md", big.into_bytes()).await;
    let refused = press(&door, &preview, "author:publish:").await;
    let text = refused.message()["content"].as_str().unwrap();
    assert!(text.contains("it may have 5000"), "{text}");
    let served: Vec<i32> = sqlx::query_scalar("SELECT version FROM lesson_packs")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(served, vec![1]);
}

/// #15: a one-file lesson carries exercises. Uploaded with the lab on, its
/// reference solution is run in the sandbox before the preview; published,
/// its exercises are served by `/exercise` in that server only, and a
/// learner's answer is run and graded there.
#[sqlx::test]
async fn an_uploaded_lesson_with_exercises_serves_them_in_that_server_only(pool: PgPool) {
    let Some(sandbox) = crate::lab::sandbox().await else {
        return;
    };
    let lab = tutorbot::lab::LabHandle::fixed(tutorbot::lab::LabStatus::On(
        tutorbot::lab::LabQueue::new(sandbox, 2, 8),
    ));
    let (core, _) = core_with_packs(&pool);
    let door = Door::start_limited(
        core.with_lab(lab),
        pool.clone(),
        ServeLimits::default(),
        |_| {},
    )
    .await;
    let text = lesson_text("class-drill", "Practice with numbers");
    assert!(
        text.contains("```toml exercises"),
        "the starter has exercises"
    );
    let (preview, edit) = upload_file(&door, "class-drill.md", text.into_bytes()).await;
    assert_eq!(
        edit["embeds"][0]["title"], "Practice with numbers",
        "the solution passed in the lab: the preview, not problems: {edit}"
    );
    press(&door, &preview, "author:publish:").await;

    // A learner in that server: the list, then an answer run and graded.
    let learner = snowflake();
    let o = origin(&door.fake, learner, GUILD);
    let list = deliver(
        &door,
        &slash_command(
            &o,
            COMMAND_ID,
            "exercise",
            vec![opt_string("lesson", "class-drill")],
        ),
    )
    .await;
    assert!(
        support::text(&list.body).contains("Double a number"),
        "{}",
        list.body
    );
    let open = support::button(&list.body, "Double a number");
    let tutorbot::core::Action::ExerciseOpen { version, .. } =
        tutorbot::core::ButtonId::parse(&open).unwrap().action
    else {
        panic!("not an exercise's button: {open}")
    };
    let form = tutorbot::core::ButtonId::new(
        learner,
        tutorbot::core::Action::ExerciseSubmit {
            lesson: "class-drill".into(),
            version,
            exercise: "double".into(),
            predicted: None,
        },
    )
    .encode();
    let submit = o.next();
    let answer = "def double(x):\n    return x + x\n";
    let deferral = deliver(&door, &modal_submit(&submit, &form, &[("code", answer)])).await;
    assert_eq!(deferral.callback_type(), Some(5), "{}", deferral.body);
    let verdict = door
        .fake
        .wait_for_call(|c| {
            c.is_original_edit(&submit.token) && c.body["embeds"][0]["title"].is_string()
        })
        .await;
    let said = support::text(&verdict.body);
    assert!(said.contains("Passed: Double a number"), "{said}");
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM exercise_attempts WHERE lesson_id = 'class-drill' AND passed",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored, 1);

    // In another server there is no such lesson.
    let elsewhere = origin(&door.fake, snowflake(), OTHER_GUILD);
    let refused = deliver(
        &door,
        &slash_command(
            &elsewhere,
            COMMAND_ID,
            "exercise",
            vec![opt_string("lesson", "class-drill")],
        ),
    )
    .await;
    let said = support::text(&refused.body);
    assert!(said.contains("no lesson called `class-drill`"), "{said}");
}

/// With the lab on, an uploaded exercise whose reference solution fails
/// its own checks is named as `file:line` (its `id`), and nothing is stored.
#[sqlx::test]
async fn an_uploaded_exercise_whose_solution_fails_in_the_lab_is_refused_with_its_line(
    pool: PgPool,
) {
    let Some(sandbox) = crate::lab::sandbox().await else {
        return;
    };
    let lab = tutorbot::lab::LabHandle::fixed(tutorbot::lab::LabStatus::On(
        tutorbot::lab::LabQueue::new(sandbox, 2, 8),
    ));
    let (core, _) = core_with_packs(&pool);
    let door = Door::start_limited(
        core.with_lab(lab),
        pool.clone(),
        ServeLimits::default(),
        |_| {},
    )
    .await;
    let text =
        lesson_text("class-bad", "A broken drill").replace("    return 2 * x", "    return x + 1");
    let line = text
        .lines()
        .position(|l| l.starts_with("id = \"double\""))
        .unwrap()
        + 1;
    let (_, edit) = upload_file(&door, "class-bad.md", text.into_bytes()).await;
    let said = edit["content"].as_str().unwrap_or_default();
    assert!(
        said.contains(&format!(
            "class-bad.md:{line}: exercise `double`: the solution does not pass its own checks in the lab: the checks said: double(3) returned 4; expected 6"
        )),
        "{edit}"
    );
    assert!(button_ids(&edit).is_empty(), "no Publish: {edit}");
    assert_eq!(stored_rows(&pool).await, 0, "nothing stored");
}

// ── Progress scoped to each server's lessons (#15) ──

/// `lesson_text`, with the quiz's question asked as `prompt`.
fn server_lesson(id: &str, title: &str, prompt: &str) -> String {
    lesson_text(id, title).replace("What does this lesson teach?", prompt)
}

/// Uploads `text` as `filename` in `guild` and presses Publish.
async fn publish_in(door: &Door, guild: u64, filename: &str, text: String) {
    let bytes = text.into_bytes();
    let size = bytes.len() as u64;
    let url = door.fake.host_attachment(filename, bytes);
    let o = origin(&door.fake, TEACHER, guild);
    let call = deliver(door, &upload(&o, filename, size, &url, MANAGE_GUILD)).await;
    assert_eq!(call.callback_type(), Some(5), "{}", call.body);
    let edit = door.fake.wait_original_edit(&o.token).await;
    assert!(edit.succeeded(), "{}", edit.response);
    let published = press(door, &o, "author:publish:").await;
    let said = published.message()["content"].as_str().unwrap_or_default();
    assert!(said.contains("Published"), "{said}");
}

/// A learner's command in `guild`, or in a DM with the bot when `None`.
async fn command(
    door: &Door,
    learner: u64,
    guild: Option<u64>,
    name: &str,
    options: Vec<Value>,
) -> (Origin, RecordedCall) {
    let o = match guild {
        Some(guild) => origin(&door.fake, learner, guild),
        None => Origin::dm(
            door.fake.application_id(),
            snowflake(),
            interaction_token(),
            learner,
            CHANNEL,
        ),
    };
    let call = deliver(door, &slash_command(&o, COMMAND_ID, name, options)).await;
    (o, call)
}

/// Clicks the first button of the message `o` answered with whose id
/// starts with `prefix`; the click's origin and answer.
async fn click_first(door: &Door, o: &Origin, prefix: &str) -> (Origin, RecordedCall) {
    let shown = door.fake.original_message(&o.token).expect("a message");
    let id = button_ids(&shown)
        .into_iter()
        .find(|id| id.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} button in {shown}"));
    let next = o.next();
    let call = deliver(door, &button_click(&next, &id, shown)).await;
    (next, call)
}

/// The learner's checklist of `lesson` in `guild`: the lesson's title and
/// its tick buttons' ids (one ending in `:0` unticks a ticked objective).
async fn checklist(door: &Door, learner: u64, guild: u64, lesson: &str) -> (String, Vec<String>) {
    let (o, call) = command(
        door,
        learner,
        Some(guild),
        "lesson",
        vec![opt_string("lesson", lesson)],
    )
    .await;
    let title = call.message()["embeds"][0]["title"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (_, call) = click_first(door, &o, "chk:").await;
    (title, support::id_with_prefix(call.message(), "tick:"))
}

/// The learner ticks the first objective of `lesson` in `guild`.
async fn tick_first(door: &Door, learner: u64, guild: u64, lesson: &str) {
    let (o, _) = command(
        door,
        learner,
        Some(guild),
        "lesson",
        vec![opt_string("lesson", lesson)],
    )
    .await;
    let (o, _) = click_first(door, &o, "chk:").await;
    let (_, call) = click_first(door, &o, "tick:").await;
    let ticks = support::id_with_prefix(call.message(), "tick:");
    assert!(ticks[0].ends_with(":0"), "{ticks:?}");
}

/// The learner starts the quiz of `lesson` in `guild` and picks the first
/// choice shown; the question's text, as shown.
async fn answer_quiz(door: &Door, learner: u64, guild: u64, lesson: &str) -> String {
    let (o, call) = command(
        door,
        learner,
        Some(guild),
        "quiz",
        vec![opt_string("lesson", lesson)],
    )
    .await;
    let asked = embed_text(call.message());
    let (_, answered) = click_first(door, &o, "qa:").await;
    // The feedback, in place of the question.
    assert_eq!(answered.callback_type(), Some(7), "{}", answered.body);
    asked
}

/// A message's content and embed descriptions, as one text.
fn embed_text(message: &Value) -> String {
    let mut out = message["content"].as_str().unwrap_or_default().to_string();
    for e in message["embeds"].as_array().into_iter().flatten() {
        out.push('\n');
        out.push_str(e["title"].as_str().unwrap_or_default());
        out.push('\n');
        out.push_str(e["description"].as_str().unwrap_or_default());
    }
    out
}

/// The scopes of a learner's rows in a progress table.
async fn scopes(pool: &PgPool, table: &str, learner: u64) -> Vec<i64> {
    sqlx::query_scalar(&format!(
        "SELECT DISTINCT scope FROM {table} WHERE learner_id = $1 ORDER BY scope"
    ))
    .bind(learner as i64)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn two_servers_lessons_of_one_id_keep_a_learners_progress_apart(pool: PgPool) {
    let door = door(&pool).await;
    let (a, b) = (GUILD, OTHER_GUILD);
    publish_in(
        &door,
        a,
        "intro.md",
        server_lesson("intro", "Intro at A", "Asked in A?"),
    )
    .await;
    publish_in(
        &door,
        b,
        "intro.md",
        server_lesson("intro", "Intro at B", "Asked in B?"),
    )
    .await;
    let learner = snowflake();

    // In A: an objective ticked and the quiz answered.
    tick_first(&door, learner, a, "intro").await;
    assert!(answer_quiz(&door, learner, a, "intro")
        .await
        .contains("Asked in A?"));
    for table in [
        "checklist_marks",
        "quiz_attempts",
        "review_cards",
        "review_log",
    ] {
        assert_eq!(
            scopes(&pool, table, learner).await,
            vec![a as i64],
            "{table}"
        );
    }

    // In B, the same id is B's lesson: nothing ticked, its own quiz.
    let (title, ticks) = checklist(&door, learner, b, "intro").await;
    assert_eq!(title, "Intro at B");
    assert!(ticks.iter().all(|t| t.ends_with(":1")), "{ticks:?}");
    assert!(answer_quiz(&door, learner, b, "intro")
        .await
        .contains("Asked in B?"));

    // /progress in B: B's lesson with nothing ticked, nothing of A's.
    let (_, call) = command(&door, learner, Some(b), "progress", vec![]).await;
    let shown = embed_text(call.message());
    assert!(shown.contains("Intro at B"), "{shown}");
    assert!(!shown.contains("Intro at A"), "{shown}");
    assert!(shown.contains("0/2"), "{shown}");
    // ... and in A, A's, with its tick.
    let (_, call) = command(&door, learner, Some(a), "progress", vec![]).await;
    let shown = embed_text(call.message());
    assert!(
        shown.contains("Intro at A") && shown.contains("1/2"),
        "{shown}"
    );
    assert!(!shown.contains("Intro at B"), "{shown}");

    // /my-data (asked in B) lists both lessons, each with its server.
    let (_, call) = command(&door, learner, Some(b), "my-data", vec![]).await;
    let shown = embed_text(call.message());
    assert!(
        shown.contains(&format!(
            "**Intro at B** (`intro`, a lesson of server `{b}`)"
        )),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "**`intro`** (a lesson of server `{a}`, not served here)"
        )),
        "{shown}"
    );

    // A new version of A's lesson with the same ids keeps the tick in A.
    publish_in(
        &door,
        a,
        "intro.md",
        server_lesson("intro", "Intro at A, again", "Asked in A?"),
    )
    .await;
    let (title, ticks) = checklist(&door, learner, a, "intro").await;
    assert_eq!(title, "Intro at A, again");
    assert!(
        ticks[0].ends_with(":0") && ticks[1].ends_with(":1"),
        "{ticks:?}"
    );

    // /forget-me deletes it all, in every server.
    let (o, _) = command(&door, learner, Some(b), "forget-me", vec![]).await;
    click_first(&door, &o, "fy:").await;
    for table in [
        "checklist_marks",
        "quiz_attempts",
        "review_cards",
        "review_log",
        "exercise_attempts",
    ] {
        assert!(
            scopes(&pool, table, learner).await.is_empty(),
            "{table} kept rows"
        );
    }
}

#[sqlx::test]
async fn a_quiz_answered_in_a_servers_lesson_comes_back_for_review_and_in_its_reminder(
    pool: PgPool,
) {
    use chrono::{Duration as Days, TimeZone, Utc};
    use tutorbot::clock::ManualWallClock;
    use tutorbot::schedule::{ReminderConfig, Reminders};

    let clock = ManualWallClock::at(Utc.with_ymd_and_hms(2026, 3, 2, 6, 0, 0).unwrap());
    let core = support::core(pool.clone())
        .with_packs(packs())
        .with_clock(clock.clone());
    let door =
        Door::start_limited(core.clone(), pool.clone(), ServeLimits::default(), |_| {}).await;
    let (a, b) = (GUILD, OTHER_GUILD);
    publish_in(
        &door,
        a,
        "intro.md",
        server_lesson("intro", "Intro at A", "Asked in A?"),
    )
    .await;
    publish_in(
        &door,
        b,
        "intro.md",
        server_lesson("intro", "Intro at B", "Asked in B?"),
    )
    .await;
    let learner = snowflake();
    answer_quiz(&door, learner, a, "intro").await;
    clock.advance(Days::days(30));

    // In B, A's card is not B's to review.
    let (_, call) = command(&door, learner, Some(b), "review", vec![]).await;
    let shown = embed_text(call.message());
    assert!(!shown.contains("Asked in A?"), "{shown}");
    assert!(shown.contains("no review cards yet"), "{shown}");
    // In A, and in a DM with the bot, it is A's question.
    let (_, call) = command(&door, learner, Some(a), "review", vec![]).await;
    assert!(embed_text(call.message()).contains("Asked in A?"));
    let (dm, call) = command(&door, learner, None, "review", vec![]).await;
    assert!(embed_text(call.message()).contains("Asked in A?"));
    let answers = support::id_with_prefix(call.message(), "ra:");
    assert!(
        answers.iter().all(|id| id.ends_with(&format!(":{a}"))),
        "{answers:?}"
    );

    // The daily reminder counts it.
    let who = tutorbot::core::Learner {
        id: learner,
        guild: None,
    };
    tutorbot::core::remind::set(
        &core,
        who,
        chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
        Some(chrono_tz::UTC),
    )
    .await
    .unwrap();
    let reminders = Reminders {
        store: core.store.clone(),
        http: Arc::new(door.fake.http("test-token")),
        catalog: core.catalog.clone(),
        clock: clock.clone(),
        config: ReminderConfig {
            pace: Duration::ZERO,
            jitter: Duration::ZERO,
            ..ReminderConfig::default()
        },
        lessons: Some(core.clone()),
    };
    clock.advance(Days::days(1));
    assert_eq!(reminders.round().await.unwrap().sent, 1);
    let dms = door.fake.dms();
    assert_eq!(dms.len(), 1);
    assert!(dms[0].content.contains("1 card to review"), "{dms:?}");

    // Answered from the DM: the card is A's, and it moves on.
    let (_, answered) = click_first(&door, &dm, "ra:").await;
    assert!(embed_text(answered.message()).contains("Asked in A?"));
    let (reps, pending): (i32, Option<i32>) = sqlx::query_as(
        "SELECT reps, answered_at_reps FROM review_cards WHERE learner_id = $1 AND scope = $2",
    )
    .bind(learner as i64)
    .bind(a as i64)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(reps > 1 || pending == Some(1), "reps {reps}, {pending:?}");

    // A's new version drops the question: its card is skipped, never shown
    // from other content, and no reminder announces it.
    publish_in(
        &door,
        a,
        "intro.md",
        server_lesson("intro", "Intro at A", "Asked in A?")
            .replace("id = \"what-it-teaches\"", "id = \"what-it-covers\""),
    )
    .await;
    clock.advance(Days::days(30));
    let (_, call) = command(&door, learner, None, "review", vec![]).await;
    let shown = embed_text(call.message());
    assert!(
        !shown.contains("Asked in A?") && support::id_with_prefix(call.message(), "ra:").is_empty(),
        "{shown}"
    );
    let report = reminders.round().await.unwrap();
    assert_eq!((report.claimed, report.sent), (1, 0), "{report:?}");
    assert_eq!(door.fake.dms().len(), 1);
}

// ── Teachers' data in /my-data and /forget-me (#15) ──

#[sqlx::test]
async fn a_teachers_data_is_shown_and_forgetting_them_keeps_the_servers_lessons(pool: PgPool) {
    let door = door(&pool).await;
    publish_in(
        &door,
        GUILD,
        "course.md",
        lesson_text("course", "Our course"),
    )
    .await;

    let (_, call) = command(&door, TEACHER, Some(GUILD), "my-data", vec![]).await;
    let shown = embed_text(call.message());
    // A teacher who never took a lesson has no first day: no blank date.
    assert!(
        shown.contains("You have not used a lesson yet") && !shown.contains("first seen"),
        "{shown}"
    );
    assert!(
        !shown.contains("\n\n\n"),
        "one blank line between parts: {shown:?}"
    );
    assert!(
        shown.contains(&format!("`course` version 1, server `{GUILD}`: uploaded")),
        "{shown}"
    );
    assert!(
        shown.contains("published") && shown.contains("made the served version"),
        "{shown}"
    );

    let (o, _) = command(&door, TEACHER, Some(GUILD), "forget-me", vec![]).await;
    let (_, done) = click_first(&door, &o, "fy:").await;
    let said = done.message()["content"].as_str().unwrap_or_default();
    assert!(said.contains("a former member"), "{said}");
    let named: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM pack_uploads WHERE uploaded_by = $1 OR published_by = $1)
              + (SELECT count(*) FROM lesson_packs WHERE published_by = $1)",
    )
    .bind(TEACHER as i64)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(named, 0);
    let former: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pack_uploads WHERE uploaded_by = 0 AND published_by = 0",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(former, 1);

    // The server still serves its lesson; its history names a former member.
    let lesson = open_lesson(&door, snowflake(), GUILD, "course").await;
    assert_eq!(lesson.message()["embeds"][0]["title"], "Our course");
    let (_, call) = command(&door, TEACHER, Some(GUILD), "my-data", vec![]).await;
    assert!(embed_text(call.message()).contains("I store nothing about you"));
    let manager = origin(&door.fake, snowflake(), GUILD);
    let history = deliver(
        &door,
        &author(
            &manager,
            "history",
            vec![opt_string("lesson", "course")],
            MANAGE_GUILD,
        ),
    )
    .await;
    let lines = embed_text(history.message());
    assert!(lines.contains("uploaded by a former member"), "{lines}");
}

// ── A cap on stored history (#15) ──

#[sqlx::test]
async fn a_server_keeps_the_newest_versions_of_a_lesson_and_drafts_expire(pool: PgPool) {
    let kept = Packs::new(PackSettings {
        attachment_hosts: vec!["127.0.0.1".into()],
        check_every: Duration::from_secs(3600),
        versions_kept: 2,
        ..PackSettings::default()
    });
    let core = support::core(pool.clone()).with_packs(kept);
    let door = Door::start_limited(core, pool.clone(), ServeLimits::default(), |_| {}).await;
    for n in 1..=4 {
        publish_in(
            &door,
            GUILD,
            "course.md",
            lesson_text("course", &format!("Version {n}")),
        )
        .await;
    }
    let versions = || async {
        sqlx::query_scalar::<_, i32>("SELECT version FROM lesson_pack_versions ORDER BY version")
            .fetch_all(&pool)
            .await
            .unwrap()
    };
    assert_eq!(versions().await, vec![3, 4]);
    let uploads: i64 = sqlx::query_scalar("SELECT count(*) FROM pack_uploads")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(uploads, 2, "uploads left with no version are deleted");

    let o = origin(&door.fake, TEACHER, GUILD);
    let history = deliver(
        &door,
        &author(
            &o,
            "history",
            vec![opt_string("lesson", "course")],
            MANAGE_GUILD,
        ),
    )
    .await;
    let lines = embed_text(history.message());
    assert!(lines.contains("**4**: Version 4") && lines.contains("**3**: Version 3"));
    assert!(!lines.contains("**2**:"), "{lines}");
    assert!(
        lines.contains("keeps the newest 2 published versions"),
        "{lines}"
    );
    let gone = deliver(
        &door,
        &author(
            &o.next(),
            "rollback",
            vec![opt_string("lesson", "course"), opt_integer("version", 1)],
            MANAGE_GUILD,
        ),
    )
    .await;
    assert!(embed_text(gone.message()).contains("no published version 1"));

    // A draft never published: not counted, and deleted once an hour old.
    let (_, edit) = upload_file(
        &door,
        "course.md",
        lesson_text("course", "Draft").into_bytes(),
    )
    .await;
    assert_eq!(button_ids(&edit).len(), 2);
    assert_eq!(versions().await, vec![3, 4, 5]);
    let store = tutorbot::store::Store::from_pool(pool.clone());
    assert_eq!(store.expire_pack_drafts().await.unwrap(), 0);
    sqlx::query(
        "UPDATE pack_uploads SET created_at = now() - interval '2 hours'
         WHERE published_at IS NULL",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(store.expire_pack_drafts().await.unwrap(), 1);
    assert_eq!(versions().await, vec![3, 4]);
    let served: Vec<i32> = sqlx::query_scalar("SELECT version FROM lesson_packs")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(served, vec![4]);
}
