"""The tests marked ``slow``: ``make check`` (``pytest -m "not slow"``) skips them, ``make test``
(the full suite, what CI runs) runs them. ``conftest.py`` adds the marker at collection, so
that the test modules need no edit; a new test may also carry ``@pytest.mark.slow`` itself.

Measured with ``pytest -n 2 --durations=0`` on the 2-core development machine (2026-12-02,
under load from other work: 277 s wall for the full suite, 63 s when idle): every test
function that took 1.5 s or more under that load (about 0.4 s idle) in any of its
parametrizations: renders and animatics, the report through Chromium, subprocesses killed
mid-write, full disks, fuzzing, whole bundled levels replayed, the refusal bounds. Together
they are about 80 % of the suite's time. ``test_repository.py`` checks that every name here
is still a test function of its module.
"""

SLOW = {
    "test_expect_pytest.py": {"test_lf_reruns_every_failure_and_a_level_path_works"},
    "test_expect_review.py": {"test_artefacts_of_a_failing_golden"},
    "test_choreo_diff.py": {"test_report_since_prints_a_changes_section"},
    "test_expect_edits.py": {
        "test_each_edit_fails_the_right_checks_in_previs_test",
        "test_each_edit_fails_the_right_checks_under_pytest",
        "test_the_issue_s_framing_edit_reads_as_a_framing_change",
    },
    "test_animatic.py": {
        "test_a_busy_worker_sends_heartbeats_between_frames",
        "test_a_hung_worker_stops_the_render_instead_of_hanging_it",
        "test_a_killed_worker_or_an_interrupt_leaves_the_previous_file_and_no_workers",
        "test_a_render_killed_outright_is_cleaned_up_by_the_next_one",
        "test_a_terminated_render_cleans_up_like_an_interrupted_one",
        "test_an_output_path_with_a_newline_is_just_a_name",
        "test_chunks_drawn_by_two_workers_join_into_one_stream_in_order",
        "test_cli_render_is_quiet_when_piped",
        "test_memory_stays_flat_when_the_fight_doubles",
        "test_mp4_bytes_do_not_depend_on_the_number_of_workers",
    },
    "test_app_cli.py": {
        "test_errors_are_one_readable_line_without_traceback",
        "test_walk_headless_runs_n_frames_and_saves_a_screenshot",
    },
    "test_app_reload.py": {
        "test_walk_refuses_a_take_of_another_level_before_opening",
    },
    "test_app_window.py": {
        "test_a_disk_filling_up_while_recording_ends_the_take_not_the_window",
    },
    "test_crash_safety.py": {
        "test_a_replay_killed_at_any_moment_leaves_whole_files",
        "test_a_take_killed_mid_recording_replays_every_tick_written",
        "test_an_animatic_needs_its_size_plus_one_chunk_not_twice",
        "test_an_animatic_onto_a_disk_with_no_room_at_all",
        "test_an_animatic_onto_a_full_disk_keeps_the_previous_file",
        "test_an_output_path_that_is_a_file",
        "test_replay_into_a_full_folder_keeps_the_previous_exports",
        "test_replay_into_a_read_only_folder",
    },
    "test_expect_agreement.py": {
        "test_agreement_on_a_folder_with_a_broken_fight",
        "test_agreement_on_the_bundled_levels",
    },
    "test_expect_bundled.py": {
        "test_all_bundled_expectations_pass_within_the_time_budget",
        "test_the_finale_no_longer_frames_goon_17_when_the_whip_comes_half_a_second_late",
    },
    "test_expect_cli.py": {
        "test_a_bare_pytest_run_does_not_collect_expectation_files",
        "test_pytest_collects_one_item_per_expectation",
        "test_pytest_malformed_file_fails_only_itself",
        "test_pytest_reports_the_same_failure_and_supports_k",
        "test_pytest_update_golden",
        "test_the_repo_suite_does_not_collect_levels",
    },
    "test_fuzz_expect.py": {
        "test_expectation_files_parse_or_are_refused",
    },
    "test_fuzz_level.py": {
        "test_check_cli_on_mutants_exits_1_without_traceback",
        "test_mutants_that_load_replay_plan_and_export",
        "test_mutated_levels_load_or_are_refused",
    },
    "test_fuzz_take.py": {
        "test_damaged_takes_read_or_are_refused",
    },
    "test_level_refusals.py": {
        "test_largest_grid_with_a_problem_is_refused_in_bounds",
        "test_layers_hidden_where_tiled_never_puts_them_are_never_decoded",
        "test_most_objects_with_a_problem_is_refused_in_bounds",
        "test_zlib_bomb_is_cut_off",
    },
    "test_limits.py": {
        "test_actor_frames_of_a_take",
        "test_beats",
        "test_external_file_count",
        "test_points_in_all",
        "test_problem_count",
        "test_wall_prefilter_gives_the_exact_notices",
    },
    "test_plan_bundled.py": {
        "test_finale_flags_its_over_long_take_with_a_suggestion",
    },
    "test_plan_scale.py": {
        "test_three_minutes_one_hundred_performers",
        "test_visibility_matches_a_per_frame_reference_on_a_sample",
    },
    "test_render_gl_errors.py": {
        "test_no_gl_errors_with_error_checking_on",
    },
    "test_replay_cli.py": {
        "test_replays_are_byte_identical_in_process_and_in_a_second_process",
        "test_a_take_outlives_a_note_edit_and_warns_after_a_wall_moved",
    },
    "test_report.py": {
        "test_chromium_decodes_every_image_and_nothing_overflows_a_printed_page",
        "test_cli_report_is_deterministic_across_processes",
        "test_prints_with_a_page_break_between_sections",
        "test_readme_pictures_cli",
        "test_report_bytes_are_identical_on_a_second_run",
        "test_report_is_self_contained",
        "test_report_makes_no_network_request",
        "test_screenshot_shows_the_storyboard_and_the_plot",
        "test_topdown_plan_names_do_not_overlap_in_the_finale",
        "test_topdown_plan_png_is_deterministic_and_pure_matplotlib",
        "test_without_opengl_the_report_still_comes_with_a_warning",
    },
    "test_tiled_roundtrip.py": {
        "test_bundled_levels_survive_a_tiled_resave",
    },
}
