"""A course folder where `nbgrader generate_assignment` has not run yet: no gradebook.db."""

c = get_config()  # noqa: F821 (nbgrader provides get_config)
c.CourseDirectory.course_id = "llm-failure-analysis"
