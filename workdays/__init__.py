"""Working days (工作日): the one calendar every day count in duban uses. See workdays/calendar.py."""
