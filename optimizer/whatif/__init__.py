"""What-ifs: staffing plans compared side by side (:mod:`.compare`), the head count a
role needs (:mod:`.staffing`), and the numbers and page they are judged by (:mod:`.metrics`,
:mod:`.table`, :mod:`.chart`, :mod:`.page`, :mod:`.staffing_report`).

In: a base scenario, its overlays, settings and an executor. Out: a comparison folder (CSV, chart,
page) and each plan's own run."""
