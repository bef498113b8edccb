//! The bot's own words: `prompts/ui.toml`, one key a text.
//!
//! Keys starting `cmd_`/`opt_` are slash-command descriptions (Discord allows
//! 100 characters) and keys starting `button_` are button labels (80).

use super::template::texts;

texts! { Texts;
    // Commands, as Discord lists them.
    cmd_lesson: [], opt_lesson: [], cmd_quiz: [], cmd_quiz_stats: [], cmd_progress: [], cmd_help: [], cmd_my_data: [], cmd_forget_me: [],

    // Answers that change nothing.
    unknown_command: [command],
    lesson_missing: [],
    unknown_lesson: [lesson, suggestions],
    unknown_button: [],
    not_your_button: [],
    stale_lesson: [lesson],
    load_failed: [],
    save_failed: [],
    /// A learner over their throttle's limit (`LEARNER_BURST`, `LEARNER_RATE`).
    slow_down: [],
    /// The core did not answer within the door's deadline (Discord waits 3 s).
    took_too_long: [],
    /// The gateway door is at `GATEWAY_MAX_IN_FLIGHT`: try again.
    busy: [],

    // Lessons and checklists.
    lesson_footer: [index, count, lesson],
    /// A section read in pages: its title on each.
    section_title_paged: [title, page, pages],
    jump_placeholder: [],
    jump_option: [number, title],
    jump_here: [],
    button_prev: [],
    button_next_page: [],
    button_exercises: [],
    button_checklist: [],
    button_quiz: [],
    button_back_to_lesson: [],
    button_start_again: [],
    checklist_title: [],
    checklist_intro: [],
    objective_ticked: [number, text],
    objective_open: [number, text],
    /// The checklist's toggles: short, numbered, their state in the mark.
    objective_button_ticked: [number],
    objective_button_open: [number],
    checklist_how: [],
    checklist_progress: [bar, done, total],
    checklist_complete: [lesson],

    // Quizzes.
    quiz_none: [lesson],
    quiz_question_title: [index, count],
    quiz_footer: [answered, count, lesson],
    quiz_right: [],
    quiz_wrong: [why],
    /// A choice, lettered; after an answer, the right one and a wrong pick.
    quiz_choice: [letter, text],
    quiz_choice_right: [letter, text],
    quiz_choice_wrong: [letter, text],
    quiz_explanation: [explanation],
    quiz_already_answered: [],
    button_next: [],
    button_results: [],
    button_retake: [],
    quiz_results_title: [],
    quiz_score: [right, total],
    /// The objectives answered all right, by their checklist numbers.
    quiz_mastered_one: [number],
    quiz_mastered_many: [numbers],
    quiz_objective_review: [number, text, right, total],
    quiz_offer_one: [],
    quiz_offer_many: [count],
    button_tick_one: [],
    button_tick_all: [count],
    tick_some_placeholder: [],
    tick_some_option: [number, text],
    /// When `tick_some_option` is over 100 characters (the text then
    /// follows as the option's description).
    tick_some_option_short: [number],
    quiz_read_again: [],
    button_read_again: [title],
    /// When a section's title makes `button_read_again` longer than 80.
    button_read_again_short: [number],
    quiz_ticked: [text],
    quiz_ticked_all: [count],
    quiz_not_mastered: [],
    quiz_not_yours: [],
    button_own_quiz: [],
    quiz_stale: [lesson],
    quiz_stats_title: [lesson],
    quiz_stats_line: [number, prompt, takers, percent, wrong],
    quiz_stats_wrong: [choice, picks],
    quiz_stats_no_wrong: [],
    quiz_stats_empty: [],
    quiz_stats_guild_only: [],
    quiz_stats_forbidden: [],

    // /progress and /help.
    progress_title: [],
    progress_line: [title, lesson, bar, done, total, last, quiz],
    progress_quiz: [right, total],
    progress_no_quiz: [],
    progress_demos: [count],
    progress_last_change: [date],
    progress_not_started: [],
    button_continue: [lesson],
    button_start_lesson: [lesson],
    button_quiz_of: [lesson],
    help_title: [],
    help_body: [lessons],
    help_lesson_line: [lesson, title, summary],
    /// Shown in `/help` only to members who can use the teachers' commands.
    help_teacher: [],
    button_open_lesson: [title],
    open_lesson_placeholder: [],

    // /my-data and /forget-me.
    my_data_title: [],
    my_data_nothing: [],
    my_data_intro: [id, since],
    my_data_intro_author_only: [id],
    /// A lesson's heading, and one whose lesson is no longer served.
    my_data_lesson: [lesson, title],
    my_data_lesson_gone: [lesson],
    /// A server's lesson's heading, served here; and one not served here
    /// (another server's, or removed).
    my_data_pack_lesson: [lesson, title, server],
    my_data_pack_lesson_elsewhere: [lesson, server],
    /// Server lessons that name the person as uploader or publisher: a
    /// heading, a line a version, and each role with its date.
    my_data_authored_title: [],
    my_data_authored_line: [lesson, version, server, roles],
    my_data_role_uploaded: [date],
    my_data_role_published: [date],
    my_data_role_served: [date],
    /// One line a kind of record in a lesson: its counts and newest date.
    my_data_marks_line: [counts, date],
    my_data_ticked: [count],
    my_data_unticked: [count],
    my_data_attempts_line: [attempts, right, answered, date],
    my_data_attempts_one: [],
    my_data_attempts_many: [count],
    my_data_demos_line: [count, kinds, date],
    my_data_demo_kind: [demo, count],
    my_data_footer: [],
    forget_confirm: [],
    button_forget_yes: [],
    button_forget_no: [],
    forget_done: [],
    forget_cancelled: [],

    // The console door's own chrome.
    console_welcome: [learner],
    console_help_title: [],
    console_help: [commands, lessons],
    console_help_command: [usage, description],
    console_unknown_input: [],
    console_no_buttons: [],
    console_no_such_button: [number, valid],
    console_button_greyed: [number, valid],
    console_invalid_text: [],
    console_waiting: [],
    console_missing_subcommand: [command, subcommands],
    console_unknown_subcommand: [word, command, subcommands],
    console_unknown_option: [command, option],
    console_extra_word: [word, command],
    console_repeated_option: [option],
    console_not_a_number: [option, word],
    console_too_large: [word, option],
    console_usage: [usage],
    console_choices: [],
    console_form: [title, label],
}

texts! { DemoTexts;
    // /demo and its subcommands, as Discord lists them.
    cmd_demo: [], sub_gather: [], sub_blocking: [], sub_errors: [], sub_timeout: [], sub_limit: [],
    sub_taskgroup: [],
    opt_n: [], opt_failures: [], opt_max: [],

    // Answers before a demo runs, and while it runs.
    out_of_range: [name, value, min, max],
    cooldown: [seconds],
    unavailable: [],
    busy: [],
    failed: [],
    progress: [title, phase, done, total],
    starting: [title],

    // Names of the runs.
    phase_sequential: [], phase_concurrent: [], phase_blocking: [], phase_awaiting: [],
    phase_all_or_nothing: [], phase_collected: [], phase_timeout: [], phase_limited: [k],
    phase_gather_first_error: [], phase_task_group: [],
    chart_heading: [name, ms],
    // The result's picture: a heading above each run, and its legend.
    picture_heading: [name, ms],
    picture_ok: [], picture_failed: [], picture_cancelled: [], picture_returned: [],
    field_python: [],
    /// "Show the Rust": the heading and the code.
    rust_shown: [code],
    button_show_rust: [],
    footer: [delay],

    // Each demo: title, explanation, result, and the code side by side.
    gather_title: [n], gather_explain: [n, delay],
    gather_result: [sequential, concurrent, speedup, n],
    gather_python: [], gather_rust: [],
    blocking_title: [n], blocking_explain: [n],
    blocking_result: [blocking, awaiting, slowdown, n],
    blocking_python: [], blocking_rust: [],
    errors_title: [n, failures], errors_explain: [],
    errors_result: [aon, first, lost, ok, failed, collected],
    errors_python: [], errors_rust: [],
    timeout_title: [], timeout_explain: [delay, limit],
    timeout_result: [elapsed, limit], timeout_completed: [elapsed, limit],
    timeout_python: [], timeout_rust: [],
    limit_title: [n, k], limit_explain: [k],
    limit_result: [wall, waves, n, k, expected, delay],
    limit_python: [], limit_rust: [],
    taskgroup_title: [n], taskgroup_explain: [fail, delay],
    taskgroup_result: [gather, ran_on, last, group, cancelled],
    taskgroup_python: [], taskgroup_rust: [],
}

texts! { ReviewTexts;
    // /review and /remind, as Discord lists them.
    cmd_review: [], cmd_remind: [], sub_remind_on: [], sub_remind_off: [], opt_at: [], opt_timezone: [],

    // A review.
    review_title: [lesson],
    review_footer: [due],
    review_right: [],
    button_hard: [], button_good: [], button_easy: [],
    review_next_due: [when],
    review_counted: [],
    button_next_card: [],
    review_nothing_title: [],
    review_nothing: [when, cards],
    review_none_yet: [],
    review_stale: [],

    // Time in words.
    when_now: [], when_minute: [], when_minutes: [n], when_hour: [], when_hours: [n],
    when_day: [], when_days: [n],
    cards_one: [], cards_many: [n], days_one: [], days_many: [n],

    // /progress.
    progress_streak: [current, longest],
    progress_reviews: [count],

    // /remind.
    remind_on: [at, timezone],
    remind_off: [],
    remind_bad_time: [at],
    remind_bad_timezone: [timezone],
    /// Told the next time a learner uses the bot after a reminder found
    /// their direct messages closed (Discord's error 50007).
    remind_dms_closed: [],
    /// The reminder itself, sent as a direct message.
    remind_message: [cards],
    my_data_reminder: [at, timezone],
    my_data_no_reminder: [],
    my_data_cards: [count, ratings],
}

texts! { LabTexts;
    // /run, as Discord lists it.
    cmd_run: [],
    cmd_exercise: [],

    // The /run form (Discord's modal) and its button.
    run_form_title: [],
    run_form_code: [],
    run_form_code_hint: [],
    run_form_stdin: [],
    button_run_again: [],

    // Refusals before a run.
    run_off: [reason],
    run_off_here: [],
    run_starting: [],
    run_already: [],
    run_full: [queued],
    run_empty: [],
    run_too_long: [chars, max],
    run_stdin_too_long: [chars, max],

    // While it runs.
    run_queued: [place],
    run_running: [],

    // The verdict.
    run_title: [],
    run_stdout: [],
    run_stderr: [],
    run_no_output: [],
    run_cut: [],
    run_more_lines: [count],
    run_more_attached: [count, file],
    run_ending_ok: [ending],
    run_ending_bad: [ending],
    run_times: [wall, cpu],
    run_timeline: [count],
    run_failed: [],

    // /exercise: the list.
    opt_exercise: [],
    exercises_title: [lesson],
    exercises_intro: [],
    exercise_line: [number, title, objective, status],
    exercises_none: [lesson],
    exercise_status_new: [],
    exercise_status_tried: [tries],
    exercise_status_passed: [tries],
    button_exercise: [number, title],

    // /exercise: one exercise, and its form.
    exercise_title: [number, title],
    exercise_proves: [objective, status],
    exercise_starter: [],
    exercise_starter_in_form: [],
    exercise_write_discord: [],
    exercise_write_console: [],
    exercise_predict: [question],
    exercise_predict_console: [question],
    button_exercise_write: [],
    exercise_form_title: [title],
    exercise_form_code: [],
    exercise_unknown: [lesson, exercise, exercises],

    // /exercise: the verdict.
    exercise_passed_title: [title],
    exercise_failed_title: [title],
    exercise_passed_body: [objective],
    exercise_check_failed: [why],
    exercise_did_not_finish: [ending],
    exercise_prediction: [guess, wall, closest],
    exercise_hint: [number, text],
    exercise_tries: [tries, passes],
    exercise_not_saved: [],
    button_exercise_again: [],
    button_exercise_tick: [objective],
    exercise_ticked: [objective],
    exercise_not_passed: [],

    // /progress and /my-data.
    progress_exercises: [passed, total],
    my_data_exercise_lesson: [exercises, date],
    my_data_exercise_item: [exercise, tries, passes],
}

texts! { AuthorTexts;
    // /author, as Discord lists it.
    cmd_author: [],
    sub_upload: [], opt_file: [],
    sub_list: [],
    sub_history: [],
    sub_rollback: [], opt_version: [],
    sub_remove: [],
    sub_export: [],
    sub_role: [], opt_role: [],

    // Refusals, before anything is fetched or stored.
    author_off: [],
    author_guild_only: [],
    author_forbidden: [],
    author_role_forbidden: [],
    author_host: [host],
    author_too_big: [size, max],
    author_fetch_failed: [],
    author_failed: [],

    // An upload with mistakes.
    author_problems: [count, file],
    author_more_problems: [count],

    // The preview.
    author_preview: [count],
    author_preview_lessons_title: [],
    author_preview_lesson: [id, version, title, sections, questions],
    button_publish: [],
    button_cancel: [],

    // Publish and Cancel.
    author_published: [lessons],
    author_already_published: [lessons],
    author_gone: [],
    author_too_many: [would_be, max],
    author_too_large: [would_be, max],
    author_cancelled: [],

    // /author list, history, rollback, remove, export, role.
    author_list_title: [],
    author_list_empty: [],
    author_list_line: [id, version, title, when],
    author_history_title: [lesson],
    author_history_line: [version, title, by, when, state],
    /// Under the versions: how many are kept.
    author_history_kept: [kept],
    /// Who uploaded a version, once they used `/forget-me`.
    author_former_member: [],
    author_state_current: [],
    author_state_published: [],
    author_state_draft: [],
    author_unknown_lesson: [lesson],
    author_no_version: [lesson, version],
    author_rolled_back: [lesson, version],
    author_removed: [lesson],
    author_exported: [lesson, version],
    author_role_set: [role],
}
