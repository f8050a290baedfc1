"""Django app: the plan's database models, services (writes), selectors (reads), commands."""
