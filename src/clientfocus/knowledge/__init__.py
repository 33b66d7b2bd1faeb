"""Knowing what to do: playbooks per situation, knowledge articles (internal and the
public help centre), reply templates, and the training that makes sure staff know them
(S6, S16)."""
