"""nbgrader configuration of the course (run nbgrader commands from this folder)."""

c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = "llm-failure-analysis"

# What a learner sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograde. Learner code runs in a bubblewrap sandbox (grader/sandbox.py): no network, no
# answer keys, no gradebook, no other learner's folder, limited memory, processes and time.
# Without bwrap, autograde refuses [sandbox-unavailable]; to run unsandboxed, accepting that
# learner code then runs with your rights and files, pass
# --SandboxedExecute.unsafe_no_sandbox=True (the gradebook records it). Then the grader's
# test cells are scored outside the learner's kernel, from the files the notebook wrote,
# right before nbgrader saves the grades (grader/nbgrader_scores.py).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    # nbgrader's OverwriteCells, then graded cells a learner deleted put back (scored from the
    # files, noted in `grader export`'s run_notes) rather than silently scored 0.
    "grader.restore_cells.RestoreGradedCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "grader.sandboxed_execute.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "grader.nbgrader_scores.CleanProcessScores",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Execute.timeout = 30  # seconds per cell: interrupted, then stopped
c.SandboxedExecute.notebook_timeout = 120  # seconds for the whole notebook
# Also configurable: memory_mb, cpu_seconds, processes, file_mb, output_kb, extra_visible
# (folders of your own data learner code may read), extra_hidden.

# Feedback must never show hidden tests (nbgrader shows them by default), and no page is
# written that holds answer-key text (grader/feedback_guard.py).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "grader.feedback_guard.GuardFeedback",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Feedback pages are opened in a browser, so what a learner wrote or printed must not run
# there: markdown and outputs are sanitised, no script runs, nothing is fetched from another
# host, and MathJax is not loaded from a CDN (grader/feedback_page.py).
c.GenerateFeedback.exporter_class = "grader.feedback_page.SafeFeedbackExporter"
