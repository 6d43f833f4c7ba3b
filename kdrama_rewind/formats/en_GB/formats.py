"""British English as Django has it, on the 24-hour clock: the newsroom
reads “13:04”, never “1:04 p.m.”, in lists, read-only fields and History."""

TIME_FORMAT = "H:i"  # '14:30'
DATETIME_FORMAT = "j M Y, H:i"  # '25 Oct 2006, 14:30'
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # '25/10/2006 14:30'
