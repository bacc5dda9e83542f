"""Publishing: feed events and change tracking, the iCalendar wire format, the site, ``serve``."""
