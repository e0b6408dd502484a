"""The event log: every engine event with its time, filterable by kind and text, with the details of one."""
