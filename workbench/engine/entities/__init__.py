"""Chatlayer's system entities: numbers, ordinals, dates and times, durations, money, measures, addresses.

Each module finds one family in a user's text; `system.system_entities` gathers them under the names Chatlayer
stores them as (`sys.number`, `sys.time`, `sys.amount_of_money`, ...). Nothing here knows about flows or Qt.
"""
