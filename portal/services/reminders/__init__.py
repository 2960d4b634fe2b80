"""Reminders to customers and the daily digest of overdue steps, sent by the worker.

rules.py holds the pure rules (thresholds, who is responsible for a step); ledger.py sends a
mail exactly once; customers.py and digest.py are the two worker jobs; switches.py the opt-outs
people set; pages.py what the order page shows.
"""
