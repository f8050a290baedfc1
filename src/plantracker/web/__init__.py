"""The web application: thin views over the tracker's selectors and services (ADR 0030).

Pages are server-rendered with GOV.UK Frontend's markup and work without JavaScript. Every
status, count and direction on a page comes from the domain's ``PeriodResult`` (through the
report model the reports package builds from it); no view or template computes one.
"""
