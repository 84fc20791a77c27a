"""A call's own form: the questions a coordinator adds to it, in English and Russian.

Questions belong to a call and come before applications: the applications package reads
them (portal/applications/sections.py builds each call's sections from the built-in ones and
these), never the other way round. `kinds` turns a question into a form field and an answer
into text; `rules` checks an answer against the question's eligibility rule.
"""
