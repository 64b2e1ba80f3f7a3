"""The entry points: ``python -m optimizer solve|replan|check|validate|report|compare|
staffing`` (:mod:`.main`), the options, exit codes and error handling they share (:mod:`.common`).
Nothing below imports from here."""
