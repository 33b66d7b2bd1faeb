"""Empowerment (S20): what an employee may grant a customer without asking — refunds,
discounts, goodwill credit, free delivery, fee waivers, replacements — up to limits per
role and tier; above them a grant waits for someone whose limit covers it."""
